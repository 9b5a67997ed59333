/**
 * The C2PA manifest definition of one export: claim generator Heirloom/<version>, the original photo as the
 * `parentOf` ingredient, `c2pa.opened` linked to it, then one action per operation of the recipe. Model edits are
 * `c2pa.edited` with digitalSourceType compositeWithTrainedAlgorithmicMedia (IPTC) and the model's name, sha256 and
 * strength in the description; crop and resize use C2PA's own `c2pa.cropped` / `c2pa.resized`.
 */
import { APP_NAME, APP_VERSION } from '../../../shared/version'
import { operationText, type Provenance, type ProvenanceOp } from '../image/provenance'

export const DIGITAL_SOURCE_COMPOSITE_TRAINED =
  'http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia'
export const DIGITAL_SOURCE_TRAINED = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia'
/** The label that links `c2pa.opened` to the original's ingredient. */
export const ORIGINAL_INGREDIENT_LABEL = 'heirloom.original'

/** What is known about a model at export time (its file's sha256 pins exactly which weights ran). */
export interface ModelFacts {
  name?: string
  sha256?: string
  license?: string
}

export type ModelLookup = (id: string) => ModelFacts | undefined

export interface ManifestInput {
  provenance: Provenance
  /** Output file name (the manifest's title). */
  title: string
  mime: string
  /** True when the original photo is attached as the parentOf ingredient. */
  hasOriginal: boolean
  models?: ModelLookup
}

const SOFTWARE_AGENT = { name: APP_NAME, version: APP_VERSION }

/**
 * Geometric operations C2PA names itself; a model used for them (a face detector choosing the crop) makes no
 * pixels, so they carry no AI source type.
 */
const STANDARD_ACTIONS: Record<string, string> = { crop: 'c2pa.cropped', resize: 'c2pa.resized' }

/** True for operations whose pixels a trained model made (restore, age, upscale, generate...). */
export function isModelEdit(op: ProvenanceOp): boolean {
  return !!op.model && !STANDARD_ACTIONS[op.op]
}

function strengthOf(op: ProvenanceOp): unknown {
  return op.params?.strength
}

function describe(op: ProvenanceOp, facts: ModelFacts | undefined): string {
  if (!op.model) return operationText(op)
  const parts = [`${op.op} with ${facts?.name ?? op.model} (${op.model})`]
  if (facts?.sha256) parts.push(`sha256 ${facts.sha256}`)
  const strength = strengthOf(op)
  if (strength !== undefined) parts.push(`strength ${JSON.stringify(strength)}`)
  const rest = Object.entries(op.params ?? {}).filter(([k]) => k !== 'strength')
  if (rest.length > 0) parts.push(rest.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', '))
  return parts.join('; ')
}

export interface C2paAction {
  action: string
  softwareAgent?: { name: string; version: string }
  digitalSourceType?: string
  description?: string
  parameters?: Record<string, unknown>
}

/** The actions, in order: how the photo came in, then one per operation. */
export function actionsFor(input: Pick<ManifestInput, 'provenance' | 'hasOriginal' | 'models'>): C2paAction[] {
  const actions: C2paAction[] = []
  actions.push(
    input.hasOriginal
      ? {
          action: 'c2pa.opened',
          softwareAgent: SOFTWARE_AGENT,
          parameters: { ingredientIds: [ORIGINAL_INGREDIENT_LABEL] }
        }
      : // No original to point at (e.g. a generated face): the picture was created here.
        {
          action: 'c2pa.created',
          softwareAgent: SOFTWARE_AGENT,
          digitalSourceType: input.provenance.operations.some(isModelEdit)
            ? DIGITAL_SOURCE_TRAINED
            : 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCreation'
        }
  )
  for (const op of input.provenance.operations) {
    const facts = op.model ? input.models?.(op.model) : undefined
    // c2pa-rs stores small-integer arrays as CBOR byte strings (faces [0, 2] would read back as "AAI="), so
    // arrays and objects go in as their JSON text.
    const params = Object.fromEntries(
      Object.entries(op.params ?? {}).map(([k, v]) => [k, v !== null && typeof v === 'object' ? JSON.stringify(v) : v])
    )
    const heirloom: Record<string, unknown> = { operation: op.op, ...params }
    if (op.model) {
      heirloom.model = op.model
      if (facts?.name) heirloom.modelName = facts.name
      if (facts?.sha256) heirloom.modelSha256 = facts.sha256
      if (facts?.license) heirloom.modelLicense = facts.license
    }
    actions.push({
      action: STANDARD_ACTIONS[op.op] ?? 'c2pa.edited',
      softwareAgent: SOFTWARE_AGENT,
      ...(isModelEdit(op) ? { digitalSourceType: DIGITAL_SOURCE_COMPOSITE_TRAINED } : {}),
      description: describe(op, facts),
      parameters: { 'com.heirloom.recipe': heirloom }
    })
  }
  return actions
}

/** The ManifestDefinition JSON for WasmBuilder.fromJson. */
export function manifestDefinition(input: ManifestInput): Record<string, unknown> {
  return {
    claim_generator_info: [SOFTWARE_AGENT],
    title: input.title,
    format: input.mime,
    assertions: [{ label: 'c2pa.actions.v2', data: { actions: actionsFor(input) } }]
  }
}
