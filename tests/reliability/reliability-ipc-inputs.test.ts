import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createAppRuntime, type AppRuntime } from '../../src/main/app-services'
import type { IpcResult } from '../../src/shared/ipc/channels'
import type { FacesResult, OpenedPhoto, PreviewImage } from '../../src/shared/ipc/types'
import {
  type Corpus,
  fullDiskFolder,
  readOnlyFolder,
  sha256File,
  type TmpMount,
  writeBadInputs
} from '../fixtures/bad-inputs'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'
import { recordingShell, scriptedDialogs } from '../helpers/host-doubles'

const APP_URL = 'app://heirloom/index.html'
const trusted = { url: APP_URL, isMainFrame: true }

let dir: string
let corpus: Corpus
let runtime: AppRuntime
const saveAnswers: (string | null)[] = []

async function call<T>(channel: string, payload: unknown): Promise<IpcResult<T>> {
  return (await runtime.dispatcher.dispatch(channel, payload, trusted)) as IpcResult<T>
}

/** A drop as the preload reports it (registerDrops: main's token per item), then the open by token. */
async function openDropped<T = unknown>(path: string): Promise<IpcResult<T>> {
  const reg = await call<{ tokens: string[] }>('registerDrops', { paths: [path] })
  if (!reg.ok) return reg
  return call<T>('openDroppedPhoto', { token: reg.value.tokens[0] })
}

const noStack = (message: string): void => {
  expect(message).not.toMatch(/\n\s+at /)
  expect(message.length).toBeLessThan(400)
}

describeShared('the bad-input corpus through the real IPC handlers', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-rel-ipc-'))
    corpus = await writeBadInputs(join(dir, 'corpus'), { source: photoPath('old_faded_boy_glasses_298x450.png') })
    const modelsDir = join(dir, 'models')
    await storeWithDetector(modelsDir)
    runtime = createAppRuntime({
      modelsDir,
      userDataDir: join(dir, 'userdata'),
      isTrustedSender: (url) => url === APP_URL,
      emit: () => undefined,
      dialogs: scriptedDialogs([], saveAnswers),
      shell: recordingShell()
    })
  })
  afterAll(async () => {
    await runtime?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('openDroppedPhoto / getPreview / detectFaces: a result or one clear code per file; inputs unchanged', async () => {
    const table: string[] = []
    for (const e of corpus.entries) {
      const opened = await openDropped<OpenedPhoto>(e.path)
      if (e.code) {
        expect(opened, e.name).toMatchObject({ ok: false, error: { code: e.code } })
        if (!opened.ok) noStack(opened.error.message)
        table.push(`${e.name.padEnd(15)} open -> ${opened.ok ? 'ok' : opened.error.code}`)
      } else {
        expect(opened, e.name).toMatchObject({ ok: true, value: { width: e.width, height: e.height } })
        if (!opened.ok) continue
        const id = opened.value.photoId
        const preview = await call<PreviewImage>('getPreview', { photoId: id, variant: 'original', maxSide: 256 })
        expect(preview.ok, e.name).toBe(true)
        if (preview.ok) {
          const meta = await sharp(Buffer.from(preview.value.bytes)).metadata()
          expect(Math.max(meta.width, meta.height)).toBe(256)
          expect([preview.value.width, preview.value.height]).toEqual([meta.width, meta.height])
        }
        const faces = await call<FacesResult>('detectFaces', { photoId: id })
        expect(faces.ok, e.name).toBe(true)
        const n = faces.ok ? faces.value.faces.length : -1
        // Every valid variant is the same one-face portrait.
        expect(n, `${e.name} faces`).toBe(1)
        table.push(`${e.name.padEnd(15)} open ok ${opened.value.width}x${opened.value.height}, preview ok, ${n} face`)
      }
      expect(sha256File(e.path), `${e.name} unchanged`).toBe(corpus.hashes.get(e.path))
    }
    console.log(`[reliability] IPC corpus:\n  ${table.join('\n  ')}`)
  })

  it('export to a read-only folder or a full disk: WRITE_FAILED, no file left, original untouched', async () => {
    const e = corpus.byName('unicode-path')
    const opened = await openDropped<OpenedPhoto>(e.path)
    expect(opened.ok).toBe(true)
    if (!opened.ok) return
    const mounts: TmpMount[] = [readOnlyFolder(join(dir, 'ro')), fullDiskFolder(join(dir, 'full'), 64 * 1024)]
    try {
      for (const m of mounts) {
        if (!m.mounted) {
          console.warn('[reliability] tmpfs unavailable (not root): export-failure case skipped')
          continue
        }
        saveAnswers.push(join(m.dir, 'export.png'))
        const r = await call('exportPhoto', {
          photoId: opened.value.photoId,
          format: 'png',
          quality: 90,
          scale: 2,
          keepMetadata: true,
          provenance: true,
          beforeAfterSheet: false
        })
        expect(r).toMatchObject({ ok: false, error: { code: 'WRITE_FAILED' } })
        if (!r.ok) noStack(r.error.message)
        expect(readdirSync(m.dir)).toEqual([])
      }
      // The original itself as the target: refused even though the save dialog "confirmed" it.
      saveAnswers.push(e.path)
      const self = await call('exportPhoto', {
        photoId: opened.value.photoId,
        format: 'jpeg',
        quality: 90,
        scale: 1,
        keepMetadata: true,
        provenance: true,
        beforeAfterSheet: false
      })
      expect(self).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      expect(sha256File(e.path)).toBe(corpus.hashes.get(e.path))
    } finally {
      for (const m of mounts) m.cleanup()
    }
  })
})

describeShared('previews serve only what the user opened in this session', () => {
  let base: string
  let opened: string
  let other: string
  let openedId: string

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'heirloom-rel-paths-'))
    runtime = createAppRuntime({
      modelsDir: join(base, 'models'),
      userDataDir: join(base, 'userdata'),
      isTrustedSender: (url) => url === APP_URL,
      emit: () => undefined,
      dialogs: scriptedDialogs(),
      shell: recordingShell()
    })
    mkdirSync(join(base, 'album', 'sub'), { recursive: true })
    opened = join(base, 'album', 'opened.png')
    other = join(base, 'album', 'secret.png')
    copyFileSync(photoPath('old_scratched_boy_256x256.png'), opened)
    copyFileSync(photoPath('astronaut_512.png'), other)
    symlinkSync(opened, join(base, 'album', 'link-to-opened.png'))
    symlinkSync(other, join(base, 'album', 'link-to-secret.png'))
    writeFileSync(join(base, 'album', 'notes.txt'), 'root:x:0:0:root:/root:/bin/bash\n')
    const r = await openDropped<OpenedPhoto>(opened)
    expect(r.ok).toBe(true)
    if (r.ok) openedId = r.value.photoId
  })
  afterAll(async () => {
    await runtime?.dispose()
    rmSync(base, { recursive: true, force: true })
  })

  it('the allowlist follows real paths: ../, absolute, symlinks, %2e%2e%2f, NUL', async () => {
    const lib = runtime.services.library
    const cases: [string, boolean][] = [
      [opened, true],
      [join(base, 'album', 'sub', '..', 'opened.png'), true],
      [join(base, 'album', 'link-to-opened.png'), true],
      [other, false],
      [join(base, 'album', 'sub', '..', 'secret.png'), false],
      [join(base, 'album', 'sub', '..', '..', 'album', 'secret.png'), false],
      [join(base, 'album', 'link-to-secret.png'), false],
      [`${join(base, 'album', 'sub')}/%2e%2e%2fsecret.png`, false],
      [`${join(base, 'album', 'sub')}/..%2fopened.png`, false],
      [`${opened}\0`, false],
      [`${opened}\0.png`, false],
      ['/etc/passwd', false],
      ['opened.png', false],
      ['', false]
    ]
    for (const [path, want] of cases) expect(await lib.isOpened(path), JSON.stringify(path)).toBe(want)
  })

  it('getPreview takes only an id minted for an opened photo; paths and tricks are refused before any read', async () => {
    const ok = await call<PreviewImage>('getPreview', { photoId: openedId, variant: 'original' })
    expect(ok.ok).toBe(true)
    const tricks = [
      opened,
      '../album/secret.png',
      '%2e%2e%2fsecret.png',
      `${openedId}/../secret.png`,
      `${openedId}\0`,
      `${openedId}%00`,
      openedId.toUpperCase(),
      ` ${openedId}`,
      'file:///etc/passwd'
    ]
    for (const photoId of tricks) {
      expect(await call('getPreview', { photoId, variant: 'original' }), photoId).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REQUEST' }
      })
    }
    expect(await call('getPreview', { photoId: 'p0000000000000000', variant: 'original' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' }
    })
    // Closing ends access for that id.
    const second = await openDropped<OpenedPhoto>(join(base, 'album', 'link-to-opened.png'))
    expect(second).toMatchObject({ ok: true, value: { photoId: openedId } })
    await call('closePhoto', { photoId: openedId })
    expect(await call('getPreview', { photoId: openedId, variant: 'original' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' }
    })
  })

  it('opening a dropped path never returns the bytes of a non-image, and NUL/encoded paths are refused', async () => {
    const txt = await openDropped(join(base, 'album', 'notes.txt'))
    expect(txt).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } })
    expect(JSON.stringify(txt)).not.toContain('root:x')
    expect(await openDropped(`${opened}\0.png`)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' }
    })
    expect(await openDropped(`${join(base, 'album', 'sub')}/%2e%2e%2fsecret.png`)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' }
    })
    expect(await openDropped(join(base, 'album'))).toMatchObject({
      ok: false,
      error: { code: 'UNSUPPORTED' }
    })
  })
})
