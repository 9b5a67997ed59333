import { readFileSync, statSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { manifestSchema } from '../../src/shared/model-manifest'
import { defaultEntry, findEntry, loadManifest, requireEntry } from '../../src/main/core/models/manifest'
import { defaultModelsDir } from '../../src/main/core/models/paths'
import { HeirloomError } from '../../src/main/core/errors'
import { describeShared, modelPath } from '../helpers/shared-assets'

const manifest = loadManifest()

describe('models/manifest.json', () => {
  it('validates against the schema with unique ids and files', () => {
    const raw = JSON.parse(readFileSync(join(__dirname, '..', '..', 'models', 'manifest.json'), 'utf8')) as unknown
    expect(manifestSchema.safeParse(raw).success).toBe(true)
    const ids = manifest.models.map((m) => m.id)
    expect(new Set(ids).size).toBe(ids.length)
    const files = manifest.models.map((m) => m.file)
    expect(new Set(files).size).toBe(files.length)
  })

  it('lists the required models', () => {
    for (const id of [
      'yunet-2023mar',
      'scrfd-2.5g',
      'ultraface-rfb-320',
      'facemesh-468',
      'gfpgan-1.4',
      'gfpgan-1.3',
      'gfpgan-1.2',
      'codeformer',
      'restoreformer-plus-plus',
      'gpen-bfr-512',
      'real-esrgan-x2plus',
      'real-esrgan-x4plus',
      'styleganex-age',
      'e4e-ffhq-encoder',
      'stylegan2-ffhq-generator',
      'e4e-age-direction',
      'sam-encoder',
      'sam-pretrained-encoder',
      'sam-decoder',
      'sam-latent-avg'
    ]) {
      expect(findEntry(manifest, id), id).toBeDefined()
    }
  })

  it('every entry can be verified: a pinned SHA-256, a publisher CRC, or https URLs for record-on-first-download', () => {
    for (const m of manifest.models) {
      expect(m.urls.length, m.id).toBeGreaterThan(0)
      for (const u of m.urls) expect(u.startsWith('https://'), `${m.id} ${u}`).toBe(true)
      if (m.publisherHash) expect(m.publisherHash.url.endsWith('.hash'), m.id).toBe(true)
      if (m.kind !== 'age-direction') expect(m.contract, `${m.id} needs a contract`).toBeDefined()
    }
  })

  it('flags non-commercial licences', () => {
    for (const id of [
      'scrfd-2.5g',
      'codeformer',
      'gpen-bfr-512',
      'styleganex-age',
      'stylegan2-ffhq-generator',
      'sam-decoder'
    ]) {
      expect(requireEntry(manifest, id).commercialUse, id).toBe(false)
    }
    for (const id of ['yunet-2023mar', 'gfpgan-1.4', 'real-esrgan-x2plus']) {
      expect(requireEntry(manifest, id).commercialUse, id).toBe(true)
    }
  })

  it('has the contracts the stages rely on', () => {
    const yunet = requireEntry(manifest, 'yunet-2023mar')
    expect(yunet.contract).toMatchObject({ channels: 'BGR', mean: [0, 0, 0] })
    expect(yunet.contract!.std[0] * 255).toBeCloseTo(1, 9)
    const gfp = requireEntry(manifest, 'gfpgan-1.4')
    expect(gfp.contract).toMatchObject({
      channels: 'RGB',
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
      outputRange: '[-1,1]',
      template: 'ffhq_512',
      cropSize: 512
    })
    const cf = requireEntry(manifest, 'codeformer')
    expect(cf.contract!.inputs[1]).toMatchObject({ name: 'weight', dtype: 'float64', optional: true })
    expect(cf.options).toMatchObject({ fidelityInput: 'weight' })
    expect(requireEntry(manifest, 'real-esrgan-x4plus').contract!.scale).toBe(4)
    expect(requireEntry(manifest, 'e4e-ffhq-encoder').options).toMatchObject({ encoderOutputs: 'absolute' })
    expect(typeof requireEntry(manifest, 'e4e-age-direction').options!.latentPerYear).toBe('number')
    expect(defaultEntry(manifest, 'detector')!.id).toBe('yunet-2023mar')
    expect(defaultEntry(manifest, 'restorer')!.id).toBe('gfpgan-1.4')
  })

  it('unknown ids and broken manifest files are clear errors', () => {
    expect(() => requireEntry(manifest, 'nope')).toThrow(/Unknown model "nope"/)
    const err = (() => {
      try {
        loadManifest(join(__dirname, 'does-not-exist.json'))
      } catch (e) {
        return e as HeirloomError
      }
      return undefined
    })()
    expect(err?.code).toBe('INVALID_REQUEST')
  })
})

describe('defaultModelsDir', () => {
  it('honours HEIRLOOM_MODELS_DIR, XDG and per-platform dirs', () => {
    expect(defaultModelsDir({ HEIRLOOM_MODELS_DIR: '/x/models' }, 'linux')).toBe('/x/models')
    expect(defaultModelsDir({ HOME: '/home/u', XDG_DATA_HOME: '/data' }, 'linux')).toBe('/data/heirloom/models')
    expect(defaultModelsDir({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.local/share/heirloom/models')
    expect(defaultModelsDir({ HOME: '/Users/u' }, 'darwin')).toBe(
      '/Users/u/Library/Application Support/Heirloom/models'
    )
    expect(defaultModelsDir({ HOME: 'C:/Users/u', APPDATA: 'C:/Users/u/AppData/Roaming' }, 'win32')).toBe(
      join('C:/Users/u/AppData/Roaming', 'Heirloom', 'models')
    )
  })
})

describeShared('manifest vs the real YuNet file', () => {
  it('yunet-2023mar size and sha256 match the byte-identical shared copy', () => {
    const entry = requireEntry(manifest, 'yunet-2023mar')
    const path = modelPath('yunet_s_640_640.onnx')
    expect(statSync(path).size).toBe(entry.size)
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(entry.sha256)
  })
})
