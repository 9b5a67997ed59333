import { HeirloomError } from '../../errors'

/**
 * How much to age, as the user says it. `delta` in years (older positive); `targetAge` with an optional
 * `currentAge`; `editFactor` is the raw latent step k (no calibration, no sign flip).
 * `calibratedOnly` (the CLI sets it): refuse years on a route whose years are only the default guess, rather than
 * print "20 years older" for a step nobody measured. The app still converts its slider with the guess.
 * `olderPositive` (the CLI sets it): k > 0 means older on every route, whatever the sign of its direction.
 */
export type AgeAmount =
  | { kind: 'delta'; years: number; currentAge?: number; calibratedOnly?: boolean }
  | { kind: 'target'; age: number; currentAge?: number; calibratedOnly?: boolean }
  | { kind: 'factor'; k: number; olderPositive?: boolean }

export interface AgeCalibration {
  /** Latent step per year of age change. */
  latentPerYear: number
  /**
   * True only when latentPerYear was measured: given by the user (--latent-per-year) or marked `calibrated` in the
   * manifest. No shipped model has one: the defaults below are guesses.
   */
  calibrated?: boolean
  /** +1 when adding the direction makes the face older, -1 when it makes it younger. */
  directionSign: 1 | -1
  /** Largest |k| the model stays plausible at (manifest maxFactor / directionMax); beyond it the edit is refused. */
  maxFactor?: number
}

/**
 * NOTE: these per-year figures are GUESSES, not calibrations. Nobody has measured how many years one step of
 * these edits adds (that needs the real generators and an age estimator over many faces; neither runs on the build
 * machines). e4e's unit-norm age direction: its examples use k in -3..+3 for "a strong but plausible edit", which we
 * read as about 30 years -> 0.1 per year (the manifest's e4e-age-direction repeats the same guess). StyleGANEX:
 * FaceFusion maps its -100..100 slider to +2.5..-2.5 (a negative scalar ages) and never speaks of years; 0.05 per
 * year merely puts the slider's end at 50. The sign and the maximum are taken from the publishers and are sound;
 * only the years are invented. So the CLI labels these routes by their factor (younger ... older) and accepts
 * --delta / --target-age on them only with a --latent-per-year the user measured; SAM is the one route whose
 * input is a real age (its 4th channel is target age / 100, as the model was trained).
 * Manifest options (latentPerYear, directionSign, maxFactor/directionMax, calibrated) and CLI flags override these.
 */
export const DEFAULT_LATENT_CALIBRATION: AgeCalibration = { latentPerYear: 0.1, directionSign: 1 }
export const DEFAULT_STYLEGANEX_CALIBRATION: AgeCalibration = { latentPerYear: 0.05, directionSign: -1, maxFactor: 2.5 }

export const MAX_YEARS = 100
/** Beyond this the generators leave the face manifold; refuse rather than return noise. */
export const MAX_EDIT_FACTOR = 20

/** The step k for routes that edit by a signed amount (latent direction, StyleGANEX `direction`). */
/** With `calibratedOnly`, years on a route whose years are a guess are refused (INVALID_REQUEST) with the way out. */
export function assertYearsCalibrated(amount: AgeAmount, calibration: AgeCalibration): void {
  if (amount.kind !== 'factor' && amount.calibratedOnly && !calibration.calibrated) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      'This model has no calibration from its edit factor to years, so Heirloom will not promise a number of ' +
        'years: give the edit factor instead (positive = older, negative = younger), a per-year step you measured, ' +
        'or use SAM, which takes a real target age.',
      { reason: 'age-years-uncalibrated' }
    )
  }
}

export function editFactorFor(amount: AgeAmount, calibration: AgeCalibration): number {
  assertYearsCalibrated(amount, calibration)
  switch (amount.kind) {
    case 'factor':
      return checkFactor(amount.olderPositive ? calibration.directionSign * amount.k : amount.k, calibration)
    case 'delta':
      return checkFactor(
        calibration.directionSign * calibration.latentPerYear * checkYears(amount.years, 'delta'),
        calibration
      )
    case 'target': {
      if (amount.currentAge === undefined) {
        throw new HeirloomError(
          'INVALID_REQUEST',
          'This model edits by a change in age: a target age needs the current age too, or give a change in years.',
          { reason: 'age-needs-current-age', fields: { targetAge: amount.age } }
        )
      }
      const delta = checkAge(amount.age, 'target age') - checkAge(amount.currentAge, 'current age')
      return checkFactor(calibration.directionSign * calibration.latentPerYear * delta, calibration)
    }
  }
}

/** The target age for age-conditioned encoders (SAM): needs an absolute age. */
export function targetAgeFor(amount: AgeAmount): number {
  switch (amount.kind) {
    case 'target':
      return checkAge(amount.age, 'target age')
    case 'delta':
      if (amount.currentAge === undefined) {
        throw new HeirloomError(
          'INVALID_REQUEST',
          'This model takes a target age: give a target age, or the current age together with a change in years.',
          { reason: 'age-needs-target-age', fields: { years: amount.years } }
        )
      }
      return Math.min(
        MAX_YEARS,
        Math.max(0, checkAge(amount.currentAge, 'current age') + checkYears(amount.years, 'delta'))
      )
    case 'factor':
      throw new HeirloomError('INVALID_REQUEST', 'This model takes a target age, not a latent step.', {
        reason: 'age-factor-unsupported'
      })
  }
}

/** SAM's 4th input channel: target age / 100, clipped to 0..1. */
export function ageChannelValue(targetAge: number): number {
  return Math.min(1, Math.max(0, targetAge / 100))
}

function checkYears(v: number, label: string): number {
  if (!Number.isFinite(v) || Math.abs(v) > MAX_YEARS) {
    throw new HeirloomError(
      'INVALID_REQUEST',
      `The ${label} must be a number of years between -${MAX_YEARS} and ${MAX_YEARS}.`
    )
  }
  return v
}

function checkAge(v: number, label: string): number {
  if (!Number.isFinite(v) || v < 0 || v > MAX_YEARS) {
    throw new HeirloomError('INVALID_REQUEST', `The ${label} must be between 0 and ${MAX_YEARS} years.`)
  }
  return v
}

function checkFactor(k: number, calibration: AgeCalibration): number {
  const max = Math.min(MAX_EDIT_FACTOR, calibration.maxFactor ?? MAX_EDIT_FACTOR)
  if (!Number.isFinite(k)) throw new HeirloomError('INVALID_REQUEST', 'The edit factor must be a number.')
  // A tiny tolerance so "the maximum in years" maps onto exactly maxFactor despite rounding.
  if (Math.abs(k) > max + 1e-9) {
    const years = calibration.calibrated ? ` (about ${Math.round(max / calibration.latentPerYear)} years)` : ''
    throw new HeirloomError(
      'INVALID_REQUEST',
      `This model stays plausible up to an edit factor of ${max}${years}; ${k.toFixed(2)} was asked. ` +
        'Use a smaller change.'
    )
  }
  return k
}
