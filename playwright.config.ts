import { defineConfig } from '@playwright/test'

// Renderer e2e in Debian's Chromium against the BUILT renderer (npm run build), bridged to the real main handlers.
export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.e2e.ts',
  timeout: 120_000,
  workers: 1,
  fullyParallel: false,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  outputDir: 'test-results/playwright-artifacts',
  use: { screenshot: 'only-on-failure' }
})
