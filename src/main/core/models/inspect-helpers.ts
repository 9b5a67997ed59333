import type { ManifestEntry } from '../../../shared/model-manifest'
import type { ModelInspection } from '../../../shared/model-inspection'
import type { ModelSession } from '../runtime/types'

type Note = ModelInspection['verdict']['notes'][number]

/**
 * What `models inspect` adds for the helper models beyond the tensor contract: the SFace feature length (measured
 * with one 112x112 run, as the stage reads it from the graph), FairFace's three id outputs of which only the age is
 * used, and BiSeNet's 19-class first output.
 */
export async function helperNotes(session: ModelSession, entry: ManifestEntry): Promise<Note[]> {
  if (entry.kind === 'face-recognizer') {
    const input = session.inputNames[0]
    const output = session.outputNames[0]
    if (!input || !output) return [{ field: 'feature', ok: false, text: 'the graph has no input or output' }]
    try {
      const out = await session.run(
        { [input]: { type: 'float32', data: new Float32Array(3 * 112 * 112).fill(128), dims: [1, 3, 112, 112] } },
        { outputs: [output] }
      )
      const n = out[output]?.data.length ?? 0
      return [
        {
          field: 'feature',
          ok: n >= 2,
          text: `${n} values per face (read from the graph; SFace 2021dec gives 128), compared by cosine: same person at 0.363 or more`
        }
      ]
    } catch (err) {
      return [
        {
          field: 'feature',
          ok: false,
          text: `a 112x112 probe run failed: ${err instanceof Error ? err.message : String(err)}`
        }
      ]
    }
  }
  if (entry.kind === 'age-estimator') {
    const n = session.outputNames.length
    return [
      {
        field: 'outputs',
        ok: n >= 3,
        text: `${n} output(s); race_id, gender_id, age_id by position: only the age bucket is read, race and gender are never used or shown`
      }
    ]
  }
  if (entry.kind === 'face-parser') {
    const dims = session.outputs[0]?.dims ?? []
    const classes = dims[1]
    const ok = dims.length !== 4 || typeof classes !== 'number' || classes < 0 || classes === 19
    return [
      {
        field: 'classes',
        ok,
        text: `first output [${dims.join(',')}]: ${ok ? '19 face classes' : `${String(classes)} classes, expected 19`}; keeps skin, brows, eyes, glasses, nose, mouth, lips`
      }
    ]
  }
  return []
}
