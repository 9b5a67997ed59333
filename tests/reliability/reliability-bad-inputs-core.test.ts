import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { HeirloomError, toAppError } from '../../src/main/core/errors'
import { decodePhoto, probePhoto } from '../../src/main/core/image/decode'
import { savePhoto } from '../../src/main/core/image/write'
import { writeFileAtomic } from '../../src/main/core/io/write-atomic'
import {
  type Corpus,
  fullDiskFolder,
  meanAbsDiff,
  readOnlyFolder,
  sha256File,
  type TmpMount,
  writeBadInputs
} from '../fixtures/bad-inputs'
import { describeShared, photoPath } from '../helpers/shared-assets'

let root: string
let corpus: Corpus

async function outcome(
  path: string
): Promise<{ ok: true; width: number; height: number } | { ok: false; code: string; message: string }> {
  try {
    const p = await decodePhoto(path)
    return { ok: true, width: p.image.width, height: p.image.height }
  } catch (err) {
    // Anything but a HeirloomError is a crash path: the test fails on it.
    expect(err).toBeInstanceOf(HeirloomError)
    return { ok: false, ...toAppError(err) }
  }
}

describeShared('bad input corpus through the core decoder', () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'heirloom-rel-core-'))
    // Non-square on purpose: a missed EXIF rotation shows up as swapped sides.
    corpus = await writeBadInputs(join(root, 'corpus'), { source: photoPath('old_faded_boy_glasses_298x450.png') })
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('gives each entry its correct result or its one error code, and never changes the input', async () => {
    const table: string[] = []
    for (const e of corpus.entries) {
      const t0 = performance.now()
      const r = await outcome(e.path)
      const ms = performance.now() - t0
      table.push(`${e.name.padEnd(15)} ${r.ok ? `ok ${r.width}x${r.height}` : `${r.code}`} ${ms.toFixed(1)} ms`)
      if (e.code) {
        expect(r, e.name).toMatchObject({ ok: false, code: e.code })
        if (!r.ok) {
          expect(r.message, e.name).not.toMatch(/\n|\s+at\s+\S+:\d+/)
          expect(r.message.length, e.name).toBeLessThan(400)
        }
      } else {
        expect(r, e.name).toEqual({ ok: true, width: e.width, height: e.height })
      }
      expect(sha256File(e.path), `${e.name} bytes unchanged`).toBe(corpus.hashes.get(e.path))
    }
    console.log(`[reliability] core decode of the bad-input corpus:\n  ${table.join('\n  ')}`)
  })

  it('refuses bombs from the header, before any pixel is decoded, in well under 1 s of CPU', async () => {
    for (const name of ['png-bomb', 'tiff-bomb']) {
      const e = corpus.byName(name)
      const rssBefore = process.memoryUsage().rss
      // CPU time of this process (all threads, libvips' included): load on the machine does not stretch it.
      const c0 = process.cpuUsage()
      const err = await decodePhoto(e.path).catch((x: unknown) => x)
      const c = process.cpuUsage(c0)
      const ms = (c.user + c.system) / 1000
      const grew = process.memoryUsage().rss - rssBefore
      expect(toAppError(err).code).toBe('TOO_LARGE')
      // The header check names the declared size; libvips' own pixel-limit error would not.
      expect(toAppError(err).message).toMatch(/\d{5,6}x\d{5,6} \(\d+ MP\); the limit is 100 MP/)
      expect(ms).toBeLessThan(1000)
      // 60000x60000 RGB would be 10.8 GB: nothing near a decoded buffer was allocated.
      expect(grew).toBeLessThan(64 * 1024 * 1024)
      const probe = await probePhoto(e.path)
      expect(probe.width * probe.height).toBeGreaterThan(1e9)
      console.log(
        `[reliability] ${name}: refused after ${ms.toFixed(1)} ms CPU, RSS +${(grew / 1048576).toFixed(1)} MB`
      )
    }
  })

  it('decodes the unusual-but-valid files correctly (CMYK, 16-bit, alpha, gray, EXIF rotation)', async () => {
    const cmyk = await decodePhoto(corpus.byName('cmyk-jpeg').path)
    expect(meanAbsDiff(cmyk.image, corpus.byName('cmyk-jpeg').reference!)).toBeLessThan(15)
    const deep = await decodePhoto(corpus.byName('png-16bit').path)
    expect(deep.bitDepth).toBe(16)
    expect(meanAbsDiff(deep.image, corpus.byName('png-16bit').reference!)).toBeLessThan(1)
    const rgba = await decodePhoto(corpus.byName('rgba-png').path)
    expect(rgba.alpha?.length).toBe(rgba.image.width * rgba.image.height)
    expect(meanAbsDiff(rgba.image, corpus.byName('rgba-png').reference!)).toBeLessThan(1)
    const gray = await decodePhoto(corpus.byName('gray-jpeg').path)
    expect(gray.grayscale).toBe(true)
    const rot = corpus.byName('exif-rotated')
    const turned = await decodePhoto(rot.path)
    expect([turned.image.width, turned.image.height]).toEqual([298, 450])
    expect(meanAbsDiff(turned.image, rot.reference!)).toBeLessThan(6)
    const uni = await decodePhoto(corpus.byName('unicode-path').path)
    expect(uni.sourcePath).toBe(corpus.byName('unicode-path').path)
  })
})

describeShared('writing where the disk refuses: atomic writes leave nothing behind', () => {
  let ro: TmpMount
  let full: TmpMount
  let photo: Awaited<ReturnType<typeof decodePhoto>>

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'heirloom-rel-write-'))
    ro = readOnlyFolder(join(root, 'ro'))
    full = fullDiskFolder(join(root, 'full'), 64 * 1024)
    photo = await decodePhoto(photoPath('old_faded_boy_glasses_298x450.png'))
  })
  afterAll(() => {
    ro?.cleanup()
    full?.cleanup()
    rmSync(root, { recursive: true, force: true })
  })

  it('a read-only folder gives WRITE_FAILED and no file', async () => {
    if (!ro.mounted) console.warn('[reliability] no tmpfs (not root): read-only case skipped')
    if (!ro.mounted) return
    const out = join(ro.dir, 'restored.png')
    const err = await savePhoto(out, photo.image, { format: 'png' }).catch((x: unknown) => x)
    expect(toAppError(err)).toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/read-only/) })
    expect(readdirSync(ro.dir)).toEqual([])
  })

  it('a full disk gives WRITE_FAILED, removes the temp file and keeps an existing output intact', async () => {
    if (!full.mounted) console.warn('[reliability] no tmpfs (not root): full-disk case skipped')
    if (!full.mounted) return
    // A small file that fits, then an overwrite that cannot: the old complete file must survive.
    const keep = join(full.dir, 'keep.bin')
    await writeFileAtomic(keep, Buffer.alloc(8 * 1024, 7))
    const before = sha256File(keep)
    const big = Buffer.alloc(200 * 1024, 1)
    const err = await writeFileAtomic(keep, big, { overwrite: true }).catch((x: unknown) => x)
    expect(toAppError(err)).toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/disk is full/) })
    expect(sha256File(keep)).toBe(before)
    const out = join(full.dir, 'restored.png')
    const err2 = await savePhoto(out, photo.image, { format: 'png' }).catch((x: unknown) => x)
    expect(toAppError(err2).code).toBe('WRITE_FAILED')
    expect(readdirSync(full.dir)).toEqual(['keep.bin'])
  })

  it('never writes over the original, even with overwrite', async () => {
    const src = join(root, 'orig.png')
    await writeFileAtomic(src, Buffer.from('not really a png but precious'))
    const before = sha256File(src)
    const err = await savePhoto(src, photo.image, { format: 'png', overwrite: true, protectedPaths: [src] }).catch(
      (x: unknown) => x
    )
    expect(toAppError(err).code).toBe('FORBIDDEN')
    expect(sha256File(src)).toBe(before)
  })
})
