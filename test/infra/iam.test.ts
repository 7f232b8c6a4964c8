import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import {
  checkGlueGrants,
  checkPolicy,
  COMMAND_GRANTS,
  deployRoleStatements,
  NOT_GRANTED,
  roleStatements,
  tablesOfWorkflows,
  type Statement
} from '../../infra/lib/permissions.js'
import {
  checkTargetRoles,
  requiredTargetGrants,
  ruleTargets
} from '../../infra/lib/event-targets.js'
import { IAM_PAGE, withIamBlocks } from '../../infra/lib/readme-iam.js'
import {
  allCommands,
  commandsOf,
  projectRoot,
  type CommandUse
} from '../../infra/lib/sdk-commands.js'
import { loadTemplate, referenceText, resourceOf, type Template } from '../../infra/lib/template.js'
import { group } from '../../src/core/regex.js'
import { present } from '../support/present.js'
import { tempDir } from '../support/temp.js'

const template = loadTemplate()
const statements = deployRoleStatements(template)
const commands = allCommands()

const names = (action: string): string[] => [...new Set(commandsOf(action).map(use => use.command))]

describe('the AWS SDK commands each action sends (read from src/)', () => {
  it('follows each entry point through its imports', () => {
    // The sensor lists bronze; it also writes (and re-reads) its run record.
    expect(names('s3-sensor')).toEqual([
      'GetObjectCommand',
      'ListObjectsV2Command',
      'PutObjectCommand'
    ])
    expect(names('quality-gate')).toEqual([
      'GetObjectCommand',
      'ListObjectsV2Command',
      'PutObjectCommand'
    ])
    expect(names('spark-job')).toEqual([
      'CancelJobRunCommand',
      'GetApplicationCommand',
      'GetDashboardForJobRunCommand',
      'GetJobRunCommand',
      'ListApplicationsCommand',
      'ListJobRunsCommand',
      'StartApplicationCommand',
      'StartJobRunCommand',
      'GetObjectCommand',
      'HeadObjectCommand',
      'ListObjectsV2Command',
      'PutObjectCommand'
    ])
    expect(names('spark-job-post')).toContain('CancelJobRunCommand')
    // The GitHub-only actions talk to no AWS service.
    for (const action of ['notify', 'logical-date', 'auto-retry', 'backfill-dates']) {
      expect(names(action), action).toEqual([])
    }
  })

  it('finds a command sent through a relative import, and not one that is only a type or a comment', () => {
    const dir = tempDir('sdk-commands')
    mkdirSync(path.join(dir, 'lib'))
    writeFileSync(
      path.join(dir, 'entry.ts'),
      "import { removeDay } from './lib/remove.js'\nawait removeDay()\n"
    )
    writeFileSync(
      path.join(dir, 'lib', 'remove.ts'),
      [
        "import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3'",
        "import type { CopyObjectCommand } from '@aws-sdk/client-s3'",
        "import { PutObjectCommand } from '@aws-sdk/client-s3'",
        '// new PutObjectCommand( is only mentioned here',
        'declare const s3: S3Client',
        "export const removeDay = () => s3.send(new DeleteObjectCommand({ Bucket: 'b', Key: 'k' }))",
        'export type Copy = CopyObjectCommand'
      ].join('\n')
    )
    const found = commandsOf('synthetic', path.join(dir, 'entry.ts'))
    expect(found.map(use => `${use.client}:${use.command}`)).toEqual([
      'client-s3:DeleteObjectCommand'
    ])
  })
})

describe('the deploy role grants exactly what the actions send', () => {
  it('every command is mapped, granted on its resource, and nothing else is granted', () => {
    expect(checkPolicy(commands, statements)).toEqual([])
  })

  it('maps every command only once: granted, or not granted with a reason', () => {
    for (const key of Object.keys(NOT_GRANTED)) expect(COMMAND_GRANTS, key).not.toHaveProperty(key)
    // Nothing mapped is dead: each entry is sent by some action today.
    const sent = new Set(commands.map(use => `${use.client}:${use.command}`))
    for (const key of [...Object.keys(COMMAND_GRANTS), ...Object.keys(NOT_GRANTED)]) {
      expect(sent.has(key), key).toBe(true)
    }
  })
})

describe('the policy checker (synthetic commands and statements)', () => {
  const sensor: CommandUse = {
    action: 's3-sensor',
    client: 'client-s3',
    command: 'ListObjectsV2Command',
    file: 'src/s3/lister.ts'
  }
  const listLake: Statement = {
    Sid: 'List',
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: { 'Fn::GetAtt': ['LakeBucket', 'Arn'] },
    Condition: { StringLike: { 's3:prefix': ['bronze/*'] } }
  }

  it('passes a policy that grants exactly the commands', () => {
    expect(checkPolicy([sensor], [listLake])).toEqual([])
  })

  it('fails when a command without a policy line is added', () => {
    const added: CommandUse = {
      ...sensor,
      command: 'DeleteObjectCommand',
      file: 'src/s3/cleanup.ts'
    }
    expect(checkPolicy([sensor, added], [listLake])).toEqual([
      'DeleteObjectCommand (client-s3, sent by s3-sensor in src/s3/cleanup.ts) has no IAM mapping: add it to COMMAND_GRANTS in infra/lib/permissions.ts and its policy line to infra/pipeline.yaml'
    ])
  })

  it('fails when a mapped command is not granted', () => {
    const cancel: CommandUse = {
      action: 'spark-job',
      client: 'client-emr-serverless',
      command: 'CancelJobRunCommand',
      file: 'src/emr/job-runs.ts'
    }
    expect(checkPolicy([sensor, cancel], [listLake])).toEqual([
      'the deploy role does not grant emr-serverless:CancelJobRun on jobRun, needed by CancelJobRunCommand (spark-job)'
    ])
    // The real policy lacking that line fails the same way.
    const without = statements.map(statement => ({
      ...statement,
      Action: [statement.Action ?? []]
        .flat()
        .filter(action => action !== 'emr-serverless:CancelJobRun')
    }))
    expect(checkPolicy(commands, without)).toEqual([
      'the deploy role does not grant emr-serverless:CancelJobRun on jobRun, needed by CancelJobRunCommand (spark-job), CancelJobRunCommand (spark-job-post)'
    ])
  })

  it('fails on a grant no command needs, a wildcard action and an unscoped resource', () => {
    const lake = { 'Fn::GetAtt': ['LakeBucket', 'Arn'] }
    expect(
      checkPolicy(
        [sensor],
        [
          listLake,
          {
            Sid: 'Extra',
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: { 'Fn::Sub': '${LakeBucket.Arn}/gold/*' }
          },
          { Sid: 'Wild', Effect: 'Allow', Action: 's3:*', Resource: lake },
          { Sid: 'Everything', Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' },
          { Sid: 'WholeBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: lake },
          { Sid: 'Not', Effect: 'Allow', NotAction: 's3:DeleteObject', Resource: lake }
        ]
      )
    ).toEqual([
      'Wild: wildcard action s3:*',
      'Everything: s3:ListBucket on *: expected the bucket (^\\$\\{LakeBucket\\.Arn\\}$)',
      'Everything: s3:ListBucket without an s3:prefix condition lists the whole bucket',
      'WholeBucket: s3:ListBucket without an s3:prefix condition lists the whole bucket',
      'Not: NotAction/NotResource grant more than they name',
      'Extra: grants s3:PutObject on object, which no command sent needs'
    ])
  })

  it('fails on an object grant over the whole bucket and an unconditioned PassRole', () => {
    const startJobRun: CommandUse = {
      action: 'spark-job',
      client: 'client-emr-serverless',
      command: 'StartJobRunCommand',
      file: 'src/emr/job-runs.ts'
    }
    const problems = checkPolicy(
      [startJobRun, { ...sensor, command: 'GetObjectCommand' }],
      [
        {
          Sid: 'Start',
          Effect: 'Allow',
          Action: 'emr-serverless:StartJobRun',
          Resource: { 'Fn::GetAtt': ['EmrApplication', 'Arn'] }
        },
        {
          Sid: 'Tag',
          Effect: 'Allow',
          Action: 'emr-serverless:TagResource',
          Resource: { 'Fn::Sub': '${EmrApplication.Arn}/jobruns/*' }
        },
        {
          Sid: 'Pass',
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: { 'Fn::GetAtt': ['JobExecutionRole', 'Arn'] }
        },
        {
          Sid: 'Read',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: { 'Fn::Sub': '${LakeBucket.Arn}/*' }
        }
      ]
    )
    expect(problems).toEqual([
      'Pass: iam:PassRole must be limited to emr-serverless.amazonaws.com (iam:PassedToService)',
      expect.stringMatching(/^Read: s3:GetObject on \$\{LakeBucket\.Arn\}\/\*: expected the object/)
    ])
  })
})

describe('what the workflows read and the policy allows', () => {
  const workflowDir = path.join(projectRoot, '.github', 'workflows')
  const workflows = readdirSync(workflowDir)
    .filter(file => file.endsWith('.yml'))
    .map(file => readFileSync(path.join(workflowDir, file), 'utf8'))
  const grantsOf = (action: string, of: Statement[] = statements): string[] =>
    of
      .filter(statement => [statement.Action].flat().includes(action))
      .flatMap(statement =>
        action === 's3:ListBucket'
          ? [statement.Condition?.StringLike?.['s3:prefix'] ?? []].flat().map(String)
          : [statement.Resource]
              .flat()
              .map(referenceText)
              .map(arn => arn.replace('${LakeBucket.Arn}/', ''))
      )
  const covers = (patterns: string[], key: string): boolean =>
    patterns.some(pattern => pattern.endsWith('*') && key.startsWith(pattern.slice(0, -1)))
  interface Step {
    uses?: string
    with?: Record<string, string>
  }
  const steps = workflows
    .map(text => parse(text) as { jobs: Record<string, { steps?: Step[] }> })
    .flatMap(workflow => Object.values(workflow.jobs).flatMap(job => job.steps ?? []))

  it('the daily sensor and the quality gate work on prefixes the role may list, read and write', () => {
    const lake = (value: string): string | undefined =>
      /^\$\{\{ (?:env\.LAKE|vars\.DATA_LAKE_BUCKET) \}\}\/?(.*)$/.exec(value)?.[1]
    const sensed = steps
      .filter(
        step => step.uses === './s3-sensor' && step.with?.bucket === '${{ vars.DATA_LAKE_BUCKET }}'
      )
      .map(step => String(step.with?.key))
    const gates = steps.filter(
      step => step.uses === './quality-gate' && step.with?.['metrics-root']
    )
    const metricsRoots = gates.map(step => `${lake(String(step.with?.['metrics-root']))}/`)
    const resultsRoots = gates.map(step => `${lake(String(step.with?.['results-root']))}/`)
    expect(sensed.length).toBeGreaterThan(0)
    expect(metricsRoots).toEqual(['quality/metrics/'])
    for (const key of sensed) expect(covers(grantsOf('s3:ListBucket'), key), key).toBe(true)
    for (const root of metricsRoots) {
      for (const action of ['s3:ListBucket', 's3:GetObject']) {
        expect(
          covers(grantsOf(action), `${root}customers/date=2026-01-01/metrics.json`),
          action
        ).toBe(true)
      }
    }
    for (const root of resultsRoots) {
      for (const action of ['s3:ListBucket', 's3:GetObject', 's3:PutObject']) {
        expect(
          covers(grantsOf(action), `${root}customers/date=2026-01-01/results.json`),
          action
        ).toBe(true)
      }
    }
  })

  it("the quality results the dashboard shows come from a prefix the Spark jobs' role cannot write", () => {
    const jobRole = roleStatements(template, 'JobExecutionRole')
    const jobWrites = grantsOf('s3:PutObject', jobRole)
    expect(jobWrites.length).toBeGreaterThan(0)
    // The report's quality-prefix: as the dashboard workflow gives it, else the action's default.
    const reportAction = parse(
      readFileSync(path.join(projectRoot, 'report', 'action.yml'), 'utf8')
    ) as {
      inputs: Record<string, { default?: string }>
    }
    const reports = steps.filter(step => step.uses === './report')
    expect(reports.length).toBeGreaterThan(0)
    const read = reports.map(
      step =>
        step.with?.['quality-prefix'] ??
        present(reportAction.inputs['quality-prefix']?.default, 'the quality-prefix default')
    )
    const written = steps
      .filter(step => step.uses === './quality-gate' && step.with?.['write-results'] === 'true')
      .map(step => /\}\/(.+)$/.exec(String(step.with?.['results-root']))?.[1])
    expect(written).toEqual(['_pipeline/quality'])
    for (const prefix of [...read, ...written]) {
      const results = `${prefix}/customers/date=2026-01-01/results.json`
      expect(read, 'the report reads where the gate writes').toContain(prefix)
      expect(covers(grantsOf('s3:PutObject'), results), `deploy role writes ${prefix}`).toBe(true)
      expect(covers(jobWrites, results), `job role writes ${prefix}`).toBe(false)
    }
  })

  it("the job role's Glue grants name each table the workflows' jobs use, and no other", () => {
    const tables = tablesOfWorkflows(workflows)
    expect(tables).toEqual([{ database: 'silver', table: 'customers' }])
    const jobRole = roleStatements(template, 'JobExecutionRole')
    expect(checkGlueGrants(jobRole, tables)).toEqual([])
    // A table wildcard, or a table no job uses, is reported.
    const wider = jobRole.map(statement =>
      [statement.Action].flat().some(action => String(action).startsWith('glue:'))
        ? {
            ...statement,
            Resource: [
              ...[statement.Resource].flat(),
              {
                'Fn::Sub':
                  'arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:table/silver/*'
              }
            ]
          }
        : statement
    )
    expect(checkGlueGrants(wider, tables)).toEqual([
      'Glue grant on arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:table/silver/*: no job of the workflows uses it'
    ])
  })

  it("the dates' ledger is read and written, and the markers pipeline-dates looks for are listed, under the role's prefixes", () => {
    interface Step {
      uses?: string
      with?: Record<string, string>
    }
    const steps = workflows
      .map(text => parse(text) as { jobs: Record<string, { steps?: Step[] }> })
      .flatMap(workflow => Object.values(workflow.jobs).flatMap(job => job.steps ?? []))
      .filter(step => step.uses === './pipeline-dates' || step.uses === './watchdog')
    expect(steps.length).toBeGreaterThan(3)
    const ledger = '_pipeline/dates/daily-customer-etl/2026-01-01.json'
    for (const action of ['s3:ListBucket', 's3:GetObject', 's3:PutObject']) {
      expect(covers(grantsOf(action), ledger), action).toBe(true)
    }
    const markers = steps.flatMap(step =>
      [step.with?.['data-marker'], ...String(step.with?.['legacy-markers'] ?? '').split('\n')]
        .filter((key): key is string => Boolean(key?.trim()))
        .map(key => key.trim().replace('{date}', '2026-01-01'))
    )
    expect(markers).toEqual(
      expect.arrayContaining([
        'bronze/customers/date=2026-01-01/_SUCCESS',
        'gold/customer_summary/date=2026-01-01/_SUCCESS'
      ])
    )
    // A marker is looked for by listing its folder: ListBucket, and no read of the data.
    for (const key of markers) expect(covers(grantsOf('s3:ListBucket'), key), key).toBe(true)
    expect(
      covers(grantsOf('s3:GetObject'), 'gold/customer_summary/date=2026-01-01/part-0.parquet')
    ).toBe(false)
  })

  it('the run records the actions write and the report reads are under prefixes the role may list, read and write', () => {
    const roots = workflows.flatMap(text =>
      [...text.matchAll(/^\s*(?:run-records|lake): (.+)$/gm)].map(match => group(match, 1).trim())
    )
    expect(roots.length).toBeGreaterThan(3)
    // The lake's root in every workflow: records go to <lake>/_pipeline/runs/...
    for (const root of roots) {
      expect(root).toMatch(/^(?:\$\{\{ env\.LAKE \}\}|s3:\/\/\$\{\{ vars\.DATA_LAKE_BUCKET \}\})$/)
    }
    const record = '_pipeline/runs/daily-customer-etl/date=2026-01-01/ingest-cdc.json'
    for (const action of ['s3:ListBucket', 's3:GetObject', 's3:PutObject']) {
      expect(covers(grantsOf(action), record), action).toBe(true)
    }
  })

  it('the staging and log locations the stack outputs are the ones the role may use', () => {
    const prefixOf = (output: string): string =>
      referenceText(present(template.Outputs[output], `output ${output}`).Value).replace(
        's3://${LakeBucket}/',
        ''
      )
    const staged = `${prefixOf('EmrStagingUri')}0123abcd/cdc_ingest.py`
    const log = `${prefixOf('EmrLogUri')}applications/app/jobs/run/SPARK_DRIVER/stderr.gz`
    expect(covers(grantsOf('s3:GetObject'), staged)).toBe(true)
    expect(covers(grantsOf('s3:PutObject'), staged)).toBe(true)
    expect(covers(grantsOf('s3:GetObject'), log)).toBe(true)
    // The action only reads logs: EMR Serverless writes them as the job role.
    expect(covers(grantsOf('s3:PutObject'), log)).toBe(false)
  })
})

describe('the roles EventBridge assumes for the data-arrival rules grant exactly what their targets need', () => {
  const copy = (): Template => JSON.parse(JSON.stringify(template)) as Template
  const policyOf = (source: Template, role: string): Statement[] =>
    (
      resourceOf(source, role).Properties!.Policies as {
        PolicyDocument: { Statement: Statement[] }
      }[]
    )[0]?.PolicyDocument.Statement ?? expect.unreachable(`${role} has no policy`)

  it('derives one grant per role from the rules: PutEvents on the bus, InvokeApiDestination on the destination', () => {
    expect(ruleTargets(template)).toEqual([
      {
        rule: 'ExportMarkerRule',
        id: 'data-arrival-bus',
        target: 'DataArrivalBus',
        role: 'ForwardMarkerRole'
      },
      {
        rule: 'DispatchDailyWorkflowRule',
        id: 'dispatch-daily-workflow',
        target: 'GitHubDispatchDestination',
        role: 'DispatchRole'
      }
    ])
    expect(
      Object.fromEntries(
        [...requiredTargetGrants(template)].map(([role, grants]) => [role, [...grants]])
      )
    ).toEqual({
      ForwardMarkerRole: ['events:PutEvents on DataArrivalBus'],
      DispatchRole: ['events:InvokeApiDestination on GitHubDispatchDestination']
    })
  })

  it('the template: every target mapped, every role trusted by EventBridge of this account, nothing more granted', () => {
    expect(checkTargetRoles(template)).toEqual([])
  })

  it('fails on a grant no target needs, a wildcard resource and a missing grant', () => {
    const extra = copy()
    policyOf(extra, 'DispatchRole').push({
      Sid: 'Extra',
      Effect: 'Allow',
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': ['DataArrivalBus', 'Arn'] }
    })
    present(policyOf(extra, 'ForwardMarkerRole')[0], 'a statement').Resource = '*'
    expect(checkTargetRoles(extra)).toEqual([
      'ForwardMarkerRole PutOnTheDataArrivalBus: grants events:PutEvents on *, which none of its targets needs',
      'ForwardMarkerRole: does not grant events:PutEvents on DataArrivalBus, which its target needs',
      'DispatchRole Extra: grants events:PutEvents on DataArrivalBus, which none of its targets needs'
    ])
  })

  it('fails on a trust without the account condition and on a target type it cannot map', () => {
    const changed = copy()
    const trust = resourceOf(changed, 'DispatchRole').Properties!.AssumeRolePolicyDocument as {
      Statement: { Condition: Record<string, unknown> }[]
    }
    delete present(trust.Statement[0], 'a trust statement').Condition.StringEquals
    const rule = resourceOf(changed, 'ExportMarkerRule').Properties!.Targets as { Arn: unknown }[]
    present(rule[0], 'a target').Arn = { 'Fn::GetAtt': ['DataArrivalDeadLetters', 'Arn'] }
    expect(checkTargetRoles(changed)).toEqual([
      'ExportMarkerRule target data-arrival-bus: a AWS::SQS::Queue target has no IAM mapping: add it to TARGET_GRANTS in infra/lib/event-targets.ts',
      'ForwardMarkerRole: trusted by EventBridge but the role of no rule target',
      "DispatchRole: trust without aws:SourceAccount = the stack's account"
    ])
  })
})

describe('the IAM blocks of docs/iam.md', () => {
  it('are what infra/readme-iam.ts generates from the template', () => {
    const page = readFileSync(path.join(projectRoot, IAM_PAGE), 'utf8')
    expect(
      withIamBlocks(page, template) === page,
      `${IAM_PAGE} IAM blocks differ from infra/pipeline.yaml: run \`npx tsx infra/readme-iam.ts\``
    ).toBe(true)
  })
})

describe('the sessions the workflows ask for', () => {
  const template = loadTemplate()
  const maxSession = Number(resourceOf(template, 'DeployRole').Properties?.MaxSessionDuration)
  const workflowDir = path.join(projectRoot, '.github', 'workflows')

  it("outlive each AWS job's timeout-minutes and fit in the deploy role's MaxSessionDuration", () => {
    let checked = 0
    for (const file of readdirSync(workflowDir).filter(name => name.endsWith('.yml'))) {
      const workflow = parse(readFileSync(path.join(workflowDir, file), 'utf8')) as {
        jobs: Record<
          string,
          {
            'timeout-minutes'?: number
            steps?: { uses?: string; with?: Record<string, unknown> }[]
          }
        >
      }
      for (const [id, job] of Object.entries(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (!step.uses?.startsWith('aws-actions/configure-aws-credentials@')) continue
          checked++
          // The default session (1 h) would expire under a long Spark wait: ExpiredToken.
          const seconds = Number(step.with?.['role-duration-seconds'] ?? 3600)
          expect(job['timeout-minutes'], `${file} ${id}: timeout-minutes`).toBeDefined()
          expect(seconds, `${file} ${id}`).toBeGreaterThanOrEqual(job['timeout-minutes']! * 60)
          expect(seconds, `${file} ${id}`).toBeLessThanOrEqual(maxSession)
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4)
  })
})
