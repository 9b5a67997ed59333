import type { Engine, LoadedModel } from '../engine'
import { HeirloomError } from '../errors'
import type { ProvenanceOp } from '../image/provenance'
import { estimateAge, type AgeEstimate } from '../stages/age-estimate/fairface'
import { IdentityMeter, type KeepIdentityResult } from '../stages/identity/measure'
import type { EditLayer, EditSession } from './edit-session'
import type { FaceOperation } from './face-operation'
import { withFaceRegions } from '../stages/parsing/region-operation'

/** Helper models (they measure or mask a face, never change it); each is optional. */
export interface HelperModels {
  /** SFace: identity similarity per edited face, and Keep identity. */
  identity?: LoadedModel
  /** FairFace: an age bucket per face. */
  ageEstimator?: LoadedModel
  /** BiSeNet: face-region paste-back. */
  parser?: LoadedModel
}

/** Paste-back: the soft box alone, or the box limited to the face's skin and features. */
export type PasteRegions = 'box' | 'regions'
export const PASTE_REGIONS: readonly PasteRegions[] = ['box', 'regions']

export interface HelperChoice {
  /** 'regions' needs a face parser; undefined = regions when one is installed. */
  paste?: PasteRegions
  /** Keep identity needs SFace. */
  minIdentity?: number
}

export const HELPER_IDS = { identity: 'sface-2021dec', ageEstimator: 'fairface' } as const
/** The face parser `paste: 'regions'` installs when none is (the manifest's default parser). */
export const DEFAULT_PARSER_ID = 'bisenet-resnet-34'

/** The installed face parser (the manifest's default first), if any. */
export function installedParser(engine: Engine): string | undefined {
  const parsers = engine.store.manifest.models.filter((m) => m.kind === 'face-parser')
  const ordered = [...parsers.filter((m) => m.default), ...parsers.filter((m) => !m.default)]
  return ordered.find((m) => engine.store.isInstalled(m.id))?.id
}

/**
 * Opens the helpers that are installed (they are never downloaded behind the user's back), and the ones the choice
 * requires: Keep identity without SFace, or `paste: 'regions'` without a parser, is MODEL_MISSING.
 */
export async function openHelpers(engine: Engine, choice: HelperChoice = {}): Promise<HelperModels> {
  const out: HelperModels = {}
  if (choice.minIdentity !== undefined) await engine.ensureModels([HELPER_IDS.identity])
  if (engine.store.isInstalled(HELPER_IDS.identity)) out.identity = await engine.openModel({ id: HELPER_IDS.identity })
  if (engine.store.isInstalled(HELPER_IDS.ageEstimator))
    out.ageEstimator = await engine.openModel({ id: HELPER_IDS.ageEstimator })
  if (choice.paste !== 'box') {
    const id = installedParser(engine)
    if (id) out.parser = await engine.openModel({ id })
    else if (choice.paste === 'regions') {
      const def = engine.store.manifest.models.find((m) => m.kind === 'face-parser' && m.default)
      if (!def) throw new HeirloomError('MODEL_MISSING', 'The model manifest lists no face parser.')
      await engine.ensureModels([def.id])
      out.parser = await engine.openModel({ id: def.id })
    }
  }
  return out
}

/** `operation` with face-region paste-back when a parser is open and the paste is not 'box'. */
export function withPaste(
  operation: FaceOperation,
  helpers: HelperModels | undefined,
  paste?: PasteRegions
): FaceOperation {
  const parser = paste === 'box' ? undefined : helpers?.parser
  return parser ? withFaceRegions(operation, parser) : operation
}

/** Per face: what the helpers found. */
export interface FaceHelperReport {
  identity?: { similarity: number; samePerson: boolean; keep?: KeepIdentityResult }
  age?: Pick<AgeEstimate, 'bucket' | 'low' | 'high' | 'years'>
}

export interface HelperOutcome {
  byFace: Map<number, FaceHelperReport>
  notes: string[]
  /** For the provenance note. */
  operations: ProvenanceOp[]
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000

/**
 * After an edit: the age bucket of each edited face (from the original), its identity similarity original vs result,
 * and with `minIdentity` the Keep-identity re-blend of `keepLayers` (one history step per face changed).
 */
export async function measureEditedFaces(
  helpers: HelperModels,
  session: EditSession,
  layers: readonly EditLayer[],
  opts: { minIdentity?: number; keepLayers?: readonly EditLayer[]; signal?: AbortSignal } = {}
): Promise<HelperOutcome> {
  const byFace = new Map<number, FaceHelperReport>()
  const notes: string[] = []
  const operations: ProvenanceOp[] = []
  const faces = [...new Set(layers.map((l) => l.faceIndex))].sort((a, b) => a - b)
  if (helpers.ageEstimator) {
    for (const i of faces) {
      const a = await estimateAge(helpers.ageEstimator, session.photo.image, session.faces[i], opts.signal)
      byFace.set(i, { ...byFace.get(i), age: a })
    }
  }
  if (helpers.identity) {
    const meter = new IdentityMeter(helpers.identity, session)
    const keeps = new Map<number, KeepIdentityResult>()
    if (opts.minIdentity !== undefined) {
      for (const l of opts.keepLayers ?? layers) {
        const current = session.layers.find((x) => x.id === l.id)
        if (!current) continue
        const k = await meter.keep(current, opts.minIdentity, opts.signal)
        keeps.set(l.faceIndex, k)
        if (k.toStrength !== k.fromStrength) session.setStrength(l.id, k.toStrength)
        const pct = (s: number): string => `${Math.round(s * 100)}%`
        notes.push(
          k.fromStrength === k.toStrength
            ? `face ${l.faceIndex}: identity ${k.before.toFixed(2)} already meets ${k.min}; strength kept at ${pct(k.fromStrength)}`
            : k.reached
              ? `face ${l.faceIndex}: identity ${k.before.toFixed(2)} was under ${k.min}; strength lowered ${pct(k.fromStrength)} -> ${pct(k.toStrength)} (identity ${k.after.toFixed(2)})`
              : `face ${l.faceIndex}: identity could not reach ${k.min} (${k.after.toFixed(2)} even at ${pct(k.toStrength)} strength, ${k.before.toFixed(2)} at ${pct(k.fromStrength)}); left at ${pct(k.toStrength)}`
        )
      }
    }
    for (const i of faces) {
      const m = await meter.measure(i, { signal: opts.signal })
      const keep = keeps.get(i)
      byFace.set(i, {
        ...byFace.get(i),
        identity: { similarity: round3(m.similarity), samePerson: m.samePerson, ...(keep ? { keep } : {}) }
      })
    }
    if (faces.length > 0) {
      operations.push({
        op: 'identity-check',
        model: helpers.identity.entry.id,
        params: {
          faces,
          similarity: faces.map((i) => byFace.get(i)!.identity!.similarity),
          threshold: 0.363,
          ...(opts.minIdentity !== undefined
            ? { minIdentity: opts.minIdentity, reached: faces.map((i) => keeps.get(i)?.reached ?? true) }
            : {})
        }
      })
    }
  }
  return { byFace, notes, operations }
}
