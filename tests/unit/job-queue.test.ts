import { describe, expect, it } from 'vitest'
import { JobQueue } from '../../src/main/core/pipeline/job-queue'

/** A job that runs until released, whatever its signal says (a model run cannot be interrupted mid-way). */
function held(log: string[], name: string): { fn: () => Promise<string>; release: () => void } {
  let release!: () => void
  const gate = new Promise<void>((r) => (release = r))
  return {
    release,
    fn: async () => {
      log.push(`start ${name}`)
      await gate
      log.push(`end ${name}`)
      return name
    }
  }
}

describe('JobQueue: one job at a time, also across a cancel', () => {
  it('a cancelled running job holds the queue until it really stops; the next starts only then', async () => {
    const q = new JobQueue()
    const log: string[] = []
    const a = held(log, 'a')
    const b = held(log, 'b')
    const pa = q.submit('a', a.fn)
    const pb = q.submit('b', b.fn)
    await new Promise((r) => setImmediate(r))
    expect(q.cancel('a')).toBe(true)
    await new Promise((r) => setImmediate(r))
    // a is still inside its model run: b must not have started beside it.
    expect(log).toEqual(['start a'])
    a.release()
    // It finished its work despite the cancel (it never looked at its signal): its result stands.
    await expect(pa).resolves.toBe('a')
    await new Promise((r) => setImmediate(r))
    expect(log).toEqual(['start a', 'end a', 'start b'])
    b.release()
    await expect(pb).resolves.toBe('b')
  })

  it('a waiting job cancelled is answered at once and never runs; its id is free again', async () => {
    const q = new JobQueue()
    const log: string[] = []
    const a = held(log, 'a')
    const pa = q.submit('a', a.fn)
    let ranB = false
    const pb = q.submit('b', () => {
      ranB = true
      return Promise.resolve('b')
    })
    expect(q.cancel('b')).toBe(true)
    await expect(pb).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(q.has('b')).toBe(false)
    const pb2 = q.submit('b', () => Promise.resolve('b2'))
    a.release()
    await expect(pa).resolves.toBe('a')
    await expect(pb2).resolves.toBe('b2')
    expect(ranB).toBe(false)
    expect(q.cancel('nope')).toBe(false)
  })
})
