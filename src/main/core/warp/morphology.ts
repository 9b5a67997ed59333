/**
 * Small float-mask filters for paste-back masks, run on a face's bounding box only. Hand-written because sharp works on
 * whole images and has no exact cv2.erode(rect) / cv2.GaussianBlur(ksize, sigma=0) equivalent for float masks.
 */

/**
 * Sliding-window minimum along one axis (van Herk / Gil-Werman, O(1) per pixel): dst[i] = min(src[i+lo .. i+lo+k-1]),
 * samples outside the line are ignored (cv2.erode's default border).
 */
function minLine(
  src: Float32Array,
  dst: Float32Array,
  start: number,
  step: number,
  n: number,
  k: number,
  lo: number,
  g: Float32Array,
  h: Float32Array
): void {
  if (k <= 3) {
    // Tiny kernels (facexlib's 2 px erosion): a direct min is cheaper than the block bookkeeping.
    for (let i = 0; i < n; i++) {
      let v = Infinity
      for (let t = Math.max(0, i + lo); t <= Math.min(n - 1, i + lo + k - 1); t++)
        v = Math.min(v, src[start + t * step])
      g[i] = v
    }
    for (let i = 0; i < n; i++) dst[start + i * step] = g[i]!
    return
  }
  // Padded line p[j] = src[j + lo] (Infinity outside); window for output i is p[i .. i+k-1].
  const len = n + k - 1
  for (let j = 0; j < len; j++) {
    const s = j + lo
    const v = s >= 0 && s < n ? src[start + s * step] : Infinity
    g[j] = j % k === 0 ? v : Math.min(g[j - 1], v)
  }
  for (let j = len - 1; j >= 0; j--) {
    const s = j + lo
    const v = s >= 0 && s < n ? src[start + s * step] : Infinity
    h[j] = j % k === k - 1 || j === len - 1 ? v : Math.min(h[j + 1], v)
  }
  for (let i = 0; i < n; i++) dst[start + i * step] = Math.min(h[i], g[i + k - 1])
}

/**
 * cv2.erode(mask, np.ones((kh, kw))) with OpenCV's default anchor (kernel centre = floor(k/2)), in place. An empty
 * kernel (k = 0) behaves like OpenCV's default 3x3.
 */
export function erodeRect(mask: Float32Array, width: number, height: number, kw: number, kh: number): void {
  if (kw <= 0 || kh <= 0) {
    kw = 3
    kh = 3
  }
  const tmp = new Float32Array(mask.length)
  const scratch = Math.max(width, height) + Math.max(kw, kh)
  const g = new Float32Array(scratch)
  const h = new Float32Array(scratch)
  for (let y = 0; y < height; y++) minLine(mask, tmp, y * width, 1, width, kw, -Math.floor(kw / 2), g, h)
  for (let x = 0; x < width; x++) minLine(tmp, mask, x, width, height, kh, -Math.floor(kh / 2), g, h)
}

/** cv2.getGaussianKernel(ksize, 0): fixed tables up to 7 taps, else sigma = 0.3*((k-1)*0.5-1)+0.8. */
export function gaussianKernel(ksize: number): Float64Array {
  const fixed: Record<number, number[]> = {
    1: [1],
    3: [0.25, 0.5, 0.25],
    5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
    7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125]
  }
  const f = fixed[ksize]
  if (f) return Float64Array.from(f)
  const sigma = 0.3 * ((ksize - 1) * 0.5 - 1) + 0.8
  const k = new Float64Array(ksize)
  const c = (ksize - 1) / 2
  let sum = 0
  for (let i = 0; i < ksize; i++) {
    k[i] = Math.exp(-((i - c) * (i - c)) / (2 * sigma * sigma))
    sum += k[i]
  }
  for (let i = 0; i < ksize; i++) k[i] /= sum
  return k
}

/** BORDER_REFLECT_101 index. */
function reflect101(i: number, n: number): number {
  if (n === 1) return 0
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i
  return i
}

function blurLine(
  src: Float32Array,
  dst: Float32Array,
  start: number,
  step: number,
  n: number,
  kernel: Float64Array,
  nextDiff: Int32Array
): void {
  const r = (kernel.length - 1) / 2
  const k = kernel.length
  // nextDiff[i]: first index after i whose value differs from src[i]. Where the whole window is one value the blur is
  // that value, so the convolution only runs near edges (masks are mostly flat 0 or 1).
  nextDiff[n - 1] = n
  for (let i = n - 2; i >= 0; i--) {
    nextDiff[i] = src[start + (i + 1) * step] !== src[start + i * step] ? i + 1 : nextDiff[i + 1]
  }
  for (let i = 0; i < n; i++) {
    const lo = i - r < 0 ? 0 : i - r
    if (nextDiff[lo] > (i + r > n - 1 ? n - 1 : i + r)) {
      dst[start + i * step] = src[start + lo * step]!
      continue
    }
    let acc = 0
    if (i >= r && i + r < n) {
      let p = start + (i - r) * step
      for (let t = 0; t < k; t++, p += step) acc += kernel[t] * src[p]
    } else {
      for (let t = 0; t < k; t++) acc += kernel[t] * src[start + reflect101(i - r + t, n) * step]
    }
    dst[start + i * step] = acc
  }
}

/** cv2.GaussianBlur(mask, (k, k), 0) with BORDER_REFLECT_101, in place. */
export function gaussianBlurMask(mask: Float32Array, width: number, height: number, ksize: number): void {
  if (ksize <= 1) return
  const kernel = gaussianKernel(ksize)
  const tmp = new Float32Array(mask.length)
  const nextDiff = new Int32Array(Math.max(width, height))
  for (let y = 0; y < height; y++) blurLine(mask, tmp, y * width, 1, width, kernel, nextDiff)
  for (let x = 0; x < width; x++) blurLine(tmp, mask, x, width, height, kernel, nextDiff)
}
