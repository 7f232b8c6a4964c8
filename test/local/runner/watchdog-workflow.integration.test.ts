import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { addDays } from '../../../src/core/calendar.js'
import { LocalGitHubStore } from '../../../local/src/runner/local-github-store.js'
import { awsTestEnv, startMoto, type Moto } from '../../support/moto.js'
import { jobLines, runFixture } from './support.js'

// The real .github/workflows/watchdog.yml through the runner: the watchdog bundle reads the
// ledger in moto's S3 and talks to the runner's GitHub API stand-in (issues, workflow state,
// enable, dispatch), which keeps the repository's issues across the runs of a test.
let moto: Moto
let s3: S3Client
const github = new LocalGitHubStore('local/spark-pipeline-actions', 'http://localhost')

beforeAll(async () => {
  moto = await startMoto()
  s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: 'us-east-1' })
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }))
})

afterAll(async () => {
  s3?.destroy()
  await moto?.stop()
})

beforeEach(async () => {
  github.reset()
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: '_pipeline/' }))
  for (const object of listed.Contents ?? []) {
    await s3.send(new DeleteObjectCommand({ Bucket: 'lake', Key: object.Key }))
  }
})

async function ledger(date: string, state: string, extra: Record<string, unknown> = {}) {
  await s3.send(
    new PutObjectCommand({
      Bucket: 'lake',
      Key: `_pipeline/dates/daily-customer-etl/${date}.json`,
      Body: JSON.stringify({
        schema_version: 1,
        pipeline: 'daily-customer-etl',
        logical_date: date,
        state,
        at: `${addDays(date, 1)}T02:40:00.000Z`,
        ...extra
      })
    })
  )
}

const watchdog = (eventTime: string) =>
  runFixture('.github/workflows/watchdog.yml', {
    event: 'schedule',
    eventTime: new Date(eventTime),
    github,
    vars: {
      AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/deploy',
      AWS_REGION: 'us-east-1',
      DATA_LAKE_BUCKET: 'lake'
    },
    hostEnv: { ...process.env, ...awsTestEnv, AWS_ENDPOINT_URL: moto.endpoint },
    strict: true
  })

describe(
  'runner: the watchdog workflow against moto and the GitHub API stand-in',
  { timeout: 300_000 },
  () => {
    it('a complete lake: nothing to say, no issue, no dispatch', async () => {
      for (let day = 0; day < 6; day++) await ledger(addDays('2026-01-01', day), 'completed')
      const run = await watchdog('2026-01-07T06:41:00Z')
      expect(run.exitCode).toBe(0)
      expect(jobLines(run.output, 'watch')).toContain(
        'Every date up to 2026-01-06 has completed (6 checked)'
      )
      expect(github.issues).toEqual([])
      expect(github.dispatches).toEqual([])
    })

    it('dates past their SLA: the failure issue, and a catch-up dispatched', async () => {
      for (let day = 0; day < 4; day++) await ledger(addDays('2026-01-01', day), 'completed')
      const run = await watchdog('2026-01-07T06:41:00Z')
      expect(run.exitCode).toBe(1)
      expect(github.dispatches).toEqual([
        { workflow: 'daily-customer-etl.yml', ref: expect.any(String), inputs: {} }
      ])
      expect(github.issues).toHaveLength(1)
      expect(github.issues[0]).toMatchObject({ state: 'open', labels: ['pipeline-failure'] })
      expect(github.issues[0]?.title).toBe('daily-customer-etl failed for 2026-01-05 … 2026-01-06')
      expect(github.issues[0]?.body).toContain(
        '2026-01-05: not completed by its SLA (06:00 UTC on 2026-01-06)'
      )
      expect(jobLines(run.output, 'watch')).toEqual(
        expect.arrayContaining([
          'Overdue: 2026-01-05 and 2026-01-06 (2 dates)',
          expect.stringMatching(/^Dispatched daily-customer-etl\.yml on \S+ to catch up$/)
        ])
      )
    })

    it('before the SLA the newest date is not checked yet', async () => {
      for (let day = 0; day < 5; day++) await ledger(addDays('2026-01-01', day), 'completed')
      const run = await watchdog('2026-01-07T05:00:00Z')
      expect(run.exitCode).toBe(0)
      expect(jobLines(run.output, 'watch')).toContain(
        '2026-01-06 is not due yet (its SLA is 06:00 UTC on 2026-01-07)'
      )
    })

    it('a blocked date: alerted once per streak, never dispatched', async () => {
      for (let day = 0; day < 4; day++) await ledger(addDays('2026-01-01', day), 'completed')
      await ledger('2026-01-05', 'blocked', {
        kind: 'quality',
        task: 'validate-data-quality',
        reason: 'the quality gate failed: 1 blocking rule(s) failed'
      })
      const first = await watchdog('2026-01-07T06:41:00Z')
      expect(first.exitCode).toBe(1)
      expect(github.dispatches).toEqual([])
      expect(github.issues).toHaveLength(1)
      expect(github.issues[0]?.body).toContain('2026-01-05: 2026-01-05 is blocked since')
      const second = await watchdog('2026-01-08T06:41:00Z')
      expect(second.exitCode).toBe(1)
      expect(github.issues).toHaveLength(1)
      expect(github.issues[0]?.comments).toEqual([])
      expect(jobLines(second.output, 'watch')).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^The open issue #1 already tells of this \(blocked 2026-01-05\): not again$/
          ),
          'Not dispatched: a catch-up would stop at the blocked 2026-01-05'
        ])
      )
    })

    it('a disabled daily workflow is said loudly; in a public repository it is enabled again and the schedules kept on', async () => {
      for (let day = 0; day < 6; day++) await ledger(addDays('2026-01-01', day), 'completed')
      github.visibility = 'public'
      github.workflowStates.set('daily-customer-etl.yml', 'disabled_inactivity')
      const run = await watchdog('2026-01-07T06:41:00Z')
      expect(jobLines(run.output, 'watch')).toEqual(
        expect.arrayContaining([
          'daily-customer-etl.yml is disabled_inactivity: its schedules do not run, and nothing processes the dates until it is enabled',
          'Enabled daily-customer-etl.yml again (it was disabled_inactivity)'
        ])
      )
      expect(github.workflowStates.get('daily-customer-etl.yml')).toBeUndefined()
      expect(github.activity).toContain(
        'enabled workflow daily-customer-etl.yml (was disabled_inactivity)'
      )
      // Enabled again, the run itself passes (every date completed).
      expect(run.exitCode).toBe(0)

      github.reset()
      github.workflowStates.set('daily-customer-etl.yml', 'disabled_manually')
      const manual = await watchdog('2026-01-07T06:41:00Z')
      expect(manual.exitCode).toBe(1)
      // A person turned it off: the watchdog says so and leaves it off.
      expect(github.workflowStates.get('daily-customer-etl.yml')).toBe('disabled_manually')
      expect(github.issues).toHaveLength(1)
      // Markdown-escaped as every text of the issue is: `\_` renders as `_`.
      expect(github.issues[0]?.body).toContain('daily-customer-etl.yml is disabled\\_manually')
    })
  }
)
