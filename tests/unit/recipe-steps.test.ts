import { describe, expect, it } from 'vitest'
import { parseRecipeSteps, splitAtRestore } from '../../src/main/core/pipeline/recipe-steps'
import { parseJobData } from '../../src/main/core/queue/process-job'

const job = (steps: unknown) => ({
  version: 1,
  operation: 'restore',
  inputRoot: '/mnt/a/in',
  outputRoot: '/mnt/a/out',
  file: 'x.png',
  choice: {},
  options: { faces: 'all', strength: 0.8, fidelity: 0.5, upscale: 1, colorTransfer: false, overwrite: false },
  ...(steps === undefined ? {} : { steps }),
  models: []
})

const repair = { op: 'repair', method: 'classic', sensitivity: 0.5 }
const fade = { op: 'color', fade: 'auto', keepTone: true }
const colorize = { op: 'color', fade: 'none', colorize: 'ddcolor', renderSize: 384 }
const restore = { op: 'restore' }

describe('recipe steps', () => {
  it('accepts repair -> colour -> restore and colourise after, and splits them at restore', () => {
    const steps = parseRecipeSteps([repair, fade, restore, colorize])
    const { before, after } = splitAtRestore(steps)
    expect(before.map((s) => s.op)).toEqual(['repair', 'color'])
    expect(after).toEqual([colorize])
  })

  it('refuses a recipe without one restore step, a repair after restore, unknown fields and bad values', () => {
    const bad: unknown[] = [
      [repair],
      [restore, restore],
      [restore, repair],
      [repair, repair, restore],
      [{ ...repair, sensitivity: 2 }, restore],
      [{ ...repair, method: 'photoshop' }, restore],
      [{ ...colorize, renderSize: 300 }, restore],
      [{ ...fade, colorize: 'mystery' }, restore],
      [{ ...fade, shell: 'rm -rf /' }, restore],
      [{ ...repair, mask: 'relative/mask.png' }, restore]
    ]
    for (const steps of bad) expect(() => parseRecipeSteps(steps), JSON.stringify(steps)).toThrow(/Malformed recipe/)
  })

  it('queued jobs carry the same steps, but no mask file and no colouriser file', () => {
    expect(parseJobData(job([repair, fade, restore, colorize])).steps).toHaveLength(4)
    expect(parseJobData(job(undefined)).steps).toBeUndefined()
    expect(() => parseJobData(job([{ ...repair, mask: '/mnt/a/mask.png' }, restore]))).toThrow(/no mask file/)
    expect(() =>
      parseJobData(
        job([{ op: 'color', fade: 'none', colorizerFile: { file: '/m/x.onnx', family: 'ddcolor' } }, restore])
      )
    ).toThrow(/by id/)
    expect(() => parseJobData(job([restore, repair]))).toThrow(/repair runs before face restoration/)
    expect(() => parseJobData(job([{ ...repair, method: 'lama', modelFile: '/m/lama.onnx' }, restore]))).toThrow(
      /names LaMa by id/
    )
    expect(() => parseRecipeSteps([{ ...repair, modelFile: '/m/lama.onnx' }, restore])).toThrow(/method lama/)
  })
})
