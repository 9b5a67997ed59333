import type { ModelInfo } from '../../../shared/ipc/types'

/** Models of a kind for a picker: installed first (default model first among them), then the ones to download. */
export function modelChoices(models: readonly ModelInfo[], kind: string): ModelInfo[] {
  const rank = (m: ModelInfo): number => (m.state === 'installed' ? 0 : m.state === 'downloading' ? 1 : 2)
  return models
    .filter((m) => m.kind === kind)
    .sort((a, b) => rank(a) - rank(b) || Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name))
}

/** The model to preselect: the user's default if installed, else the first installed, else the manifest default. */
export function preferredModel(choices: readonly ModelInfo[], userDefault?: string): string | undefined {
  const installed = choices.filter((m) => m.state === 'installed')
  return (
    installed.find((m) => m.id === userDefault)?.id ??
    installed[0]?.id ??
    choices.find((m) => m.isDefault)?.id ??
    choices[0]?.id
  )
}

export function formatSize(bytes: number | undefined): string {
  if (!bytes) return 'size unknown'
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(1)} GB`
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MB`
  return `${Math.max(1, Math.round(bytes / 1024))} KB`
}

export function formatEta(ms: number | undefined): string {
  if (ms === undefined) return 'estimating…'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s left`
  const m = Math.floor(s / 60)
  return `${m} min ${s % 60} s left`
}
