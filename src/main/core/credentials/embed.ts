/**
 * The one hook the export path calls (savePhoto): signs the encoded photo with a manifest of its recipe when
 * credentials are on, the format carries them and there is a recipe. It never fails an export: when the format
 * cannot carry credentials or signing fails, the photo is written as encoded (its XMP provenance note is in it
 * either way) and the outcome says why.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { basename } from 'node:path'
import type { CredentialsOutcome } from '../../../shared/credentials'
import type { Provenance } from '../image/provenance'
import { SIGNABLE_MIMES, mimeOfFormat, sniffMime } from './formats'
import { loadOrCreateIdentity, type SigningIdentity } from './identity'
import { manifestDefinition, type ModelLookup } from './manifest'
import { signPhoto, type OriginalIngredient } from './sign'

export type { CredentialsOutcome }

export interface CredentialsConfig {
  enabled: boolean
  /** Folder of the signing identity (credentialsDirFor(modelsDir)). */
  dir: string
  /** Owner's name for a newly created identity's certificate. */
  owner?: string
  /** Name and sha256 of a model id, for the manifest. */
  models?: ModelLookup
}

export interface EmbedContext {
  format: string
  /** The output path (its file name is the manifest's title). */
  output: string
  provenance?: Provenance
  /** The photo the edit started from (becomes the parentOf ingredient). */
  originalPath?: string
}

// One configuration per thread: the CLI's main thread and each pipeline worker set their own.
let config: CredentialsConfig | undefined
let identity: { key: string; value: Promise<SigningIdentity> } | undefined

/** Turns credentials on (with where the identity lives) or off for every later export in this thread. */
export function configureCredentials(c: CredentialsConfig | undefined): void {
  config = c
}

export function credentialsConfig(): Readonly<CredentialsConfig> | undefined {
  return config
}

function identityFor(c: CredentialsConfig): Promise<SigningIdentity> {
  const key = `${c.dir}\n${c.owner ?? ''}`
  if (identity?.key !== key) {
    const value = loadOrCreateIdentity(c.dir, c.owner)
    identity = { key, value }
    value.catch(() => {
      if (identity?.value === value) identity = undefined
    })
  }
  return identity.value
}

/**
 * Originals up to this size go into the ingredient with their bytes (their own credentials come along); a larger
 * scan is named by title only rather than held in memory three times over by the wasm builder.
 */
const MAX_INGREDIENT_BYTES = 64 * 1024 * 1024

/** The original as an ingredient; its bytes are read only when c2pa can parse them and they are not huge. */
async function originalIngredient(path: string | undefined): Promise<OriginalIngredient | undefined> {
  if (!path) return undefined
  let fh: FileHandle | undefined
  try {
    fh = await open(path, 'r')
    const head = new Uint8Array(16)
    await fh.read(head, 0, 16, 0)
    const mime = sniffMime(head)
    const title = basename(path)
    if (!mime || !SIGNABLE_MIMES.has(mime) || (await fh.stat()).size > MAX_INGREDIENT_BYTES) {
      return { title, ...(mime ? { mime } : {}) }
    }
    return { title, mime, bytes: await fh.readFile() }
  } catch {
    return undefined
  } finally {
    await fh?.close()
  }
}

/** The bytes to write: signed when possible, else `encoded` unchanged; plus what happened. */
export async function embedCredentials(
  encoded: Buffer,
  ctx: EmbedContext
): Promise<{ data: Buffer; outcome: CredentialsOutcome }> {
  const c = config
  const unsigned = (note: string): { data: Buffer; outcome: CredentialsOutcome } => ({
    data: encoded,
    outcome: { signed: false, note }
  })
  if (!c?.enabled) return unsigned('Content Credentials are turned off')
  if (!ctx.provenance) return unsigned('no recipe to sign (the provenance note was turned off)')
  const mime = mimeOfFormat(ctx.format)
  if (!SIGNABLE_MIMES.has(mime)) {
    return unsigned(
      `Content Credentials are not embedded in ${ctx.format.toUpperCase()} files here (JPEG, PNG, WebP and TIFF only); the XMP provenance note is kept`
    )
  }
  try {
    const t0 = performance.now()
    const id = await identityFor(c)
    const original = await originalIngredient(ctx.originalPath)
    const definition = manifestDefinition({
      provenance: ctx.provenance,
      title: basename(ctx.output),
      mime,
      hasOriginal: !!original,
      models: c.models
    })
    const signed = await signPhoto({
      bytes: encoded,
      mime,
      definition,
      identity: id,
      ...(original ? { original } : {})
    })
    const data = Buffer.from(signed.bytes.buffer, signed.bytes.byteOffset, signed.bytes.byteLength)
    return {
      data,
      outcome: { signed: true, bytesAdded: data.length - encoded.length, ms: performance.now() - t0, signer: id.name }
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err)
    return unsigned(`Content Credentials could not be added: ${msg}; the XMP provenance note is kept`)
  }
}
