import type { HandlerMap } from '../dispatch'
import { queueStatus } from '../../core/queue/queue-admin'
import { parseRedisUrl } from '../../core/queue/redis-url'

/** The Batch panel watches a Redis/BullMQ queue read-only: counts, never jobs' paths or the URL's password. */
export function queueHandlers(): Pick<HandlerMap, 'watchQueue'> {
  return {
    watchQueue: async ({ redisUrl, queue }) => {
      const target = parseRedisUrl(redisUrl)
      return { queue, server: target.shown, counts: await queueStatus(target, queue) }
    }
  }
}
