/**
 * `heirloom restore` / `batch` with the helper models installed (stand-ins under the manifest file names, real YuNet,
 * the worker thread): identity and age per face in --json and the batch report, --min-identity, --mask box|regions,
 * and the provenance note.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { findEntry, loadManifest } from '../../src/main/core/models/manifest'
import { bisenetStandIn, fairfaceStandIn, sfaceStandIn } from '../fixtures/helper-graphs'
import { negateRestorer, writeGraph } from '../fixtures/model-graphs'
import { styleganexGraph, writeGraphFile } from '../fixtures/age-graphs'
import { runCliInProcess as cli } from '../helpers/cli-in-process'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

interface FaceRow {
  restored: boolean
  strength?: number
  identity: { similarity: number; samePerson: boolean; keep?: { reached: boolean; toStrength: number } } | null
  age: { bucket: string; label: string } | null
}

describeShared('heirloom restore with helper models (CLI, worker thread)', () => {
  let dir: string
  let models: string
  let bare: string
  let negate: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-identity-cli-'))
    models = join(dir, 'models')
    bare = join(dir, 'bare')
    await storeWithDetector(models)
    await storeWithDetector(bare)
    const manifest = loadManifest()
    const place = (id: string, bytes: Uint8Array): void =>
      writeFileSync(join(models, findEntry(manifest, id)!.file), bytes)
    place('sface-2021dec', sfaceStandIn())
    place('fairface', fairfaceStandIn())
    place('bisenet-resnet-34', bisenetStandIn([150, 180, 360, 400]))
    negate = writeGraph(dir, 'negate.onnx', negateRestorer())
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const restore = (
    out: string,
    more: string[],
    modelsDir = models
  ): Promise<{ code: number; stdout: string; stderr: string }> =>
    cli([
      'restore',
      photoPath('gfpgan_old_family_783x1146.png'),
      '--out',
      join(dir, out),
      '--model-file',
      negate,
      '--model-kind',
      'gfpgan',
      '--json',
      '--models-dir',
      modelsDir,
      '--provider',
      'cpu',
      ...more
    ])

  it('--json carries identity and an age bucket per face; provenance notes the identity check', async () => {
    const r = await restore('plain.png', [])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as { faces: FaceRow[] }
    expect(j.faces.length).toBe(3)
    for (const f of j.faces) {
      expect(f.identity!.similarity).toBeGreaterThan(-1)
      expect(f.identity!.similarity).toBeLessThan(0.9)
      expect(f.age!.label).toMatch(/^about \d+(-\d+|\+)$/)
      // Never race or gender.
      expect(JSON.stringify(f)).not.toMatch(/race|gender/i)
    }
    const xmp = (await sharp(join(dir, 'plain.png')).metadata()).xmp?.toString('utf8') ?? ''
    expect(xmp).toContain('identity-check')
    expect(xmp).toContain('sface-2021dec')
    expect(xmp).toContain('paste=regions') // the parser is installed: regions by default
  })

  it('--min-identity lowers the blend and says so; --mask box pastes the whole box', async () => {
    const r = await restore('kept.png', ['--min-identity', '0.9', '--mask', 'box'])
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as { faces: FaceRow[]; notes: string[] }
    for (const f of j.faces) {
      expect(f.identity!.keep!.reached).toBe(true)
      expect(f.identity!.similarity).toBeGreaterThanOrEqual(0.9)
      expect(f.strength!).toBeLessThan(0.8)
    }
    expect(j.notes.filter((n) => n.includes('strength lowered')).length).toBe(3)
    const xmp = (await sharp(join(dir, 'kept.png')).metadata()).xmp?.toString('utf8') ?? ''
    expect(xmp).not.toContain('paste=regions')
    expect(xmp).toContain('minIdentity')
  })

  it('without the helpers: no identity, no age; bad flag values are refused', async () => {
    const r = await restore('bare.png', [], bare)
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as { faces: FaceRow[] }
    expect(j.faces.every((f) => f.identity === null && f.age === null)).toBe(true)
    const bad = await restore('bad.png', ['--min-identity', 'high'])
    expect(bad.code).toBe(2)
    const badMask = await restore('bad.png', ['--mask', 'hair'])
    expect(badMask.code).toBe(2)
  })

  it('models inspect knows the helpers; models list credits FairFace (CC-BY-4.0)', async () => {
    const g = ['--models-dir', models, '--json']
    const sface = await cli(['models', 'inspect', 'sface-2021dec', ...g])
    // The stand-in is not the published file: its SHA-256 differs (exit 7), the helper checks still report.
    expect(sface.code).toBe(7)
    const a = JSON.parse(sface.stdout) as {
      verdict: { ok: boolean; notes: { field: string; ok: boolean; text: string }[] }
    }
    expect(a.verdict.ok).toBe(false)
    expect(a.verdict.notes.find((n) => n.field === 'sha256')!.ok).toBe(false)
    expect(a.verdict.notes.find((n) => n.field === 'feature')!.text).toMatch(/^192 values per face/)
    const fairRun = await cli(['models', 'inspect', 'fairface', ...g])
    expect(fairRun.code).toBe(0)
    const fair = JSON.parse(fairRun.stdout) as typeof a
    expect(fair.verdict.ok).toBe(true)
    expect(fair.verdict.notes.find((n) => n.field === 'outputs')!.text).toMatch(/never used or shown/)
    const parser = JSON.parse((await cli(['models', 'inspect', 'bisenet-resnet-34', ...g])).stdout) as typeof a
    expect(parser.verdict.notes.find((n) => n.field === 'classes')).toMatchObject({ ok: true })
    // A wrong graph under a helper's name: the verdict says so.
    writeFileSync(join(dir, 'not-a-parser.onnx'), bisenetStandIn([0, 0, 1, 1]))
    const wrong = JSON.parse(
      (await cli(['models', 'inspect', join(dir, 'not-a-parser.onnx'), '--as', 'sface-2021dec', ...g])).stdout
    ) as typeof a
    expect(wrong.verdict.ok).toBe(false)
    const list = await cli(['models', 'list', '--models-dir', models])
    expect(list.stdout).toMatch(/fairface: CC-BY-4\.0, attribution: FairFace/)
    expect(list.stdout).toMatch(/sface-2021dec\s+face-recognizer/)
  })

  it('age reports identity (information) and the age bucket per aged face', async () => {
    const sx = writeGraphFile(dir, 'sx.onnx', styleganexGraph())
    const r = await cli([
      'age',
      photoPath('gfpgan_old_family_783x1146.png'),
      '--out',
      join(dir, 'older.png'),
      '--age-model-file',
      sx,
      '--age-model-kind',
      'styleganex',
      '--edit-factor',
      '1',
      '--faces',
      '0',
      '--json',
      '--models-dir',
      models,
      '--provider',
      'cpu'
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout) as { faces: (FaceRow & { aged: boolean })[] }
    const aged = j.faces.filter((f) => f.aged)
    expect(aged.length).toBe(1)
    expect(typeof aged[0].identity!.similarity).toBe('number')
    expect(aged[0].identity!.keep).toBeUndefined() // never a guard for aging
    expect(aged[0].age!.label).toMatch(/^about /)
    expect(j.faces.filter((f) => !f.aged).every((f) => f.identity === null)).toBe(true)
  })

  it('batch report rows carry each face identity', async () => {
    const input = join(dir, 'in')
    mkdirSync(input)
    copyFileSync(photoPath('old_scratched_two_faces_400x256.png'), join(input, 'two.png'))
    const r = await cli([
      'batch',
      input,
      '--out',
      join(dir, 'out'),
      '--model-file',
      negate,
      '--model-kind',
      'gfpgan',
      '--models-dir',
      models,
      '--provider',
      'cpu'
    ])
    expect(r.code).toBe(0)
    const report = JSON.parse(readFileSync(join(dir, 'out', 'heirloom-batch-report.json'), 'utf8')) as {
      files: { file: string; identity?: { face: number; similarity: number; samePerson: boolean }[] }[]
    }
    const row = report.files.find((f) => f.file === 'two.png')!
    expect(row.identity!.length).toBe(2)
    for (const i of row.identity!) expect(typeof i.similarity).toBe('number')
  })
})
