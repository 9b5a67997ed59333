import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe } from 'vitest'

/** ../shared beside the repo (CI puts it there); HEIRLOOM_SHARED_DIR overrides. */
export const SHARED_DIR = resolve(process.env.HEIRLOOM_SHARED_DIR ?? join(__dirname, '..', '..', '..', 'shared'))

export const hasShared = existsSync(join(SHARED_DIR, 'photos')) && existsSync(join(SHARED_DIR, 'models'))

export function sharedPath(...parts: string[]): string {
  return join(SHARED_DIR, ...parts)
}

export const photoPath = (name: string): string => sharedPath('photos', name)
export const modelPath = (name: string): string => sharedPath('models', name)
export const goldenPath = (name: string): string => sharedPath('goldens', name)

if (!hasShared) {
  console.warn(`[heirloom tests] ../shared not found at ${SHARED_DIR}: tests that need real photos/models are skipped.`)
}

/** describe() for suites that need ../shared; says clearly why they are skipped when it is absent. */
export const describeShared: typeof describe = hasShared ? describe : (describe.skip as unknown as typeof describe)
