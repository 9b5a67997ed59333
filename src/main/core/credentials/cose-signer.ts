/**
 * The COSE_Sign1 that @contentauth/c2pa-wasm 0.13.x wants back from `SignerDefinition.sign(claimBytes)`: a complete,
 * tagged (18) COSE_Sign1 of exactly `reserveSize` bytes — protected `{1: -7 (ES256), 33: x5chain}`, unprotected
 * `{"pad": zeros}` sized to fill the reservation, detached (nil) payload, and the 64-byte r||s ECDSA signature over
 * `["Signature1", protected, h'', claim]` (RFC 9052 section 4.4). c2pa-rs pads the same way (sdk/src/crypto/cose/
 * sign.rs, `pad_cose_sig`). A structure of any other size signs "fine" and then reads back Invalid.
 */
import { webcrypto } from 'node:crypto'
import { HeirloomError } from '../errors'
import type { SigningIdentity } from './identity'

type Cbor2 = typeof import('cbor2')
let cbor2: Promise<Cbor2> | undefined
// cbor2 is ESM only; a dynamic import loads it from the CommonJS bundles too.
const loadCbor = (): Promise<Cbor2> => (cbor2 ??= import('cbor2'))

const COSE_SIGN1_TAG = 18
const HEADER_ALG = 1
const HEADER_X5CHAIN = 33
const ALG_ES256 = -7

/** Room for the signature structure: the certificate chain plus headers, signature and padding slack. */
export function reserveSizeFor(identity: Pick<SigningIdentity, 'chain'>): number {
  return identity.chain.reduce((n, c) => n + c.byteLength + 8, 0) + 1024
}

/** The protected header, serialised once: it is signed as these exact bytes. */
export function protectedHeader(cbor: Cbor2, chain: Uint8Array[]): Uint8Array {
  // One certificate is a bare bstr, several an array (RFC 9360 section 2).
  const x5chain = chain.length === 1 ? chain[0] : chain
  return cbor.encode(
    new Map<number, unknown>([
      [HEADER_ALG, ALG_ES256],
      [HEADER_X5CHAIN, x5chain]
    ])
  )
}

/** The padded COSE_Sign1 for `claim`, exactly `reserveSize` bytes long. */
export async function coseSign1(
  claim: Uint8Array,
  identity: SigningIdentity,
  reserveSize: number
): Promise<Uint8Array> {
  const cbor = await loadCbor()
  const protectedBytes = protectedHeader(cbor, identity.chain)
  const toBeSigned = cbor.encode(['Signature1', protectedBytes, new Uint8Array(0), claim])
  // WebCrypto's ECDSA output is already the IEEE P1363 r||s form COSE uses.
  const signature = new Uint8Array(
    await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, identity.privateKey, toBeSigned)
  )
  const sign1 = (unprotected: Map<string, Uint8Array>): Uint8Array =>
    cbor.encode(new cbor.Tag(COSE_SIGN1_TAG, [protectedBytes, unprotected, null, signature]))
  // A bstr's length header grows at 24 and 256 bytes, so aim, measure and correct; a second pad entry absorbs the
  // one-byte steps a single pad cannot land on.
  let padLen = 0
  for (let attempt = 0; attempt < 4; attempt++) {
    const out = sign1(new Map([['pad', new Uint8Array(padLen)]]))
    if (out.length === reserveSize) return out
    padLen += reserveSize - out.length
    if (padLen < 0) break
  }
  for (let pad2 = 0; pad2 < 3 && padLen >= 0; pad2++) {
    for (let p = Math.max(0, padLen - 4); p <= padLen + 4; p++) {
      const out = sign1(
        new Map([
          ['pad', new Uint8Array(p)],
          ['pad2', new Uint8Array(pad2)]
        ])
      )
      if (out.length === reserveSize) return out
    }
  }
  throw new HeirloomError(
    'INTERNAL',
    `The signature does not fit the ${reserveSize} bytes reserved for it (certificate chain too large?).`
  )
}
