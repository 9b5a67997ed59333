/**
 * Defaults every front end shares (CLI, app main, worker, renderer), in one place. It lives in shared/ rather than
 * main/core/ because the renderer shows them too and may import only shared/.
 */

/** Blend of a restored face over the original (restore, batch, the restore after aging). */
export const DEFAULT_RESTORE_STRENGTH = 0.8

/** Execution providers a user may ask for ('auto' picks the best available). */
export const PROVIDER_PREFERENCES = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const

export type ProviderPreferenceName = (typeof PROVIDER_PREFERENCES)[number]
