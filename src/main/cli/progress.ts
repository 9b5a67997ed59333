import { Presets, SingleBar } from 'cli-progress'

/**
 * Progress on stderr, following npm's and git's conventions: a live bar only when stderr is a terminal; otherwise
 * (pipes, log files, CI) one plain line per finished item, or per 10 % of a byte count, and a final line. stdout is
 * never written, so `--json` output stays clean whatever stderr shows.
 */
export interface ProgressReporter {
  start(total: number, label?: string): void
  /** Progress so far; `label` names what is being worked on now (the live bar shows it; plain lines do not repeat it). */
  update(value: number, label?: string): void
  /** One item finished (plain output prints `[n/total] line`; the live bar just moves to `value`). */
  item?(value: number, line: string): void
  stop(): void
}

export type ProgressUnit = 'items' | 'bytes'

export interface ProgressOptions {
  unit?: ProgressUnit
}

interface Stream {
  write(text: string): boolean
  isTTY?: boolean
  columns?: number
}

export function isInteractive(stream: Stream = process.stderr): boolean {
  return stream.isTTY === true
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '?'
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GB`
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KB`
  return `${n} B`
}

export function createProgress(opts: ProgressOptions = {}, stream: Stream = process.stderr): ProgressReporter {
  return isInteractive(stream) ? liveBar(opts.unit ?? 'items', stream) : plainLines(opts.unit ?? 'items', stream)
}

function liveBar(unit: ProgressUnit, stream: Stream): ProgressReporter {
  const bar = new SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format:
        unit === 'bytes'
          ? '{label} [{bar}] {percentage}% | {done} of {size}'
          : '{label} [{bar}] {percentage}% | {value}/{total}',
      hideCursor: true,
      clearOnComplete: false,
      // Never draw anything off a terminal: the plain reporter handles that case.
      noTTYOutput: false,
      // Long file names would wrap and break the redraw: turn the terminal's autowrap off while the bar is drawn.
      linewrap: false
    },
    Presets.shades_classic
  )
  let active = false
  const sizes = (value: number, total: number) =>
    unit === 'bytes' ? { done: formatBytes(value), size: formatBytes(total) } : {}
  let total = 0
  return {
    start(t, label = '') {
      total = t
      active = true
      bar.start(t, 0, { label, ...sizes(0, t) })
    },
    update(value, label) {
      if (!active) return
      bar.update(value, { ...(label === undefined ? {} : { label }), ...sizes(value, total) })
    },
    // A finished photo does not redraw: the next photo's start moves the bar with its name, so no frame ever names a
    // photo that is already done (the bar redraws at most 10 times a second and would keep that stale frame).
    item() {},
    stop() {
      if (active) bar.stop()
      active = false
    }
  }
}

function plainLines(unit: ProgressUnit, stream: Stream): ProgressReporter {
  let total = 0
  let label = ''
  let last = 0
  let printedStep = 0
  let active = false
  const say = (line: string): void => void stream.write(`${line}\n`)
  return {
    start(t, l = '') {
      total = t
      label = l
      last = 0
      printedStep = 0
      active = true
    },
    update(value, l) {
      if (!active) return
      if (l !== undefined && unit === 'bytes') label = l
      last = value
      // Bytes: a line per 10 % (a 300 MB model gives 10 lines, not thousands). Items are printed by item().
      if (unit === 'bytes' && total > 0) {
        const step = Math.floor((value / total) * 10)
        if (step > printedStep && value < total) {
          printedStep = step
          say(`${label} ${step * 10}% (${formatBytes(value)} of ${formatBytes(total)})`)
        }
      }
    },
    item(value, line) {
      if (!active) return
      last = value
      say(`[${value}/${total}] ${line}`)
    },
    stop() {
      if (!active) return
      active = false
      if (unit === 'bytes') {
        say(
          last >= total
            ? `${label} 100% (${formatBytes(total)}), done`
            : `${label} stopped at ${formatBytes(last)} of ${formatBytes(total)}`
        )
      }
    }
  }
}
