/** Content Credentials (C2PA) as the CLI and the app show them; read by src/main/core/credentials/read.ts. */

export type ValidationState = 'Invalid' | 'Valid' | 'Trusted'

export interface ActionSummary {
  action: string
  description?: string
  softwareAgent?: string
  digitalSourceType?: string
  when?: string
}

export interface IngredientSummary {
  title?: string
  relationship?: string
  format?: string
  /** The ingredient's own credentials, when it carried some (e.g. another tool signed the original). */
  manifest?: ManifestSummary
  validationStatus?: StatusEntry[]
}

export interface ManifestSummary {
  label: string
  title?: string
  claimGenerator?: string
  signer?: { issuer?: string; commonName?: string; algorithm?: string; time?: string }
  actions: ActionSummary[]
  ingredients: IngredientSummary[]
}

export interface StatusEntry {
  code: string
  explanation?: string
  url?: string
}

export interface CredentialsReport {
  present: boolean
  format?: string
  /** Present only with credentials. */
  state?: ValidationState
  /** Failures (e.g. assertion.dataHash.mismatch); empty when integrity holds. */
  failures: StatusEntry[]
  /** True when the signer's certificate is not on a trust list (every self-made identity, ours included). */
  untrusted: boolean
  active?: ManifestSummary
  /** Why no credentials were read, when `present` is false. */
  note?: string
}

/** What an export did about Content Credentials. */
export interface CredentialsOutcome {
  signed: boolean
  /** Bytes the manifest added to the file. */
  bytesAdded?: number
  /** Signing time in ms (manifest, hashing, COSE signature and read-back check). */
  ms?: number
  signer?: string
  /** Why the photo carries no credentials (off, format, no recipe, error). */
  note?: string
}
