import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { taskbarProgress } from '../../src/main/app-services'
import { etaMs, freeOutputPath, listImages } from '../../src/main/services/batch-files'
import { stepLabel } from '../../src/main/core/operations'
import { cropRgb, sideBySide } from '../../src/main/core/image/export-image'
import { suggestedExportName } from '../../src/main/services/export-service'
import { jobProgressOf } from '../../src/main/services/job-runner'
import { SettingsStore } from '../../src/main/services/settings-store'
import { requestSchemas } from '../../src/shared/ipc/schemas'
import { modelChoices, preferredModel } from '../../src/renderer/src/panels/model-choices'

describe('settings store', () => {
  it('persists atomically to the injected dir and survives a broken file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-settings-'))
    const s = new SettingsStore(dir)
    expect(s.view()).toMatchObject({ provider: 'auto', theme: 'system', recent: [] })
    await s.update({ theme: 'dark', provider: 'cpu' })
    await s.addRecent('/photos/a.jpg')
    await s.addRecent('/photos/b.jpg')
    await s.addRecent('/photos/a.jpg')
    const again = new SettingsStore(dir)
    expect(again.view()).toMatchObject({
      theme: 'dark',
      provider: 'cpu',
      recent: [{ fileName: 'a.jpg' }, { fileName: 'b.jpg' }]
    })
    expect(again.recentPath(1)).toBe('/photos/b.jpg')
    expect(() => again.recentPath(5)).toThrow(/no longer/)
    // No temp files left behind.
    expect(readdirSync(dir)).toEqual(['settings.json'])
    writeFileSync(join(dir, 'settings.json'), '{ not json')
    expect(new SettingsStore(dir).view().theme).toBe('system')
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ theme: 'purple', recent: ['/x.png'] }))
    expect(new SettingsStore(dir).view()).toMatchObject({ theme: 'system', recent: [{ fileName: 'x.png' }] })
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).theme).toBe('purple')
  })
})

describe('batch helpers', () => {
  it('lists images (recursive or not), skips hidden files and the output folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-list-'))
    for (const f of ['a.JPG', 'b.png', '.hidden.png', 'notes.txt']) writeFileSync(join(dir, f), 'x')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(join(dir, 'sub'))
    mkdirSync(join(dir, 'out'))
    writeFileSync(join(dir, 'sub', 'c.tif'), 'x')
    writeFileSync(join(dir, 'out', 'd.png'), 'x')
    const flat = await listImages(dir, { recursive: false })
    expect(flat.map((p) => p.slice(dir.length + 1))).toEqual(['a.JPG', 'b.png'])
    const deep = await listImages(dir, { recursive: true, exclude: join(dir, 'out') })
    expect(deep.map((p) => p.slice(dir.length + 1))).toEqual(['a.JPG', 'b.png', join('sub', 'c.tif')])
  })

  it('never reuses an existing output name', async () => {
    const inDir = mkdtempSync(join(tmpdir(), 'heirloom-in-'))
    const outDir = mkdtempSync(join(tmpdir(), 'heirloom-out-'))
    writeFileSync(join(outDir, 'x-restored.png'), 'x')
    expect(await freeOutputPath(inDir, outDir, join(inDir, 'x.jpg'), '-restored', '.png')).toBe(
      join(outDir, 'x-restored-2.png')
    )
    expect(await freeOutputPath(inDir, outDir, join(inDir, 'y.jpg'), '-restored', '.jpg')).toBe(
      join(outDir, 'y-restored.jpg')
    )
  })

  it('ETA from the mean time per file', () => {
    expect(etaMs(1000, 0, 10)).toBeUndefined()
    expect(etaMs(1000, 2, 10)).toBe(4000)
  })
})

describe('export helpers', () => {
  const img = { width: 4, height: 2, data: Uint8Array.from({ length: 24 }, (_, i) => i) }
  it('crops with clamping and refuses an empty crop', () => {
    const c = cropRgb(img, [1, 0, 2, 5])
    expect([c.width, c.height]).toEqual([2, 2])
    expect(Array.from(c.data.subarray(0, 6))).toEqual([3, 4, 5, 6, 7, 8])
    expect(() => cropRgb(img, [10, 10, 2, 2])).toThrow(/outside/)
  })

  it('puts before and after side by side with a white gutter', () => {
    const after = { ...img, data: img.data.map((v) => 255 - v) }
    const s = sideBySide(img, after, 2)
    expect([s.width, s.height]).toEqual([10, 2])
    expect(Array.from(s.data.subarray(12, 18))).toEqual([255, 255, 255, 255, 255, 255])
    expect(s.data[18]).toBe(255 - 0)
  })

  it('suggests a new name, never the original', () => {
    expect(suggestedExportName('/p/grandma.tif', 'jpeg', false)).toBe('grandma-restored.jpg')
    expect(suggestedExportName('/p/grandma.tif', 'png', true)).toBe('grandma-before-after.png')
  })
})

describe('progress and labels', () => {
  it('maps pipeline events to UI progress and the taskbar', () => {
    expect(
      jobProgressOf('j1', 'restore', { stage: 'face', index: 1, total: 4, faceIndex: 2, op: 'restore' })
    ).toMatchObject({ fraction: 0.25, index: 2, total: 4 })
    expect(taskbarProgress('jobProgress', { jobId: 'j', kind: 'k', fraction: 0.4, stage: 'face' })).toBe(0.4)
    expect(taskbarProgress('jobProgress', { jobId: 'j', kind: 'k', fraction: 1, stage: 'done', done: true })).toBe(-1)
    expect(taskbarProgress('batchProgress', { jobId: 'j', done: 1, total: 4, paused: false })).toBe(0.25)
    expect(taskbarProgress('menuAction', { action: 'open' })).toBeUndefined()
  })

  it('derives History labels from structured steps ({ op, faces, params }), never from parsed strings', () => {
    expect(stepLabel({ op: 'open', faces: [], params: {} })).toBe('Open original')
    expect(stepLabel({ op: 'restore', faces: [0, 2], params: { model: 'gfpgan-1.4' } })).toBe('Restore faces 1, 3')
    expect(stepLabel({ op: 'age', faces: [0], params: { restoreAfter: { choice: {} } } })).toBe('Age face 1 + restore')
    expect(stepLabel({ op: 'age', faces: [0, 1], params: {} })).toBe('Age faces 1, 2')
    expect(stepLabel({ op: 'restore', faces: [0], params: {} })).toBe('Restore face 1')
    expect(stepLabel({ op: 'restore', faces: [0, 1], params: { minIdentity: 0.363 } })).toBe(
      'Restore faces 1, 2 + keep identity'
    )
    expect(stepLabel({ op: 'detect', faces: [0, 1], params: {} })).toBe('Detect faces')
    expect(stepLabel({ op: 'delete-face', faces: [0], params: {} })).toBe('Delete face 1')
    // An id no operation has (e.g. from a newer worker) still reads as words.
    expect(stepLabel({ op: 'tint', faces: [], params: {} })).toBe('Tint')
  })
})

describe('model pickers', () => {
  const m = (id: string, state: 'installed' | 'missing', isDefault = false) => ({
    id,
    name: id,
    kind: 'restorer',
    family: 'gfpgan',
    license: 'x',
    commercialUse: true,
    state,
    isDefault,
    custom: false
  })
  it('lists installed models first and preselects the user default when installed', () => {
    const list = modelChoices([m('b', 'missing', true), m('a', 'installed'), m('c', 'installed')], 'restorer')
    expect(list.map((x) => x.id)).toEqual(['a', 'c', 'b'])
    expect(preferredModel(list, 'c')).toBe('c')
    expect(preferredModel(list, 'b')).toBe('a')
    expect(preferredModel([m('b', 'missing', true)])).toBe('b')
  })
})

describe('new IPC channels validate strictly', () => {
  it('rejects paths, unknown keys and out-of-range values', () => {
    const photoId = 'p0123456789abcdef'
    expect(
      requestSchemas.restoreFaces.safeParse({
        photoId,
        jobId: 'jabc1234',
        faces: 'all',
        model: 'gfpgan-1.4',
        strength: 0.8
      }).success
    ).toBe(true)
    expect(
      requestSchemas.restoreFaces.safeParse({ photoId, jobId: 'jabc1234', faces: 'all', model: '../x', strength: 0.8 })
        .success
    ).toBe(false)
    expect(
      requestSchemas.restoreFaces.safeParse({ photoId, jobId: 'jabc1234', faces: 'all', model: 'a', strength: 1.5 })
        .success
    ).toBe(false)
    expect(
      requestSchemas.exportPhoto.safeParse({
        photoId,
        format: 'png',
        quality: 90,
        scale: 1,
        keepMetadata: true,
        provenance: true,
        beforeAfterSheet: false,
        path: '/etc/x'
      }).success
    ).toBe(false)
    expect(
      requestSchemas.ageFaces.safeParse({
        photoId,
        jobId: 'jabc1234',
        faces: [0],
        route: 'latent',
        years: 41,
        strength: 1,
        restoreAfter: false
      }).success
    ).toBe(false)
    expect(requestSchemas.setLayerStrength.safeParse({ photoId, layerIds: ['l3'], strength: 0.5 }).success).toBe(true)
    expect(requestSchemas.setLayerStrength.safeParse({ photoId, layerIds: ['restore-3'], strength: 0.5 }).success).toBe(
      false
    )
    expect(requestSchemas.addFaceBox.safeParse({ photoId, box: [0, 0, -5, 10] }).success).toBe(false)
  })
})
