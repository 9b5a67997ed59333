import { describe, expect, it } from 'vitest'
import {
  ageChannelValue,
  DEFAULT_LATENT_CALIBRATION,
  DEFAULT_STYLEGANEX_CALIBRATION,
  editFactorFor,
  targetAgeFor
} from '../../src/main/core/stages/age/calibration'
import { ageOptionsOf, calibrationOf } from '../../src/main/core/stages/age/age-options'

const code = (c: string): Error => expect.objectContaining({ code: c }) as Error

describe('age delta -> k calibration', () => {
  it('maps years to k with latentPerYear and the direction sign', () => {
    const cal = { latentPerYear: 0.1, directionSign: 1 as const }
    expect(editFactorFor({ kind: 'delta', years: 20 }, cal)).toBeCloseTo(2, 9)
    expect(editFactorFor({ kind: 'delta', years: -10 }, cal)).toBeCloseTo(-1, 9)
    expect(editFactorFor({ kind: 'delta', years: 20 }, { ...cal, directionSign: -1 })).toBeCloseTo(-2, 9)
    expect(editFactorFor({ kind: 'target', age: 70, currentAge: 30 }, cal)).toBeCloseTo(4, 9)
  })
  it('passes a raw edit factor through without sign or scale', () => {
    expect(editFactorFor({ kind: 'factor', k: -3 }, { latentPerYear: 0.5, directionSign: -1 })).toBe(-3)
  })
  it('documents defaults: +30 years is k = 3 for e4e, direction -1 per 20 years for StyleGANEX', () => {
    expect(editFactorFor({ kind: 'delta', years: 30 }, DEFAULT_LATENT_CALIBRATION)).toBeCloseTo(3, 9)
    expect(editFactorFor({ kind: 'delta', years: 20 }, DEFAULT_STYLEGANEX_CALIBRATION)).toBeCloseTo(-1, 9)
  })
  it('refuses steps beyond the model maximum (StyleGANEX 2.5 = 50 years), inclusive of the maximum', () => {
    expect(editFactorFor({ kind: 'delta', years: 50 }, DEFAULT_STYLEGANEX_CALIBRATION)).toBeCloseTo(-2.5, 9)
    // The default's years are a guess, so the refusal names the factor only; a measured calibration adds years.
    expect(() => editFactorFor({ kind: 'delta', years: 55 }, DEFAULT_STYLEGANEX_CALIBRATION)).toThrow(
      /factor of 2.5; -2.75 was asked/
    )
    expect(() =>
      editFactorFor({ kind: 'delta', years: 55 }, { ...DEFAULT_STYLEGANEX_CALIBRATION, calibrated: true })
    ).toThrow(/2.5 \(about 50 years\)/)
    expect(() => editFactorFor({ kind: 'factor', k: 6 }, { ...DEFAULT_LATENT_CALIBRATION, maxFactor: 5 })).toThrowError(
      code('INVALID_REQUEST')
    )
  })
  it('calibratedOnly: years are refused on a route whose years are a guess, and pointed to the factor', () => {
    const strict = { kind: 'delta', years: 20, calibratedOnly: true } as const
    expect(() => editFactorFor(strict, DEFAULT_LATENT_CALIBRATION)).toThrowError(code('INVALID_REQUEST'))
    // The core names no flag (the CLI words the reason with --edit-factor; see error-words.test.ts).
    expect(() => editFactorFor(strict, DEFAULT_LATENT_CALIBRATION)).toThrow(/edit factor instead \(positive = older/)
    expect(() => editFactorFor(strict, DEFAULT_LATENT_CALIBRATION)).toThrowError(
      expect.objectContaining({ reason: 'age-years-uncalibrated' })
    )
    expect(() => editFactorFor(strict, DEFAULT_STYLEGANEX_CALIBRATION)).toThrowError(code('INVALID_REQUEST'))
    expect(() =>
      editFactorFor({ kind: 'target', age: 60, currentAge: 30, calibratedOnly: true }, DEFAULT_LATENT_CALIBRATION)
    ).toThrowError(code('INVALID_REQUEST'))
    // A measured per-year step (the user's --latent-per-year, or a manifest entry marked calibrated) is accepted.
    expect(editFactorFor(strict, { ...DEFAULT_LATENT_CALIBRATION, calibrated: true })).toBeCloseTo(2, 9)
    expect(editFactorFor({ kind: 'factor', k: 2 }, DEFAULT_LATENT_CALIBRATION)).toBe(2)
    // olderPositive: the CLI's factor is older when positive on every route (StyleGANEX ages with a negative one).
    expect(editFactorFor({ kind: 'factor', k: 2, olderPositive: true }, DEFAULT_STYLEGANEX_CALIBRATION)).toBe(-2)
    expect(editFactorFor({ kind: 'factor', k: 2, olderPositive: true }, DEFAULT_LATENT_CALIBRATION)).toBe(2)
    const measured = ageOptionsOf({ id: 'm', options: { latentPerYear: 0.08, calibrated: true } })
    expect(calibrationOf(measured, DEFAULT_LATENT_CALIBRATION).calibrated).toBe(true)
    const flagOnly = ageOptionsOf({ id: 'g', options: { calibrated: true } })
    expect(calibrationOf(flagOnly, DEFAULT_LATENT_CALIBRATION).calibrated).toBeUndefined()
  })
  it('needs a current age to use a target age on delta routes', () => {
    expect(() => editFactorFor({ kind: 'target', age: 60 }, DEFAULT_LATENT_CALIBRATION)).toThrowError(
      code('INVALID_REQUEST')
    )
  })
  it('refuses absurd amounts', () => {
    expect(() => editFactorFor({ kind: 'delta', years: 500 }, DEFAULT_LATENT_CALIBRATION)).toThrowError(
      code('INVALID_REQUEST')
    )
    expect(() => editFactorFor({ kind: 'factor', k: Number.NaN }, DEFAULT_LATENT_CALIBRATION)).toThrowError(
      code('INVALID_REQUEST')
    )
    expect(() => editFactorFor({ kind: 'delta', years: 90 }, { latentPerYear: 1, directionSign: 1 })).toThrowError(
      code('INVALID_REQUEST')
    )
  })
})

describe('age target for SAM-style encoders', () => {
  it('takes a target age or current + delta, clipped to 0..100', () => {
    expect(targetAgeFor({ kind: 'target', age: 65 })).toBe(65)
    expect(targetAgeFor({ kind: 'delta', years: 30, currentAge: 40 })).toBe(70)
    expect(targetAgeFor({ kind: 'delta', years: 90, currentAge: 40 })).toBe(100)
    expect(() => targetAgeFor({ kind: 'delta', years: 30 })).toThrowError(code('INVALID_REQUEST'))
    expect(() => targetAgeFor({ kind: 'factor', k: 1 })).toThrowError(code('INVALID_REQUEST'))
    expect(ageChannelValue(65)).toBeCloseTo(0.65, 9)
    expect(ageChannelValue(130)).toBe(1)
  })
})

describe('age manifest options', () => {
  it('reads calibration from options and falls back to defaults', () => {
    const o = ageOptionsOf({ id: 'x', options: { latentPerYear: 0.2, directionSign: -1, encoderOutputs: 'offsets' } })
    expect(calibrationOf(o, DEFAULT_LATENT_CALIBRATION)).toEqual({ latentPerYear: 0.2, directionSign: -1 })
    expect(calibrationOf(ageOptionsOf({ id: 'y' }), DEFAULT_LATENT_CALIBRATION)).toEqual(DEFAULT_LATENT_CALIBRATION)
    // the shipped manifest's StyleGANEX entry says directionMax 2.5 and carries UI hints that are ignored
    const sx = ageOptionsOf({ id: 'styleganex-age', options: { directionSign: -1, directionMax: 2.5, sliderMax: 100 } })
    expect(calibrationOf(sx, DEFAULT_STYLEGANEX_CALIBRATION)).toEqual({
      latentPerYear: 0.05,
      directionSign: -1,
      maxFactor: 2.5
    })
  })
  it('rejects invalid options with MODEL_INVALID', () => {
    expect(() => ageOptionsOf({ id: 'x', options: { directionSign: 2 } })).toThrowError(code('MODEL_INVALID'))
    expect(() => ageOptionsOf({ id: 'x', options: { encoderOutputs: 'deltas' } })).toThrowError(/encoderOutputs/)
  })
})
