import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { CredentialsOutcome, CredentialsReport, ManifestSummary } from '../../../shared/credentials'
import { credentialsDirFor, importIdentity, loadOrCreateIdentity } from '../../core/credentials/identity'
import { readCredentialsFile } from '../../core/credentials/read'
import { HeirloomError } from '../../core/errors'
import type { CliContext } from '../context'

interface CredentialsFlags {
  identity?: boolean
  importCert?: string
  importKey?: string
}

const SOURCE_TYPE = /digitalsourcetype\/(\w+)$/

function manifestLines(m: ManifestSummary, indent: string): string[] {
  const lines: string[] = []
  const s = m.signer ?? {}
  const who = s.commonName ?? s.issuer ?? 'unknown signer'
  lines.push(
    `${indent}Signed by: ${who}${s.issuer && s.issuer !== who ? `, issued by ${s.issuer}` : ''}` +
      `${s.algorithm ? ` (${s.algorithm})` : ''}${s.time ? ` at ${s.time}` : ''}`
  )
  if (m.claimGenerator) lines.push(`${indent}Made with: ${m.claimGenerator}`)
  if (m.title) lines.push(`${indent}Title: ${m.title}`)
  if (m.actions.length > 0) {
    lines.push(`${indent}What was done:`)
    m.actions.forEach((a, i) => {
      const source = a.digitalSourceType ? SOURCE_TYPE.exec(a.digitalSourceType)?.[1] : undefined
      lines.push(
        `${indent}  ${i + 1}. ${a.action}${a.description ? `: ${a.description}` : ''}${source ? ` [${source}]` : ''}`
      )
    })
  }
  for (const ing of m.ingredients) {
    lines.push(`${indent}Ingredient: ${ing.title ?? '(untitled)'} (${ing.relationship ?? 'componentOf'})`)
    if (ing.manifest) {
      lines.push(`${indent}  It carried its own Content Credentials:`)
      lines.push(...manifestLines(ing.manifest, `${indent}    `))
    }
  }
  return lines
}

/** The human-readable report. */
export function credentialsText(file: string, r: CredentialsReport): string {
  if (!r.present) return `${file}: no Content Credentials${r.note ? ` (${r.note})` : ''}`
  const state =
    r.state === 'Invalid'
      ? `INVALID: ${r.failures.map((f) => f.code).join(', ')} (the file changed after it was signed, or the signature is broken)`
      : `${r.state}${r.untrusted ? " (the signer is not on a trust list: a self-made identity such as Heirloom's)" : ''}`
  return [`${file}: Content Credentials ${state}`, ...(r.active ? manifestLines(r.active, '  ') : [])].join('\n')
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(path), 'utf8')
  } catch {
    throw new HeirloomError('NOT_FOUND', `The ${what} file "${path}" cannot be read.`)
  }
}

export function registerCredentialsCommand(program: Command, ctx: CliContext): void {
  program
    .command('credentials')
    .description("show a photo's Content Credentials (C2PA): who signed, what was done, whether it still validates")
    .argument('[file]', "photo file (JPEG, PNG, WebP or TIFF; any tool's credentials)")
    .option('--identity', "show this installation's signing identity (created on first use)")
    .option('--import-cert <pem>', 'sign with your own certificate (PEM, end-entity first) instead; needs --import-key')
    .option('--import-key <pem>', 'the PKCS#8 P-256 private key (PEM) of --import-cert')
    .action(async (file: string | undefined, flags: CredentialsFlags) => {
      const g = ctx.globals()
      const dir = credentialsDirFor(g.modelsDir)
      if (flags.importCert || flags.importKey) {
        if (!flags.importCert || !flags.importKey) {
          throw new HeirloomError('INVALID_REQUEST', '--import-cert and --import-key go together.')
        }
        const id = await importIdentity(
          dir,
          await readText(flags.importCert, 'certificate'),
          await readText(flags.importKey, 'key')
        )
        ctx.out(
          g.json ? JSON.stringify({ identity: id.name, file: id.file }) : `Exports are now signed as "${id.name}".`
        )
        return
      }
      if (flags.identity) {
        const id = await loadOrCreateIdentity(dir)
        ctx.out(
          g.json
            ? JSON.stringify({ identity: id.name, file: id.file, certificates: id.chain.length })
            : `Exports are signed as "${id.name}" (identity kept in ${id.file}).`
        )
        return
      }
      if (!file) throw new HeirloomError('INVALID_REQUEST', 'Name a photo file (or use --identity).')
      const report = await readCredentialsFile(resolve(file))
      ctx.out(g.json ? JSON.stringify({ file, ...report }) : credentialsText(file, report))
    })
}

/** After a write: says on stderr when the photo could not carry Content Credentials (they were asked for). */
export function noteUnsigned(ctx: CliContext, outcome: CredentialsOutcome | undefined): void {
  if (outcome && !outcome.signed && ctx.globals().credentials?.enabled !== false && outcome.note) {
    ctx.err(`note: ${outcome.note}.`)
  }
}
