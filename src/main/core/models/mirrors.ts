/**
 * Download locations tried before the publisher's: `HEIRLOOM_MODEL_MIRROR` holds one or more base URLs
 * (comma-separated), each serving the manifest's files by name, e.g. an archive's own server on its network.
 */
export function modelMirrors(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.HEIRLOOM_MODEL_MIRROR ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^https?:\/\//.test(s))
    .map((s) => (s.endsWith('/') ? s : `${s}/`))
}

/** The URLs of `file` on each mirror (names are the manifest's safe file names). */
export function mirroredUrls(mirrors: readonly string[], file: string): string[] {
  return mirrors.map((m) => new URL(encodeURIComponent(file), m).href)
}
