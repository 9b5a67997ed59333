import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp, { type Sharp } from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HeirloomError } from '../../src/main/core/errors'
import { decodePhoto, probePhoto } from '../../src/main/core/image/decode'
import { encodePhoto, formatFromPath } from '../../src/main/core/image/encode'
import { EXIF_TAGS, readExifAscii } from '../../src/main/core/image/exif-block'
import { crc32 } from 'node:zlib'
import { isGrayscaleImage, toGrayscaleInPlace } from '../../src/main/core/image/gray'
import { provenanceText, type Provenance } from '../../src/main/core/image/provenance'
import { resizeRgb } from '../../src/main/core/image/resize'
import type { RgbImage } from '../../src/main/core/image/types'
import { codeOf } from '../helpers/heirloom-errors'

let dir = ''
const W = 48
const H = 32

/** Smooth colour gradient with a distinct top-left corner marker (red) to check orientation. */
function testImage(w = W, h = H): RgbImage {
  const data = new Uint8Array(w * h * 3)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3
      data[i] = 40 + Math.round((160 * x) / w)
      data[i + 1] = 60 + Math.round((120 * y) / h)
      data[i + 2] = 90
    }
  }
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) data.set([250, 10, 10], (y * w + x) * 3)
  return { width: w, height: h, data }
}

function rawInput(img: RgbImage): Sharp {
  return sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } })
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length)
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i])
  return s / a.length
}

/** A PNG signature + IHDR chunk (valid CRC) declaring the given size, with no pixel data at all. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // RGB
  const typeAndData = Buffer.concat([Buffer.from('IHDR', 'latin1'), ihdr])
  const len = Buffer.alloc(4)
  len.writeUInt32BE(13, 0)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typeAndData), 0)
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), len, typeAndData, crc])
}

const provenance: Provenance = {
  software: 'Heirloom 0.1.0',
  operations: [{ op: 'restore', model: 'gfpgan-1.4', params: { strength: 0.8 } }]
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'heirloom-imaging-io-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('decodePhoto', () => {
  it('decodes an 8-bit RGB PNG exactly', async () => {
    const img = testImage()
    const d = await decodePhoto(await rawInput(img).png().toBuffer())
    expect([d.image.width, d.image.height, d.format, d.bitDepth, d.grayscale]).toEqual([W, H, 'png', 8, false])
    expect(Buffer.from(d.image.data).equals(Buffer.from(img.data))).toBe(true)
    expect(d.alpha).toBeUndefined()
  })

  it('decodes 16-bit PNG and TIFF to 8-bit', async () => {
    const img = testImage()
    const p16 = await rawInput(img).toColourspace('rgb16').png().toBuffer()
    const t16 = await rawInput(img).toColourspace('rgb16').tiff({ compression: 'deflate' }).toBuffer()
    expect((await sharp(p16).metadata()).depth).toBe('ushort')
    expect((await sharp(t16).metadata()).depth).toBe('ushort')
    for (const [buf, fmt] of [
      [p16, 'png'],
      [t16, 'tiff']
    ] as const) {
      const d = await decodePhoto(buf)
      expect(d.bitDepth).toBe(16)
      expect(d.format).toBe(fmt)
      expect(meanAbsDiff(d.image.data, img.data)).toBeLessThan(1)
    }
  })

  it('decodes a 16-bit grayscale PNG as gray', async () => {
    const d = await decodePhoto(await rawInput(testImage()).toColourspace('grey16').png().toBuffer())
    expect(d.grayscale).toBe(true)
    expect(d.bitDepth).toBe(16)
    expect(isGrayscaleImage(d.image, 0)).toBe(true)
  })

  it('converts a CMYK JPEG to sRGB', async () => {
    const img = testImage()
    const cmyk = await rawInput(img).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer()
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk')
    const d = await decodePhoto(cmyk)
    expect(d.image.data.length).toBe(W * H * 3)
    // Through a CMYK profile and back colours shift a little, never wildly (inverted CMYK would be ~100).
    expect(meanAbsDiff(d.image.data, img.data)).toBeLessThan(15)
  })

  it('keeps alpha aside for an RGBA PNG and restores it on export', async () => {
    const img = testImage()
    const rgba = Buffer.alloc(W * H * 4)
    for (let i = 0; i < W * H; i++) {
      rgba.set(img.data.subarray(i * 3, i * 3 + 3), i * 4)
      rgba[i * 4 + 3] = i % 256
    }
    const png = await sharp(rgba, { raw: { width: W, height: H, channels: 4 } })
      .png()
      .toBuffer()
    const d = await decodePhoto(png)
    expect(d.alpha?.length).toBe(W * H)
    expect(d.alpha![300]).toBe(300 % 256)
    expect(Buffer.from(d.image.data).equals(Buffer.from(img.data))).toBe(true)
    const out = await encodePhoto(d.image, { format: 'png', alpha: d.alpha! })
    const back = await decodePhoto(out)
    expect(Buffer.from(back.alpha!).equals(Buffer.from(d.alpha!))).toBe(true)
  })

  it('flags a grayscale JPEG', async () => {
    const d = await decodePhoto(await rawInput(testImage()).toColourspace('b-w').jpeg().toBuffer())
    expect(d.grayscale).toBe(true)
    expect(isGrayscaleImage(d.image, 0)).toBe(true)
  })

  it('flags an RGB file whose pixels are all gray', async () => {
    const img = testImage()
    toGrayscaleInPlace(img)
    const d = await decodePhoto(await rawInput(img).png().toBuffer())
    expect(d.grayscale).toBe(true)
  })

  it('applies EXIF orientation once (orientation 6 = rotate 90° clockwise)', async () => {
    const img = testImage()
    const jpg = await rawInput(img).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer()
    const d = await decodePhoto(jpg)
    expect([d.image.width, d.image.height]).toEqual([H, W])
    expect(d.metadata.orientation).toBe(6)
    // Top-left marker lands top-right after a clockwise quarter turn.
    const px = (x: number, y: number): number[] => [...d.image.data.subarray((y * H + x) * 3, (y * H + x) * 3 + 3)]
    expect(px(H - 2, 1)[0]).toBeGreaterThan(200)
    expect(px(1, 1)[0]).toBeLessThan(200)
    expect(await probePhoto(jpg)).toEqual({ width: H, height: W, format: 'jpeg', orientation: 6 })
  })

  it('decodes WebP and reads files from disk', async () => {
    const path = join(dir, 'a.webp')
    await rawInput(testImage()).webp({ lossless: true }).toFile(path)
    const d = await decodePhoto(path)
    expect([d.format, d.sourcePath]).toEqual(['webp', path])
    expect(meanAbsDiff(d.image.data, testImage().data)).toBe(0)
  })

  it('refuses missing, empty, truncated and non-image input with clear codes', async () => {
    const jpg = await rawInput(testImage(200, 150)).jpeg().toBuffer()
    const png = await rawInput(testImage(200, 150)).png().toBuffer()
    const empty = join(dir, 'empty.jpg')
    writeFileSync(empty, '')
    expect(await codeOf(decodePhoto(join(dir, 'nope.jpg')))).toBe('NOT_FOUND')
    expect(await codeOf(decodePhoto(empty))).toBe('DECODE_FAILED')
    expect(await codeOf(decodePhoto(Buffer.alloc(0)))).toBe('DECODE_FAILED')
    expect(await codeOf(decodePhoto(jpg.subarray(0, Math.floor(jpg.length * 0.6))))).toBe('DECODE_FAILED')
    expect(await codeOf(decodePhoto(png.subarray(0, Math.floor(png.length * 0.6))))).toBe('DECODE_FAILED')
    const random = Buffer.alloc(4096)
    for (let i = 0; i < random.length; i++) random[i] = (i * 7919 + 13) % 251
    expect(await codeOf(decodePhoto(random))).toBe('UNSUPPORTED')
    expect(await codeOf(decodePhoto(dir))).toBe('UNSUPPORTED')
  })

  it('refuses a 60000x60000 PNG header with TOO_LARGE in under a second', async () => {
    const path = join(dir, 'huge.png')
    writeFileSync(path, pngHeaderOnly(60000, 60000))
    const t0 = performance.now()
    expect(await codeOf(decodePhoto(path))).toBe('TOO_LARGE')
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(await codeOf(decodePhoto(pngHeaderOnly(60000, 60000)))).toBe('TOO_LARGE')
  })

  it('honours a custom pixel limit', async () => {
    const png = await rawInput(testImage()).png().toBuffer()
    expect(await codeOf(decodePhoto(png, { maxPixels: W * H - 1 }))).toBe('TOO_LARGE')
    expect(await codeOf(decodePhoto(png, { maxPixels: W * H }))).toBe('resolved')
  })
})

describe('encodePhoto', () => {
  it('maps file extensions to formats', () => {
    expect(['a.JPG', 'b.jpeg', 'c.png', 'd.tif', 'e.tiff', 'f.webp'].map(formatFromPath)).toEqual([
      'jpeg',
      'jpeg',
      'png',
      'tiff',
      'tiff',
      'webp'
    ])
    expect(() => formatFromPath('x.bmp')).toThrow(HeirloomError)
  })

  it('keeps EXIF (orientation reset), ICC and XMP and adds provenance, in JPEG, PNG and WebP', async () => {
    const originalXmp =
      '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
      '<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" tiff:Orientation="6" photoshop:City="Lyon"/>' +
      '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    const src = await rawInput(testImage())
      .withIccProfile('p3')
      .withExif({ IFD0: { Make: 'Kodak', ImageDescription: 'Grandma 1952' } })
      .withMetadata({ orientation: 6 })
      .withXmp(originalXmp)
      .jpeg({ quality: 95 })
      .toBuffer()
    const d = await decodePhoto(src)
    expect(d.metadata.exif && d.metadata.icc && d.metadata.xmp).toBeTruthy()
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const out = await encodePhoto(d.image, { format, metadata: d.metadata, provenance })
      const m = await sharp(out).metadata()
      expect(m.format).toBe(format)
      expect(m.orientation ?? 1).toBe(1)
      expect(m.icc?.equals(d.metadata.icc!)).toBe(true)
      expect(readExifAscii(m.exif!, 0x010f)).toBe('Kodak')
      expect(readExifAscii(m.exif!, EXIF_TAGS.ImageDescription)).toBe('Grandma 1952')
      expect(readExifAscii(m.exif!, EXIF_TAGS.Software)).toBe('Heirloom 0.1.0')
      const xmp = m.xmp!.toString('utf8')
      expect(xmp).toContain('photoshop:City="Lyon"')
      expect(xmp).toContain('tiff:Orientation="1"')
      expect(xmp).toContain('restore (model gfpgan-1.4; strength=0.8)')
      // Decoding again gives the same picture, upright (pixels were converted into P3 and back).
      const back = await decodePhoto(out)
      expect([back.image.width, back.image.height]).toEqual([d.image.width, d.image.height])
      expect(meanAbsDiff(back.image.data, d.image.data)).toBeLessThan(format === 'png' ? 0.5 : 3)
    }
  })

  it('writes the provenance note into EXIF and XMP when the source had no metadata', async () => {
    const out = await encodePhoto(testImage(), { format: 'jpeg', provenance })
    const m = await sharp(out).metadata()
    expect(readExifAscii(m.exif!, EXIF_TAGS.ImageDescription)).toBe(provenanceText(provenance))
    expect(m.xmp!.toString('utf8')).toContain('heirloom:History')
    expect(m.xmp!.toString('utf8')).toContain(provenanceText(provenance))
  })

  it('extends an existing Heirloom history instead of stacking blocks', async () => {
    const first = await decodePhoto(await encodePhoto(testImage(), { format: 'png', provenance }))
    const second = await encodePhoto(first.image, {
      format: 'png',
      metadata: first.metadata,
      provenance: { software: 'Heirloom 0.1.0', operations: [{ op: 'age', model: 'e4e', params: { years: 20 } }] }
    })
    const xmp = (await sharp(second).metadata()).xmp!.toString('utf8')
    expect(xmp.match(/xmlns:heirloom=/g)?.length).toBe(1)
    expect(xmp).toContain(
      '<rdf:li>restore (model gfpgan-1.4; strength=0.8)</rdf:li><rdf:li>age (model e4e; years=20)</rdf:li>'
    )
  })

  it('keeps ICC and XMP in TIFF', async () => {
    const src = await rawInput(testImage()).withIccProfile('p3').jpeg().toBuffer()
    const d = await decodePhoto(src)
    const out = await encodePhoto(d.image, { format: 'tiff', metadata: d.metadata, provenance })
    const m = await sharp(out).metadata()
    expect(m.format).toBe('tiff')
    expect(m.icc?.equals(d.metadata.icc!)).toBe(true)
    expect(m.xmp!.toString('utf8')).toContain('heirloom:History')
    expect(meanAbsDiff((await decodePhoto(out)).image.data, d.image.data)).toBeLessThan(0.5)
  })

  it('strips original metadata when keepMetadata is false', async () => {
    const src = await rawInput(testImage())
      .withExif({ IFD0: { Make: 'Kodak' } })
      .jpeg()
      .toBuffer()
    const d = await decodePhoto(src)
    const m = await sharp(
      await encodePhoto(d.image, { format: 'jpeg', metadata: d.metadata, keepMetadata: false })
    ).metadata()
    expect(m.exif).toBeUndefined()
  })

  it('writes grayscale photos with one channel', async () => {
    const img = testImage()
    toGrayscaleInPlace(img)
    for (const format of ['jpeg', 'png'] as const) {
      const m = await sharp(await encodePhoto(img, { format, grayscale: true })).metadata()
      expect(m.channels).toBe(1)
    }
  })

  it('rejects a mismatched alpha buffer', async () => {
    expect(await codeOf(encodePhoto(testImage(), { format: 'png', alpha: new Uint8Array(3) }))).toBe('INVALID_REQUEST')
  })
})

describe('gray and resize helpers', () => {
  it('isGrayscaleImage honours its tolerance', () => {
    const img: RgbImage = { width: 2, height: 1, data: new Uint8Array([10, 11, 12, 50, 50, 50]) }
    expect(isGrayscaleImage(img, 2)).toBe(true)
    expect(isGrayscaleImage(img, 1)).toBe(false)
    toGrayscaleInPlace(img)
    expect([...img.data]).toEqual([11, 11, 11, 50, 50, 50])
  })

  it('resizeRgb returns the exact size and keeps flat colours', async () => {
    const flat: RgbImage = { width: 10, height: 8, data: new Uint8Array(10 * 8 * 3).fill(77) }
    for (const kernel of ['lanczos3', 'cubic', 'linear', 'nearest'] as const) {
      const r = await resizeRgb(flat, 25, 3, kernel)
      expect([r.width, r.height, r.data.length]).toEqual([25, 3, 225])
      expect(r.data.every((v) => v === 77)).toBe(true)
    }
  })
})
