/**
 * The CLI's one adapter from pipeline progress events to the terminal: a stage line for one-photo jobs and a bar
 * for model downloads (folder jobs draw their own per-photo bar in folder-job.ts).
 */
import { basename } from 'node:path'
import type { PipelineProgress } from '../core/pipeline/progress'
import type { CliContext } from './context'
import { isInteractive, type ProgressReporter } from './progress'

/** Quick jobs print nothing; a job still running after this long shows its stage. */
const DEFAULT_DELAY_MS = 1000

interface Stream {
  write(text: string): boolean
  isTTY?: boolean
  columns?: number
}

export interface StageLine {
  /** Feed the worker's progress events (download events are left to the download bar). */
  onProgress(e: PipelineProgress): void
  /** Removes the line; call however the job ends. */
  done(): void
}

const VERB: Record<string, string> = { restore: 'restoring', age: 'aging' }

/** The words for one pipeline event: "detecting faces", "restoring face 2 of 3", "upscaling (tile 4 of 12)". */
export function stageText(e: PipelineProgress, output: string): string | undefined {
  switch (e.stage) {
    case 'decode':
      return 'reading the photo'
    case 'detect':
      return 'detecting faces'
    case 'face':
      return `${VERB[e.op] ?? e.op} face ${e.index + 1} of ${e.total}`
    case 'tile':
      return `upscaling (tile ${e.index + 1} of ${e.total})`
    case 'compose':
      return 'composing'
    case 'export':
      return `writing ${basename(output)}`
    case 'download':
      return undefined
  }
}

/**
 * One status line on a terminal for a single-photo job (detect / faces n of m / upscale / write), redrawn in place
 * and shown only once the job has run for a second. Off a terminal it prints nothing: the command's summary line
 * says what happened. Hand-written because cli-progress draws bars of a known total, not a delayed status text.
 */
export function stageLine(command: string, output: string, stream: Stream = process.stderr): StageLine {
  if (!isInteractive(stream)) return { onProgress: () => undefined, done: () => undefined }
  const envDelay = Number(process.env.HEIRLOOM_STAGE_DELAY_MS)
  const delay = Number.isFinite(envDelay) && envDelay >= 0 ? envDelay : DEFAULT_DELAY_MS
  let text = 'loading models'
  let shown = false
  let finished = false
  const draw = (): void => {
    const line = `${command}: ${text}`
    const width = stream.columns && stream.columns > 10 ? stream.columns - 1 : 79
    stream.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`)
  }
  const timer = setTimeout(() => {
    if (finished) return
    shown = true
    draw()
  }, delay)
  timer.unref()
  return {
    onProgress(e) {
      if (finished) return
      const t = stageText(e, output)
      if (t === undefined) {
        // A download bar takes the line; the stage comes back with the next stage event.
        if (shown) stream.write('\r\x1b[2K')
        return
      }
      text = t
      if (shown) draw()
    },
    done() {
      finished = true
      clearTimeout(timer)
      if (shown) stream.write('\r\x1b[2K')
    }
  }
}

/**
 * The progress a one-photo command shows: its stage line on a terminal plus any model download's bar. Call `done()`
 * however the job ends.
 */
export function singlePhotoProgress(
  kind: string,
  output: string,
  downloads: (e: PipelineProgress) => void
): { onProgress: (e: PipelineProgress) => void; done: () => void } {
  const stages = stageLine(kind, output)
  return {
    onProgress: (e) => {
      stages.onProgress(e)
      downloads(e)
    },
    done: () => stages.done()
  }
}

/** Shows model downloads on a stderr progress bar. */
export function downloadBar(ctx: CliContext): (e: PipelineProgress) => void {
  let bar: ProgressReporter | undefined
  return (e) => {
    if (e.stage !== 'download') return
    if (!bar && e.total) {
      bar = ctx.progress({ unit: 'bytes' })
      bar.start(e.total, `downloading ${e.model}`)
    }
    bar?.update(e.received)
    if (bar && e.total !== undefined && e.received >= e.total) {
      bar.stop()
      bar = undefined
    }
  }
}
