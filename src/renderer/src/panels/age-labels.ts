import type { AgeRouteInfo } from '../../../shared/ipc/types'
/**
 * Years only where they are real: SAM (or a route whose manifest marks a measured calibration) speaks in years; e4e
 * and StyleGANEX move along a direction by a factor whose years are a guess, so they are labelled by that factor.
 */
export function amountLabel(years: number, route: AgeRouteInfo | undefined): string {
  if (years === 0) return 'No change'
  const way = years > 0 ? 'older' : 'younger'
  if (!route || route.yearsCalibrated || route.factorPerYear === undefined) {
    return `${Math.abs(years)} years ${way}`
  }
  const factor = years * route.factorPerYear
  return `${way[0].toUpperCase()}${way.slice(1)}, factor ${factor > 0 ? '+' : ''}${factor.toFixed(2)} (not calibrated in years)`
}
