import type { ModelInfo } from '../../../shared/ipc/types'

/** The kinds a new user needs first, in the order they are fetched: faces are found before they are restored. */
export const RECOMMENDED_KINDS = ['detector', 'restorer', 'upscaler'] as const

/** The manifest's default model of each recommended kind (custom models never count). */
export function recommendedModels(models: readonly ModelInfo[]): ModelInfo[] {
  return RECOMMENDED_KINDS.map((kind) => models.find((m) => m.kind === kind && m.isDefault && !m.custom)).filter(
    (m): m is ModelInfo => m !== undefined
  )
}

/** True while no face detector at all is installed: opening a photo cannot find faces. */
export function needsFirstRun(models: readonly ModelInfo[]): boolean {
  return models.length > 0 && !models.some((m) => m.kind === 'detector' && m.state === 'installed')
}

/** Bytes of the models whose size the manifest lists, and how many it does not. */
export function totalSize(models: readonly ModelInfo[]): { bytes: number; unknown: number } {
  return models.reduce((t, m) => (m.size ? { ...t, bytes: t.bytes + m.size } : { ...t, unknown: t.unknown + 1 }), {
    bytes: 0,
    unknown: 0
  })
}
