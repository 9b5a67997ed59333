export type { Point, Landmarks5, BoxXYWH, Face } from '../../../shared/faces'

/**
 * Row-major 2x3 affine [a, b, c, d, e, f]: x' = a*x + b*y + c, y' = d*x + e*y + f.
 * Same layout as OpenCV's warpAffine matrix (maps SOURCE -> DESTINATION).
 */
export type Affine = readonly [number, number, number, number, number, number]
