import { describe, expect, it } from 'vitest'
import { amountLabel } from '../../src/renderer/src/panels/age-labels'
import type { AgeRouteInfo } from '../../src/shared/ipc/types'

const route = (over: Partial<AgeRouteInfo>): AgeRouteInfo => ({
  id: 'latent',
  name: 'r',
  installed: true,
  models: [],
  edits: 'years',
  yearsCalibrated: false,
  ...over
})

describe('Age control labels: years only where they are real (issue 20 item 7)', () => {
  it('an uncalibrated route is labelled by its factor, never in years', () => {
    expect(amountLabel(20, route({ factorPerYear: 0.1 }))).toBe('Older, factor +2.00 (not calibrated in years)')
    expect(amountLabel(-10, route({ factorPerYear: 0.05 }))).toBe('Younger, factor -0.50 (not calibrated in years)')
    expect(amountLabel(0, route({ factorPerYear: 0.05 }))).toBe('No change')
  })

  it('SAM, or a route whose manifest marks a measured calibration, speaks in years', () => {
    expect(amountLabel(20, route({ edits: 'target-age', yearsCalibrated: true }))).toBe('20 years older')
    expect(amountLabel(-5, route({ yearsCalibrated: true, factorPerYear: 0.08 }))).toBe('5 years younger')
  })
})
