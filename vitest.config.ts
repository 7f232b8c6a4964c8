import { defineConfig } from 'vitest/config'

/**
 * The test lanes, one per file-name suffix (docs/development.md, "Test lanes"):
 * - fast, `*.test.ts`: in-process, no Java, Go, Python, browser or moto (fakes in the test,
 *   local HTTP servers in the test's own process, the runner's fixture actions);
 * - integration, `*.integration.test.ts`: moto, the bundles run as the runner runs them, the
 *   workflow linters;
 * - e2e, `*.e2e.test.ts`: real Spark, nektos/act, headless Chromium.
 * `vitest run --project fast` runs one lane; scripts/test.sh runs them in that order.
 */
const integration = 'test/**/*.integration.test.ts'
const e2e = 'test/**/*.e2e.test.ts'

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one moto server and reset it between tests; files run in
    // parallel against isolated buckets, so keep the pool small on a 2-core machine.
    maxWorkers: 2,
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    // On with --coverage (scripts/test.sh for the fast and integration lanes); the summary
    // is printed per folder and held to a floor by scripts/coverage-floor.mjs. Both products
    // are measured: the actions (src/) and the local stack the CLI offers (local/src/).
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts', 'local/src/**/*.ts'],
      // json: per-file counts, merged by scripts/coverage-floor.mjs for the lanes together.
      reporter: ['json-summary', 'json', 'html']
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts'],
          exclude: [integration, e2e],
          globalSetup: ['test/support/global-setup.ts']
        }
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: [integration],
          globalSetup: ['test/support/global-setup.ts', 'test/support/peers-setup.ts']
        }
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: [e2e],
          globalSetup: ['test/support/global-setup.ts', 'test/support/peers-setup.ts']
        }
      }
    ]
  }
})
