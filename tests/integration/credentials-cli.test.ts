/**
 * Content Credentials from the CLI: `restore` and `batch` outputs (written in the pipeline worker) carry a signed
 * manifest of the recipe; `heirloom credentials` reads ours and shows tampering; --no-credentials and formats C2PA
 * does not cover here keep the XMP note.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { CredentialsReport } from '../../src/shared/credentials'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'
import { runCliInProcess as cli } from '../helpers/cli-in-process'
import { imageDataOffset } from '../helpers/credentials'
import { storeWithDetector } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

const PHOTO = 'old_scratched_two_faces_400x256.png'

describeShared('Content Credentials from the CLI (restore, batch, credentials)', () => {
  let dir: string
  let models: string
  let restorer: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heirloom-c2pa-cli-'))
    models = join(dir, 'models')
    await storeWithDetector(models, { landmarks: true })
    restorer = writeGraph(dir, 'identity.onnx', identityRestorer())
  }, 60_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const restore = (out: string, ...extra: string[]) =>
    cli([
      'restore',
      photoPath(PHOTO),
      '--out',
      out,
      '--model-file',
      restorer,
      '--model-kind',
      'gfpgan',
      '--models-dir',
      models,
      '--provider',
      'cpu',
      ...extra
    ])
  const read = async (file: string): Promise<CredentialsReport> => {
    const r = await cli(['credentials', file, '--json', '--models-dir', models])
    expect(r.code).toBe(0)
    return JSON.parse(r.stdout) as CredentialsReport
  }

  for (const ext of ['jpg', 'png']) {
    it(`restore --out .${ext} is signed: valid, opened the original, one c2pa.edited for the restore`, async () => {
      const out = join(dir, `restored.${ext}`)
      const r = await restore(out, '--strength', '0.7')
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const c = await read(out)
      expect(c.present).toBe(true)
      expect(c.state).toBe('Valid')
      expect(c.active?.claimGenerator).toBe('Heirloom/0.1.0')
      expect(c.active?.actions.map((a) => a.action)).toEqual(['c2pa.opened', 'c2pa.edited'])
      const edit = c.active!.actions[1]
      expect(edit.description).toContain('file-identity.onnx')
      expect(edit.description).toContain('strength 0.7')
      expect(edit.digitalSourceType).toMatch(/compositeWithTrainedAlgorithmicMedia$/)
      expect(c.active?.ingredients[0]).toMatchObject({ title: PHOTO, relationship: 'parentOf' })
      // The XMP provenance note is there too.
      expect((await sharp(out).metadata()).xmp?.toString('utf8')).toContain('restore')
      // And the identity was created beside the models folder, not inside it.
      expect(readFileSync(join(dir, 'credentials', 'identity.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY')
    }, 60_000)
  }

  it('a flipped byte of image data: `credentials` says INVALID (assertion.dataHash.mismatch)', async () => {
    const signed = readFileSync(join(dir, 'restored.jpg'))
    signed[imageDataOffset(signed)] ^= 0x10
    const bad = join(dir, 'tampered.jpg')
    writeFileSync(bad, signed)
    const r = await cli(['credentials', bad, '--models-dir', models])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('INVALID: assertion.dataHash.mismatch')
    expect((await read(bad)).state).toBe('Invalid')
  })

  it('--no-credentials writes no manifest but keeps the XMP note', async () => {
    const plain = join(dir, 'plain.jpg')
    const r = await restore(plain, '--no-credentials')
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect((await read(plain)).present).toBe(false)
    expect((await sharp(plain).metadata()).xmp?.toString('utf8')).toContain('restore')
  }, 60_000)

  it('WebP and TIFF outputs are signed as well (and keep their XMP note)', async () => {
    for (const ext of ['webp', 'tif']) {
      const out = join(dir, `restored.${ext}`)
      const r = await restore(out)
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('')
      const c = await read(out)
      expect(c.state).toBe('Valid')
      expect(c.active?.actions.map((a) => a.action)).toEqual(['c2pa.opened', 'c2pa.edited'])
      expect((await sharp(out).metadata()).xmp?.toString('utf8')).toContain('restore')
    }
  }, 60_000)

  it('batch outputs are signed too', async () => {
    const scans = join(dir, 'scans')
    mkdirSync(scans)
    copyFileSync(photoPath(PHOTO), join(scans, 'one.png'))
    const outDir = join(dir, 'batch-out')
    const r = await cli([
      'batch',
      scans,
      '--out',
      outDir,
      '--model-file',
      restorer,
      '--model-kind',
      'gfpgan',
      '--models-dir',
      models,
      '--provider',
      'cpu'
    ])
    expect(r.code).toBe(0)
    const c = await read(join(outDir, 'one.png'))
    expect(c.state).toBe('Valid')
    expect(c.active?.actions.map((a) => a.action)).toEqual(['c2pa.opened', 'c2pa.edited'])
  }, 60_000)

  it('credentials: a missing file is exit 3, a photo without credentials says so, --identity names the signer', async () => {
    const missing = await cli(['credentials', join(dir, 'nope.jpg'), '--models-dir', models])
    expect(missing.code).toBe(3)
    expect(missing.stderr).toMatch(/^heirloom: error: The file .* does not exist\.\n$/)
    const none = await cli(['credentials', photoPath(PHOTO), '--models-dir', models])
    expect(none.code).toBe(0)
    expect(none.stdout).toContain('no Content Credentials')
    const id = await cli(['credentials', '--identity', '--models-dir', models])
    expect(id.stdout).toContain('Heirloom user')
    const noArg = await cli(['credentials', '--models-dir', models])
    expect(noArg.code).toBe(2)
  })
})
