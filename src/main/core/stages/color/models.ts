import type { ColorizerFamily } from './colorize'

/** The colourisers a user can name (CLI spelling), their manifest ids and contract families (FaceFusion's types). */
export const COLORIZER_MODELS = {
  ddcolor: { id: 'ddcolor', family: 'ddcolor' },
  'ddcolor-artistic': { id: 'ddcolor-artistic', family: 'ddcolor' },
  deoldify: { id: 'deoldify', family: 'deoldify' },
  'deoldify-artistic': { id: 'deoldify-artistic', family: 'deoldify' },
  'deoldify-stable': { id: 'deoldify-stable', family: 'deoldify' }
} as const satisfies Record<string, { id: string; family: ColorizerFamily }>

export type ColorizerChoice = keyof typeof COLORIZER_MODELS

export function colorizerModelId(choice: ColorizerChoice): string {
  return COLORIZER_MODELS[choice].id
}
