/**
 * Content Credentials through the app's real handlers (testAppRuntime: dispatcher -> services -> pipeline worker):
 * exports are signed (JPEG, PNG) with the recipe, the setting turns it off, and `getCredentials` shows the badge's
 * data for an opened photo, ours or another tool's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { AppRuntime } from '../../src/main/app-services'
import { readCredentialsFile } from '../../src/main/core/credentials/read'
import type { InvokeChannel, RequestOf, ResponseOf } from '../../src/shared/ipc/channels'
import { negateRestorer } from '../fixtures/model-graphs'
import { dropToken, ipcCall, testAppRuntime } from '../helpers/app-runtime'
import { scriptedDialogs } from '../helpers/host-doubles'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

const PHOTO = 'old_scratched_two_faces_400x256.png'
let dir: string
let runtime: AppRuntime
const saveAnswers: string[] = []
const call = <C extends InvokeChannel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> =>
  ipcCall(runtime, channel, payload)

describeShared("Content Credentials on the app's export path", () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-c2pa-app-'))
    const modelsDir = join(dir, 'models')
    const store = await storeWithDetector(modelsDir)
    const neg = join(dir, 'negate-standin.onnx')
    writeFileSync(neg, negateRestorer(512))
    await store.importFile('gfpgan-1.4', neg)
    await store.importFile('gfpgan-1.3', neg)
    runtime = testAppRuntime({ dir, modelsDir, dialogs: scriptedDialogs([], saveAnswers) })
  }, 60_000)
  afterAll(async () => {
    await runtime?.dispose()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('restore + export JPEG and PNG: signed, valid, recipe with model and sha256; reopened, the badge data shows it', async () => {
    expect((await call('getSettings', undefined)).contentCredentials).toBe(true)
    const photo = await call('openDroppedPhoto', { token: await dropToken(runtime, photoPath(PHOTO)) })
    await call('detectFaces', { photoId: photo.photoId })
    // Two restore steps with two models at different strengths, then an export with a resize: three operations
    // (layers of one model and settings are one operation of the recipe, as in the XMP note).
    await call('restoreFaces', {
      photoId: photo.photoId,
      jobId: 'jc2pa00001',
      faces: [0],
      model: 'gfpgan-1.4',
      strength: 1
    })
    await call('restoreFaces', {
      photoId: photo.photoId,
      jobId: 'jc2pa00002',
      faces: [1],
      model: 'gfpgan-1.3',
      strength: 0.5
    })
    for (const format of ['jpeg', 'png'] as const) {
      const out = join(dir, `export.${format === 'jpeg' ? 'jpg' : 'png'}`)
      saveAnswers.push(out)
      const r = await call('exportPhoto', {
        photoId: photo.photoId,
        format,
        quality: 90,
        scale: 0.5,
        keepMetadata: true,
        provenance: true,
        beforeAfterSheet: false
      })
      expect(r?.credentials).toMatchObject({ signed: true, signer: 'Heirloom user' })
      const c = await readCredentialsFile(out)
      expect(c.state).toBe('Valid')
      const actions = c.active!.actions
      expect(actions.map((a) => a.action)).toEqual(['c2pa.opened', 'c2pa.edited', 'c2pa.edited', 'c2pa.resized'])
      expect(actions[1].description).toMatch(/strength 1\b/)
      expect(actions[2].description).toMatch(/strength 0.5\b/)
      expect(actions[1].description).toMatch(/sha256 [0-9a-f]{64}/)
      expect(c.active!.ingredients[0]).toMatchObject({ title: PHOTO, relationship: 'parentOf' })
      expect((await sharp(out).metadata()).xmp?.toString('utf8')).toContain('restore')
    }
    // The app shows the badge for a photo that has credentials, and nothing for one without.
    expect((await call('getCredentials', { photoId: photo.photoId })).present).toBe(false)
    const reopened = await call('openDroppedPhoto', { token: await dropToken(runtime, join(dir, 'export.jpg')) })
    const shown = await call('getCredentials', { photoId: reopened.photoId })
    expect(shown).toMatchObject({ present: true, state: 'Valid', untrusted: true })
    expect(shown.active?.claimGenerator).toBe('Heirloom/0.1.0')
  }, 120_000)

  it('the setting turns signing off (XMP note stays) and on again, in the running worker', async () => {
    const photo = await call('openDroppedPhoto', { token: await dropToken(runtime, photoPath(PHOTO)) })
    const off = await call('updateSettings', { contentCredentials: false, ownerName: 'Ann Smith' })
    expect(off.contentCredentials).toBe(false)
    const plain = join(dir, 'plain.jpg')
    saveAnswers.push(plain)
    const r = await call('exportPhoto', {
      photoId: photo.photoId,
      format: 'jpeg',
      quality: 90,
      scale: 1,
      keepMetadata: true,
      provenance: true,
      beforeAfterSheet: false
    })
    expect(r?.credentials?.signed).toBe(false)
    expect((await readCredentialsFile(plain)).present).toBe(false)
    expect((await sharp(plain).metadata()).xmp?.toString('utf8')).toContain('Heirloom')
    await call('updateSettings', { contentCredentials: true })
    const signed = join(dir, 'signed-again.png')
    saveAnswers.push(signed)
    await call('exportPhoto', {
      photoId: photo.photoId,
      format: 'png',
      quality: 90,
      scale: 1,
      keepMetadata: true,
      provenance: true,
      beforeAfterSheet: false
    })
    expect((await readCredentialsFile(signed)).state).toBe('Valid')
  }, 60_000)
})
