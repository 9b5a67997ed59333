/** Rounding shared by the commands' --json output (2 decimals for pixels and ms, 3 for scores). */
export const round2 = (v: number): number => Math.round(v * 100) / 100

export const roundScore = (v: number): number => Math.round(v * 1000) / 1000

export function roundedTimings(t: Readonly<Record<string, number | undefined>>): Record<string, number> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, round2(v ?? 0)]))
}

interface ReportedFace {
  index: number
  box: readonly number[]
  score: number
  source: string
}

/** The fields every per-face row of `restore` and `age` starts with. */
export function faceRowHead(f: ReportedFace): { index: number; box: number[]; score: number; source: string } {
  return { index: f.index, box: f.box.map(round2), score: roundScore(f.score), source: f.source }
}
