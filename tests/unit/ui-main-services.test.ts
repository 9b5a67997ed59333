import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import PQueue from 'p-queue'
import { describe, expect, it } from 'vitest'
import { taskbarProgress } from '../../src/main/app-services'
import { cropRgb, sideBySide } from '../../src/main/core/image/export-image'
import { freeOutputPath } from '../../src/main/core/io/free-output-path'
import { stepLabel } from '../../src/main/core/operations'
import { BATCH_EXTENSIONS, listPhotos, planOutputs, runBatch } from '../../src/main/core/pipeline/batch'
import { etaMs } from '../../src/main/services/batch-service'
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
  it('lists photos (recursive or not) with the one extension list, never inside the output folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heirloom-list-'))
    for (const f of ['a.JPG', 'b.png', 'c.bmp', 'd.heic', 'e.gif', 'notes.txt']) writeFileSync(join(dir, f), 'x')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(join(dir, 'sub'))
    mkdirSync(join(dir, 'out'))
    writeFileSync(join(dir, 'sub', 'c.tif'), 'x')
    writeFileSync(join(dir, 'out', 'd.png'), 'x')
    // What this build of sharp reads from a file: BMP (no loader) and HEIC (prebuilt libvips has no HEVC) are not.
    expect(BATCH_EXTENSIONS).toEqual(
      expect.arrayContaining(['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.webp', '.gif'])
    )
    expect(BATCH_EXTENSIONS).not.toContain('.bmp')
    expect(BATCH_EXTENSIONS).not.toContain('.heic')
    expect(await listPhotos(dir, false)).toEqual(['a.JPG', 'b.png', 'e.gif'])
    expect(await listPhotos(dir, true, join(dir, 'out'))).toEqual(['a.JPG', 'b.png', 'e.gif', 'sub/c.tif'])
  })

  it('plans mirrored output names: same format where written, PNG otherwise, no two photos on one name', () => {
    const plan = planOutputs(['a.gif', 'a.png', 'b.JPG', 'sub/c.avif'])
    expect(Object.fromEntries(plan)).toEqual({
      'a.gif': 'a.gif.png',
      'a.png': 'a.png',
      'b.JPG': 'b.JPG',
      'sub/c.avif': 'sub/c.png'
    })
    expect(Object.fromEntries(planOutputs(['a.jpg', 'a.png'], 'jpeg'))).toEqual({
      'a.jpg': 'a.jpg',
      'a.png': 'a.png.jpg'
    })
  })

  it('pause holds the next photo (the one running finishes), a cancel while paused ends with what was done', async () => {
    const inDir = mkdtempSync(join(tmpdir(), 'heirloom-pause-in-'))
    const outDir = join(mkdtempSync(join(tmpdir(), 'heirloom-pause-')), 'out')
    for (const f of ['a.png', 'b.png', 'c.png']) writeFileSync(join(inDir, f), 'x')
    const queue = new PQueue({ concurrency: 1 })
    const controller = new AbortController()
    const started: string[] = []
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const run = runBatch({
      inputDir: inDir,
      outputDir: outDir,
      queue,
      signal: controller.signal,
      onFileStart: (file) => started.push(file),
      // Writes the output as the real processors do (atomically, never over a file), after the test lets it go.
      process: async (_input, output) => {
        await held
        writeFileSync(output, 'done', { flag: 'wx' })
        return { faces: 1 }
      }
    })
    await expect.poll(() => started.length).toBe(1)
    queue.pause()
    release()
    // The photo in hand finishes; the next one does not start while paused.
    await expect.poll(() => readdirSync(outDir).filter((f) => !f.startsWith('.'))).toEqual(['a.png'])
    await new Promise((r) => setTimeout(r, 50))
    expect(started).toEqual(['a.png'])
    controller.abort()
    const report = await run
    expect([report.cancelled, report.ok, report.files.map((f) => f.file)]).toEqual([true, 1, ['a.png']])
    // The lock is released; the journal records the one photo done.
    expect(readdirSync(outDir).sort()).toEqual(['.heirloom-batch.json', 'a.png'])
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
