import { describe, expect, expectTypeOf, it } from 'vitest'
import type { Handler, HandlerMap } from '../../src/main/ipc/dispatch'
import type { createHandlers } from '../../src/main/ipc/handlers'
import { API_METHODS, createApi, type HeirloomApi, type PlainChannel } from '../../src/shared/ipc/api'
import {
  DROP_CHANNELS,
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  PRELOAD_ONLY_CHANNELS,
  type EventChannel,
  type InvokeChannel,
  type IpcResult,
  type ParsedRequestOf,
  type RequestOf,
  type ResponseContract
} from '../../src/shared/ipc/channels'
import { requestSchemas } from '../../src/shared/ipc/schemas'
import type { EditState, JobProgress, RestoreRequest } from '../../src/shared/ipc/types'

/**
 * The IPC contract has one source, the zod request schemas. Most of this file is checked by `npm run typecheck`
 * (tsconfig.node.json includes tests/): each `@ts-expect-error` line MUST be a type error, and each expectTypeOf
 * pins a derived type to the schema, so a schema edit that the handlers or the renderer disagree with fails the
 * type check. The `it` blocks check the run-time half: the channel list, the schema map and window.api agree.
 */

const photoId = 'p0123456789abcdef'
const restore = {
  photoId,
  jobId: 'jabc1234',
  faces: 'all',
  model: 'codeformer',
  strength: 0.8,
  fidelity: 0.5
} satisfies RequestOf<'restoreFaces'>
const age = {
  photoId,
  jobId: 'jabc1234',
  faces: [0],
  route: 'sam',
  years: 10,
  strength: 1,
  restoreAfter: false
} satisfies RequestOf<'ageFaces'>

// Request types are the schema's: changing restoreFaces.strength to z.string() or deleting fidelity fails here.
expectTypeOf<RequestOf<'restoreFaces'>['strength']>().toEqualTypeOf<number>()
expectTypeOf<RequestOf<'restoreFaces'>>().toHaveProperty('fidelity')
expectTypeOf<RequestOf<'restoreFaces'>['fidelity']>().toEqualTypeOf<number | undefined>()
expectTypeOf<RequestOf<'ageFaces'>['route']>().toEqualTypeOf<'latent' | 'sam' | 'styleganex'>()
// The named request type main's services take is the same derived type, not a hand-written twin.
expectTypeOf<RestoreRequest>().toEqualTypeOf<ParsedRequestOf<'restoreFaces'>>()
// A z.undefined() channel takes no argument.
expectTypeOf<HeirloomApi['appInfo']>().toBeCallableWith()

// Every channel has exactly one schema, one response type and one handler.
expectTypeOf<keyof typeof requestSchemas>().toEqualTypeOf<InvokeChannel>()
expectTypeOf<keyof ResponseContract>().toEqualTypeOf<InvokeChannel>()
expectTypeOf<ReturnType<typeof createHandlers>>().toEqualTypeOf<HandlerMap>()

// window.api is derived from the channel list: every plain channel, the two drop calls, one `onX` per event.
type EventMethod = `on${Capitalize<EventChannel>}`
expectTypeOf<keyof HeirloomApi>().toEqualTypeOf<PlainChannel | (typeof DROP_CHANNELS)[number] | EventMethod>()
expectTypeOf<HeirloomApi['restoreFaces']>().parameter(0).toEqualTypeOf<RequestOf<'restoreFaces'>>()
expectTypeOf<HeirloomApi['restoreFaces']>().returns.resolves.toEqualTypeOf<IpcResult<EditState>>()
expectTypeOf<HeirloomApi['onJobProgress']>().parameter(0).parameter(0).toEqualTypeOf<JobProgress>()

/**
 * Handlers: the parsed request in, the channel's response out. Exported (not run) only so the type check judges it;
 * `base` stands for any edit state, so the samples do not depend on EditState's fields.
 */
export function handlerSamples(base: EditState): Handler<'restoreFaces'>[] {
  const restoreOk: Handler<'restoreFaces'> = (req) =>
    Promise.resolve({ ...base, photoId: req.photoId, revision: req.strength })
  // @ts-expect-error a handler must answer the channel's response type (EditState), not something else
  const wrongResponse: Handler<'restoreFaces'> = (req) => Promise.resolve({ photoId: req.photoId })
  // @ts-expect-error a handler that takes strength as a string disagrees with the schema (a number)
  const wrongRequest: Handler<'restoreFaces'> = (req: { photoId: string; strength: string }) =>
    Promise.resolve({ ...base, photoId: req.photoId, revision: Number(req.strength) })
  // @ts-expect-error a handler cannot read a field the schema does not have
  const unknownField: Handler<'restoreFaces'> = (req) => Promise.resolve({ ...base, revision: req.strenght })
  // @ts-expect-error handlers answer with a promise (the dispatcher awaits it inside its try)
  const notAsync: Handler<'listAgeRoutes'> = () => []
  void notAsync
  return [restoreOk, wrongResponse, wrongRequest, unknownField]
}

// The renderer: a call with a string strength, a misspelt field or a preload-only channel is a type error.
export function rendererCalls(api: HeirloomApi): void {
  void api.restoreFaces(restore)
  void api.appInfo()
  void api.ageFaces(age)
  // @ts-expect-error strength is a number in the schema
  void api.restoreFaces({ ...restore, strength: '0.8' })
  // @ts-expect-error the schema is strict: an unknown key is refused here as it is at run time
  void api.restoreFaces({ ...restore, fidelty: 0.5 })
  // @ts-expect-error an age route outside the schema's enum
  void api.ageFaces({ ...age, route: 'magic' })
  // @ts-expect-error registerDrops is the preload's own channel, not on window.api
  void api.registerDrops({ paths: ['/etc/passwd'] })
}

describe('IPC contract derived from the schemas', () => {
  it('the run-time channel list is exactly the schema map, in order', () => {
    expect(Object.keys(requestSchemas)).toEqual([...INVOKE_CHANNELS])
    expect(new Set(INVOKE_CHANNELS).size).toBe(INVOKE_CHANNELS.length)
  })

  it('window.api has one function per plain channel, the drop calls and one subscription per event', async () => {
    const invoked: { channel: string; request: unknown }[] = []
    const subscribed: string[] = []
    const api = createApi(
      (channel, request) => {
        invoked.push({ channel, request })
        return Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'test' } })
      },
      (event) => {
        subscribed.push(event)
        return () => undefined
      },
      () => Promise.resolve(undefined)
    )
    const plain = INVOKE_CHANNELS.filter((c) => !([...PRELOAD_ONLY_CHANNELS, ...DROP_CHANNELS] as string[]).includes(c))
    const events = EVENT_CHANNELS.map((e) => `on${e[0].toUpperCase()}${e.slice(1)}`)
    expect(Object.keys(api).sort()).toEqual([...plain, ...DROP_CHANNELS, ...events].sort())
    expect([...API_METHODS].sort()).toEqual(Object.keys(api).sort())
    expect(Object.keys(api)).not.toContain('registerDrops')

    await api.restoreFaces(restore)
    await api.appInfo()
    api.onJobProgress(() => undefined)
    expect(invoked).toEqual([
      { channel: 'restoreFaces', request: restore },
      { channel: 'appInfo', request: undefined }
    ])
    expect(subscribed).toEqual(['jobProgress'])
    // A File that was never dropped has no token: refused without reaching main.
    const refused = await api.openDroppedPhoto(new File([], 'x.jpg'))
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(invoked).toHaveLength(2)
  })
})
