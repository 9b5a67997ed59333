/**
 * Seeded standard-normal samples for `generate`: the same seed gives the same face on every machine.
 * mulberry32 (32-bit state, good enough for sampling a latent) + Box-Muller.
 */
export function seededNormals(seed: number, count: number): Float32Array {
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = new Float32Array(count)
  for (let i = 0; i < count; i += 2) {
    // 1 - u keeps the log argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - uniform()))
    const theta = 2 * Math.PI * uniform()
    out[i] = r * Math.cos(theta)
    if (i + 1 < count) out[i + 1] = r * Math.sin(theta)
  }
  return out
}
