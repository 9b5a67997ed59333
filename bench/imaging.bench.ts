/**
 * Imaging benchmark on a ~24 MP photo: decode, 512 crop (RGB and straight to tensor), paste-back, encode; compared with
 * sharp's own raw decode+encode and, when python3 + cv2 are installed, with OpenCV's warpAffine and a facexlib-style
 * full-image paste. Peak RSS of a 50 MP decode -> crop -> paste -> encode is measured in a child process.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import sharp from 'sharp'
import type { Landmarks5 } from '../src/shared/faces'
import { alignAffine } from '../src/main/core/geometry/templates'
import { decodePhoto } from '../src/main/core/image/decode'
import { encodePhoto } from '../src/main/core/image/encode'
import { warpAffineRgb, warpToTensor } from '../src/main/core/warp/crop'
import { pasteBack } from '../src/main/core/warp/paste'

const SHARED = resolve(process.env.HEIRLOOM_SHARED_DIR ?? join(__dirname, '..', '..', 'shared'))
const SOURCE = join(SHARED, 'photos', 'gfpgan_large_scan_1297x1920.jpg')
const TMP = '/tmp/heirloom-bench'
/** Reference landmarks of face 0 in the source (goldens/index.json). */
function sourceLandmarks(): Landmarks5 {
  const idx = JSON.parse(readFileSync(join(SHARED, 'goldens', 'index.json'), 'utf8')) as {
    photo: string
    face: number
    landmarks5: Landmarks5
  }[]
  const e = idx.find((g) => g.photo.endsWith('gfpgan_large_scan_1297x1920.jpg') && g.face === 0)
  if (!e) throw new Error('golden landmarks for the large scan are missing')
  return e.landmarks5
}

async function makePhoto(path: string, width: number): Promise<{ width: number; height: number; scale: number }> {
  const meta = await sharp(SOURCE).metadata()
  const scale = width / meta.width
  if (!existsSync(path)) {
    await sharp(SOURCE)
      .resize(width, Math.round(meta.height * scale), { kernel: 'lanczos3' })
      .jpeg({ quality: 90 })
      .toFile(path)
  }
  const m = await sharp(path).metadata()
  return { width: m.width, height: m.height, scale: m.width / meta.width }
}

async function timeIt<T>(runs: number, fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const times: number[] = []
  let value!: T
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    value = await fn()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return { ms: times[Math.floor(times.length / 2)], value }
}

const PY_OPENCV = String.raw`
import sys, json, time
import numpy as np, cv2
path, aff = sys.argv[1], json.loads(sys.argv[2])
M = np.array(aff, dtype=np.float64).reshape(2, 3)
img = cv2.imread(path)
def best(fn, n):
    ts = []
    for _ in range(n):
        t0 = time.perf_counter(); fn(); ts.append((time.perf_counter() - t0) * 1000)
    ts.sort(); return ts[len(ts) // 2]
crop = lambda: cv2.warpAffine(img, M, (512, 512), borderMode=cv2.BORDER_CONSTANT, borderValue=(135, 133, 132))
crop_ms = best(crop, 20)
threads = cv2.getNumThreads()
cv2.setNumThreads(1)
crop_ms_1t = best(crop, 20)
cv2.setNumThreads(threads)
face = cv2.warpAffine(img, M, (512, 512))
def paste():
    h, w = img.shape[:2]
    inv = cv2.invertAffineTransform(M)
    inv_restored = cv2.warpAffine(255 - face, inv, (w, h))
    mask = np.ones((512, 512), dtype=np.float32)
    inv_mask = cv2.warpAffine(mask, inv, (w, h))
    inv_mask_erosion = cv2.erode(inv_mask, np.ones((2, 2), np.uint8))
    pasted = inv_mask_erosion[:, :, None] * inv_restored
    area = np.sum(inv_mask_erosion)
    w_edge = int(area ** 0.5) // 20
    center = cv2.erode(inv_mask_erosion, np.ones((w_edge * 2, w_edge * 2), np.uint8))
    soft = cv2.GaussianBlur(center, (w_edge * 2 + 1, w_edge * 2 + 1), 0)[:, :, None]
    return (soft * pasted + (1 - soft) * img).astype(np.uint8)
paste_ms = best(paste, 3)
print(json.dumps({"crop_ms": crop_ms, "crop_ms_1t": crop_ms_1t, "threads": threads, "paste_ms": paste_ms, "cv2": cv2.__version__}))
`

const CHILD_RSS = String.raw`
const { decodePhoto } = require('./src/main/core/image/decode')
const { encodePhoto } = require('./src/main/core/image/encode')
const { warpAffineRgb } = require('./src/main/core/warp/crop')
const { pasteBack } = require('./src/main/core/warp/paste')
;(async () => {
  const [path, aff] = [process.argv[1], JSON.parse(process.argv[2])]
  const photo = await decodePhoto(path)
  const crop = warpAffineRgb(photo.image, aff, 512, 512)
  pasteBack(photo.image, crop, aff)
  const out = await encodePhoto(photo.image, { format: 'jpeg', metadata: photo.metadata })
  console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, bytes: out.length, width: photo.image.width, height: photo.image.height }))
})()
`

export async function bench(): Promise<void> {
  mkdirSync(TMP, { recursive: true })
  sharp.concurrency(2)
  const photoPath = join(TMP, 'photo-24mp.jpg')
  const { width, height, scale } = await makePhoto(photoPath, 4000)
  const lm = sourceLandmarks().map(([x, y]) => [x * scale, y * scale]) as Landmarks5
  const m = alignAffine(lm, 'ffhq_512', 512)
  console.log(
    `[imaging] photo ${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP), face scale ${(1 / Math.hypot(m[0], m[1])).toFixed(2)} px/crop px`
  )

  const dec = await timeIt(3, () => decodePhoto(photoPath))
  const photo = dec.value
  console.log(`[imaging] decode ${dec.ms.toFixed(0)} ms`)

  const crop = await timeIt(15, () => warpAffineRgb(photo.image, m, 512, 512))
  console.log(`[imaging] 512 crop warpAffineRgb ${crop.ms.toFixed(2)} ms`)
  const tensorOut = new Float32Array(3 * 512 * 512)
  const tens = await timeIt(15, () =>
    warpToTensor(photo.image, m, 512, 512, {
      channels: 'RGB',
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
      out: tensorOut
    })
  )
  console.log(`[imaging] 512 crop warpToTensor (NCHW, normalised) ${tens.ms.toFixed(2)} ms (target <= 10 ms)`)

  const face = { ...crop.value, data: crop.value.data.map((v) => 255 - v) }
  const pristine = photo.image.data.slice()
  const restore = (): void => photo.image.data.set(pristine)
  const feather = await timeIt(7, () => {
    restore()
    return pasteBack(photo.image, face, m, { mask: 'feather' })
  })
  const facex = await timeIt(7, () => {
    restore()
    return pasteBack(photo.image, face, m, { mask: 'facexlib' })
  })
  console.log(
    `[imaging] paste-back feather ${feather.ms.toFixed(1)} ms, facexlib mask ${facex.ms.toFixed(1)} ms over box ${facex.value.join(',')} (target <= 60 ms)`
  )

  const enc = await timeIt(3, () =>
    encodePhoto(photo.image, {
      format: 'jpeg',
      metadata: photo.metadata,
      provenance: { software: 'Heirloom bench', operations: [{ op: 'restore' }] }
    })
  )
  console.log(`[imaging] encode JPEG q92 ${enc.ms.toFixed(0)} ms (${(enc.value.length / 1e6).toFixed(1)} MB)`)

  const refDec = await timeIt(3, () => sharp(photoPath).raw().toBuffer({ resolveWithObject: true }))
  const { data, info } = refDec.value
  const refEnc = await timeIt(3, () =>
    sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
      .jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
      .toBuffer()
  )
  const ratio = (dec.ms + enc.ms) / (refDec.ms + refEnc.ms)
  console.log(
    `[imaging] sharp raw decode ${refDec.ms.toFixed(0)} ms + encode ${refEnc.ms.toFixed(0)} ms; ours/sharp = ${ratio.toFixed(2)}x (target <= 1.3x)`
  )

  // Debian's python3-opencv lives in the system python, which a pyenv shim may shadow on PATH.
  const python = ['/usr/bin/python3', 'python3'].find(
    (exe) => spawnSync(exe, ['-c', 'import cv2'], { encoding: 'utf8' }).status === 0
  )
  if (python) {
    const out = execFileSync(python, ['-c', PY_OPENCV, photoPath, JSON.stringify([...m])], { encoding: 'utf8' })
    const r = JSON.parse(out.trim().split('\n').pop()!) as {
      crop_ms: number
      crop_ms_1t: number
      threads: number
      paste_ms: number
      cv2: string
    }
    console.log(
      `[imaging] OpenCV ${r.cv2}: warpAffine 512 crop ${r.crop_ms.toFixed(2)} ms on ${r.threads} threads -> ours/cv2 = ${(crop.ms / r.crop_ms).toFixed(2)}x ` +
        `(the <= 2x target is retired: a face's model run takes seconds, bench:heavy, so the crop is < 1 % of it); ` +
        `single-threaded like ours ${r.crop_ms_1t.toFixed(2)} ms -> ${(crop.ms / r.crop_ms_1t).toFixed(2)}x`
    )
    console.log(
      `[imaging] facexlib-style full-image paste ${r.paste_ms.toFixed(0)} ms -> speed-up feather ${(r.paste_ms / feather.ms).toFixed(1)}x, facexlib mask ${(r.paste_ms / facex.ms).toFixed(1)}x (target >= 3x)`
    )
  } else {
    console.log('[imaging] python3 + cv2 not available: OpenCV comparison skipped')
  }

  const bigPath = join(TMP, 'photo-50mp.jpg')
  const big = await makePhoto(bigPath, 5800)
  const bigLm = sourceLandmarks().map(([x, y]) => [x * big.scale, y * big.scale]) as Landmarks5
  const bigM = alignAffine(bigLm, 'ffhq_512', 512)
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', CHILD_RSS, bigPath, JSON.stringify([...bigM])], {
    cwd: resolve(__dirname, '..'),
    encoding: 'utf8'
  })
  if (child.status !== 0) {
    console.log(`[imaging] 50 MP RSS child failed: ${child.stderr.split('\n').slice(0, 3).join(' ')}`)
  } else {
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { maxRssKb: number; width: number; height: number }
    console.log(
      `[imaging] peak RSS ${r.width}x${r.height} (${((r.width * r.height) / 1e6).toFixed(1)} MP) decode->crop->paste->encode: ${(r.maxRssKb / 1024).toFixed(0)} MB (target <= 1536 MB)`
    )
  }
  writeFileSync(join(TMP, 'last-run.txt'), new Date().toISOString())
}
