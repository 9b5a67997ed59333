import { describe, expect, it, vi } from 'vitest'
import { HeirloomError } from '../../src/main/core/errors'
import { createDispatcher, type HandlerMap } from '../../src/main/ipc/dispatch'
import { requestSchemas } from '../../src/shared/ipc/schemas'

const trusted = { url: 'app://main', isMainFrame: true }
const photoId = 'p0123456789abcdef'

type Mocks = Record<string, ReturnType<typeof vi.fn>>

function handlers(): Mocks {
  const map: Mocks = {}
  for (const c of Object.keys(requestSchemas)) map[c] = vi.fn(() => ({ channel: c }))
  return map
}
const asMap = (m: Mocks): HandlerMap => m as unknown as HandlerMap

describe('IPC dispatcher', () => {
  it('refuses to build when a channel has no handler', () => {
    const h = handlers()
    delete h.getPreview
    expect(() => createDispatcher(asMap(h), { isTrustedSender: () => true })).toThrow(/getPreview/)
  })

  it('validates, calls the handler and wraps the value', async () => {
    const h = handlers()
    const d = createDispatcher(asMap(h), { isTrustedSender: () => true })
    const r = await d.dispatch('listFaces', { photoId }, trusted)
    expect(r).toEqual({ ok: true, value: { channel: 'listFaces' } })
    expect(h.listFaces).toHaveBeenCalledWith({ photoId }, { channel: 'listFaces', sender: trusted })
  })

  it.each([
    ['unknown channel', '__proto__', {}],
    ['missing field', 'listFaces', {}],
    ['wrong type', 'listFaces', { photoId: 42 }],
    ['extra key', 'listFaces', { photoId, extra: 1 }],
    ['pollution key', 'listFaces', JSON.parse(`{"photoId":"${photoId}","__proto__":{"polluted":true}}`) as unknown],
    ['path instead of id', 'getPreview', { photoId: '../../etc/passwd', variant: 'original' }],
    ['bad enum', 'getPreview', { photoId, variant: 'everything' }],
    ['payload for a void channel', 'appInfo', { x: 1 }]
  ])('rejects %s with INVALID_REQUEST before any handler runs', async (_label, channel, payload) => {
    const h = handlers()
    const d = createDispatcher(asMap(h), { isTrustedSender: () => true })
    const r = await d.dispatch(channel, payload, trusted)
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    for (const fn of Object.values(h)) expect(fn).not.toHaveBeenCalled()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('refuses untrusted senders and subframes with FORBIDDEN', async () => {
    const h = handlers()
    const d = createDispatcher(asMap(h), { isTrustedSender: (s) => s.url === 'app://main' })
    expect(await d.dispatch('appInfo', undefined, { url: 'https://evil', isMainFrame: true })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' }
    })
    expect(await d.dispatch('appInfo', undefined, { url: 'app://main', isMainFrame: false })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' }
    })
    expect(h.appInfo).not.toHaveBeenCalled()
  })

  it('turns thrown errors into codes without stacks', async () => {
    const h = handlers()
    h.listFaces.mockImplementation(() => {
      throw new HeirloomError('NO_FACE', 'No face found.')
    })
    h.closePhoto.mockImplementation(() => {
      throw new TypeError('boom\n    at secret (file.ts:1:1)')
    })
    const onInternalError = vi.fn()
    const d = createDispatcher(asMap(h), { isTrustedSender: () => true, onInternalError })
    expect(await d.dispatch('listFaces', { photoId }, trusted)).toEqual({
      ok: false,
      error: { code: 'NO_FACE', message: 'No face found.' }
    })
    const r = await d.dispatch('closePhoto', { photoId }, trusted)
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(JSON.stringify(r)).not.toContain('secret')
    expect(onInternalError).toHaveBeenCalledOnce()
  })
})
