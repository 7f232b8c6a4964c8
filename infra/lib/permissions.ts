import type { CommandUse } from './sdk-commands.js'
import { referenceText, type Template } from './template.js'
import { group } from '../../src/core/regex.js'

/** What an IAM action is granted on, in the stack's terms. */
export type ResourceKind = 'application' | 'jobRun' | 'executionRole' | 'bucket' | 'object'

export interface Grant {
  action: string
  on: ResourceKind
}

/**
 * The IAM actions each SDK command needs (the Service Authorization Reference's "actions"
 * table for S3 and EMR Serverless). A command the actions send that is in neither this
 * table nor NOT_GRANTED fails test/infra/iam.test.ts: map it, then add the policy line.
 */
export const COMMAND_GRANTS: Record<string, readonly Grant[]> = {
  'client-s3:ListObjectsV2Command': [{ action: 's3:ListBucket', on: 'bucket' }],
  'client-s3:GetObjectCommand': [{ action: 's3:GetObject', on: 'object' }],
  // HeadObject has no IAM action of its own.
  'client-s3:HeadObjectCommand': [{ action: 's3:GetObject', on: 'object' }],
  'client-s3:PutObjectCommand': [{ action: 's3:PutObject', on: 'object' }],
  'client-emr-serverless:GetApplicationCommand': [
    { action: 'emr-serverless:GetApplication', on: 'application' }
  ],
  'client-emr-serverless:StartApplicationCommand': [
    { action: 'emr-serverless:StartApplication', on: 'application' }
  ],
  'client-emr-serverless:ListJobRunsCommand': [
    { action: 'emr-serverless:ListJobRuns', on: 'application' }
  ],
  'client-emr-serverless:StartJobRunCommand': [
    { action: 'emr-serverless:StartJobRun', on: 'application' },
    // The run is started with tags (workflow, date, client token): tag-on-create.
    { action: 'emr-serverless:TagResource', on: 'jobRun' },
    // executionRoleArn is handed to EMR Serverless.
    { action: 'iam:PassRole', on: 'executionRole' }
  ],
  'client-emr-serverless:GetJobRunCommand': [{ action: 'emr-serverless:GetJobRun', on: 'jobRun' }],
  'client-emr-serverless:CancelJobRunCommand': [
    { action: 'emr-serverless:CancelJobRun', on: 'jobRun' }
  ],
  'client-emr-serverless:GetDashboardForJobRunCommand': [
    { action: 'emr-serverless:GetDashboardForJobRun', on: 'jobRun' }
  ]
}

/** Commands the code can send that the deploy role deliberately does not allow, and why. */
export const NOT_GRANTED: Record<string, string> = {
  'client-emr-serverless:ListApplicationsCommand':
    'sent only when `application` is a name, not an ID; the stack gives the ID (EMR_APPLICATION_ID), and the action cannot be scoped to one application (it needs Resource "*")'
}

/** The stack's resources each kind must be granted on (as referenceText writes them). */
const RESOURCE_OF: Record<ResourceKind, RegExp> = {
  application: /^\$\{EmrApplication\.Arn\}$/,
  jobRun: /^\$\{EmrApplication\.Arn\}\/jobruns\/\*$/,
  executionRole: /^\$\{JobExecutionRole\.Arn\}$/,
  bucket: /^\$\{LakeBucket\.Arn\}$/,
  // A prefix of the lake, never the whole bucket.
  object: /^\$\{LakeBucket\.Arn\}\/[A-Za-z0-9_=.-]+\/(?:[A-Za-z0-9_=.-]+\/)*\*$/
}

export interface Statement {
  Sid?: string
  Effect: string
  Action?: string | string[]
  NotAction?: unknown
  Resource?: unknown
  NotResource?: unknown
  Condition?: Record<string, Record<string, unknown>>
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value]

/** A role's inline policy statements, in the template's JSON form. */
export function roleStatements(template: Template, name: string): Statement[] {
  const role = template.Resources[name]
  if (!role) throw new Error(`infra/pipeline.yaml has no ${name}`)
  const policies = (role.Properties?.Policies ?? []) as {
    PolicyDocument: { Statement: Statement[] }
  }[]
  return policies.flatMap(policy => policy.PolicyDocument.Statement)
}

/** The deploy role's policy statements, in the template's JSON form. */
export const deployRoleStatements = (template: Template): Statement[] =>
  roleStatements(template, 'DeployRole')

/** An Iceberg table a workflow's Spark job names: `--table <catalog>.<database>.<table>`. */
export interface GlueTable {
  database: string
  table: string
}

/** Every `--table` argument of the workflows' Spark-job steps (entry-point-arguments). */
export function tablesOfWorkflows(workflowTexts: readonly string[]): GlueTable[] {
  const found = new Map<string, GlueTable>()
  for (const text of workflowTexts) {
    for (const match of text.matchAll(/^\s*--table\s*\n\s*([\w-]+)\.([\w-]+)\.([\w-]+)\s*$/gm)) {
      const [database, table] = [group(match, 2), group(match, 3)]
      found.set(`${database}/${table}`, { database, table })
    }
  }
  return [...found.values()].sort((a, b) =>
    `${a.database}/${a.table}`.localeCompare(`${b.database}/${b.table}`)
  )
}

const GLUE_ARN = '${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}'

/**
 * Checks the job role's Glue grants against the tables the jobs use: the catalog (Glue checks
 * it on every call on a database or table in it), each table's database and each table by
 * name, nothing else, no wildcard. Returns one line per problem.
 */
export function checkGlueGrants(
  statements: readonly Statement[],
  tables: readonly GlueTable[]
): string[] {
  const expected = new Set([
    `arn:${GLUE_ARN}:catalog`,
    ...tables.map(table => `arn:${GLUE_ARN}:database/${table.database}`),
    ...tables.map(table => `arn:${GLUE_ARN}:table/${table.database}/${table.table}`)
  ])
  const granted = new Set(
    statements
      .filter(statement => list(statement.Action).some(action => action.startsWith('glue:')))
      .flatMap(statement => list(statement.Resource).map(referenceText))
  )
  return [
    ...[...granted]
      .filter(resource => !expected.has(resource))
      .map(resource => `Glue grant on ${resource}: no job of the workflows uses it`),
    ...[...expected]
      .filter(resource => !granted.has(resource))
      .map(resource => `no Glue grant on ${resource}, which a job of the workflows uses`)
  ]
}

/** The grants the commands need, each once, with the commands that need it. */
export function requiredGrants(commands: readonly CommandUse[]): Map<string, Set<string>> {
  const required = new Map<string, Set<string>>()
  for (const use of commands) {
    for (const grant of COMMAND_GRANTS[`${use.client}:${use.command}`] ?? []) {
      const key = `${grant.action} on ${grant.on}`
      if (!required.has(key)) required.set(key, new Set())
      required.get(key)!.add(`${use.command} (${use.action})`)
    }
  }
  return required
}

/**
 * Checks that the policy allows exactly what the commands need: every command mapped,
 * every needed action granted on its resource, nothing else granted, no wildcard action,
 * no unscoped resource. Returns one line per problem (none: the policy is right).
 */
export function checkPolicy(
  commands: readonly CommandUse[],
  statements: readonly Statement[]
): string[] {
  const problems: string[] = []
  for (const use of commands) {
    const key = `${use.client}:${use.command}`
    if (!(key in COMMAND_GRANTS) && !(key in NOT_GRANTED)) {
      problems.push(
        `${use.command} (${use.client}, sent by ${use.action} in ${use.file}) has no IAM mapping: add it to COMMAND_GRANTS in infra/lib/permissions.ts and its policy line to infra/pipeline.yaml`
      )
    }
  }

  const granted = new Map<string, string[]>()
  for (const statement of statements) {
    const name = statement.Sid ?? '(statement without Sid)'
    if (statement.Effect !== 'Allow') continue
    if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
      problems.push(`${name}: NotAction/NotResource grant more than they name`)
    }
    const actions = list(statement.Action)
    const resources = list(statement.Resource).map(referenceText)
    if (resources.length === 0) problems.push(`${name}: no Resource`)
    for (const action of actions) {
      if (action.includes('*') || action.includes('?')) {
        problems.push(`${name}: wildcard action ${action}`)
        continue
      }
      const kind = kindOf(action)
      if (!kind) {
        problems.push(`${name}: grants ${action}, which no command of the actions needs`)
        continue
      }
      for (const resource of resources) {
        if (!RESOURCE_OF[kind].test(resource)) {
          problems.push(
            `${name}: ${action} on ${resource}: expected the ${kind} (${RESOURCE_OF[kind].source})`
          )
        }
      }
      if (kind === 'bucket') problems.push(...prefixProblems(name, statement))
      if (action === 'iam:PassRole') {
        const service = statement.Condition?.StringEquals?.['iam:PassedToService']
        if (service !== 'emr-serverless.amazonaws.com') {
          problems.push(
            `${name}: iam:PassRole must be limited to emr-serverless.amazonaws.com (iam:PassedToService)`
          )
        }
      }
      const key = `${action} on ${kind}`
      granted.set(key, [...(granted.get(key) ?? []), name])
    }
  }

  const required = requiredGrants(commands)
  for (const [key, senders] of required) {
    if (!granted.has(key)) {
      problems.push(`the deploy role does not grant ${key}, needed by ${[...senders].join(', ')}`)
    }
  }
  for (const [key, names] of granted) {
    if (!required.has(key))
      problems.push(`${names.join(', ')}: grants ${key}, which no command sent needs`)
  }
  return problems
}

function kindOf(action: string): ResourceKind | undefined {
  for (const grants of Object.values(COMMAND_GRANTS)) {
    const grant = grants.find(candidate => candidate.action === action)
    if (grant) return grant.on
  }
  return undefined
}

// s3:ListBucket on the bucket lists everything unless a condition names the prefixes.
function prefixProblems(name: string, statement: Statement): string[] {
  const prefixes = list(
    statement.Condition?.StringLike?.['s3:prefix'] as string | string[] | undefined
  )
  if (prefixes.length === 0)
    return [`${name}: s3:ListBucket without an s3:prefix condition lists the whole bucket`]
  return prefixes
    .filter(prefix => typeof prefix !== 'string' || /^\*|^\/|^$/.test(prefix))
    .map(prefix => `${name}: s3:prefix ${JSON.stringify(prefix)} is not a prefix of the lake`)
}
