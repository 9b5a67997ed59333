/**
 * The export hook (savePhoto -> embedCredentials): every format Heirloom writes is signed when credentials are on;
 * off, without a recipe, or for a format C2PA does not cover here, the photo is written unsigned with a reason, and
 * the XMP provenance note is there either way. The export never fails because of credentials.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { configureCredentials, embedCredentials } from '../../src/main/core/credentials/embed'
import { readCredentialsFile } from '../../src/main/core/credentials/read'
import type { Provenance } from '../../src/main/core/image/provenance'
import { savePhoto } from '../../src/main/core/image/write'
import { smallPhoto } from '../helpers/credentials'

let dir: string
const image = { width: 48, height: 32, data: new Uint8Array(48 * 32 * 3).map((_, i) => (i * 37) & 255) }
const recipe: Provenance = {
  software: 'Heirloom 0.1.0',
  operations: [{ op: 'restore', model: 'gfpgan-1.4', params: { faces: [0], strength: 1 } }]
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'heirloom-c2pa-embed-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(() => configureCredentials(undefined))

const on = (): void => configureCredentials({ enabled: true, dir: join(dir, 'credentials') })

describe('savePhoto with Content Credentials', () => {
  for (const ext of ['jpg', 'png', 'webp', 'tif']) {
    it(`.${ext}: signed from the real encoder output (EXIF/ICC/XMP spliced), original as parentOf, XMP kept`, async () => {
      on()
      const original = join(dir, `original-${ext}.jpg`)
      writeFileSync(original, await smallPhoto('jpeg', 48, 32))
      const out = join(dir, `out.${ext}`)
      const saved = await savePhoto(out, image, { provenance: recipe, protectedPaths: [original] })
      expect(saved.credentials).toMatchObject({ signed: true, signer: 'Heirloom user' })
      expect(saved.credentials.bytesAdded).toBeGreaterThan(1000)
      const c = await readCredentialsFile(out)
      expect(c.state).toBe('Valid')
      expect(c.active?.ingredients[0]).toMatchObject({ title: `original-${ext}.jpg`, relationship: 'parentOf' })
      expect(c.active?.title).toBe(`out.${ext}`)
      expect((await sharp(out).metadata()).xmp?.toString('utf8')).toContain('heirloom:History')
    })
  }

  it('off, or without a recipe: written unsigned (XMP note intact), saying why', async () => {
    const off = join(dir, 'off.jpg')
    const r = await savePhoto(off, image, { provenance: recipe })
    expect(r.credentials).toEqual({ signed: false, note: 'Content Credentials are turned off' })
    expect((await readCredentialsFile(off)).present).toBe(false)
    expect((await sharp(off).metadata()).xmp?.toString('utf8')).toContain('heirloom:History')
    on()
    const bare = join(dir, 'bare.jpg')
    const b = await savePhoto(bare, image, {})
    expect(b.credentials.signed).toBe(false)
    expect(b.credentials.note).toMatch(/no recipe/)
  })

  it('a format C2PA does not cover, or a broken identity: the bytes pass through unchanged with the reason', async () => {
    on()
    const encoded = Buffer.from('not really an image')
    const odd = await embedCredentials(encoded, { format: 'bmp', output: join(dir, 'x.bmp'), provenance: recipe })
    expect(odd.data).toBe(encoded)
    expect(odd.outcome.note).toMatch(/not embedded in BMP files here.*XMP provenance note is kept/)
    // An identity file that is not one: the export still succeeds, unsigned, and says so.
    const broken = join(dir, 'broken-credentials')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(broken)
    writeFileSync(join(broken, 'identity.pem'), 'garbage')
    configureCredentials({ enabled: true, dir: broken })
    const out = join(dir, 'broken.png')
    const r = await savePhoto(out, image, { provenance: recipe })
    expect(r.credentials.signed).toBe(false)
    expect(r.credentials.note).toMatch(/could not be added: The signing identity .* cannot be used/)
    expect(readFileSync(out).length).toBeGreaterThan(0)
    expect((await sharp(out).metadata()).width).toBe(48)
  })
})
