import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppRuntime } from '../../src/main/app-services'
import { lockOutputFolder } from '../../src/main/core/io/folder-lock'
import { DropRegistry } from '../../src/main/services/drop-registry'
import { createApi } from '../../src/shared/ipc/api'
import { dropToken, ipcRaw, testAppRuntime } from '../helpers/app-runtime'
import { scriptedDialogs } from '../helpers/host-doubles'

/**
 * Issue 12 item 12: openDroppedPhoto / openDroppedFolder take only main's token for an item of a real drop (the
 * preload registers a trusted drop's paths); a renderer cannot name a path, and the answers reveal nothing about
 * which files exist.
 */

let dir: string
let runtime: AppRuntime
let photo: string
const saveAnswers: (string | null)[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'heirloom-drops-'))
  photo = join(dir, 'photo.png')
  await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 9, g: 9, b: 9 } } })
    .png()
    .toFile(photo)
  mkdirSync(join(dir, 'scans'))
  copyFileSync(photo, join(dir, 'scans', 'a.png'))
  writeFileSync(join(dir, 'secret.txt'), 'secret')
  mkdirSync(join(dir, 'models'))
  runtime = testAppRuntime({ dir, modelsDir: join(dir, 'models'), dialogs: scriptedDialogs([], saveAnswers) })
})
afterAll(async () => {
  await runtime?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('dropped items open only by main-side token', () => {
  it('a path in the request is refused outright (the old contract), for files that exist and files that do not', async () => {
    for (const path of [photo, join(dir, 'secret.txt'), join(dir, 'nothing.png'), '/etc/hostname']) {
      expect(await ipcRaw(runtime, 'openDroppedPhoto', { path } as never)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REQUEST' }
      })
      expect(await ipcRaw(runtime, 'openDroppedFolder', { path, recursive: false } as never)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REQUEST' }
      })
    }
  })

  it('a guessed token is FORBIDDEN with one message, whatever exists: no existence oracle', async () => {
    const answers = new Set<string>()
    for (const token of ['d' + '0'.repeat(32), 'd' + 'f'.repeat(32)]) {
      const r = await ipcRaw(runtime, 'openDroppedPhoto', { token })
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      if (!r.ok) answers.add(r.error.message)
    }
    expect(answers.size).toBe(1)
  })

  it('a dropped photo opens with its token, once; a dropped folder becomes the batch input the same way', async () => {
    const token = await dropToken(runtime, photo)
    expect(await ipcRaw(runtime, 'openDroppedPhoto', { token })).toMatchObject({ ok: true, value: { width: 16 } })
    expect(await ipcRaw(runtime, 'openDroppedPhoto', { token })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' }
    })
    const folder = await dropToken(runtime, join(dir, 'scans'))
    expect(await ipcRaw(runtime, 'openDroppedFolder', { token: folder, recursive: false })).toMatchObject({
      ok: true,
      value: { name: 'scans', images: 1 }
    })
    expect(runtime.services.state.batchInput).toBe(join(dir, 'scans'))
  })

  it('item 1 in the app: an export never lands on another open photo, even when the save dialog said replace', async () => {
    const other = join(dir, 'other.png')
    copyFileSync(photo, other)
    const before = readFileSync(other)
    const a = await ipcRaw(runtime, 'openDroppedPhoto', {
      token: await dropToken(runtime, join(dir, 'scans', 'a.png'))
    })
    const b = await ipcRaw(runtime, 'openDroppedPhoto', { token: await dropToken(runtime, other) })
    expect(a.ok && b.ok).toBe(true)
    if (!a.ok) return
    saveAnswers.push(other)
    const r = await ipcRaw(runtime, 'exportPhoto', {
      photoId: a.value.photoId,
      format: 'png',
      quality: 90,
      scale: 1,
      keepMetadata: true,
      provenance: true,
      beforeAfterSheet: false
    })
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(readFileSync(other).equals(before)).toBe(true)
  })

  it('items 2 and 6 in the app: an output folder reached through a symlink into the input is refused; a busy one too', async () => {
    const req = {
      jobId: 'jreliab01',
      recursive: true,
      operation: 'restore' as const,
      strength: 0.8,
      format: 'same' as const
    }
    symlinkSync(join(dir, 'scans'), join(dir, 'scans-link'))
    runtime.services.state.batchInput = join(dir, 'scans')
    await runtime.services.settings.update({ outputFolder: join(dir, 'scans-link', 'out') })
    expect(await ipcRaw(runtime, 'runBatch', req)).toMatchObject({
      ok: false,
      // The batch engine's own check, the code the CLI gives too.
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/never writes into the input tree/) }
    })
    expect(existsSync(join(dir, 'scans', 'out'))).toBe(false)
    const out = join(dir, 'batch-out')
    mkdirSync(out)
    await runtime.services.settings.update({ outputFolder: out })
    const release = await lockOutputFolder(out)
    try {
      expect(await ipcRaw(runtime, 'runBatch', { ...req, jobId: 'jreliab02' })).toMatchObject({
        ok: false,
        error: { code: 'BUSY', message: expect.stringMatching(/in use/) }
      })
    } finally {
      await release()
    }
  })

  it('tokens expire', () => {
    let now = 0
    const reg = new DropRegistry(() => now)
    const [t] = reg.register(['/x.png'])
    now = 11 * 60 * 1000
    expect(() => reg.take(t)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }))
  })

  it('window.api: a File with no drop token (fabricated by page script) never reaches main', async () => {
    const sent: string[] = []
    const api = createApi(
      (channel) => {
        sent.push(channel)
        return Promise.resolve({ ok: true, value: undefined as never })
      },
      () => () => undefined,
      () => Promise.resolve(undefined)
    )
    const fake = new File([new Uint8Array(4)], 'passwd')
    expect(await api.openDroppedPhoto(fake)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await api.openDroppedFolder(fake, true)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(sent).toEqual([])
  })
})
