import type { StageTimings } from './types'

/** Adds elapsed milliseconds since `start` to one field of the optional timings record. */
export function addTiming(t: StageTimings | undefined, key: keyof StageTimings, start: number): number {
  const now = performance.now()
  if (t) t[key] += now - start
  return now
}
