import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one moto server and reset it between tests; files run in
    // parallel against isolated buckets, so keep the pool small on a 2-core machine.
    maxWorkers: 2,
    server: { deps: { inline: ['@actions/workflow-parser'] } }
  }
})
