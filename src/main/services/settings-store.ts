import { mkdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import type { RecentFile, SettingsPatch, SettingsView } from '../../shared/ipc/types'
import { HeirloomError } from '../core/errors'
import { writeFileAtomic } from '../core/io/write-atomic'
import { PROVIDER_PREFERENCES } from '../../shared/defaults'

const MAX_RECENT = 10

const windowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20000),
  height: z.number().int().min(300).max(20000),
  maximized: z.boolean().optional()
})
export type WindowState = z.infer<typeof windowStateSchema>

/** On-disk shape; unknown or broken fields fall back to defaults instead of failing the app start. */
const settingsSchema = z.object({
  provider: z.enum(PROVIDER_PREFERENCES).catch('auto'),
  theme: z.enum(['system', 'light', 'dark']).catch('system'),
  defaultRestorer: z.string().optional().catch(undefined),
  defaultUpscaler: z.string().optional().catch(undefined),
  outputFolder: z.string().optional().catch(undefined),
  /** Content Credentials (C2PA) on every export. */
  contentCredentials: z.boolean().catch(true),
  /** The owner's name on a newly created signing identity. */
  ownerName: z.string().max(64).optional().catch(undefined),
  recent: z.array(z.string()).catch([]),
  window: windowStateSchema.optional().catch(undefined)
})
export type Settings = z.infer<typeof settingsSchema>

const DEFAULTS: Settings = { provider: 'auto', theme: 'system', contentCredentials: true, recent: [] }

/**
 * User settings as one JSON file in the (injected) user data dir, written atomically: temp file + fsync + rename,
 * so a crash mid-write leaves the previous file intact.
 */
export class SettingsStore {
  readonly file: string
  private current: Settings
  private writing: Promise<void> = Promise.resolve()

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true })
    this.file = join(dir, 'settings.json')
    this.current = SettingsStore.read(this.file)
  }

  private static read(file: string): Settings {
    try {
      const parsed = settingsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
      return parsed.success ? parsed.data : { ...DEFAULTS }
    } catch {
      return { ...DEFAULTS }
    }
  }

  get(): Readonly<Settings> {
    return this.current
  }

  view(): SettingsView {
    const s = this.current
    return {
      provider: s.provider,
      theme: s.theme,
      defaultRestorer: s.defaultRestorer,
      defaultUpscaler: s.defaultUpscaler,
      outputFolder: s.outputFolder,
      contentCredentials: s.contentCredentials,
      ownerName: s.ownerName,
      recent: s.recent.map(recentView)
    }
  }

  async update(patch: SettingsPatch | Partial<Settings>): Promise<SettingsView> {
    this.current = settingsSchema.parse({ ...this.current, ...patch })
    await this.flush()
    return this.view()
  }

  /** Moves `path` to the top of the recent list. */
  async addRecent(path: string): Promise<void> {
    const recent = [path, ...this.current.recent.filter((p) => p !== path)].slice(0, MAX_RECENT)
    await this.update({ recent })
  }

  recentPath(index: number): string {
    const path = this.current.recent[index]
    if (path === undefined) throw new HeirloomError('NOT_FOUND', 'That recent file is no longer in the list.')
    return path
  }

  /** Serialised so two quick updates cannot interleave their renames. */
  flush(): Promise<void> {
    const data = JSON.stringify(this.current, null, 2)
    this.writing = this.writing.catch(() => undefined).then(() => writeJsonAtomic(this.file, data))
    return this.writing
  }
}

function recentView(path: string): RecentFile {
  return { fileName: basename(path), folder: dirname(path) }
}

/** Through the one write guard (Heirloom's own settings file: replacing it is the point). */
async function writeJsonAtomic(file: string, data: string): Promise<void> {
  try {
    await writeFileAtomic(file, Buffer.from(data, 'utf8'), { overwrite: true })
  } catch (err) {
    throw new HeirloomError('WRITE_FAILED', `Settings could not be saved: ${(err as Error).message}`)
  }
}
