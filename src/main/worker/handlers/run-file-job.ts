import { HeirloomError } from '../../core/errors'
import { getOperation } from '../../core/operations'
import type { Handler } from './types'

/**
 * Any registry operation on one whole file (batch, CLI): looks the operation up, checks `params` with its file job's
 * schema (INVALID_REQUEST naming the field) and runs the job; answers what a batch records of the file.
 */
export const runFileJob: Handler<'runFileJob'> = {
  queued: true,
  async run({ op: id, params, ...io }, { state, signal, progress }) {
    const op = getOperation(id)
    const job = op.fileJob
    if (!job) throw new HeirloomError('INVALID_REQUEST', `"${id}" has no whole-file job (it edits an open photo only).`)
    const parsed = job.params.safeParse(params ?? {})
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue?.path.length ? `.${issue.path.map(String).join('.')}` : ''
      throw new HeirloomError('INVALID_REQUEST', `${id} params${where}: ${issue?.message ?? 'invalid'}`)
    }
    const report = await job.run(state.engine, io, parsed.data, { signal, onProgress: progress })
    return job.summary(report)
  }
}
