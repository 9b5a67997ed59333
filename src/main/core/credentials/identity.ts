/**
 * The per-installation signing identity: an ES256 (P-256) key and an X.509 certificate, kept in one PEM file in the
 * user's data folder (beside the models folder). The private key never leaves that file; only the certificate chain
 * goes into signed photos. Certificate profile from c2pa-rs (contentauth/c2pa-rs sdk/src/crypto/cose/
 * certificate_profile.rs): v3, not a CA, key usage digitalSignature only, SKI + AKI, an EKU (emailProtection).
 */
import { verify, webcrypto, X509Certificate } from 'node:crypto'
import { chmod, mkdir, readFile, rename } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
// @peculiar/x509's dependency injection (tsyringe) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata'
import * as x509 from '@peculiar/x509'
import { HeirloomError } from '../errors'
import { writeFileAtomic } from '../io/write-atomic'

type CryptoKey = webcrypto.CryptoKey

// Node's WebCrypto is a complete provider; the library's type is the DOM's Crypto.
// The node and web tsconfigs see different Crypto types (DOM lib or not): the cast is needed in one of them.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1])

export const IDENTITY_FILE = 'identity.pem'
const ES256: webcrypto.EcKeyImportParams & webcrypto.EcdsaParams = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256'
}
/** Offline signing has no timestamp authority, so the certificate has to outlive the photos' owners' interest. */
const VALIDITY_YEARS = 50

export interface SigningIdentity {
  /** DER certificates, end-entity first. */
  chain: Uint8Array[]
  privateKey: CryptoKey
  /** Subject common name of the end-entity certificate. */
  name: string
  /** Where the identity is kept. */
  file: string
  /** Made by Heirloom (not imported by the user): it may be replaced when the owner's name changes. */
  generated?: boolean
}

/**
 * The credentials folder: HEIRLOOM_CREDENTIALS_DIR, else beside the models folder: `<data>/credentials` for the
 * default `<data>/models`, `<name>-credentials` for a models folder of another name (never a folder shared by
 * unrelated models folders, e.g. two in the temp dir).
 */
export function credentialsDirFor(modelsDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.HEIRLOOM_CREDENTIALS_DIR) return env.HEIRLOOM_CREDENTIALS_DIR
  const abs = resolve(modelsDir)
  const name = basename(abs)
  return join(dirname(abs), name.toLowerCase() === 'models' ? 'credentials' : `${name}-credentials`)
}

function commonNameFor(owner: string | undefined): string {
  // RFC 4514 special characters would change the DN's structure; an owner's name never needs them.
  const clean = (owner ?? '')
    .replace(/[,+="\\<>;#\n\r]/g, ' ')
    .trim()
    .slice(0, 64)
  return clean ? `${clean} (Heirloom)` : 'Heirloom user'
}

function subjectName(owner: string | undefined): string {
  return `CN=${commonNameFor(owner)}, O=Heirloom, OU=Content Credentials`
}

/** A self-signed end-entity certificate in the profile c2pa-rs accepts for ES256 signing. */
export async function createIdentityPem(owner?: string): Promise<string> {
  const keys = await webcrypto.subtle.generateKey(ES256, true, ['sign', 'verify'])
  const notBefore = new Date(Date.now() - 24 * 3600_000)
  const notAfter = new Date(notBefore)
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS)
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: subjectName(owner),
    notBefore,
    notAfter,
    signingAlgorithm: ES256,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.emailProtection], false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey)
    ]
  })
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)
  return `${cert.toString('pem')}\n${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`
}

function blocks(pem: string, tag: string): ArrayBuffer[] {
  const re = new RegExp(`-----BEGIN ${tag}-----[\\s\\S]*?-----END ${tag}-----`, 'g')
  return (pem.match(re) ?? []).map((b) => x509.PemConverter.decodeFirst(b))
}

/**
 * Parses a PEM bundle (certificates end-entity first, then a PKCS#8 P-256 key) and checks that it can sign
 * C2PA manifests: the key matches the first certificate, which is an ES256 end-entity with digitalSignature.
 */
export async function parseIdentityPem(pem: string, file: string): Promise<SigningIdentity> {
  const bad = (why: string): HeirloomError =>
    new HeirloomError('INVALID_REQUEST', `The signing identity "${file}" cannot be used: ${why}.`)
  const certs = blocks(pem, 'CERTIFICATE').map((der) => new x509.X509Certificate(der))
  const keyDer = blocks(pem, 'PRIVATE KEY')[0]
  if (certs.length === 0) throw bad('it holds no certificate')
  if (!keyDer) throw bad('it holds no PKCS#8 private key ("BEGIN PRIVATE KEY")')
  let privateKey: CryptoKey
  try {
    privateKey = await webcrypto.subtle.importKey('pkcs8', keyDer, ES256, false, ['sign'])
  } catch {
    throw bad('the private key is not an ECDSA P-256 key')
  }
  const ee = certs[0]
  const bc = ee.getExtension(x509.BasicConstraintsExtension)
  if (bc?.ca) throw bad('its certificate is a CA certificate; C2PA needs an end-entity certificate')
  const ku = ee.getExtension(x509.KeyUsagesExtension)
  if (ku && !(ku.usages & x509.KeyUsageFlags.digitalSignature)) throw bad('its certificate lacks digitalSignature')
  // The key must belong to the certificate: sign a probe and verify it with the certificate's public key.
  const probe = webcrypto.getRandomValues(new Uint8Array(32))
  const sig = new Uint8Array(await webcrypto.subtle.sign(ES256, privateKey, probe))
  let matches: boolean
  try {
    const pub = new X509Certificate(new Uint8Array(ee.rawData)).publicKey
    matches = verify('sha256', probe, { key: pub, dsaEncoding: 'ieee-p1363' }, sig)
  } catch {
    matches = false
  }
  if (!matches) throw bad('the private key does not match the certificate (or it is not a P-256 certificate)')
  const cn = /CN=([^,]+)/.exec(ee.subject)?.[1]?.trim() ?? ee.subject
  const generated = ee.subject.includes('O=Heirloom') && ee.subject.includes('OU=Content Credentials')
  return { chain: certs.map((c) => new Uint8Array(c.rawData)), privateKey, name: cn, file, generated }
}

async function readIfThere(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new HeirloomError('INVALID_REQUEST', `Cannot read the signing identity "${file}".`, { cause: err })
  }
}

/**
 * The identity in `dir`, created on first use (with the owner's name when given). Two processes creating it at
 * once both end up with the one that reached the disk first (the write never replaces an existing file). When the
 * owner's name changes, an identity Heirloom generated is replaced by a new one in that name (the old file is kept
 * as identity-<time>.pem, so earlier photos' signer stays on record); an imported one is never replaced.
 */
export async function loadOrCreateIdentity(dir: string, owner?: string): Promise<SigningIdentity> {
  const file = join(dir, IDENTITY_FILE)
  let pem = await readIfThere(file)
  if (pem !== undefined && owner?.trim()) {
    const current = await parseIdentityPem(pem, file)
    if (current.generated && current.name !== commonNameFor(owner)) {
      await rename(file, join(dir, `identity-${new Date().toISOString().replace(/[:.]/g, '-')}.pem`)).catch(
        () => undefined
      )
      pem = await readIfThere(file)
    }
  }
  if (pem === undefined) {
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await chmod(dir, 0o700)
    try {
      await writeFileAtomic(file, Buffer.from(await createIdentityPem(owner)), { overwrite: false })
      await chmod(file, 0o600)
    } catch (err) {
      if (!(err instanceof HeirloomError && err.code === 'OUTPUT_EXISTS')) throw err
    }
    pem = (await readIfThere(file)) ?? ''
  }
  return parseIdentityPem(pem, file)
}

/** Replaces the identity with the user's own certificate chain + key (checked first; the old file is replaced). */
export async function importIdentity(dir: string, certPem: string, keyPem: string): Promise<SigningIdentity> {
  const file = join(dir, IDENTITY_FILE)
  const pem = `${certPem.trim()}\n${keyPem.trim()}\n`
  const identity = await parseIdentityPem(pem, file)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  await writeFileAtomic(file, Buffer.from(pem), { overwrite: true })
  await chmod(file, 0o600)
  return identity
}
