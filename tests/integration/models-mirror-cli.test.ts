import { spawn } from 'node:child_process'
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { modelMirrors } from '../../src/main/core/models/mirrors'
import { describeShared, modelPath, photoPath } from '../helpers/shared-assets'

const ROOT = join(__dirname, '..', '..')
const built = existsSync(join(ROOT, 'out', 'main', 'cli.js'))

it('reads mirror base URLs from HEIRLOOM_MODEL_MIRROR', () => {
  expect(modelMirrors({ HEIRLOOM_MODEL_MIRROR: 'http://a/models, https://b/x/ ,ftp://no,' })).toEqual([
    'http://a/models/',
    'https://b/x/'
  ])
  expect(modelMirrors({})).toEqual([])
})

describeShared.runIf(built)('first run of `heirloom detect` with no detector installed', () => {
  let server: Server
  let base = ''
  const requests: string[] = []
  beforeAll(async () => {
    // A mirror on 127.0.0.1 serving the YuNet file under its manifest name (byte-identical to the shared copy).
    server = createServer((req, res) => {
      requests.push(req.url ?? '')
      if (req.url === '/models/face_detection_yunet_2023mar.onnx') {
        res.writeHead(200, { 'content-length': String(readFileSync(modelPath('yunet_s_640_640.onnx')).length) })
        createReadStream(modelPath('yunet_s_640_640.onnx')).pipe(res)
      } else res.writeHead(404).end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('downloads the default detector from the mirror with progress on stderr, verifies it, then detects', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'heirloom-mirror-'))
    try {
      const child = spawn(
        process.execPath,
        [join(ROOT, 'bin', 'heirloom.cjs'), 'detect', photoPath('old_scratched_two_faces_400x256.png'), '--json'],
        { env: { ...process.env, HEIRLOOM_MODELS_DIR: modelsDir, HEIRLOOM_MODEL_MIRROR: base } }
      )
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      const code = await new Promise<number | null>((r) => child.on('close', r))
      expect(code, stderr).toBe(0)
      expect(requests).toContain('/models/face_detection_yunet_2023mar.onnx')
      expect(stderr).toMatch(/downloading yunet-2023mar .*100%/)
      const result = JSON.parse(stdout) as { faces: unknown[] }
      expect(result.faces).toHaveLength(2)
      // Verified against the pinned SHA-256 and recorded beside the file.
      expect(readFileSync(join(modelsDir, 'face_detection_yunet_2023mar.onnx.sha256'), 'utf8')).toMatch(/^8f2383e4/)
    } finally {
      rmSync(modelsDir, { recursive: true, force: true })
    }
  })
})
