/**
 * Issue 20, items 1 and 2: progress as npm and git show it. A live bar on a terminal only; piped or logged, one plain
 * line per photo and a final summary; --json keeps stdout to the JSON; single-photo jobs show their stages on a
 * terminal. Terminal runs use a real pseudo-terminal (`script -qec`) around the built bin.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SOME_FAILED_EXIT } from '../../src/main/cli/exit'
import { createProgress } from '../../src/main/cli/progress'
import { stageLine, stageText } from '../../src/main/cli/stage-line'
import { styleganexGraph, writeGraphFile } from '../fixtures/age-graphs'
import { identityRestorer, writeGraph } from '../fixtures/model-graphs'
import { cliBuilt, hasScript, runOnTerminal, runPiped } from '../helpers/cli-bin'
import { placeDetectorFile } from '../helpers/models-dir'
import { describeShared, photoPath } from '../helpers/shared-assets'

/** The escape character that starts terminal control sequences. */
const ESC = String.fromCharCode(27)

/** A stream double that records what a reporter writes; `isTTY` decides which reporter createProgress picks. */
function sink(isTTY: boolean): { write(t: string): boolean; isTTY: boolean; text: () => string } {
  let text = ''
  return {
    isTTY,
    write(t: string) {
      text += t
      return true
    },
    text: () => text
  }
}

describe('progress reporters (stderr)', () => {
  it('off a terminal: a byte count prints one line per 10 % and a final line, never a redraw', () => {
    const s = sink(false)
    const bar = createProgress({ unit: 'bytes' }, s)
    bar.start(10_000_000, 'downloading gfpgan-1.4')
    for (let v = 0; v <= 10_000_000; v += 65_536) bar.update(v)
    bar.update(10_000_000)
    bar.stop()
    const lines = s.text().trimEnd().split('\n')
    expect(lines.length).toBeLessThanOrEqual(11)
    expect(lines[0]).toMatch(/^downloading gfpgan-1\.4 10% \(/)
    expect(lines.at(-1)).toBe('downloading gfpgan-1.4 100% (9.5 MB), done')
    expect(s.text()).not.toMatch(/\r/)
    expect(s.text()).not.toContain(ESC)
  })

  it('off a terminal: items print only when one finishes ([n/total] line); labels alone print nothing', () => {
    const s = sink(false)
    const bar = createProgress({}, s)
    bar.start(3, 'restoring')
    bar.update(0, 'restoring a.jpg')
    bar.item?.(1, 'restored a.jpg')
    bar.update(1, 'restoring b.jpg')
    bar.item?.(2, 'failed b.jpg: UNSUPPORTED')
    bar.stop()
    expect(s.text()).toBe('[1/3] restored a.jpg\n[2/3] failed b.jpg: UNSUPPORTED\n')
  })

  it('on a terminal: a live bar redrawn in place, labelled with what is being worked on now', () => {
    const s = sink(true)
    const bar = createProgress({}, s)
    bar.start(2, 'restoring')
    bar.update(0, 'restoring a.jpg')
    bar.item?.(1, 'restored a.jpg')
    bar.update(1, 'restoring b.jpg')
    bar.stop()
    expect(s.text()).toMatch(/restoring b\.jpg \[[^\]]*\] 50% \| 1\/2/)
    expect(s.text()).not.toContain('[1/2] restored')
  })

  it('the stage line: words per event, nothing off a terminal, and cleared when the job ends', () => {
    expect(stageText({ stage: 'face', index: 1, total: 3, faceIndex: 4, op: 'restore' }, '/x/out.jpg')).toBe(
      'restoring face 2 of 3'
    )
    expect(stageText({ stage: 'tile', index: 3, total: 12 }, 'o.png')).toBe('upscaling (tile 4 of 12)')
    expect(stageText({ stage: 'export' }, '/x/out.jpg')).toBe('writing out.jpg')
    const piped = sink(false)
    const quiet = stageLine('restore', 'o.png', piped)
    quiet.onProgress({ stage: 'detect' })
    quiet.done()
    expect(piped.text()).toBe('')
  })
})

// Needs `npm run build` (the CI's pretest does it) and ../shared.
const describeBuilt = cliBuilt ? describeShared : describe.skip

describeBuilt('heirloom progress in real runs (built bin)', () => {
  let root: string
  let models: string
  let identity: string
  let scans: string
  const restorer = (): string[] => ['--model-file', identity, '--model-kind', 'gfpgan', '--verify', 'never']

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'heirloom-cli-progress-'))
    models = join(root, 'models')
    placeDetectorFile(models)
    identity = writeGraph(root, 'identity.onnx', identityRestorer())
    writeGraphFile(root, 'sx.onnx', styleganexGraph())
    scans = join(root, 'scans')
    mkdirSync(join(scans, 'sub'), { recursive: true })
    copyFileSync(photoPath('old_scratched_boy_256x256.png'), join(scans, 'boy.png'))
    copyFileSync(photoPath('old_no_face_street_736x1016.png'), join(scans, 'street.png'))
    copyFileSync(photoPath('old_scratched_two_faces_400x256.png'), join(scans, 'sub', 'couple.png'))
    writeFileSync(join(scans, 'sub', 'broken.jpg'), 'not a photo')
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  const env = (): Record<string, string> => ({ HEIRLOOM_MODELS_DIR: models })

  it('batch piped: one line per photo in order, the summary on stdout, exit 12 when some photos failed', () => {
    const r = runPiped(['batch', scans, '--out', join(root, 'piped'), '--recursive', ...restorer()], env())
    expect(r.code, r.stderr).toBe(SOME_FAILED_EXIT)
    const progress = r.stderr.split('\n').filter((l) => /^\[\d+\/\d+\]/.test(l))
    expect(progress).toEqual([
      '[1/4] restored boy.png',
      '[2/4] no face in street.png',
      '[3/4] failed sub/broken.jpg: UNSUPPORTED',
      '[4/4] restored sub/couple.png'
    ])
    expect(r.stderr).not.toMatch(/\r|%/)
    expect(r.stderr).not.toContain(ESC)
    expect(r.stdout.trim().split('\n')).toHaveLength(1)
    expect(r.stdout).toMatch(/^4 photo\(s\): 2 restored, 1 without a face, 0 skipped, 1 failed; report: /)
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^heirloom: error: 1 of 4 photo\(s\) failed .* complete\.$/)
  })

  it('batch --json piped: stdout is exactly the JSON report; the progress lines stay on stderr', () => {
    const r = runPiped(['batch', scans, '--out', join(root, 'json'), '--recursive', '--json', ...restorer()], env())
    expect(r.code).toBe(SOME_FAILED_EXIT)
    const report = JSON.parse(r.stdout) as { total: number; ok: number; errors: number }
    expect([report.total, report.ok, report.errors]).toEqual([4, 2, 1])
    expect(r.stdout).not.toMatch(/\[\d+\/\d+\]/)
    expect(r.stderr.split('\n').filter((l) => /^\[\d+\/4\] /.test(l))).toHaveLength(4)
  })

  it.runIf(hasScript)('batch on a terminal: one live bar that names the photo being worked on now', () => {
    const r = runOnTerminal(['batch', scans, '--out', join(root, 'tty'), '--recursive', ...restorer()], env())
    expect(r.code).toBe(SOME_FAILED_EXIT)
    // Every frame names the photo being worked on now: never one already counted as done. Which frames get drawn
    // depends on the machine's speed (the bar redraws at most 10 times a second), so every drawn one is judged.
    const order = ['boy.png', 'street.png', 'sub/broken.jpg', 'sub/couple.png']
    const frames = [...r.output.matchAll(/restoring (\S+) \[[^\]]*\] \d+% \| (\d)\/4/g)]
    expect(frames.length).toBeGreaterThan(0)
    for (const [, name, done] of frames)
      expect(order.indexOf(name), `${name} at ${done}/4`).toBeGreaterThanOrEqual(Number(done))
    expect(r.output).toMatch(/restored \[[^\]]*\] 100% \| 4\/4/)
    expect(r.output).not.toMatch(/\[\d\/4\] restored/)
    expect(r.output).toMatch(/4 photo\(s\): 2 restored/)
  })

  it.runIf(hasScript)('restore on a terminal shows its stages; piped, it prints nothing but the summary', () => {
    const input = photoPath('old_scratched_two_faces_400x256.png')
    // The stage line waits a second before it appears; 0 here so the check does not depend on the machine's speed.
    const fast = { ...env(), HEIRLOOM_STAGE_DELAY_MS: '0' }
    const tty = runOnTerminal(['restore', input, '--out', join(root, 'r-tty.png'), ...restorer()], fast)
    expect(tty.code).toBe(0)
    const stages = [...tty.output.matchAll(new RegExp(`\r${ESC}\\[2Krestore: ([^\r\n]*)`, 'g'))].map((m) => m[1])
    expect(stages).toEqual(
      expect.arrayContaining(['detecting faces', 'restoring face 1 of 2', 'restoring face 2 of 2', 'writing r-tty.png'])
    )
    expect(stages.indexOf('detecting faces')).toBeLessThan(stages.indexOf('restoring face 1 of 2'))
    expect(stages.indexOf('restoring face 2 of 2')).toBeLessThan(stages.indexOf('writing r-tty.png'))
    // Cleared before the summary is printed.
    expect(tty.output).toMatch(new RegExp(`\r${ESC}\\[2K[^\r\n]*: restored 2 of 2 face\\(s\\)`))

    const piped = runPiped(['restore', input, '--out', join(root, 'r-pipe.png'), ...restorer()], fast)
    expect(piped.code).toBe(0)
    expect(piped.stderr).toBe('')
    expect(piped.stdout).toMatch(/^[^\n]*: restored 2 of 2 face\(s\)/)
  })

  it.runIf(hasScript)('age on one photo shows the same stages on a terminal', () => {
    const tty = runOnTerminal(
      [
        'age',
        photoPath('old_scratched_boy_256x256.png'),
        '--out',
        join(root, 'a-tty.png'),
        '--edit-factor',
        '1',
        '--age-model-file',
        join(root, 'sx.onnx'),
        '--age-model-kind',
        'styleganex',
        '--verify',
        'never'
      ],
      { ...env(), HEIRLOOM_STAGE_DELAY_MS: '0' }
    )
    expect(tty.code).toBe(0)
    expect(tty.output).toContain('age: detecting faces')
    expect(tty.output).toContain('age: aging face 1 of 1')
    expect(tty.output).toContain('age: writing a-tty.png')
  })
})
