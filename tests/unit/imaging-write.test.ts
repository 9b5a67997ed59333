import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { HeirloomError } from '../../src/main/core/errors'
import { decodePhoto } from '../../src/main/core/image/decode'
import type { RgbImage } from '../../src/main/core/image/types'
import { savePhoto } from '../../src/main/core/image/write'
import { writeFileAtomic } from '../../src/main/core/io/write-atomic'
import { codeOf } from '../helpers/heirloom-errors'

// Lets one test make the temp-file write fail like a full disk (we run as root: permissions cannot fail here).
const failWrite = { on: false }
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>()
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const fh = await real.open(...args)
      if (!failWrite.on) return fh
      return new Proxy(fh, {
        get(target, prop, receiver) {
          if (prop === 'writeFile') {
            return async () => {
              await target.write(Buffer.from('partial'))
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
            }
          }
          const v = Reflect.get(target, prop, receiver)
          return typeof v === 'function' ? v.bind(target) : v
        }
      })
    }
  }
})

let dir = ''
const img: RgbImage = { width: 8, height: 6, data: new Uint8Array(8 * 6 * 3).fill(120) }

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'heirloom-imaging-write-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(() => {
  failWrite.on = false
})

describe('writeFileAtomic', () => {
  it('writes, refuses to overwrite by default, overwrites when asked', async () => {
    const p = join(dir, 'a.bin')
    await writeFileAtomic(p, Buffer.from('one'))
    expect(readFileSync(p, 'utf8')).toBe('one')
    expect(await codeOf(writeFileAtomic(p, Buffer.from('two')))).toBe('OUTPUT_EXISTS')
    expect(readFileSync(p, 'utf8')).toBe('one')
    await writeFileAtomic(p, Buffer.from('three'), { overwrite: true })
    expect(readFileSync(p, 'utf8')).toBe('three')
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('gives WRITE_FAILED for a folder that cannot exist, leaving nothing behind', async () => {
    writeFileSync(join(dir, 'plainfile'), 'x')
    const p = join(dir, 'plainfile', 'sub', 'out.png')
    expect(await codeOf(writeFileAtomic(p, Buffer.from('data')))).toBe('WRITE_FAILED')
    expect(await codeOf(writeFileAtomic(join(dir, 'missing-dir', 'out.png'), Buffer.from('data')))).toBe('WRITE_FAILED')
  })

  it('removes the temp file and never creates the target when the write fails midway (disk full)', async () => {
    const p = join(dir, 'full.png')
    failWrite.on = true
    const err = await writeFileAtomic(p, Buffer.alloc(1000, 1)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HeirloomError)
    expect((err as HeirloomError).code).toBe('WRITE_FAILED')
    expect((err as HeirloomError).message).toMatch(/disk is full/)
    expect(readdirSync(dir).filter((f) => f.includes('full.png'))).toEqual([])
  })

  it('keeps the previous file intact when an overwrite fails', async () => {
    const p = join(dir, 'keep.png')
    await writeFileAtomic(p, Buffer.from('good'))
    failWrite.on = true
    expect(await codeOf(writeFileAtomic(p, Buffer.from('bad'), { overwrite: true }))).toBe('WRITE_FAILED')
    expect(readFileSync(p, 'utf8')).toBe('good')
    expect(readdirSync(dir).filter((f) => f.includes('keep.png'))).toEqual(['keep.png'])
  })
})

describe('savePhoto', () => {
  it('encodes by extension and the file decodes back', async () => {
    const p = join(dir, 'out.jpg')
    await savePhoto(p, img, { provenance: { software: 'Heirloom test', operations: [{ op: 'restore' }] } })
    const d = await decodePhoto(p)
    expect([d.format, d.image.width, d.image.height]).toEqual(['jpeg', 8, 6])
  })

  it('never writes over a protected path, even with overwrite or through a symlink', async () => {
    const input = join(dir, 'input.png')
    await savePhoto(input, img, {})
    const before = readFileSync(input)
    expect(await codeOf(savePhoto(input, img, { overwrite: true, protectedPaths: [input] }))).toBe('FORBIDDEN')
    const link = join(dir, 'link.png')
    symlinkSync(input, link)
    expect(await codeOf(savePhoto(link, img, { overwrite: true, protectedPaths: [input] }))).toBe('FORBIDDEN')
    expect(readFileSync(input).equals(before)).toBe(true)
  })

  it('refuses an existing output and an unknown extension', async () => {
    const p = join(dir, 'exists.png')
    await savePhoto(p, img, {})
    expect(await codeOf(savePhoto(p, img, {}))).toBe('OUTPUT_EXISTS')
    expect(await codeOf(savePhoto(join(dir, 'x.bmp'), img, {}))).toBe('UNSUPPORTED')
  })
})
