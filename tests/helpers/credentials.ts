/** Test helpers for Content Credentials: tiny encoded photos, byte flips in image data, other signers. */
import { webcrypto } from 'node:crypto'
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import sharp from 'sharp'
import type { SigningIdentity } from '../../src/main/core/credentials/identity'

// The node and web tsconfigs see different Crypto types (DOM lib or not): the cast is needed in one of them.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1])

const ES256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }

/** A small photo with some structure (gradient), encoded as JPEG or PNG. */
export async function smallPhoto(format: 'jpeg' | 'png' | 'tiff' | 'webp', w = 96, h = 64): Promise<Buffer> {
  const raw = Buffer.alloc(w * h * 3)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3
      raw[i] = (x * 255) / w
      raw[i + 1] = (y * 255) / h
      raw[i + 2] = ((x + y) * 7) & 255
    }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .toFormat(format)
    .toBuffer()
}

/** Offset of a byte inside the entropy-coded scan data (JPEG) or the first IDAT's data (PNG). */
export function imageDataOffset(b: Uint8Array): number {
  if (b[0] === 0xff && b[1] === 0xd8) {
    // Walk segments to SOS, then skip its header: what follows is scan data until EOI.
    let o = 2
    while (o + 4 <= b.length) {
      const marker = b[o + 1]
      const len = (b[o + 2] << 8) | b[o + 3]
      if (marker === 0xda) return o + 2 + len + Math.floor((b.length - (o + 2 + len) - 2) / 2)
      o += 2 + len
    }
    throw new Error('no SOS segment')
  }
  let o = 8
  while (o + 12 <= b.length) {
    const len = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0
    const type = String.fromCharCode(...b.subarray(o + 4, o + 8))
    if (type === 'IDAT') return o + 8 + Math.floor(len / 2)
    o += 12 + len
  }
  throw new Error('no IDAT chunk')
}

export interface CertVariant {
  ca?: boolean
  keyUsage?: number
  eku?: string[] | null
  name?: string
}

/** A signing identity with a certificate built to order (to check which profiles c2pa-rs accepts). */
export async function variantIdentity(v: CertVariant = {}): Promise<SigningIdentity> {
  const keys = await webcrypto.subtle.generateKey(ES256, true, ['sign', 'verify'])
  const exts: x509.Extension[] = [
    new x509.BasicConstraintsExtension(v.ca ?? false, undefined, true),
    new x509.KeyUsagesExtension(v.keyUsage ?? x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey)
  ]
  const eku = v.eku === undefined ? [x509.ExtendedKeyUsage.emailProtection] : v.eku
  if (eku) exts.push(new x509.ExtendedKeyUsageExtension(eku, false))
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01a2b3c4d5',
    name: `CN=${v.name ?? 'Variant signer'}, O=Test Lab`,
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 10 * 365 * 86_400_000),
    signingAlgorithm: ES256,
    keys,
    extensions: exts
  })
  // Built directly, not through parseIdentityPem, which would refuse the CA variants before c2pa-rs sees them.
  return {
    chain: [new Uint8Array(cert.rawData)],
    privateKey: keys.privateKey,
    name: v.name ?? 'Variant signer',
    file: '(test)'
  }
}

/** The PEM bundle of a fresh variant (for parseIdentityPem / import tests). */
export async function variantPem(v: CertVariant = {}): Promise<{ cert: string; key: string }> {
  const keys = await webcrypto.subtle.generateKey(ES256, true, ['sign', 'verify'])
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01a2b3c4d6',
    name: `CN=${v.name ?? 'Imported signer'}`,
    signingAlgorithm: ES256,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(v.ca ?? false, undefined, true),
      new x509.KeyUsagesExtension(v.keyUsage ?? x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.emailProtection], false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey)
    ]
  })
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)
  return { cert: cert.toString('pem'), key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') }
}

export const KeyUsage = x509.KeyUsageFlags
export const C2PA_EKU = '1.3.6.1.4.1.62558.2.1'
