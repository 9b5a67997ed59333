/**
 * Content Credentials with @contentauth/c2pa-wasm 0.13.3: the "facts found" checked one by one (COSE_Sign1
 * shape and exact size, certificate profile), then signing and reading back JPEG and PNG, tamper detection,
 * recipe actions, and another tool's credentials kept as the ingredient's.
 */
import { webcrypto } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadC2pa, MemoryBlob } from '../../src/main/core/credentials/c2pa-runtime'
import { coseSign1, reserveSizeFor } from '../../src/main/core/credentials/cose-signer'
import {
  createIdentityPem,
  credentialsDirFor,
  importIdentity,
  loadOrCreateIdentity,
  parseIdentityPem,
  type SigningIdentity
} from '../../src/main/core/credentials/identity'
import { DIGITAL_SOURCE_COMPOSITE_TRAINED, manifestDefinition } from '../../src/main/core/credentials/manifest'
import { readCredentials } from '../../src/main/core/credentials/read'
import { signPhoto } from '../../src/main/core/credentials/sign'
import type { Provenance } from '../../src/main/core/image/provenance'
import { C2PA_EKU, imageDataOffset, KeyUsage, smallPhoto, variantIdentity, variantPem } from '../helpers/credentials'

let dir: string
let ours: SigningIdentity

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'heirloom-c2pa-'))
  ours = await loadOrCreateIdentity(join(dir, 'credentials'), 'Ann Smith')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const MODELS = (id: string) =>
  ({
    'gfpgan-1.4': { name: 'GFPGAN v1.4', sha256: 'a'.repeat(64) },
    'styleganex-age': { name: 'StyleGANEX age', sha256: 'b'.repeat(64) },
    'realesrgan-x2': { name: 'Real-ESRGAN x2', sha256: 'c'.repeat(64) }
  })[id]

const THREE_STEPS: Provenance = {
  software: 'Heirloom 0.1.0',
  operations: [
    { op: 'restore', model: 'gfpgan-1.4', params: { faces: [0, 2], strength: 0.8 } },
    { op: 'age', model: 'styleganex-age', params: { faces: [1], strength: 0.6, years: 20 } },
    { op: 'upscale', model: 'realesrgan-x2', params: { scale: 2 } }
  ]
}

async function sign(
  bytes: Uint8Array,
  mime: string,
  opts: { identity?: SigningIdentity; provenance?: Provenance; original?: Uint8Array } = {}
) {
  return signPhoto({
    bytes,
    mime,
    identity: opts.identity ?? ours,
    definition: manifestDefinition({
      provenance: opts.provenance ?? THREE_STEPS,
      title: mime === 'image/png' ? 'out.png' : 'out.jpg',
      mime,
      hasOriginal: !!opts.original,
      models: MODELS
    }),
    ...(opts.original ? { original: { bytes: opts.original, title: 'original.jpg' } } : {})
  })
}

describe('COSE_Sign1 for SignerDefinition.sign (facts found)', () => {
  it('is tag 18, {1: -7, 33: x5chain}, {"pad"}, nil payload, 64-byte r||s that verifies, exactly reserveSize bytes', async () => {
    const { decode, Tag } = await import('cbor2')
    const claim = new TextEncoder().encode('claim bytes to sign')
    for (const extra of [0, 1, 2, 23, 24, 25, 255, 256, 257, 1000]) {
      const reserve = reserveSizeFor(ours) + extra
      const cose = await coseSign1(claim, ours, reserve)
      expect(cose.length).toBe(reserve)
    }
    const cose = await coseSign1(claim, ours, reserveSizeFor(ours))
    const tagged = decode<InstanceType<typeof Tag>>(cose, { preferMap: true })
    expect(tagged).toBeInstanceOf(Tag)
    expect(Number(tagged.tag)).toBe(18)
    const [prot, unprot, payload, sig] = tagged.contents as [Uint8Array, Map<string, Uint8Array>, null, Uint8Array]
    const header = decode<Map<number, unknown>>(prot, { preferMap: true })
    expect(header.get(1)).toBe(-7)
    expect(Buffer.from(header.get(33) as Uint8Array).equals(Buffer.from(ours.chain[0]))).toBe(true)
    expect(unprot.get('pad')).toBeInstanceOf(Uint8Array)
    expect(payload).toBeNull()
    expect(sig.length).toBe(64)
    // The signature is over ["Signature1", protected, h'', claim] with the certificate's key.
    const { encode } = await import('cbor2')
    const toBeSigned = encode(['Signature1', prot, new Uint8Array(0), claim])
    const { X509Certificate } = await import('node:crypto')
    const pub = new X509Certificate(Buffer.from(ours.chain[0])).publicKey
    const spki = pub.export({ type: 'spki', format: 'der' })
    const key = await webcrypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'verify'
    ])
    expect(await webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig, toBeSigned)).toBe(true)
  })

  it('a COSE_Sign1 of another size than reserveSize signs, then reads back Invalid', async () => {
    const c2pa = await loadC2pa()
    const photo = await smallPhoto('jpeg')
    const reserveSize = reserveSizeFor(ours)
    const builder = c2pa.WasmBuilder.fromJson(
      JSON.stringify(
        manifestDefinition({ provenance: THREE_STEPS, title: 'x.jpg', mime: 'image/jpeg', hasOriginal: false })
      )
    )
    let outcome: string
    try {
      const signed = await builder.sign(
        {
          alg: 'es256',
          reserveSize,
          // Signed for a larger reservation: a well-formed COSE_Sign1, 16 bytes too long.
          sign: async (claim) => (await coseSign1(claim, ours, reserveSize + 16)) as Uint8Array<ArrayBuffer>
        },
        [],
        'image/jpeg',
        new MemoryBlob(photo).asBlob()
      )
      outcome = (await readCredentials(signed, 'image/jpeg')).state ?? 'none'
    } catch {
      outcome = 'refused'
    } finally {
      builder.free()
    }
    // It "signs fine" and then reads back Invalid: why signPhoto always reads its result back.
    expect(outcome).toBe('Invalid')
  })
})

describe('signing identity', () => {
  it('lives beside the models folder, never in a folder unrelated models folders share', () => {
    const env = {}
    expect(credentialsDirFor(join('/data', 'heirloom', 'models'), env)).toBe(join('/data', 'heirloom', 'credentials'))
    expect(credentialsDirFor(join('/tmp', 'heirloom-models-x1'), env)).toBe(
      join('/tmp', 'heirloom-models-x1-credentials')
    )
    expect(credentialsDirFor('/any', { HEIRLOOM_CREDENTIALS_DIR: '/keys' })).toBe('/keys')
  })

  it('is created once per folder (owner-named, key file private), reloaded unchanged, and checked on import', async () => {
    const again = await loadOrCreateIdentity(join(dir, 'credentials'), 'Ann Smith')
    expect(Buffer.from(again.chain[0]).equals(Buffer.from(ours.chain[0]))).toBe(true)
    expect(await loadOrCreateIdentity(join(dir, 'credentials'))).toMatchObject({ name: 'Ann Smith (Heirloom)' })
    expect(ours).toMatchObject({ name: 'Ann Smith (Heirloom)', generated: true })
    // A new owner's name: a new identity in that name; the old one is kept beside it.
    const renamed = join(dir, 'renamed')
    const first = await loadOrCreateIdentity(renamed)
    const second = await loadOrCreateIdentity(renamed, 'Bob, Jr.')
    expect(first.name).toBe('Heirloom user')
    expect(second.name).toBe('Bob  Jr. (Heirloom)')
    expect(Buffer.from(second.chain[0]).equals(Buffer.from(first.chain[0]))).toBe(false)
    expect(readdirSync(renamed).filter((f) => /^identity-.*\.pem$/.test(f)).length).toBe(1)
    if (process.platform !== 'win32') expect(statSync(ours.file).mode & 0o077).toBe(0)
    // A key that is not the certificate's is refused.
    const a = await createIdentityPem()
    const b = await createIdentityPem()
    const mixed = a.slice(0, a.indexOf('-----BEGIN PRIVATE KEY')) + b.slice(b.indexOf('-----BEGIN PRIVATE KEY'))
    await expect(parseIdentityPem(mixed, 'mixed.pem')).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    await expect(parseIdentityPem('not a pem', 'x.pem')).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    const ca = await variantPem({ ca: true, keyUsage: KeyUsage.digitalSignature | KeyUsage.keyCertSign })
    await expect(importIdentity(join(dir, 'import-ca'), ca.cert, ca.key)).rejects.toThrow(/CA certificate/)
    const mine = await variantPem({ name: 'Archive of the Smith family' })
    const imported = await importIdentity(join(dir, 'import-ok'), mine.cert, mine.key)
    expect(imported).toMatchObject({ name: 'Archive of the Smith family', generated: false })
    // The user's own certificate is never replaced by a name change.
    expect((await loadOrCreateIdentity(join(dir, 'import-ok'), 'Ann')).name).toBe('Archive of the Smith family')
    const signed = await sign(await smallPhoto('jpeg'), 'image/jpeg', { identity: imported })
    expect(signed.check.active?.signer?.commonName).toBe('Archive of the Smith family')
  })

  it('c2pa-rs certificate profile: end-entity ES256 with digitalSignature + EKU passes; CA, keyCertSign, no EKU, C2PA EKU alone do not', async () => {
    const photo = await smallPhoto('jpeg')
    const state = async (id: SigningIdentity): Promise<string> => {
      try {
        const r = await sign(photo, 'image/jpeg', { identity: id })
        return r.check.state ?? 'none'
      } catch (e) {
        // c2pa-rs validates the certificate when it signs: the refusal names the profile rule broken.
        return `refused: ${/signingCredential\.invalid/.test(String(e)) ? 'signingCredential.invalid' : String(e)}`
      }
    }
    expect(await state(await variantIdentity())).toBe('Valid')
    const refused = 'refused: signingCredential.invalid'
    expect(await state(await variantIdentity({ ca: true }))).toBe(refused)
    expect(await state(await variantIdentity({ keyUsage: KeyUsage.digitalSignature | KeyUsage.keyCertSign }))).toBe(
      refused
    )
    expect(await state(await variantIdentity({ eku: null }))).toBe(refused)
    expect(await state(await variantIdentity({ eku: [C2PA_EKU] }))).toBe(refused)
  }, 60_000)
})

describe('sign and read back', () => {
  for (const [format, mime] of [
    ['jpeg', 'image/jpeg'],
    ['png', 'image/png']
  ] as const) {
    it(`${format}: valid (self-signed: untrusted), Heirloom claim generator, opened + one c2pa.edited per step`, async () => {
      const photo = await smallPhoto(format)
      const original = await smallPhoto('jpeg', 80, 60)
      const { bytes } = await sign(photo, mime, { original })
      const r = await readCredentials(bytes)
      expect(r.present).toBe(true)
      expect(r.format).toBe(mime)
      expect(r.state).toBe('Valid')
      expect(r.failures).toEqual([])
      expect(r.untrusted).toBe(true)
      const m = r.active!
      expect(m.claimGenerator).toBe('Heirloom/0.1.0')
      expect(m.signer?.commonName).toBe('Ann Smith (Heirloom)')
      expect(m.actions.map((a) => a.action)).toEqual(['c2pa.opened', 'c2pa.edited', 'c2pa.edited', 'c2pa.edited'])
      const edits = m.actions.filter((a) => a.action === 'c2pa.edited')
      expect(edits.every((a) => a.digitalSourceType === DIGITAL_SOURCE_COMPOSITE_TRAINED)).toBe(true)
      expect(edits.every((a) => a.softwareAgent === 'Heirloom/0.1.0')).toBe(true)
      expect(edits[0].description).toContain('GFPGAN v1.4')
      expect(edits[0].description).toContain(`sha256 ${'a'.repeat(64)}`)
      expect(edits[0].description).toContain('strength 0.8')
      expect(edits[1].description).toContain('strength 0.6')
      expect(m.ingredients).toEqual([
        expect.objectContaining({ title: 'original.jpg', relationship: 'parentOf', format: 'image/jpeg' })
      ])
      // The photo still decodes to the same size.
      const sharp = (await import('sharp')).default
      const meta = await sharp(Buffer.from(bytes)).metadata()
      expect([meta.width, meta.height]).toEqual([96, 64])
    })

    it(`${format}: one flipped byte of image data reads back Invalid (assertion.dataHash.mismatch)`, async () => {
      const { bytes } = await sign(await smallPhoto(format), mime)
      const tampered = Uint8Array.from(bytes)
      tampered[imageDataOffset(tampered)] ^= 0x01
      const r = await readCredentials(tampered)
      expect(r.present).toBe(true)
      expect(r.state).toBe('Invalid')
      expect(r.failures.map((f) => f.code)).toContain('assertion.dataHash.mismatch')
      // The untouched copy still validates.
      expect((await readCredentials(bytes)).state).toBe('Valid')
    })
  }

  it('crop and resize are C2PA cropped/resized without an AI source type; no original means c2pa.created', async () => {
    const { check } = await sign(await smallPhoto('png'), 'image/png', {
      provenance: {
        software: 'Heirloom 0.1.0',
        operations: [
          { op: 'crop', model: 'yunet-2023mar', params: { box: [1, 2, 30, 40] } },
          { op: 'resize', params: { scale: 0.5 } }
        ]
      }
    })
    const actions = check.active!.actions
    expect(actions.map((a) => a.action)).toEqual(['c2pa.created', 'c2pa.cropped', 'c2pa.resized'])
    expect(actions.slice(1).every((a) => a.digitalSourceType === undefined)).toBe(true)
    // Arrays stay readable (c2pa-rs would store [1, 2, 30, 40] as a byte string).
    expect(actions[1].description).toContain('[1,2,30,40]')
  })

  it("a photo carrying another tool's credentials keeps them as the ingredient's", async () => {
    const other = await variantIdentity({ name: 'Darkroom Pro signer' })
    const c2pa = await loadC2pa()
    const builder = c2pa.WasmBuilder.fromJson(
      JSON.stringify({
        claim_generator_info: [{ name: 'Darkroom Pro', version: '7.2' }],
        title: 'scan.jpg',
        format: 'image/jpeg',
        assertions: [
          {
            label: 'c2pa.actions.v2',
            data: {
              actions: [
                {
                  action: 'c2pa.created',
                  digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture',
                  description: 'scanned at 1200 dpi'
                }
              ]
            }
          }
        ]
      })
    )
    const reserveSize = reserveSizeFor(other)
    const scan = await builder.sign(
      {
        alg: 'es256',
        reserveSize,
        sign: async (claim) => (await coseSign1(claim, other, reserveSize)) as Uint8Array<ArrayBuffer>
      },
      [],
      'image/jpeg',
      new MemoryBlob(await smallPhoto('jpeg', 120, 90)).asBlob()
    )
    builder.free()
    const theirs = await readCredentials(scan)
    expect(theirs.active?.claimGenerator).toBe('Darkroom Pro/7.2')

    const { bytes } = await sign(await smallPhoto('jpeg'), 'image/jpeg', { original: scan })
    const r = await readCredentials(bytes)
    expect(r.state).toBe('Valid')
    expect(r.active!.claimGenerator).toBe('Heirloom/0.1.0')
    const ingredient = r.active!.ingredients[0]
    expect(ingredient.relationship).toBe('parentOf')
    expect(ingredient.manifest?.claimGenerator).toBe('Darkroom Pro/7.2')
    expect(ingredient.manifest?.signer?.commonName).toBe('Darkroom Pro signer')
    expect(ingredient.manifest?.actions).toEqual([
      expect.objectContaining({ action: 'c2pa.created', description: 'scanned at 1200 dpi' })
    ])
  })

  it('photos without credentials, and non-images, read as absent (no throw)', async () => {
    expect(await readCredentials(await smallPhoto('jpeg'))).toMatchObject({ present: false })
    expect(await readCredentials(new TextEncoder().encode('hello'))).toMatchObject({ present: false })
  })
})
