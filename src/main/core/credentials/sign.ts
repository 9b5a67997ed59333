/**
 * Signs an encoded photo with a C2PA manifest (embedded in the file) using the installation's identity, then reads
 * it back: a signature that does not validate is never written as if it did.
 */
import { HeirloomError } from '../errors'
import { loadC2pa, MemoryBlob } from './c2pa-runtime'
import { coseSign1, reserveSizeFor } from './cose-signer'
import { SIGNABLE_MIMES, sniffMime } from './formats'
import type { SigningIdentity } from './identity'
import { ORIGINAL_INGREDIENT_LABEL } from './manifest'
import type { CredentialsReport } from '../../../shared/credentials'
import { readCredentials } from './read'

export interface OriginalIngredient {
  title: string
  /** Its bytes when c2pa can parse the format (JPEG, PNG): their own credentials then come along. */
  bytes?: Uint8Array
  mime?: string
}

export interface SignRequest {
  /** The encoded photo (JPEG or PNG). */
  bytes: Uint8Array
  mime: string
  /** From manifestDefinition(). */
  definition: Record<string, unknown>
  identity: SigningIdentity
  /** The photo the edit started from; its own credentials (if any) become the ingredient's. */
  original?: OriginalIngredient
}

export interface SignResult {
  bytes: Uint8Array
  /** What reading the signed file back reported. */
  check: CredentialsReport
}

/** Adds the original as the parentOf ingredient: with its bytes when c2pa can parse them, else by description. */
async function addOriginal(
  builder: {
    addIngredientFromBlob(json: string, format: string, blob: Blob): Promise<void>
    addIngredient(json: string): void
  },
  original: OriginalIngredient
): Promise<void> {
  const mime = original.mime ?? (original.bytes ? sniffMime(original.bytes) : undefined)
  const json = { title: original.title, relationship: 'parentOf', label: ORIGINAL_INGREDIENT_LABEL }
  if (original.bytes && mime && SIGNABLE_MIMES.has(mime)) {
    try {
      await builder.addIngredientFromBlob(JSON.stringify(json), mime, new MemoryBlob(original.bytes, mime).asBlob())
      return
    } catch {
      // A damaged or exotic original: it is still named as the parent, without its bytes' details.
    }
  }
  builder.addIngredient(JSON.stringify({ ...json, format: mime ?? 'application/octet-stream' }))
}

export async function signPhoto(req: SignRequest): Promise<SignResult> {
  if (!SIGNABLE_MIMES.has(req.mime)) {
    throw new HeirloomError('UNSUPPORTED', `Content Credentials cannot be embedded in ${req.mime} here.`)
  }
  const c2pa = await loadC2pa()
  const builder = c2pa.WasmBuilder.fromJson(JSON.stringify(req.definition))
  try {
    if (req.original) await addOriginal(builder, req.original)
    const reserveSize = reserveSizeFor(req.identity)
    const signer = {
      alg: 'es256',
      reserveSize,
      sign: async (claim: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> =>
        (await coseSign1(claim, req.identity, reserveSize)) as Uint8Array<ArrayBuffer>
    }
    const signed = await builder.sign(signer, [], req.mime, new MemoryBlob(req.bytes, req.mime).asBlob())
    const check = await readCredentials(signed, req.mime)
    if (!check.present || check.state === 'Invalid') {
      const why = check.failures.map((f) => f.code).join(', ') || 'no manifest found'
      throw new HeirloomError('INTERNAL', `The signed photo did not validate (${why}).`)
    }
    return { bytes: signed, check }
  } finally {
    builder.free()
  }
}
