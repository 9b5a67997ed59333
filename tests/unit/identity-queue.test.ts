import { expect, it } from 'vitest'
import { queueJobResultSchema, queueJobSchema } from '../../src/main/core/queue/job-data'

const job = {
  version: 1,
  operation: 'restore',
  inputRoot: '/scans',
  outputRoot: '/restored',
  file: 'a/b.jpg',
  choice: {},
  options: { faces: 'all', strength: 0.8, fidelity: 0.5, upscale: 1, colorTransfer: false, overwrite: false },
  models: []
}

it('queued jobs carry the paste-back and Keep identity choices; bad values are refused', () => {
  const parsed = queueJobSchema.parse({ ...job, options: { ...job.options, paste: 'regions', minIdentity: 0.5 } })
  expect(parsed.options).toMatchObject({ paste: 'regions', minIdentity: 0.5 })
  expect(queueJobSchema.safeParse({ ...job, options: { ...job.options, paste: 'hair' } }).success).toBe(false)
  expect(queueJobSchema.safeParse({ ...job, options: { ...job.options, minIdentity: 2 } }).success).toBe(false)
})

it('a finished queued job records each face identity like the batch report', () => {
  const row = {
    file: 'a/b.jpg',
    status: 'ok',
    faces: 2,
    worker: 'w1',
    identity: [
      { face: 0, similarity: 0.71, samePerson: true },
      { face: 1, similarity: 0.2, samePerson: false, strength: 0.45, reached: true }
    ]
  }
  expect(queueJobResultSchema.parse(row).identity).toHaveLength(2)
  expect(
    queueJobResultSchema.safeParse({ ...row, identity: [{ face: 0, similarity: 3, samePerson: true }] }).success
  ).toBe(false)
})
