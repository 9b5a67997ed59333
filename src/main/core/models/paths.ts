import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where models live: HEIRLOOM_MODELS_DIR, else the per-user data dir (no electron import, so the CLI and the app
 * agree: Linux $XDG_DATA_HOME/heirloom/models, macOS ~/Library/Application Support/Heirloom/models,
 * Windows %APPDATA%/Heirloom/models).
 */
export function defaultModelsDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform
): string {
  if (env.HEIRLOOM_MODELS_DIR) return env.HEIRLOOM_MODELS_DIR
  const home = env.HOME ?? env.USERPROFILE ?? homedir()
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Heirloom', 'models')
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Heirloom', 'models')
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'heirloom', 'models')
}
