import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Queue } from 'bullmq'
import { expect, test } from '@playwright/test'
import { hasRedisServer, startRedis, type TestRedis } from '../helpers/redis-server'
import { type AppUnderTest, CHROMIUM, launchApp } from './support/bridge'

// The Batch panel watches a Redis/BullMQ queue that workers on other machines work through: read-only counts.
test.describe('Batch panel: watch a queue', () => {
  test.skip(!existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}`)
  if (process.env.CI && !hasRedisServer) throw new Error('redis-server is required in CI (.ci/run installs it)')
  test.skip(!hasRedisServer, 'redis-server not installed')
  let app: AppUnderTest
  let redis: TestRedis

  test.beforeAll(async () => {
    redis = await startRedis()
    const q = new Queue('archive', { connection: { url: redis.url, maxRetriesPerRequest: null } })
    for (const n of ['a', 'b', 'c']) await q.add('restore', { n }, { jobId: n })
    await q.close()
    app = await launchApp()
  })
  test.afterAll(async () => {
    await app?.close()
    await redis?.dispose()
  })

  test('shows the counts of a live queue, and one clear line for a server that is not there', async () => {
    const { page } = app
    await page.getByTestId('tab-batch').click()
    await page.getByTestId('queue-watch').locator('summary').click()
    await page.getByTestId('queue-url').fill(redis.url)
    await page.getByTestId('queue-name').fill('archive')
    await page.getByTestId('queue-watch-start').click()
    await expect(page.getByTestId('queue-counts')).toContainText(
      'queue “archive”: 3 waiting, 0 running, 0 done, 0 failed'
    )
    await page.screenshot({ path: join('test-results', 'screens', 'batch-queue-watch.png') })

    await page.getByTestId('queue-url').fill('redis://user:hunter2@127.0.0.1:9')
    await page.getByTestId('queue-watch-start').click()
    await expect(page.getByTestId('queue-error')).toContainText('Cannot reach Redis at redis://user:***@127.0.0.1:9')
    await expect(page.locator('body')).not.toContainText('hunter2')
  })
})
