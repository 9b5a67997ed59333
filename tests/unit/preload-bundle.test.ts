import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { buildSync } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { API_METHODS } from '../../src/shared/ipc/api'

/**
 * The sandboxed preload can require nothing but 'electron' (no zod, no Node modules), so it is bundled like
 * electron-vite bundles it and run here in a fresh VM context with a recording stand-in for electron's
 * contextBridge / ipcRenderer / webUtils (no Electron binary is needed). What it exposes must be exactly the
 * derived window.api, and it must go through the channel names of the contract.
 */
function bundlePreload(): string {
  return buildSync({
    entryPoints: [join(__dirname, '..', '..', 'src', 'preload', 'index.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    // Every npm package stays a require() so the sandbox stand-in sees it (a bundled zod would otherwise hide).
    packages: 'external',
    write: false,
    target: 'node20'
  }).outputFiles[0].text
}

interface Drop {
  isTrusted: boolean
  dataTransfer: { files: { name: string; path: string }[] } | null
}

function loadPreload() {
  const required: string[] = []
  const invoked: { channel: string; request: unknown }[] = []
  const exposed: Record<string, unknown> = {}
  let dropListener: ((e: Drop) => void) | undefined
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, value: unknown) => {
        exposed[key] = value
      }
    },
    ipcRenderer: {
      invoke: (channel: string, request: unknown) => {
        invoked.push({ channel, request })
        if (channel === 'heirloom:registerDrops') {
          const paths = (request as { paths: string[] }).paths
          return Promise.resolve({
            ok: true,
            value: { tokens: paths.map((_, i) => `d${String(i).padStart(32, '0')}`) }
          })
        }
        return Promise.resolve({ ok: true, value: { channel } })
      },
      on: () => undefined,
      removeListener: () => undefined
    },
    webUtils: { getPathForFile: (f: { path: string }) => f.path }
  }
  const sandbox = {
    require: (name: string) => {
      required.push(name)
      if (name !== 'electron') throw new Error(`the preload required "${name}"`)
      return electron
    },
    module: { exports: {} },
    exports: {},
    addEventListener: (type: string, listener: (e: Drop) => void) => {
      if (type === 'drop') dropListener = listener
    },
    Promise,
    Map,
    Array
  }
  runInNewContext(bundlePreload(), sandbox)
  return { required, invoked, api: exposed.api as Record<string, (...args: unknown[]) => unknown>, drop: dropListener! }
}

describe('preload (bundled as for the sandbox)', () => {
  it('requires only electron and exposes exactly the derived window.api', () => {
    const { required, api } = loadPreload()
    expect(new Set(required)).toEqual(new Set(['electron']))
    expect(Object.keys(api).sort()).toEqual([...API_METHODS].sort())
    expect(Object.keys(api)).not.toContain('registerDrops')
  })

  it('sends each call on its contract channel, and drops only by main token', async () => {
    const { invoked, api, drop } = loadPreload()
    const req = { photoId: 'p0123456789abcdef' }
    await expect(api.getEditState(req)).resolves.toEqual({ ok: true, value: { channel: 'heirloom:getEditState' } })
    expect(invoked).toEqual([{ channel: 'heirloom:getEditState', request: req }])

    // A File the page made up (never dropped) is refused without reaching main.
    const forged = { name: 'x.jpg', path: '/home/user/secret.jpg' }
    await expect(api.openDroppedPhoto(forged)).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(invoked).toHaveLength(1)

    // A scripted (untrusted) drop registers nothing; a real drop registers its paths and the token opens it.
    drop({ isTrusted: false, dataTransfer: { files: [forged] } })
    expect(invoked).toHaveLength(1)
    const real = { name: 'a.jpg', path: '/photos/a.jpg' }
    drop({ isTrusted: true, dataTransfer: { files: [real] } })
    expect(invoked[1]).toEqual({ channel: 'heirloom:registerDrops', request: { paths: ['/photos/a.jpg'] } })
    await api.openDroppedPhoto(real)
    expect(invoked[2]).toEqual({
      channel: 'heirloom:openDroppedPhoto',
      request: { token: `d${'0'.repeat(32)}` }
    })
    // The token is used once.
    await expect(api.openDroppedPhoto(real)).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(invoked).toHaveLength(3)
  })
})
