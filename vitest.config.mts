import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'tests/unit/**/*.test.ts',
      'tests/integration/**/*.test.ts',
      'tests/reliability/**/*.test.ts',
      'src/**/*.test.ts'
    ],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real ORT sessions and sharp are CPU heavy; two cores means more forks only thrash.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default']
  }
})
