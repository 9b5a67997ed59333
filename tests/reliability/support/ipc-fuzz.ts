/**
 * Seeded generators of malformed IPC payloads. Every payload is invalid BY CONSTRUCTION against the contract's
 * meaning (not by asking the validator): wrong kinds, NUL bytes or >4096-char strings where every field is a short
 * id/enum/path, NaN/Infinity where every number is finite, unknown keys on strict objects, missing required keys.
 */
import type { z } from 'zod'

export type Rng = () => number

/** mulberry32: small, fast, reproducible. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]

function deep(depth: number): Record<string, unknown> {
  let o: Record<string, unknown> = { leaf: 'x' }
  for (let i = 0; i < depth; i++) o = { a: o }
  return o
}

// Big values are built once and shared: the fuzz loop stays fast and memory flat.
const HUGE = 'A'.repeat(1_000_000)
const LONG_PATH = `/${'a/'.repeat(2500)}x.jpg`
const LONG_ARRAY = new Array<number>(100_000).fill(0)
const DEEP = deep(5000)
const WIDE: Record<string, number> = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]))

/** Own `__proto__` / `constructor` keys, as JSON.parse makes them (an object literal would set the prototype). */
export function pollutionObject(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const o = JSON.parse(
    '{"__proto__":{"polluted":"yes","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}}}'
  ) as Record<string, unknown>
  return Object.assign(o, extra)
}

/** Values no field of the contract accepts (every string field is an id, enum or path without NUL, <= 4096 chars). */
export function badFieldValue(rng: Rng, nullAllowed: boolean): unknown {
  const values: (() => unknown)[] = [
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => Number.NEGATIVE_INFINITY,
    () => HUGE,
    () => LONG_PATH,
    () => `p0123456789abcdef\0`,
    () => '../../../../etc/passwd\0',
    () => '%2e%2e%2f%2e%2e%2fetc%2fpasswd\0.png',
    () => 'C:\\Windows\\System32\\config\\SAM\0',
    () => new Uint8Array(64),
    () => new Float64Array([1, 2, 3, 4]),
    () => new ArrayBuffer(8),
    () => DEEP,
    () => WIDE,
    () => LONG_ARRAY,
    () => [],
    () => [Number.NaN],
    () => [null, undefined, {}],
    () => ({}),
    () => pollutionObject(),
    () => new Map([['photoId', 'p0123456789abcdef']]),
    () => new Set([1]),
    () => new Date(0),
    () => /x/g,
    () => 10n ** 30n,
    () => Symbol('x'),
    () => () => 'fn'
  ]
  if (!nullAllowed) values.push(() => null)
  return pick(rng, values)()
}

/** Whole payloads that are not an object at all. */
function badWholePayload(rng: Rng): unknown {
  const values: (() => unknown)[] = [
    () => null,
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => 0,
    () => -1,
    () => true,
    () => '',
    () => HUGE,
    () => '{"photoId":"p0123456789abcdef"}',
    () => LONG_ARRAY,
    () => [{ photoId: 'p0123456789abcdef' }],
    () => new Uint8Array(1024),
    () => new Map(),
    () => 1n,
    () => Symbol('payload'),
    () => () => undefined
  ]
  return pick(rng, values)()
}

const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'path',
  'filePath',
  '',
  'ünïcödé',
  'x'.repeat(5000)
]

export interface FuzzChannel {
  name: string
  /** A valid request (undefined for channels without a payload). */
  template: Record<string, unknown> | undefined
  schema: z.ZodType
}

/** Field names of an object channel with whether the contract lets them be absent / null. */
function fieldsOf(
  schema: z.ZodType,
  template: Record<string, unknown>
): { key: string; optional: boolean; nullable: boolean }[] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {}
  return Object.keys(template).map((key) => ({
    key,
    optional: shape[key]?.safeParse(undefined).success ?? false,
    nullable: shape[key]?.safeParse(null).success ?? false
  }))
}

/** One malformed payload for the channel, and a label saying how it was made. */
export function malformedPayload(rng: Rng, ch: FuzzChannel): { label: string; payload: unknown } {
  if (ch.template === undefined) {
    // Void channels: anything at all is malformed.
    const r = rng()
    if (r < 0.5) return { label: 'void: whole payload', payload: badWholePayload(rng) }
    if (r < 0.75) return { label: 'void: field', payload: { x: badFieldValue(rng, false) } }
    return { label: 'void: pollution', payload: pollutionObject() }
  }
  const fields = fieldsOf(ch.schema, ch.template)
  const required = fields.filter((f) => !f.optional)
  const r = rng()
  if (r < 0.15) return { label: 'whole payload', payload: badWholePayload(rng) }
  if (r < 0.55 && fields.length > 0) {
    const f = pick(rng, fields)
    return { label: `bad ${f.key}`, payload: { ...ch.template, [f.key]: badFieldValue(rng, f.nullable) } }
  }
  if (r < 0.7 && required.length > 0) {
    const f = pick(rng, required)
    const payload = { ...ch.template }
    delete payload[f.key]
    return { label: `missing ${f.key}`, payload }
  }
  if (r < 0.85) {
    const key = pick(rng, EXTRA_KEYS)
    const payload: Record<string, unknown> = { ...ch.template }
    // defineProperty makes an own key even for "__proto__", the way a JSON payload arrives.
    Object.defineProperty(payload, key, {
      value: rng() < 0.5 ? { polluted: 'yes' } : badFieldValue(rng, false),
      enumerable: true,
      configurable: true,
      writable: true
    })
    return { label: `extra ${key.slice(0, 20)}`, payload }
  }
  if (r < 0.95) return { label: 'pollution', payload: pollutionObject({ ...ch.template }) }
  // Several fields wrong at once.
  const payload: Record<string, unknown> = { ...ch.template }
  for (const f of fields) if (rng() < 0.6) payload[f.key] = badFieldValue(rng, f.nullable)
  if (fields.every((f) => payload[f.key] === ch.template![f.key])) payload[fields[0].key] = Number.NaN
  return { label: 'many fields', payload }
}
