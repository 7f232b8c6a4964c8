import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
  type WorkflowTemplate
} from '@actions/workflow-parser'
import type { FileReference } from '@actions/workflow-parser/workflows/file-reference'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from '../support/moto.js'
import { present } from '../support/present.js'

// Everything here goes through GitHub's own workflow parser (@actions/workflow-parser):
// schema, expressions and their allowed contexts, cron syntax, and local reusable workflows.
const workflowFiles = [
  'daily-customer-etl.yml',
  'daily-customer-etl-date.yml',
  'watchdog.yml',
  'auto-retry.yml',
  'backfill.yml',
  'iceberg-maintenance.yml'
]

const read = (file: string): string =>
  readFileSync(path.join(projectRoot, '.github', 'workflows', file), 'utf8')

const localFiles = {
  getFileContent: async (ref: FileReference) => ({
    name: ref.path,
    content: readFileSync(path.join(projectRoot, ref.path), 'utf8')
  })
}

type Loaded = { errors: string[]; template: WorkflowTemplate }
const loaded = new Map<string, Promise<Loaded>>()

/** A workflow through the parser, once per file: the tests only read what it gives. */
function load(file: string): Promise<Loaded> {
  let result = loaded.get(file)
  if (!result) {
    result = parseWorkflowFile(file)
    loaded.set(file, result)
  }
  return result
}

async function parseWorkflowFile(file: string): Promise<Loaded> {
  const parsed = parseWorkflow({ name: file, content: read(file) }, new NoOperationTraceWriter())
  const errors = parsed.context.errors.getErrors().map(error => error.message)
  if (!parsed.value) return { errors, template: { events: {}, jobs: [] } as never }
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, localFiles, {
    fetchReusableWorkflowDepth: 1
  })
  errors.push(...(template.errors ?? []).map(error => error.Message))
  return { errors, template }
}

interface YamlStep {
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface YamlJob {
  permissions?: Record<string, string> | string
  steps?: YamlStep[]
  uses?: string
  with?: Record<string, unknown>
  concurrency?: { group: string; 'cancel-in-progress'?: boolean }
  'timeout-minutes'?: number
}
interface YamlWorkflow {
  permissions?: Record<string, string>
  jobs: Record<string, YamlJob>
}
const yamlOf = (file: string): YamlWorkflow => parse(read(file)) as YamlWorkflow

describe.each(workflowFiles)('%s', file => {
  it("parses with zero errors under GitHub's workflow parser (cron and reusable calls included)", async () => {
    const { errors, template } = await load(file)
    expect(errors).toEqual([])
    expect(template.jobs.length).toBeGreaterThan(0)
  })

  it('has no ${{ }} expression inside a run: script (values go through env:)', async () => {
    const { template } = await load(file)
    const scripts = template.jobs.flatMap(job =>
      job.type === 'job' ? job.steps.flatMap(step => ('run' in step ? [String(step.run)] : [])) : []
    )
    for (const script of scripts) expect(script).not.toContain('${{')
    // The parser turns an expression in run: into an expression token, not a string: check
    // the source text too, so neither form slips through.
    for (const job of Object.values(yamlOf(file).jobs)) {
      for (const step of job.steps ?? []) expect(step.run ?? '').not.toContain('${{')
    }
  })

  it('grants nothing at the top and least privilege per job, with a timeout on every job', () => {
    const workflow = yamlOf(file)
    expect(workflow.permissions).toEqual({})
    for (const [id, job] of Object.entries(workflow.jobs)) {
      expect(job.permissions, `${id} sets its permissions`).toBeTypeOf('object')
      if (!job.uses) expect(job['timeout-minutes'], `${id} has timeout-minutes`).toBeGreaterThan(0)
      const writes = Object.entries(job.permissions as Record<string, string>)
        .filter(([, level]) => level === 'write')
        .map(([scope]) => scope)
      const usesAws = (job.steps ?? []).some(step => step.uses?.startsWith('aws-actions/'))
      if (writes.includes('id-token'))
        expect(usesAws || job.uses !== undefined, `${id} needs id-token`).toBe(true)
      if (usesAws) expect(writes, `${id} assumes the AWS role by OIDC`).toContain('id-token')
    }
  })

  it('pins third-party actions to a full commit SHA (test/workflows/security.test.ts checks every file)', () => {
    for (const job of Object.values(yamlOf(file).jobs)) {
      for (const step of job.steps ?? []) {
        if (step.uses && !step.uses.startsWith('./'))
          expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/)
      }
    }
  })
})

describe('one date of the daily workflow is the seed DAG', () => {
  const DATE = 'daily-customer-etl-date.yml'
  const chain = [
    'claim',
    'wait-for-data',
    'ingest-cdc',
    'validate-data-quality',
    'compute-aggregates',
    'finish'
  ]

  it('has the seed jobs in order between claim and finish, each needing the one before', async () => {
    const { template } = await load(DATE)
    const needs = Object.fromEntries(
      template.jobs.map(job => [job.id.value, (job.needs ?? []).map(need => need.value).sort()])
    )
    expect(template.jobs.map(job => job.id.value)).toEqual(chain)
    expect(needs).toEqual({
      claim: [],
      'wait-for-data': ['claim'],
      'ingest-cdc': ['claim', 'wait-for-data'],
      'validate-data-quality': ['claim', 'ingest-cdc', 'wait-for-data'],
      'compute-aggregates': ['claim', 'validate-data-quality'],
      finish: [...chain.slice(0, -1)].sort()
    })
  })

  it('runs nothing after the claim when the date is not owed, and nothing after a failure', async () => {
    const { template } = await load(DATE)
    const conditions = Object.fromEntries(
      template.jobs.map(job => [job.id.value, job.if.expression])
    )
    expect(conditions.claim).toBe('success()')
    expect(conditions['wait-for-data']).toContain("needs.claim.outputs.run == 'true'")
    // A replayed date skips the ingest: its silver was rebuilt by the rewrite before it.
    expect(conditions['ingest-cdc']).toContain("needs.claim.outputs.ingest == 'true'")
    expect(conditions['ingest-cdc']).toContain("needs.wait-for-data.outputs.found == 'true'")
    expect(conditions['validate-data-quality']).toMatch(/^!cancelled\(\) && /)
    expect(conditions['compute-aggregates']).toContain(
      "needs.validate-data-quality.result == 'success'"
    )
    // finish writes the outcome (completed or blocked) whatever failed before it.
    expect(conditions.finish).toBe("!cancelled() && needs.claim.outputs.run == 'true'")
  })

  it('is only ever called, with the date, and one date at a time whatever starts it', async () => {
    const { template } = await load(DATE)
    expect(Object.keys(template.events)).toEqual(['workflow_call'])
    expect(template.events.workflow_call?.inputs?.date).toMatchObject({
      type: 'string',
      required: true
    })
    const workflow = parse(read(DATE)) as { concurrency: unknown }
    // The whole chain of a date waits for another trigger's chain of the same date: the
    // second one's claim then finds the date completed.
    expect(workflow.concurrency).toEqual({
      group: 'daily-customer-etl-${{ inputs.date }}',
      'cancel-in-progress': false
    })
  })

  it('has the permissions each job needs and no more', () => {
    const jobs = yamlOf(DATE).jobs
    for (const id of chain) {
      expect(jobs[id]?.permissions, id).toEqual({ contents: 'read', 'id-token': 'write' })
    }
  })

  it('waits for the day in bronze and runs the Spark jobs with the seed settings', async () => {
    const jobs = yamlOf(DATE).jobs
    const step = (id: string, uses: string): Record<string, unknown> =>
      jobs[id]?.steps?.find(candidate => candidate.uses === uses)?.with ?? {}
    expect(step('wait-for-data', './s3-sensor')).toMatchObject({
      key: 'bronze/customers/date=${{ inputs.date }}/',
      'success-marker': '_SUCCESS',
      timeout: '1h',
      'poke-interval': '60s',
      // An export that never lands blocks the date in finish instead of failing here.
      'soft-fail': 'true'
    })
    const ingest = step('ingest-cdc', './')
    expect(ingest).toMatchObject({
      'entry-point': 'jobs/cdc_ingest.py',
      // The seed's 3 retries 5 minutes apart, unless the repository variables say otherwise;
      // never for the jobs' refusal, which a re-run repeats.
      retries: "${{ vars.EMR_RETRIES || '3' }}",
      'retry-delay': "${{ vars.EMR_RETRY_DELAY || '5m' }}",
      'no-retry-exit-codes': '${{ env.REFUSAL_EXIT_CODE }}'
    })
    expect((parse(read(DATE)) as { env: Record<string, string> }).env.REFUSAL_EXIT_CODE).toBe('65')
    expect(String(ingest['spark-conf']).trim().split('\n')).toEqual([
      'spark.sql.adaptive.enabled=true',
      'spark.sql.shuffle.partitions=400',
      '${{ env.ICEBERG_SPARK_CONF }}'
    ])
    expect(String(ingest['entry-point-arguments']).trim().split('\n')).toEqual([
      '--date',
      '${{ inputs.date }}',
      '--source',
      '${{ env.LAKE }}/bronze/customers',
      '--table',
      'lake.silver.customers',
      '--reports',
      '${{ env.LAKE }}/silver/_ingest/customers',
      // Empty lines (dropped by the action) unless the claim says so (force, allow-gaps).
      "${{ needs.claim.outputs.allow-rewrite == 'true' && '--allow-rewrite' || '' }}",
      "${{ needs.claim.outputs.allow-gaps == 'true' && '--allow-gaps' || '' }}"
    ])
    const quality = jobs['validate-data-quality']?.steps?.map(candidate => candidate.uses)
    // The rules are validated and written as JSON before the credentials and the Spark job.
    expect(quality?.map(uses => uses?.replace(/@[0-9a-f]{40}$/, '@<sha>'))).toEqual([
      'actions/checkout@<sha>',
      './quality-gate',
      'aws-actions/configure-aws-credentials@<sha>',
      './',
      './quality-gate'
    ])
    expect(step('validate-data-quality', './')).toMatchObject({
      'entry-point': 'jobs/data_quality.py',
      files: '${{ steps.rules.outputs.rules-json }}',
      'no-retry-exit-codes': '${{ env.REFUSAL_EXIT_CODE }}'
    })
    expect(step('compute-aggregates', './')).toMatchObject({
      'entry-point': 'jobs/customer_summary.py',
      'no-retry-exit-codes': '${{ env.REFUSAL_EXIT_CODE }}'
    })
    expect(step('claim', './pipeline-dates')).toMatchObject({ mode: 'claim' })
    expect(step('finish', './pipeline-dates')).toMatchObject({
      mode: 'finish',
      needs: '${{ toJSON(needs) }}',
      'last-task': 'compute-aggregates'
    })
  })

  it('sends with every Spark step the modules of jobs/ its entry point imports', () => {
    const jobs = yamlOf(DATE).jobs
    const sparkSteps = Object.values(jobs).flatMap(job =>
      (job.steps ?? []).filter(candidate => candidate.uses === './')
    )
    expect(sparkSteps.map(candidate => candidate.with?.['entry-point'])).toEqual([
      'jobs/cdc_ingest.py',
      'jobs/data_quality.py',
      'jobs/customer_summary.py'
    ])
    for (const candidate of sparkSteps) {
      const entryPoint = String(candidate.with?.['entry-point'])
      const shipped = String(candidate.with?.['py-files'] ?? '')
        .split('\n')
        .map(line => line.trim())
        .filter(Boolean)
      expect(shipped, entryPoint).toContain('jobs/job_common.py')
      expect([...shipped].sort(), entryPoint).toEqual(jobModulesImportedBy(entryPoint))
    }
  })
})

/** The jobs/*.py modules a job imports, imports followed, itself left out (EMR Serverless
 * ships only the entry point: the rest must go with py-files). */
function jobModulesImportedBy(entryPoint: string): string[] {
  const found = new Set<string>()
  const pending = [entryPoint]
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    const source = readFileSync(path.join(projectRoot, file), 'utf8')
    for (const match of source.matchAll(/^(?:from|import)\s+(\w+)/gm)) {
      const module = `jobs/${match[1] ?? ''}.py`
      if (
        module !== entryPoint &&
        !found.has(module) &&
        existsSync(path.join(projectRoot, module))
      ) {
        found.add(module)
        pending.push(module)
      }
    }
  }
  return [...found].sort()
}

describe('the daily workflow: plan, one job per owed date in order, report', () => {
  const days = ['day-1', 'day-2', 'day-3', 'day-4', 'day-5', 'day-6', 'day-7']

  it('plans, then chains the date jobs, each after the one before, then reports', async () => {
    const { template } = await load('daily-customer-etl.yml')
    expect(template.jobs.map(job => job.id.value)).toEqual(['plan', ...days, 'report'])
    const needs = Object.fromEntries(
      template.jobs.map(job => [job.id.value, (job.needs ?? []).map(need => need.value)])
    )
    expect(needs['day-1']).toEqual(['plan'])
    for (let n = 2; n <= days.length; n++)
      expect(needs[`day-${n}`]).toEqual(['plan', `day-${n - 1}`])
    expect(needs.report).toEqual(['plan', ...days])
    const jobs = yamlOf('daily-customer-etl.yml').jobs
    days.forEach((id, index) => {
      const job = template.jobs.find(candidate => candidate.id.value === id)!
      expect(job.type, id).toBe('reusableWorkflowJob')
      // The implicit success() skips a date after a failed one: "Re-run failed jobs" then
      // re-runs the skipped dates with the failed one, since they depend on it.
      expect(job.if.expression, id).toBe(
        `success() && (fromJSON(needs.plan.outputs.count) >= ${index + 1})`
      )
      expect(jobs[id]?.uses).toBe('./.github/workflows/daily-customer-etl-date.yml')
      expect(jobs[id]?.with?.date).toBe(`\${{ fromJSON(needs.plan.outputs.dates)[${index}] }}`)
    })
    expect(template.jobs.find(job => job.id.value === 'report')?.if.expression).toBe('always()')
  })

  it('runs at 02:07 UTC with a backup at 04:17, by hand with a date, and can be called', async () => {
    const { template } = await load('daily-customer-etl.yml')
    expect(template.events.schedule).toEqual([{ cron: '7 2 * * *' }, { cron: '17 4 * * *' }])
    for (const input of ['date', 'max-catch-up', 'data-key']) {
      expect(template.events.workflow_dispatch?.inputs?.[input], input).toMatchObject({
        type: 'string',
        required: false,
        default: ''
      })
    }
    for (const input of ['force', 'allow-gaps', 'notify', 'allow-rewrite']) {
      expect(template.events.workflow_dispatch?.inputs?.[input], input).toMatchObject({
        type: 'boolean'
      })
    }
    expect(template.events.workflow_call?.inputs?.date).toMatchObject({ type: 'string' })
  })

  it('plans the dates once, with the tested action, and every date job reads its output', () => {
    const workflow = yamlOf('daily-customer-etl.yml')
    const plan = workflow.jobs.plan?.steps?.find(step => step.uses === './pipeline-dates')?.with
    expect(plan).toMatchObject({
      mode: 'plan',
      date: '${{ inputs.date }}',
      'data-key': '${{ inputs.data-key }}',
      'max-catch-up': "${{ inputs.max-catch-up || vars.PIPELINE_MAX_CATCH_UP || '7' }}",
      'date-slots': '7'
    })
    const source = read('daily-customer-etl.yml')
    expect(source).not.toMatch(/\bdate\s+[-+]|\$\(date\b/)
    const report = workflow.jobs.report?.steps?.find(step => step.uses === './pipeline-dates')
    expect(report?.with).toMatchObject({ mode: 'report', 'date-jobs': days.join(', ') })
  })

  it('has the permissions each job needs and no more', () => {
    const jobs = yamlOf('daily-customer-etl.yml').jobs
    expect(jobs.plan?.permissions).toEqual({
      contents: 'read',
      actions: 'read',
      'id-token': 'write'
    })
    for (const id of days) {
      expect(jobs[id]?.permissions, id).toEqual({ contents: 'read', 'id-token': 'write' })
    }
    expect(jobs.report?.permissions).toEqual({
      contents: 'read',
      issues: 'write',
      actions: 'read',
      checks: 'read'
    })
  })

  it("each date job grants at least what the date workflow's jobs ask for", () => {
    const rank = { none: 0, read: 1, write: 2 } as const
    const granted = present(yamlOf('daily-customer-etl.yml').jobs['day-1'], 'job day-1')
      .permissions as Record<string, string>
    for (const [id, job] of Object.entries(yamlOf('daily-customer-etl-date.yml').jobs)) {
      for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
        const have = rank[(granted[scope] ?? 'none') as keyof typeof rank]
        expect(have, `${id} needs ${scope}: ${level}`).toBeGreaterThanOrEqual(
          rank[level as keyof typeof rank]
        )
      }
    }
  })
})

describe('the watchdog', () => {
  it('runs after the SLA and the backup schedule, with the tested action and least privilege', async () => {
    const { template } = await load('watchdog.yml')
    expect(template.events.schedule).toEqual([{ cron: '41 6 * * *' }])
    const job = yamlOf('watchdog.yml').jobs.watch
    expect(job?.permissions).toEqual({
      contents: 'read',
      'id-token': 'write',
      actions: 'write',
      issues: 'write'
    })
    const step = job?.steps?.find(candidate => candidate.uses === './watchdog')
    expect(step?.with).toMatchObject({
      pipeline: 'daily-customer-etl',
      sla: "${{ vars.PIPELINE_SLA || '06:00' }}",
      days: "${{ vars.PIPELINE_MAX_CATCH_UP || '7' }}",
      workflow: 'daily-customer-etl.yml'
    })
  })
})

describe('the Iceberg catalog reaches every Spark step by configuration', () => {
  it('Glue and the image runtime on EMR, the catalog class a repository variable', () => {
    for (const file of ['daily-customer-etl-date.yml', 'iceberg-maintenance.yml']) {
      const workflow = parse(read(file)) as YamlWorkflow & { env: Record<string, string> }
      const conf = workflow.env.ICEBERG_SPARK_CONF?.trim().split('\n')
      expect(conf, file).toEqual([
        'spark.jars=/usr/share/aws/iceberg/lib/iceberg-spark3-runtime.jar',
        'spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
        'spark.sql.catalog.lake=org.apache.iceberg.spark.SparkCatalog',
        "spark.sql.catalog.lake.catalog-impl=${{ vars.ICEBERG_CATALOG_IMPL || 'org.apache.iceberg.aws.glue.GlueCatalog' }}",
        'spark.sql.catalog.lake.warehouse=s3://${{ vars.DATA_LAKE_BUCKET }}'
      ])
      const sparkSteps = Object.values(workflow.jobs).flatMap(job =>
        (job.steps ?? []).filter(candidate => candidate.uses === './')
      )
      expect(sparkSteps.length, file).toBeGreaterThan(0)
      for (const candidate of sparkSteps) {
        expect(String(candidate.with?.['spark-conf']), file).toContain(
          '${{ env.ICEBERG_SPARK_CONF }}'
        )
        expect(String(candidate.with?.['entry-point-arguments']), file).toContain(
          'lake.silver.customers'
        )
      }
    }
  })

  it('the weekly maintenance runs the maintenance job with a retention input', async () => {
    const { template } = await load('iceberg-maintenance.yml')
    expect(template.events.schedule).toEqual([{ cron: '0 5 * * 0' }])
    expect(template.events.workflow_dispatch?.inputs?.['retention-days']).toMatchObject({
      type: 'string',
      default: ''
    })
    const step = yamlOf('iceberg-maintenance.yml').jobs.maintain?.steps?.find(
      candidate => candidate.uses === './'
    )
    expect(step?.with).toMatchObject({
      'entry-point': 'jobs/iceberg_maintenance.py',
      'py-files': 'jobs/job_common.py'
    })
    expect(String(step?.with?.['entry-point-arguments']).trim().split('\n')).toEqual([
      '--table',
      'lake.silver.customers',
      '--retention-days',
      "${{ inputs.retention-days || vars.ICEBERG_RETENTION_DAYS || '35' }}"
    ])
    expect(existsSync(path.join(projectRoot, 'jobs/iceberg_maintenance.py'))).toBe(true)
  })
})

describe('documentation of the workflows', () => {
  it('every repository variable and secret the workflows read is documented in docs/setup.md', () => {
    const setup = readFileSync(path.join(projectRoot, 'docs', 'setup.md'), 'utf8')
    const section = setup.slice(
      setup.indexOf('<!-- section: setup -->'),
      setup.indexOf('<!-- /section: setup -->')
    )
    const names = new Set(
      workflowFiles.flatMap(file =>
        [...read(file).matchAll(/\b(?:vars|secrets)\.([A-Z][A-Z0-9_]*)/g)].map(match => match[1])
      )
    )
    expect([...names].sort()).toEqual([
      'AWS_REGION',
      'AWS_ROLE_ARN',
      'DATA_LAKE_BUCKET',
      'EMR_APPLICATION_ID',
      'EMR_EXECUTION_ROLE_ARN',
      'EMR_LOG_URI',
      'EMR_POLL_INTERVAL_MAX',
      'EMR_POLL_INTERVAL_MIN',
      'EMR_RETRIES',
      'EMR_RETRY_DELAY',
      'EMR_STAGING_URI',
      'ICEBERG_CATALOG_IMPL',
      'ICEBERG_RETENTION_DAYS',
      'PIPELINE_MAX_CATCH_UP',
      'PIPELINE_RETRIES',
      'PIPELINE_RETRY_BACKOFF',
      'PIPELINE_RETRY_DELAY',
      'PIPELINE_SLA',
      'PIPELINE_WEBHOOK_URL'
    ])
    for (const name of names) expect(section, name).toContain(`| \`${name}\` |`)
  })
})

describe('auto-retry and backfill', () => {
  it('auto-retry listens for completed daily runs and only re-runs through the tested action', async () => {
    const { template } = await load('auto-retry.yml')
    expect(template.events.workflow_run).toEqual({
      workflows: ['Daily customer ETL'],
      types: ['completed']
    })
    const daily = parse(read('daily-customer-etl.yml')) as { name: string }
    expect(template.events.workflow_run?.workflows).toEqual([daily.name])
    const job = yamlOf('auto-retry.yml').jobs.retry
    // checks: read: the failed jobs' annotations say whether a failure is certain.
    expect(job?.permissions).toEqual({ contents: 'read', actions: 'write', checks: 'read' })
    const step = job?.steps?.find(candidate => candidate.uses === './auto-retry')
    expect(step?.with).toMatchObject({
      'run-id': '${{ github.event.workflow_run.id }}',
      workflow: 'daily-customer-etl.yml'
    })
    expect(
      existsSync(path.join(projectRoot, '.github/workflows', String(step?.with?.workflow)))
    ).toBe(true)
  })

  it('backfill validates the range with the tested action, then calls the daily workflow per date', async () => {
    const { template } = await load('backfill.yml')
    expect(Object.keys(template.events.workflow_dispatch?.inputs ?? {})).toEqual([
      'start',
      'end',
      'max-parallel',
      'allow-rewrite'
    ])
    // Each day's silver snapshot is built on the previous one: oldest first, one at a time.
    expect(template.events.workflow_dispatch?.inputs?.['max-parallel']?.default).toBe('1')
    const run = template.jobs.find(job => job.id.value === 'run')
    expect(run?.type).toBe('reusableWorkflowJob')
    const jobs = yamlOf('backfill.yml').jobs
    expect(jobs.run?.uses).toBe('./.github/workflows/daily-customer-etl.yml')
    expect(jobs.run?.with).toEqual({
      date: '${{ matrix.date }}',
      notify: false,
      'allow-rewrite': '${{ inputs.allow-rewrite }}'
    })
    const strategy = (jobs.run as { strategy?: Record<string, unknown> }).strategy
    expect(strategy).toEqual({
      'fail-fast': false,
      'max-parallel': '${{ fromJSON(needs.plan.outputs.max-parallel) }}',
      matrix: { date: '${{ fromJSON(needs.plan.outputs.dates) }}' }
    })
    // Named secrets only, each one declared by the called workflow.
    expect((jobs.run as { secrets?: unknown }).secrets).toEqual({
      PIPELINE_WEBHOOK_URL: '${{ secrets.PIPELINE_WEBHOOK_URL }}'
    })
    const daily = parse(read('daily-customer-etl.yml')) as {
      on: { workflow_call: { secrets: Record<string, { required: boolean }> } }
    }
    expect(daily.on.workflow_call.secrets).toEqual({
      PIPELINE_WEBHOOK_URL: expect.objectContaining({ required: false })
    })
    expect(jobs.plan?.steps?.map(step => step.uses)).toContain('./backfill-dates')
  })

  it("the backfill caller grants at least what the daily workflow's jobs ask for", () => {
    const granted = present(yamlOf('backfill.yml').jobs.run, 'job run').permissions as Record<
      string,
      string
    >
    const rank = { none: 0, read: 1, write: 2 } as const
    for (const [id, job] of Object.entries(yamlOf('daily-customer-etl.yml').jobs)) {
      for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
        const have = rank[(granted[scope] ?? 'none') as keyof typeof rank]
        expect(have, `${id} needs ${scope}: ${level}`).toBeGreaterThanOrEqual(
          rank[level as keyof typeof rank]
        )
      }
    }
  })
})
