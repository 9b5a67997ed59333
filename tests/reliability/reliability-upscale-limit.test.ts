import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkOutputSize, ENCODER_MAX_PIXELS, largestScaleThatFits } from '../../src/main/core/image/output-limits'
import { EditSession } from '../../src/main/core/pipeline/edit-session'
import { restoreFile } from '../../src/main/core/pipeline/restore-photo'
import { identityRestorer } from '../fixtures/model-graphs'
import { loadStandIn, restorerEntry } from '../integration/restore-models'

/** Issue 12 item 11: an upscale the encoder cannot write is refused before any work, naming the largest that fits. */

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'heirloom-upscale-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('output size limits', () => {
  it('the limits and the largest scale that fits', () => {
    expect(largestScaleThatFits(5000, 4000, 'png')).toBe(2)
    expect(largestScaleThatFits(5000, 100, 'webp')).toBe(2)
    expect(largestScaleThatFits(5000, 100, 'png')).toBe(4)
    expect(() => checkOutputSize(5000, 4000, 4, 'png')).toThrow(
      expect.objectContaining({
        code: 'TOO_LARGE',
        message: expect.stringMatching(/20000x16000.*largest scale that fits is x2/)
      })
    )
    expect(() => checkOutputSize(5000, 100, 4, 'webp')).toThrow(/16383 px limit.*x2/)
    expect(() => checkOutputSize(5000, 4000, 2, 'png')).not.toThrow()
  })

  it('`restore --upscale 4` on a 20 MP scan: TOO_LARGE before the restorer or the face finder runs', async () => {
    const scan = join(dir, 'scan.png')
    await sharp({ create: { width: 5000, height: 4000, channels: 3, background: { r: 120, g: 110, b: 100 } } })
      .png({ compressionLevel: 1 })
      .toFile(scan)
    const restorer = await loadStandIn(identityRestorer(), restorerEntry('test-identity'))
    let finderCalls = 0
    const t0 = process.cpuUsage()
    try {
      await expect(
        restoreFile(
          {
            restorer,
            findFaces: () => {
              finderCalls++
              return Promise.resolve({ faces: [], detector: 'none' })
            }
          },
          scan,
          join(dir, 'out.png'),
          { upscale: 4 }
        )
      ).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringMatching(/largest scale that fits is x2/) })
    } finally {
      await restorer.session.dispose()
    }
    const cpu = process.cpuUsage(t0)
    expect(finderCalls).toBe(0)
    expect(restorer.session.runs).toBe(0)
    // Nothing was decoded: a header read costs milliseconds, a 20 MP decode + x4 compose many seconds.
    expect((cpu.user + cpu.system) / 1e6).toBeLessThan(1)
  })

  it('the editor refuses the output scale up front too', async () => {
    const width = 2100
    const height = 2000
    expect(width * height * 64).toBeGreaterThan(ENCODER_MAX_PIXELS)
    const session = new EditSession(
      {
        image: { width, height, data: new Uint8Array(width * height * 3) },
        grayscale: false,
        format: 'png',
        bitDepth: 8,
        metadata: {}
      },
      []
    )
    await expect(session.setOutputScale(8)).rejects.toMatchObject({ code: 'TOO_LARGE' })
    expect(session.outputScale).toBe(1)
  })
})
