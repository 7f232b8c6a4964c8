import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { filesUnder } from '../../local/src/lake-folder.js'
import { runLocalPipeline as runPipeline } from '../support/local-pipeline.js'
import { tempDir } from '../support/temp.js'

// `npm run pipeline` end to end, as the README's main command runs it: the real daily
// workflow file through the local runner, the real action bundles, moto as S3 and the local
// EMR Serverless running real spark-submit. Slow (three Spark jobs), so one date only.
describe(
  'npm run pipeline: the daily workflow through the local runner',
  { timeout: 1_200_000 },
  () => {
    it('runs one date end to end and keeps the lake, gold included, in the lake folder', async () => {
      const lake = path.join(tempDir('pipeline-run'), 'lake')
      const run = await runPipeline(['--date', '2026-01-01', '--lake', lake, '--fresh'])
      expect(run.code, run.output.slice(-4000)).toBe(0)
      // The jobs of the workflow file, in its order, each with its result.
      expect(run.output).toMatch(
        /── Jobs ──\nplan +passed.*\nday-1 \/ claim +passed.*\nday-1 \/ wait-for-data +passed.*\nday-1 \/ ingest-cdc +passed.*\nday-1 \/ validate-data-quality +passed.*\nday-1 \/ compute-aggregates +passed.*\nday-1 \/ finish +passed.*\nday-1 +passed.*\n(?:day-\d +skipped.*\n)+report +passed/
      )
      // The date's ledger entry, written after gold: the same command again skips the date.
      expect(
        JSON.parse(
          readFileSync(
            path.join(lake, '_pipeline/dates/daily-customer-etl/2026-01-01.json'),
            'utf8'
          )
        )
      ).toMatchObject({ state: 'completed' })
      // The Spark job action's own summary, against the local EMR Serverless's application.
      expect(run.output).toContain('SPARK JOB DAILY-CUSTOMER-ETL/INGEST-CDC/2026-01-01: SUCCESS')
      expect(run.output).toContain('Application              00localspark0001')
      expect(run.output).toContain('DATA QUALITY: CUSTOMERS 2026-01-01 ✅ PASSED')
      // Spark's log4j chatter stays hidden without --verbose.
      expect(run.output).not.toMatch(/^\s*\S+ │ \d\d\/\d\d\/\d\d \d\d:\d\d:\d\d INFO /m)
      // Notify ran against the local GitHub API stand-in: a passing day with no open issue
      // has nothing to close.
      expect(run.output).toContain("No open 'pipeline-failure' issue for daily-customer-etl")

      const relative = filesUnder(lake).map(file =>
        path.relative(lake, file).split(path.sep).join('/')
      )
      expect(relative).toContain('bronze/customers/date=2026-01-01/_SUCCESS')
      expect(
        relative.filter(file => /^gold\/customer_summary\/.*\.parquet$/.test(file)).length
      ).toBeGreaterThan(0)
      expect(
        relative.filter(file => /^silver\/customers\/.*\.parquet$/.test(file)).length
      ).toBeGreaterThan(0)
      const results = path.join(lake, '_pipeline/quality/customers/date=2026-01-01/results.json')
      expect(existsSync(results)).toBe(true)
      expect(JSON.parse(readFileSync(results, 'utf8'))).toMatchObject({ passed: true })
      // The drivers' logs, in the layout EMR Serverless writes, under EMR_LOG_URI.
      expect(
        relative.some(file =>
          /^_logs\/applications\/00localspark0001\/jobs\/[^/]+\/SPARK_DRIVER\/stdout\.gz$/.test(
            file
          )
        )
      ).toBe(true)
    })

    it('Ctrl-C during a Spark step cancels the job run, runs the post step and keeps the lake', async () => {
      const lake = path.join(tempDir('pipeline-cancel'), 'lake')
      let interrupted = false
      const run = await runPipeline(
        ['--date', '2026-01-01', '--lake', lake, '--fresh'],
        (output, interrupt) => {
          if (!interrupted && /day-1 \/ ingest-cdc │ Job run \S+: RUNNING/.test(output)) {
            interrupted = true
            interrupt()
          }
        }
      )
      expect(interrupted, run.output.slice(-4000)).toBe(true)
      expect(run.code).not.toBe(0)
      const jobRun = /day-1 \/ ingest-cdc │ Job run (\S+): RUNNING/.exec(run.output)![1]
      expect(run.output).toContain('Cancelling the run')
      // The action asked the local EMR Serverless to cancel, and the run ended CANCELLED.
      expect(run.output).toContain(
        `day-1 / ingest-cdc │ Cancellation of job run ${jobRun} requested`
      )
      expect(run.output).toMatch(
        new RegExp(`\\n  ${jobRun}  daily-customer-etl/ingest-cdc/2026-01-01  CANCELLED `)
      )
      // The Spark action's post step ran after the cancelled main step.
      expect(run.output).toMatch(
        / {2}day-1 \/ ingest-cdc ▸ Run \.\/: cancelled .*\n(?:.*\n)* {2}day-1 \/ ingest-cdc ▸ Post Run \.\//
      )
      expect(run.output).toMatch(/── Jobs ──\n(?:.*\n)*day-1 \/ ingest-cdc +cancelled/)
      expect(run.output).toMatch(/compute-aggregates +(skipped|cancelled)/)
      // The local S3 outlived the Ctrl-C: the lake was saved, the day's bronze in it.
      expect(run.output).toContain('pipeline: lake saved to')
      expect(existsSync(path.join(lake, 'bronze/customers/date=2026-01-01/_SUCCESS'))).toBe(true)
    })
  }
)
