import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { AppRuntime } from '../../src/main/app-services'
import type { InvokeChannel, RequestOf, ResponseOf } from '../../src/shared/ipc/channels'
import { negateRestorer } from '../fixtures/model-graphs'
import { dropToken, ipcCall, ipcRaw, testAppRuntime } from '../helpers/app-runtime'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

// Issue 14 item 5: the getRegion channel gives a rectangle at the photo's own pixels (the preview is capped).
const PHOTO = 'old_scratched_two_faces_400x256.png'

let dir: string
let runtime: AppRuntime
const call = <C extends InvokeChannel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> =>
  ipcCall(runtime, channel, payload)

const rgb = async (bytes: Uint8Array): Promise<Buffer> => sharp(Buffer.from(bytes)).removeAlpha().raw().toBuffer()

describeShared('getRegion: native pixels of the original and of the edited photo', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-ui-region-'))
    const modelsDir = join(dir, 'models')
    const store = await storeWithDetector(modelsDir)
    const neg = join(dir, 'negate-standin.onnx')
    writeFileSync(neg, negateRestorer(512))
    await store.importFile('gfpgan-1.4', neg)
    runtime = testAppRuntime({ dir, modelsDir })
  }, 60_000)

  afterAll(async () => {
    await runtime?.dispose()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('cuts the original exactly, the edited at its output scale, and refuses rectangles off the photo or too big', async () => {
    const photo = await call('openDroppedPhoto', { token: await dropToken(runtime, photoPath(PHOTO)) })
    const rect: [number, number, number, number] = [37.4, 20.6, 120, 90]
    const original = await call('getRegion', { photoId: photo.photoId, variant: 'original', rect })
    expect(original.rect).toEqual([37, 21, 120, 90])
    expect([original.width, original.height, original.mime]).toEqual([120, 90, 'image/png'])
    const want = sharp(photoPath(PHOTO)).removeAlpha().extract({ left: 37, top: 21, width: 120, height: 90 })
    expect((await rgb(original.bytes)).equals(await want.raw().toBuffer())).toBe(true)

    await call('detectFaces', { photoId: photo.photoId })
    await call('restoreFaces', {
      photoId: photo.photoId,
      jobId: 'jregion0001',
      faces: 'all',
      model: 'gfpgan-1.4',
      strength: 1,
      outputScale: 2
    })
    const edited = await call('getRegion', { photoId: photo.photoId, variant: 'edited', rect: [0, 0, 400, 256] })
    // The output is twice the photo: the region keeps those pixels (the renderer draws them into the photo rect).
    expect([edited.width, edited.height]).toEqual([800, 512])
    expect(edited.rect).toEqual([0, 0, 400, 256])
    const full = await call('getPreview', { photoId: photo.photoId, variant: 'edited', maxSide: 800 })
    expect((await rgb(edited.bytes)).equals(await rgb(full.bytes))).toBe(true)

    const off = await ipcRaw(runtime, 'getRegion', {
      photoId: photo.photoId,
      variant: 'original',
      rect: [500, 0, 10, 10]
    })
    expect(off.ok ? 'ok' : off.error.code).toBe('INVALID_REQUEST')
    const big = await ipcRaw(runtime, 'getRegion', {
      photoId: photo.photoId,
      variant: 'original',
      rect: [0, 0, 5000, 10]
    })
    // Clipped to the photo first (400 px), so a wide request over a small photo is fine.
    expect(big.ok).toBe(true)
    const foreign = await ipcRaw(runtime, 'getRegion', {
      photoId: 'p0123456789abcdef',
      variant: 'original',
      rect: [0, 0, 10, 10]
    })
    expect(foreign.ok ? 'ok' : foreign.error.code).toBe('FORBIDDEN')
  })
})
