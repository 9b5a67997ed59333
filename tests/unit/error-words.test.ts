import { describe, expect, it } from 'vitest'
import { cliMessage } from '../../src/main/cli/error-words'
import { HeirloomError, toAppError } from '../../src/main/core/errors'
import { parseFaceChoice } from '../../src/main/core/pipeline/face-selection'
import { restorerRef } from '../../src/main/core/pipeline/restore-deps'
import { DEFAULT_LATENT_CALIBRATION, editFactorFor, targetAgeFor } from '../../src/main/core/stages/age/calibration'
import { latentForSeed } from '../../src/main/core/stages/age/generate'
import { openAgeModels } from '../../src/main/core/stages/age/models'
import { jobProgressOf } from '../../src/main/services/job-runner'
import { stepLabel } from '../../src/main/core/operations'
import { errorAction, errorDetails, friendlyMessage } from '../../src/renderer/src/api/client'
import type { AppError } from '../../src/shared/errors'

/** The AppError a core call throws (sync or async), as it crosses IPC. */
async function thrown(fn: () => unknown): Promise<AppError> {
  try {
    await fn()
  } catch (err) {
    return toAppError(err)
  }
  throw new Error('did not throw')
}

const names = (id: string): string | undefined => ({ 'gfpgan-1.4': 'GFPGAN 1.4' })[id]

// Issue 14 item 7: core errors name no CLI flag; the CLI words them as before from reason + fields, the app its own way.
describe('core errors carry a reason and fields; each front end words them', () => {
  const cases: [string, () => unknown, string][] = [
    [
      'target age on a years route',
      () => editFactorFor({ kind: 'target', age: 70 }, DEFAULT_LATENT_CALIBRATION),
      'This model edits by a change in age: give --current-age with --target-age, or use --delta.'
    ],
    [
      'years on a target-age route',
      () => targetAgeFor({ kind: 'delta', years: 10 }),
      'This model takes a target age: give --target-age, or --current-age together with --delta.'
    ],
    [
      'latent step on a target-age route',
      () => targetAgeFor({ kind: 'factor', k: 1 }),
      'This model takes a target age, not a latent step: use --target-age.'
    ],
    ['bad face list', () => parseFaceChoice('one'), '--faces takes "all" or indices like 0,2 (got "one").'],
    [
      'restorer file without a kind',
      () => restorerRef({ modelFile: '/x.onnx' }),
      'A custom restorer file needs --model-kind gfpgan|codeformer|gpen|restoreformer.'
    ],
    ['bad seed', () => latentForSeed({} as never, { seed: 1.5 }), '--seed must be an integer (got 1.5).'],
    [
      'bad truncation',
      () => latentForSeed({} as never, { seed: 1, truncation: 2 }),
      '--truncation must be within 0..1 (got 2).'
    ],
    [
      'bad latent step per year',
      () => openAgeModels({} as never, { latentPerYear: -1 }),
      '--latent-per-year must be a positive number (got -1).'
    ],
    [
      // Issue 20 item 7: the CLI refuses years on a route without a calibration.
      'years on an uncalibrated route',
      () => editFactorFor({ kind: 'delta', years: 20, calibratedOnly: true }, DEFAULT_LATENT_CALIBRATION),
      'This model has no calibration from its edit factor to years, so Heirloom will not promise a number of ' +
        'years: use --edit-factor <k> instead (positive = older, negative = younger), give --latent-per-year if ' +
        'you measured one, or use SAM (--model sam-encoder), which takes a real --target-age.'
    ],
    [
      'age model file without a kind',
      () => openAgeModels({} as never, { ageModelFile: '/x.onnx' }),
      'Say what the age model file is: --age-model-kind styleganex|sam.'
    ]
  ]

  for (const [what, fn, cli] of cases) {
    it(`${what}: neutral core message, the CLI's words unchanged, the app's without flags`, async () => {
      const e = await thrown(fn)
      expect(e.code).toBe('INVALID_REQUEST')
      expect(e.reason).toBeDefined()
      expect(e.message).not.toMatch(/--[a-z]/)
      expect(cliMessage(e)).toBe(cli)
      const app = friendlyMessage(e, names)
      expect(app).not.toMatch(/--[a-z]/)
      expect(app).not.toBe('Something went wrong.')
    })
  }

  it('the restorer-kind CLI text lists the kinds the core knows', async () => {
    const e = await thrown(() => restorerRef({ modelFile: '/x.onnx' }))
    expect(e.fields?.kinds).toBe('gfpgan|codeformer|gpen|restoreformer')
  })

  it('reason and fields survive the worker boundary (AppError -> HeirloomError -> AppError)', () => {
    const e = toAppError(
      new HeirloomError('MODEL_RUNTIME', 'x', {
        reason: 'provider-failed',
        fields: { provider: 'cuda', model: 'm', detail: 'd' }
      })
    )
    const again = toAppError({ ...e })
    expect(again).toEqual(e)
    expect(cliMessage(again)).toBe(
      'The cuda execution provider could not run m: d. Use --provider auto to run on the CPU instead.'
    )
    expect(friendlyMessage(again)).toMatch(/cuda accelerator could not run this model/)
    expect(errorAction(again)).toBe('open-models')
  })

  it('an execution provider that cannot exist here: the CLI names the flag and the way out', () => {
    const e: AppError = {
      code: 'MODEL_RUNTIME',
      message: 'x',
      reason: 'provider-unavailable',
      fields: { provider: 'cuda', why: 'the CUDA provider is not installed' }
    }
    expect(cliMessage(e)).toBe(
      'Cannot use --provider cuda: the CUDA provider is not installed. Use --provider auto to run on the CPU instead.'
    )
    expect(friendlyMessage(e)).not.toMatch(/--[a-z]/)
  })

  it('restore-after with a non-restorer: the CLI names its flag, the app the model', () => {
    const e: AppError = {
      code: 'INVALID_REQUEST',
      message: 'x',
      reason: 'not-a-restorer',
      fields: { model: 'gfpgan-1.4', kind: 'upscaler' }
    }
    expect(cliMessage(e)).toBe('--restore-after takes a restorer; "gfpgan-1.4" is a upscaler.')
    expect(friendlyMessage(e, names)).toBe('GFPGAN 1.4 is not a face restorer.')
  })

  it('the app names models, keeps raw internals for Details and never appends them to the sentence', () => {
    const missing: AppError = { code: 'MODEL_MISSING', message: 'gfpgan-1.4 is not installed', modelId: 'gfpgan-1.4' }
    expect(friendlyMessage(missing, names)).toBe(
      'Needs GFPGAN 1.4, which is not installed yet. Get it in the Models panel.'
    )
    const decode: AppError = { code: 'DECODE_FAILED', message: 'VipsJpeg: premature end of JPEG image' }
    expect(friendlyMessage(decode)).not.toContain('VipsJpeg')
    expect(errorDetails(decode)).toBe('DECODE_FAILED: VipsJpeg: premature end of JPEG image')
  })
})

describe('editor progress and history words', () => {
  it('a step inside a face becomes a fraction of the job with the step named', () => {
    const p = jobProgressOf('j1', 'restore', { stage: 'face-step', index: 1, total: 2, faceIndex: 3, step: 'model' })
    expect(p).toMatchObject({ stage: 'face-step', step: 'model', index: 2, total: 2, message: 'Face 2 of 2' })
    expect(p.fraction).toBeCloseTo(0.55, 9)
  })

  it('hide/show and strength steps name the faces (issue 14 item 9)', () => {
    expect(stepLabel({ op: 'hide', faces: [1], params: { ops: ['restore'] } })).toBe('Hide restore on face 2')
    expect(stepLabel({ op: 'show', faces: [0, 2], params: { ops: ['age'] } })).toBe('Show age on faces 1, 3')
    expect(stepLabel({ op: 'strength', faces: [0, 1], params: { strength: 0.4, ops: ['restore'] } })).toBe(
      'Restore strength 40% on faces 1, 2'
    )
    expect(stepLabel({ op: 'strength', faces: [0], params: { strength: 0.5, ops: ['age', 'restore'] } })).toBe(
      'Age + restore strength 50% on face 1'
    )
  })
})
