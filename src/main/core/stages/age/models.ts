import { existsSync } from 'node:fs'
import { basename, dirname, isAbsolute, join } from 'node:path'
import type { ManifestEntry, ModelFamily, ModelKind } from '../../../../shared/model-manifest'
import type { Engine, LoadedModel } from '../../engine'
import { HeirloomError } from '../../errors'
import { ageOptionsOf, calibrationOf, type AgeModelOptions } from './age-options'
import { DEFAULT_LATENT_CALIBRATION, DEFAULT_STYLEGANEX_CALIBRATION, type AgeCalibration } from './calibration'
import {
  checkGraphShape,
  contractOf,
  ENCODER_SHAPE,
  GENERATOR_SHAPE,
  SAM_ENCODER_SHAPE,
  STYLEGANEX_SHAPE,
  type GraphShape
} from './contracts'
import { loadDirectionFile } from './direction'
import type { LayerRange } from './latent'
import { parseLayerRange } from './layer-range'
import type { AgeModels, NamedSession } from './types'

/** A model given by manifest id or by a file the user picked. */
export type ModelSlot = { id: string } | { file: string }

/** What the user chose (CLI flags / UI); everything optional, the manifest fills the rest. */
export interface AgeModelChoice {
  /** Manifest id of a StyleGANEX age model or of an encoder (e4e/pSp: latent route; sam: SAM route). */
  model?: string
  encoder?: ModelSlot
  generator?: ModelSlot
  direction?: ModelSlot
  /** Average latent .npy, added to encoders that output offsets (and in SAM's composition). */
  averageLatent?: ModelSlot
  /** SAM: the pretrained pSp encoder whose codes SAM adds. */
  pretrainedEncoder?: ModelSlot
  encoderOutputs?: 'offsets' | 'absolute'
  /** A single-graph age model file, with its kind. */
  ageModelFile?: string
  ageModelKind?: 'styleganex' | 'sam'
  /** Overrides of the manifest calibration. */
  directionSign?: 1 | -1
  latentPerYear?: number
  layers?: LayerRange
}

const GENERATOR_KIND: ModelKind = 'age-generator'

function slotLabel(slot: ModelSlot): string {
  return 'id' in slot ? slot.id : basename(slot.file)
}

export async function openSlot(
  engine: Engine,
  slot: ModelSlot,
  kind: ModelKind,
  family: ModelFamily,
  shape: GraphShape
): Promise<{ named: NamedSession; entry: ManifestEntry; path: string }> {
  const loaded: LoadedModel = await engine.openModel(
    'id' in slot ? { id: slot.id } : { file: slot.file, kind, family, contract: contractOf(shape) }
  )
  if (loaded.entry.kind !== kind) {
    throw new HeirloomError('INVALID_REQUEST', `Model "${slotLabel(slot)}" is a ${loaded.entry.kind}, not an ${kind}.`)
  }
  const label = slotLabel(slot)
  checkGraphShape(loaded.session, shape, label)
  return { named: { session: loaded.session, label }, entry: loaded.entry, path: loaded.path }
}

/** Path of an .npy given by id (installed or downloaded by the engine) or file; a bare name is looked up beside `near`. */
export async function npyPath(engine: Engine, slot: ModelSlot, near?: string): Promise<string> {
  if ('id' in slot) return engine.modelPath(slot.id)
  if (!isAbsolute(slot.file) && near && !existsSync(slot.file) && existsSync(join(dirname(near), slot.file))) {
    return join(dirname(near), slot.file)
  }
  if (!existsSync(slot.file)) throw new HeirloomError('MODEL_MISSING', `Array file not found: ${slot.file}`)
  return slot.file
}

/** An id from manifest options, or a file name beside the model that names it. */
export function optionSlot(engine: Engine, value: string | undefined): ModelSlot | undefined {
  if (value === undefined) return undefined
  return engine.store.manifest.models.some((m) => m.id === value) ? { id: value } : { file: value }
}

function isInstalled(engine: Engine, id: string): boolean {
  try {
    return engine.store.isInstalled(id)
  } catch {
    return false
  }
}

/** Ids some manifest model lists as its companions (e.g. SAM's own fp16 decoder). */
function companionIds(engine: Engine): Set<string> {
  const ids = new Set<string>()
  for (const m of engine.store.manifest.models) for (const c of ageOptionsOf(m).companions ?? []) ids.add(c)
  return ids
}

/** The manifest's stand-alone model of a kind: default first, installed first, companions of other models last. */
export function pickEntry(
  engine: Engine,
  kind: ModelKind,
  accept: (m: ManifestEntry) => boolean = () => true
): ManifestEntry | undefined {
  const companions = companionIds(engine)
  // list() includes the user's imported models, not only the manifest's.
  const all = engine.store
    .list()
    .filter((s) => s.kind === kind)
    .map((s) => engine.store.entry(s.id))
    .filter(accept)
  const rank = (m: ManifestEntry): number =>
    (m.default ? 0 : 4) + (isInstalled(engine, m.id) ? 0 : 2) + (companions.has(m.id) ? 1 : 0)
  return [...all].sort((a, b) => rank(a) - rank(b))[0]
}

type AgePart = 'generator' | 'direction' | 'average-latent'

function requireSlot(slot: ModelSlot | undefined, what: string, part: AgePart): ModelSlot {
  if (!slot)
    throw new HeirloomError('MODEL_MISSING', `No ${what} is available: add one to the manifest or give its file.`, {
      reason: 'age-part-missing',
      fields: { part, what }
    })
  return slot
}

function calibrationWith(base: AgeCalibration, choice: AgeModelChoice): AgeCalibration {
  return {
    ...base,
    ...(choice.directionSign === undefined ? {} : { directionSign: choice.directionSign }),
    // A per-year step the user gives is theirs to vouch for.
    ...(choice.latentPerYear === undefined ? {} : { latentPerYear: choice.latentPerYear, calibrated: true })
  }
}

function checkLatentPerYear(v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
    throw new HeirloomError('INVALID_REQUEST', `The latent step per year must be a positive number (got ${v}).`, {
      reason: 'option-invalid',
      fields: { option: 'latentPerYear', value: String(v) }
    })
  }
}

export type Route = 'latent' | 'sam' | 'styleganex'

/** Which route the choice asks for, and the encoder / single model slot it starts from. */
export function resolveRoute(engine: Engine, choice: AgeModelChoice): { route: Route; slot: ModelSlot } {
  if (choice.ageModelFile) {
    if (!choice.ageModelKind) {
      throw new HeirloomError('INVALID_REQUEST', 'Say what the age model file is: styleganex or sam.', {
        reason: 'age-model-kind-needed'
      })
    }
    return { route: choice.ageModelKind, slot: { file: choice.ageModelFile } }
  }
  if (choice.model) {
    const e = engine.store.entry(choice.model)
    if (e.kind === 'age-model' && e.family === 'styleganex') return { route: 'styleganex', slot: { id: e.id } }
    if (e.kind === 'age-encoder') return { route: e.family === 'sam' ? 'sam' : 'latent', slot: { id: e.id } }
    throw new HeirloomError(
      'INVALID_REQUEST',
      `"${choice.model}" is a ${e.kind} (${e.family}), not an age model or an age encoder.`,
      { reason: 'not-an-age-model', modelId: e.id, fields: { model: e.id, kind: e.kind, family: e.family } }
    )
  }
  if (choice.encoder) {
    const sam = 'id' in choice.encoder && engine.store.entry(choice.encoder.id).family === 'sam'
    return { route: sam ? 'sam' : 'latent', slot: choice.encoder }
  }
  // Nothing chosen: an installed route first (latent e4e, then StyleGANEX, then SAM), else the latent route.
  const latent = pickEntry(engine, 'age-encoder', (m) => m.family === 'e4e' || m.family === 'psp')
  const sx = pickEntry(engine, 'age-model', (m) => m.family === 'styleganex')
  const sam = pickEntry(engine, 'age-encoder', (m) => m.family === 'sam')
  const installed = [
    latent && { route: 'latent' as const, id: latent.id },
    sx && { route: 'styleganex' as const, id: sx.id },
    sam && { route: 'sam' as const, id: sam.id }
  ].filter((c): c is { route: Route; id: string } => Boolean(c))
  const pick = installed.find((c) => isInstalled(engine, c.id)) ?? installed[0]
  if (!pick)
    throw new HeirloomError('MODEL_MISSING', 'No age model is listed in the manifest.', { reason: 'no-age-model' })
  return { route: pick.route, slot: { id: pick.id } }
}

/**
 * The calibration the route of `choice` will use, read from the manifest and the flags without opening (or
 * downloading) any model; undefined for SAM, whose input is a real age. Lets a caller refuse years before a large
 * download. Picks the StyleGANEX entry and the direction the way openAgeModels does.
 */
export function plannedCalibration(engine: Engine, choice: AgeModelChoice = {}): AgeCalibration | undefined {
  checkLatentPerYear(choice.latentPerYear)
  const { route, slot } = resolveRoute(engine, choice)
  if (route === 'sam') return undefined
  const optionsOf = (s: ModelSlot | undefined): AgeModelOptions =>
    s && 'id' in s ? ageOptionsOf(engine.store.entry(s.id)) : {}
  if (route === 'styleganex') {
    return calibrationWith(calibrationOf(optionsOf(slot), DEFAULT_STYLEGANEX_CALIBRATION), choice)
  }
  const dirSlot =
    choice.direction ??
    optionSlot(engine, optionsOf(slot).direction) ??
    idSlot(pickEntry(engine, 'age-direction', (m) => ageOptionsOf(m).role !== 'latent-avg'))
  return calibrationWith(calibrationOf(optionsOf(dirSlot), DEFAULT_LATENT_CALIBRATION), choice)
}

/**
 * Opens the models of one aging route through the engine (cached sessions, contract checks, downloads when the
 * engine allows) and checks their shapes by position. Wrong shapes are MODEL_CONTRACT; absent files MODEL_MISSING.
 */
export async function openAgeModels(engine: Engine, choice: AgeModelChoice = {}): Promise<AgeModels> {
  checkLatentPerYear(choice.latentPerYear)
  const { route, slot } = resolveRoute(engine, choice)
  // The whole route's models at once: one message naming every missing one, not one per run.
  await engine.ensureModels(routeModelIds(engine, route, slot, choice))

  if (route === 'styleganex') {
    const m = await openSlot(engine, slot, 'age-model', 'styleganex', STYLEGANEX_SHAPE)
    const calibration = calibrationWith(calibrationOf(ageOptionsOf(m.entry), DEFAULT_STYLEGANEX_CALIBRATION), choice)
    return { route: 'styleganex', model: m.named, calibration }
  }

  const encFamily: ModelFamily = route === 'sam' ? 'sam' : 'e4e'
  const enc = await openSlot(
    engine,
    slot,
    'age-encoder',
    encFamily,
    route === 'sam' ? SAM_ENCODER_SHAPE : ENCODER_SHAPE
  )
  const encOptions: AgeModelOptions = ageOptionsOf(enc.entry)
  const companions = (encOptions.companions ?? []).flatMap((id) => {
    try {
      return [engine.store.entry(id)]
    } catch {
      return []
    }
  })
  const companion = (test: (m: ManifestEntry) => boolean): ManifestEntry | undefined => companions.find(test)

  const genSlot = requireSlot(
    choice.generator ??
      optionSlot(engine, encOptions.generator) ??
      (route === 'sam' ? idSlot(companion((m) => m.kind === GENERATOR_KIND)) : undefined) ??
      idSlot(pickEntry(engine, GENERATOR_KIND)),
    'StyleGAN2 generator',
    'generator'
  )
  const gen = await openSlot(engine, genSlot, GENERATOR_KIND, 'stylegan2', GENERATOR_SHAPE)

  if (route === 'sam') {
    // codes = encoder(x4) + pretrained pSp encoder(x3) + latent_avg, always (axinc-ai/ailia-models
    // generative_adversarial_networks/sam/sam.py; SAM's own models/psp.py adds both). Without either part the
    // decoder renders a different face, so a run without them is refused, naming every missing part at once.
    const pspEntry = companion((m) => m.kind === 'age-encoder' && m.family !== 'sam')
    const avgEntry = companion((m) => ageOptionsOf(m).role === 'latent-avg')
    // Chosen by manifest id, SAM comes as a set (fetched together when the engine may download); a SAM file the
    // user picked uses the installed companions or the files given with it, and never starts a download.
    const companionSlot = 'id' in slot ? idSlot : (e: ManifestEntry | undefined) => installedSlot(engine, e)
    const pspSlot = choice.pretrainedEncoder ?? companionSlot(pspEntry)
    const avgSlot = choice.averageLatent ?? companionSlot(avgEntry)
    const missing: { what: string; flag: string; id?: string; reason?: string }[] = []
    const need = async <T>(
      sl: ModelSlot | undefined,
      part: { what: string; flag: string; entry?: ManifestEntry },
      open: (s: ModelSlot) => Promise<T>
    ): Promise<T | undefined> => {
      const miss = { what: part.what, flag: part.flag, ...(part.entry ? { id: part.entry.id } : {}) }
      if (!sl) {
        missing.push(miss)
        return undefined
      }
      try {
        return await open(sl)
      } catch (err) {
        const absent = err instanceof HeirloomError && (err.code === 'MODEL_MISSING' || err.code === 'DOWNLOAD_FAILED')
        if (!absent) throw err
        missing.push({ ...miss, ...('id' in sl ? { id: sl.id } : {}), reason: err.message })
        return undefined
      }
    }
    const pretrained = await need(
      pspSlot,
      {
        what: 'the pretrained pSp encoder',
        flag: '--pretrained-encoder-file',
        ...(pspEntry ? { entry: pspEntry } : {})
      },
      async (sl) => (await openSlot(engine, sl, 'age-encoder', 'psp', ENCODER_SHAPE)).named
    )
    const averageLatent = await need(
      avgSlot,
      { what: 'the average latent', flag: '--average-latent-file', ...(avgEntry ? { entry: avgEntry } : {}) },
      async (sl) => loadDirectionFile(await npyPath(engine, sl, enc.path), slotLabel(sl))
    )
    if (missing.length > 0 || !pretrained || !averageLatent) {
      const ids = missing.flatMap((m) => (m.id ? [m.id] : []))
      const names = missing.map((m) => `${m.what}${m.id ? ` (${m.id})` : ''}`)
      const download = missing.find((m) => m.reason && /download/i.test(m.reason))?.reason
      // Worded for no front end; the CLI adds its flags and the fetch command from the fields.
      throw new HeirloomError(
        'MODEL_MISSING',
        `SAM needs its encoder, the pretrained pSp encoder and the average latent together ` +
          `(codes = encoder + pSp + latent_avg); missing: ${names.join(' and ')}.` +
          (download ? ` ${download}` : ''),
        {
          reason: 'age-part-missing',
          fields: {
            part: 'sam-companions',
            what: missing.map((m) => m.what.replace(/^the /, '')).join(' and '),
            flags: missing.map((m) => m.flag).join(' and '),
            ids: ids.join(' ')
          }
        }
      )
    }
    return { route: 'sam', encoder: enc.named, generator: gen.named, pretrained, averageLatent }
  }

  const dirSlot = requireSlot(
    choice.direction ??
      optionSlot(engine, encOptions.direction) ??
      idSlot(pickEntry(engine, 'age-direction', (m) => ageOptionsOf(m).role !== 'latent-avg')),
    'age direction',
    'direction'
  )
  const dirEntry = 'id' in dirSlot ? engine.store.entry(dirSlot.id) : undefined
  const dirOptions = dirEntry ? ageOptionsOf(dirEntry) : {}
  const direction = loadDirectionFile(await npyPath(engine, dirSlot), slotLabel(dirSlot))

  let averageLatent: Float32Array | undefined
  if ((choice.encoderOutputs ?? encOptions.encoderOutputs) === 'offsets') {
    const avgSlot = requireSlot(
      choice.averageLatent ??
        optionSlot(engine, encOptions.averageLatent) ??
        idSlot(engine.store.manifest.models.find((m) => ageOptionsOf(m).role === 'latent-avg')),
      'average latent (the encoder outputs offsets from it)',
      'average-latent'
    )
    averageLatent = loadDirectionFile(await npyPath(engine, avgSlot, enc.path), slotLabel(avgSlot))
  }

  return {
    route: 'latent',
    encoder: enc.named,
    generator: gen.named,
    direction,
    directionLabel: slotLabel(dirSlot),
    ...(averageLatent ? { averageLatent } : {}),
    calibration: calibrationWith(calibrationOf(dirOptions, DEFAULT_LATENT_CALIBRATION), choice),
    layers: choice.layers ?? parseLayerRange(dirOptions.layers)
  }
}

/** Manifest ids a route will open (as openAgeModels picks them below), so they can be fetched or named together. */
export function routeModelIds(engine: Engine, route: Route, slot: ModelSlot, choice: AgeModelChoice): string[] {
  const ids: string[] = []
  const add = (s: ModelSlot | undefined): void => {
    if (s && 'id' in s) ids.push(s.id)
  }
  add(slot)
  if (route === 'styleganex') return ids
  const encOptions: AgeModelOptions = 'id' in slot ? ageOptionsOf(engine.store.entry(slot.id)) : {}
  const companions = (encOptions.companions ?? []).filter((id) => engine.store.manifest.models.some((m) => m.id === id))
  if (route === 'sam') {
    // The generator is required; the pSp encoder and average latent are opened only when installed (for now).
    add(
      choice.generator ??
        optionSlot(engine, encOptions.generator) ??
        idSlot(companions.map((id) => engine.store.entry(id)).find((m) => m.kind === GENERATOR_KIND)) ??
        idSlot(pickEntry(engine, GENERATOR_KIND))
    )
    return ids
  }
  add(choice.generator ?? optionSlot(engine, encOptions.generator) ?? idSlot(pickEntry(engine, GENERATOR_KIND)))
  add(
    choice.direction ??
      optionSlot(engine, encOptions.direction) ??
      idSlot(pickEntry(engine, 'age-direction', (m) => ageOptionsOf(m).role !== 'latent-avg'))
  )
  if ((choice.encoderOutputs ?? encOptions.encoderOutputs) === 'offsets') {
    add(
      choice.averageLatent ??
        optionSlot(engine, encOptions.averageLatent) ??
        idSlot(engine.store.manifest.models.find((m) => ageOptionsOf(m).role === 'latent-avg'))
    )
  }
  return ids
}

function idSlot(entry: ManifestEntry | undefined): ModelSlot | undefined {
  return entry ? { id: entry.id } : undefined
}

function installedSlot(engine: Engine, entry: ManifestEntry | undefined): ModelSlot | undefined {
  return entry && isInstalled(engine, entry.id) ? { id: entry.id } : undefined
}
