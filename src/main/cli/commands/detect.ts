import { Option, type Command } from 'commander'
import { HeirloomError } from '../../core/errors'
import { decodePhoto } from '../../core/image/decode'
import { detectFaces, type DetectOptions, type DetectResult } from '../../core/stages/detect'
import type { CliContext } from '../context'
import { round2, roundScore } from '../report-json'

/** Detection flags shared by `detect` and `crop`. */
export function addDetectOptions(cmd: Command): Command {
  return cmd
    .option('--detector <id>', 'detector model id (default yunet-2023mar; also scrfd-2.5g, ultraface-rfb-320)')
    .option('--min-score <s>', 'minimum detector score, 0..1')
    .option('--max-side <px>', 'long side of the downscaled copy the first pass runs on (default 1280)')
    .addOption(new Option('--tiled <mode>', 'full-resolution tiled second pass').choices(['auto', 'always', 'never']))
    .option('--rotations', 'try 90/180/270 degree turns when no face is found upright')
    .addOption(
      new Option('--verify <mode>', 'confirm weak detections with the FaceMesh model').choices([
        'auto',
        'always',
        'never'
      ])
    )
    .option('--min-eye-distance <px>', 'ignore faces whose eyes are closer than this (image pixels)')
    .addOption(
      new Option('--only <which>', 'keep only the largest or the most central face').choices(['largest', 'center'])
    )
}

export interface DetectFlags {
  detector?: string
  minScore?: string
  maxSide?: string
  tiled?: 'auto' | 'always' | 'never'
  rotations?: boolean
  verify?: 'auto' | 'always' | 'never'
  minEyeDistance?: string
  only?: 'largest' | 'center'
}

// A plain decimal: Number() alone takes '' and ' ' as 0, and '0x10' or '1e3' as numbers nobody meant.
const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)$/

/** A numeric flag's value; empty, non-numeric or out-of-range values are refused (INVALID_REQUEST, exit 2). */
export function parseNumber(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = DECIMAL.test(value.trim()) ? Number(value) : Number.NaN
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new HeirloomError('INVALID_REQUEST', `${flag} must be a number between ${min} and ${max} (got "${value}").`)
  }
  return n
}

/** A whole-number flag (a face index, a size in pixels). */
export function parseInteger(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  const n = parseNumber(value, flag, min, max)
  if (n !== undefined && !Number.isInteger(n)) {
    throw new HeirloomError('INVALID_REQUEST', `${flag} must be a whole number (got "${value}").`)
  }
  return n
}

export function detectOptionsFromFlags(f: DetectFlags): DetectOptions & { detector?: string } {
  return {
    detector: f.detector,
    minScore: parseNumber(f.minScore, '--min-score', 0, 1),
    maxSide: parseInteger(f.maxSide, '--max-side', 64, 16384),
    tiled: f.tiled,
    tryRotations: f.rotations === true,
    verify: f.verify,
    minEyeDistance: parseNumber(f.minEyeDistance, '--min-eye-distance', 0, 100000),
    select: f.only ?? 'all'
  }
}

/** The documented JSON shape: oriented image pixels, faces left to right. */
export function detectJson(res: DetectResult): Record<string, unknown> {
  return {
    image: { width: res.width, height: res.height },
    faces: res.faces.map((f) => ({
      box: f.box.map(round2),
      score: roundScore(f.score),
      landmarks: f.landmarks.map((p) => p.map(round2))
    })),
    rotation: res.rotation
  }
}

function table(image: string, res: DetectResult): string {
  const lines = [`${image}: ${res.width}x${res.height}, ${res.faces.length} face(s), detector ${res.detector}`]
  if (res.rotation)
    lines.push(
      `found after turning the photo ${res.rotation} degrees clockwise (coordinates are of the photo as given)`
    )
  if (res.faces.length) lines.push(' #   score   x       y       w       h       eyes (L / R)')
  res.faces.forEach((f, i) => {
    const [x, y, w, h] = f.box.map((v) => Math.round(v).toString().padEnd(7))
    const [l, r] = f.landmarks
    lines.push(
      ` ${String(i).padEnd(3)} ${f.score.toFixed(3)}   ${x} ${y} ${w} ${h} ${Math.round(l[0])},${Math.round(l[1])} / ${Math.round(r[0])},${Math.round(r[1])}`
    )
  })
  return lines.join('\n')
}

export function registerDetectCommand(program: Command, ctx: CliContext): void {
  addDetectOptions(
    program
      .command('detect')
      .description(
        'find faces and their 5 landmarks (oriented image pixels, left to right); a photo without faces is not an ' +
          'error: exit 0 and an empty list'
      )
      .argument('<image>', 'photo file')
  ).action(async (image: string, flags: DetectFlags) => {
    const photo = await decodePhoto(image)
    const res = await detectFaces(ctx.engine(), photo.image, detectOptionsFromFlags(flags))
    ctx.out(ctx.globals().json ? JSON.stringify(detectJson(res)) : table(image, res))
  })
}
