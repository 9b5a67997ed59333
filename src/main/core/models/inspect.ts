import { existsSync, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { ManifestEntry } from '../../../shared/model-manifest'
import type { InspectedTensor, ModelInspection, TensorVerdict } from '../../../shared/model-inspection'
import { HeirloomError } from '../errors'
import { fitContract, fmtInfo } from '../runtime/contract'
import { openSession } from '../runtime/ort-adapter'
import type { IoInfo, ModelSession } from '../runtime/types'
import {
  checkGraphShape,
  ENCODER_SHAPE,
  GENERATOR_SHAPE,
  SAM_ENCODER_SHAPE,
  STYLEGANEX_SHAPE,
  type GraphShape
} from '../stages/age/contracts'
import { faceMeshExport } from '../stages/detect/facemesh-decode'
import { hashFile } from './download'
import { helperNotes } from './inspect-helpers'
import { loadNpy } from './npy'
import { readOnnxHeader } from './onnx-header'
import type { ModelStore } from './store'

export interface InspectOptions {
  /** Check the file against this manifest model's contract. */
  as?: string
}

type Note = ModelInspection['verdict']['notes'][number]

const tensor = (i: IoInfo): InspectedTensor => ({ name: i.name, dtype: i.type, dims: [...i.dims] })

/** The positional shape check the aging routes add on top of the manifest contract (see stages/age/models). */
function ageShape(e: ManifestEntry): GraphShape | undefined {
  if (e.kind === 'age-model' && e.family === 'styleganex') return STYLEGANEX_SHAPE
  if (e.kind === 'age-encoder') return e.family === 'sam' ? SAM_ENCODER_SHAPE : ENCODER_SHAPE
  if (e.kind === 'age-generator') return GENERATOR_SHAPE
  return undefined
}

/** Which manifest model a file is checked against: --as, the same pinned SHA-256, the same file name, else none. */
function pickEntry(
  store: ModelStore,
  file: string,
  sha256: string,
  as: string | undefined
): { entry: ManifestEntry; reason: string } | undefined {
  if (as !== undefined) return { entry: store.entry(as), reason: `asked for (--as ${as})` }
  const models = store.manifest.models
  const bySha = models.find((m) => m.sha256 === sha256)
  if (bySha) return { entry: bySha, reason: "same SHA-256 as the manifest's pinned file" }
  const byName = models.find((m) => m.file === basename(file))
  if (byName) return { entry: byName, reason: 'same file name as in the manifest' }
  return undefined
}

/** Upscalers with dynamic sizes: the scale can only be measured, with one 16x16 run. */
async function probeScale(session: ModelSession): Promise<number | undefined> {
  const input = session.inputs[0]
  if (!input) return undefined
  const out = await session.run({
    [input.name]: { type: 'float32', data: new Float32Array(3 * 16 * 16), dims: [1, 3, 16, 16] }
  })
  const t = Object.values(out)[0]
  const w = t?.dims[3]
  return typeof w === 'number' && w > 0 ? w / 16 : undefined
}

interface Checked {
  tensors: TensorVerdict[]
  notes: Note[]
  ok: boolean
  problem?: string
  /** How much was positively confirmed (names, fixed dims, probe runs), to rank the contracts a file fits. */
  evidence: number
}

async function onnxChecks(
  session: ModelSession,
  entry: ManifestEntry,
  label: string,
  probe: () => Promise<number | undefined>
): Promise<Checked> {
  const notes: Note[] = []
  let evidence = 0
  let problem: string | undefined
  let tensors: TensorVerdict[] = []
  if (entry.contract) {
    const fit = fitContract(session, entry.contract, label)
    tensors = [...fit.inputs, ...fit.outputs].map((t) => ({
      role: t.role,
      name: t.name,
      expected: t.expected,
      ...(t.found ? { found: `${t.found.name} ${fmtInfo(t.found)}` } : {}),
      ...(t.by ? { by: t.by } : {}),
      optional: t.optional,
      ok: t.ok,
      ...(t.why ? { why: t.why } : {})
    }))
    for (const t of [...fit.inputs, ...fit.outputs]) {
      if (t.by === 'name') evidence++
      const spec = [...entry.contract.inputs, ...entry.contract.outputs].find((x) => x.name === t.name)
      t.found?.dims.forEach((d, k) => {
        if (typeof d === 'number' && d >= 0 && spec?.dims[k] === d) evidence++
      })
    }
    for (const u of fit.unusedOutputs) {
      notes.push({ field: `output ${u.name}`, ok: true, text: `not used (${fmtInfo(u)})` })
    }
    problem = fit.problem
  } else {
    notes.push({ field: 'contract', ok: true, text: 'the manifest pins no tensor contract for this model' })
  }
  const shape = ageShape(entry)
  if (shape) {
    try {
      checkGraphShape(session, shape, label)
      notes.push({ field: 'aging shapes', ok: true, text: 'inputs and output fit the route by position' })
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err)
      notes.push({ field: 'aging shapes', ok: false, text })
      problem ??= text
    }
  }
  if (entry.family === 'facemesh') {
    try {
      const exp = faceMeshExport(session.outputs)
      const how =
        exp.kind === 'ailia'
          ? 'ailia export: input [-1,1], landmarks [1,1404] in crop pixels, confidence logit'
          : 'MediaPipe export: input [0,1], landmarks [1,468,3] in crop fractions, face_conf probability'
      notes.push({ field: 'decoder', ok: true, text: how })
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err)
      notes.push({ field: 'decoder', ok: false, text })
      problem ??= text
    }
  }
  const helper = await helperNotes(session, entry)
  notes.push(...helper)
  for (const n of helper) if (!n.ok) problem ??= `${label}: ${n.field}: ${n.text}`
  // Sizes a graph leaves dynamic are measured: upscalers must give their scale, restorers and colourisers their input
  // size (a dynamic x4 upscaler otherwise passes for a colouriser on its declared shapes alone).
  const spatial = session.inputs[0]?.dims.slice(2) ?? []
  const dynamic = spatial.length === 2 && spatial.some((d) => typeof d !== 'number' || d < 0)
  const sameSize = entry.kind === 'restorer' || entry.kind === 'colorizer'
  const want = entry.kind === 'upscaler' ? entry.contract?.scale : sameSize && dynamic ? 1 : undefined
  if (want !== undefined) {
    try {
      const got = await probe()
      const ok = got === want
      if (ok) evidence += 2
      notes.push({ field: 'scale', ok, text: `a 16x16 probe came out x${got ?? '?'}; expected x${want}` })
      if (!ok) problem ??= `${label}: the output is x${got ?? '?'} the input size, expected x${want}`
    } catch (err) {
      const text = `a 16x16 probe run failed: ${err instanceof Error ? err.message : String(err)}`
      notes.push({ field: 'scale', ok: false, text })
      problem ??= `${label}: ${text}`
    }
  }
  const ok = !problem && tensors.every((t) => t.ok) && notes.every((n) => n.ok)
  return { tensors, notes, ok, evidence, ...(problem ? { problem } : {}) }
}

function npyChecks(dims: number[], entry: ManifestEntry): Note[] {
  const avg = entry.options?.role === 'latent-avg'
  const ok = avg ? dims.join(',') === '18,512' : ['1,512', '512', '18,512', '1,18,512'].includes(dims.join(','))
  return [{ field: 'shape', ok, text: `[${dims.join(',')}]; expected ${avg ? '[18,512]' : '[1,512] or [18,512]'}` }]
}

/**
 * What a user needs to judge a model file: its tensors, opset, size and SHA-256, the manifest contract it is checked
 * against (an id, --as, or the file's SHA-256 / name; else every contract it fits) and the verdict field by field.
 * The file is opened on the CPU here, as the engine would open it.
 */
export async function inspectModel(
  store: ModelStore,
  idOrFile: string,
  opts: InspectOptions = {}
): Promise<ModelInspection> {
  let path: string
  let chosen: { entry: ManifestEntry; reason: string } | undefined
  const isFile = existsSync(idOrFile) && statSync(idOrFile).isFile()
  // An id: the manifest's or a custom import's (store.list() holds both); a path that exists wins over an id.
  if (!isFile && store.list().some((m) => m.id === idOrFile)) {
    const entry = store.entry(idOrFile)
    path = store.pathFor(idOrFile)
    if (!existsSync(path)) {
      throw new HeirloomError(
        'MODEL_MISSING',
        `${entry.name} (${idOrFile}) is not installed; to check a file against it: heirloom models inspect <file> --as ${idOrFile}`,
        { modelId: idOrFile }
      )
    }
    if (opts.as === undefined) chosen = { entry, reason: 'the model id given' }
  } else if (!isFile) {
    throw new HeirloomError('NOT_FOUND', `"${idOrFile}" is neither a file nor a model id (see heirloom models list).`)
  } else {
    path = resolve(idOrFile)
  }
  if (opts.as !== undefined) store.entry(opts.as) // unknown ids fail before hashing a big file

  const { sha256, bytes } = await hashFile(path)
  if (bytes === 0) throw new HeirloomError('MODEL_INVALID', `${basename(path)} is empty.`)
  chosen ??= pickEntry(store, path, sha256, opts.as)
  const checkedAgainst = chosen && {
    id: chosen.entry.id,
    name: chosen.entry.name,
    kind: chosen.entry.kind,
    family: chosen.entry.family,
    reason: chosen.reason
  }
  const notes: Note[] = []
  if (chosen?.entry.sha256) {
    const same = chosen.entry.sha256 === sha256
    notes.push({
      field: 'sha256',
      ok: same,
      text: same ? 'matches the pinned SHA-256' : `differs from the pinned ${chosen.entry.sha256} (another export?)`
    })
  }

  if (/\.npy$/i.test(path)) {
    const arr = loadNpy(path)
    const shapeNotes = chosen ? npyChecks(arr.dims, chosen.entry) : []
    const all = [...notes, ...shapeNotes]
    return {
      file: path,
      bytes,
      sha256,
      format: 'npy',
      inputs: [],
      outputs: [{ name: 'array', dtype: 'float32', dims: arr.dims }],
      ...(checkedAgainst ? { checkedAgainst } : {}),
      verdict: { ...(chosen ? { ok: all.every((n) => n.ok) } : {}), tensors: [], notes: all }
    }
  }

  const header = readOnnxHeader(path)
  const label = chosen?.entry.name ?? basename(path)
  const session = await openSession(path, { provider: 'cpu', label })
  let measured: Promise<number | undefined> | undefined
  const probe = (): Promise<number | undefined> => (measured ??= probeScale(session))
  try {
    const base = {
      file: path,
      bytes,
      sha256,
      format: 'onnx' as const,
      ...(header.irVersion !== undefined ? { irVersion: header.irVersion } : {}),
      opsets: header.opsets,
      ...(header.producer ? { producer: header.producer } : {}),
      inputs: session.inputs.map(tensor),
      outputs: session.outputs.map(tensor)
    }
    if (chosen) {
      const r = await onnxChecks(session, chosen.entry, label, probe)
      return {
        ...base,
        ...(checkedAgainst ? { checkedAgainst } : {}),
        verdict: {
          ok: r.ok && notes.every((n) => n.ok),
          tensors: r.tensors,
          notes: [...notes, ...r.notes],
          ...(r.problem ? { problem: r.problem } : {})
        }
      }
    }
    // Nothing names the model: every manifest model whose contract (and checks) it fits, best evidence first.
    const ranked: { entry: ManifestEntry; r: Checked }[] = []
    for (const m of store.manifest.models) {
      if (!m.contract) continue
      const r = await onnxChecks(session, m, m.name, probe)
      if (r.ok) ranked.push({ entry: m, r })
    }
    ranked.sort((a, b) => b.r.evidence - a.r.evidence)
    const fits = ranked.map((x) => x.entry.id)
    const best = ranked[0]
    if (!best) {
      return {
        ...base,
        fits,
        verdict: {
          ok: false,
          tensors: [],
          notes: [{ field: 'manifest', ok: false, text: 'fits no contract in the manifest' }],
          problem: `${basename(path)} fits no model contract in the manifest; use --as <id> to see why it does not fit one`
        }
      }
    }
    return {
      ...base,
      checkedAgainst: {
        id: best.entry.id,
        name: best.entry.name,
        kind: best.entry.kind,
        family: best.entry.family,
        reason: 'the manifest model whose contract it fits best'
      },
      fits,
      verdict: { ok: true, tensors: best.r.tensors, notes: best.r.notes }
    }
  } finally {
    await session.dispose()
  }
}
