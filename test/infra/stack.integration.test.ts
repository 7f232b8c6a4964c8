import { execFile } from 'node:child_process'
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import {
  CreateApplicationCommand,
  EMRServerlessClient,
  GetApplicationCommand
} from '@aws-sdk/client-emr-serverless'
import { GetBucketEncryptionCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadTemplate, referenceText, resourceOf, type Template } from '../../infra/lib/template.js'
import { group } from '../../src/core/regex.js'
import { present } from '../support/present.js'
import { awsTestEnv, projectRoot, startMoto, venvPython, type Moto } from '../support/moto.js'
import { runAction } from '../support/run-action.js'
import { tempDir } from '../support/temp.js'
import { templateForMoto } from './moto-template.js'

// infra/pipeline.yaml deployed on moto's CloudFormation (a real local peer, driven by the
// AWS CLI a user runs), then the S3 sensor bundle run against the bucket the stack made and
// scripts/configure-repository run against the stack's outputs.

/**
 * What moto 5.2's CloudFormation cannot create (it would skip such a resource with a
 * warning, so the test takes them out on purpose and says so). docs/setup.md ("How the
 * stack is tested") names the same list.
 */
const MOTO_LACKS = [
  'AWS::EMRServerless::Application',
  'AWS::Events::ApiDestination',
  'AWS::Events::Connection',
  'AWS::Glue::Database',
  'AWS::IAM::OIDCProvider',
  'AWS::S3::BucketPolicy',
  'AWS::SQS::QueuePolicy'
]

const STACK = 'spark-pipeline'
const BUCKET = 'octo-lake-test'
/** The same template with GitHubDispatchTokenSecretArn given: the data-arrival trigger. */
const EVENTS_STACK = 'spark-pipeline-events'
const EVENTS_BUCKET = 'octo-lake-events'
const DISPATCH_TOKEN = 'github_pat_11AAAAAAA0123456789_stack-test-only'
const template = loadTemplate()
const awsCli = path.join(projectRoot, '.venv-lint', 'bin', 'aws')
const run = promisify(execFile)

let moto: Moto
let work: string
let awsEnv: Record<string, string>
let applicationId: string
let providerArn: string
let outputs: Record<string, string>
let base: { outputs: Record<string, string>; resources: Record<string, string> }
let createdApp: { id: string; arn: string }
/** The data-arrival stack: its resources (logical → physical ID) and the secret it names. */
let events: { resources: Record<string, string>; secretArn: string; destinationArn: string }
/** Asked of moto once: the template's resource types its CloudFormation cannot create. */
let lacking: string[]

const output = (name: string): string => present(outputs[name], `the stack output ${name}`)
const eventsResource = (logicalId: string): string =>
  present(events.resources[logicalId], `the data-arrival stack's resource ${logicalId}`)

const aws = async (...args: string[]): Promise<string> =>
  (await run(awsCli, [...args, '--output', 'json'], { env: awsEnv })).stdout

/** The resource types of the template moto's CloudFormation has no model for, asked of moto. */
async function typesMotoLacks(types: string[]): Promise<string[]> {
  const script = [
    'import json, sys',
    'from moto.cloudformation.parsing import get_model_map',
    'print(json.dumps([t for t in json.loads(sys.argv[1]) if t not in get_model_map()]))'
  ].join('\n')
  const { stdout } = await run(venvPython, ['-c', script, JSON.stringify(types)])
  return (JSON.parse(stdout) as string[]).sort()
}

/** `!Ref Parameter` and `!Sub '${AWS::StackName}-…'` with the stack's values. */
function resolve(value: unknown, refs: Record<string, string>): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(item => resolve(item, refs))
  const fn = value as Record<string, unknown>
  if (typeof fn.Ref === 'string') return refs[fn.Ref] ?? fail(`no value for Ref ${fn.Ref}`)
  if (typeof fn['Fn::Sub'] === 'string') {
    return fn['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (_, name: string) => refs[name] ?? fail(name))
  }
  return Object.fromEntries(Object.entries(fn).map(([key, inner]) => [key, resolve(inner, refs)]))
}
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const fail = (message: string): never => {
  throw new Error(message)
}

const defaults = (source: Template): Record<string, string> =>
  Object.fromEntries(
    Object.entries(source.Parameters).map(([name, parameter]) => [
      name,
      String(parameter.Default ?? '')
    ])
  )

// Two stacks and about a dozen AWS CLI processes: more than the default hook timeout allows
// on a busy 2-core machine.
beforeAll(async () => {
  if (!existsSync(awsCli)) {
    throw new Error(
      'No .venv-lint/bin/aws: run `bash scripts/setup-python.sh` (the test command does it)'
    )
  }
  moto = await startMoto()
  work = tempDir('infra-stack')
  awsEnv = {
    PATH: process.env.PATH ?? '',
    HOME: work,
    ...awsTestEnv,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_CONFIG_FILE: path.join(work, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'no-aws-credentials')
  }
  const parameters: Record<string, string> = {
    ...defaults(template),
    GitHubOwner: 'octo',
    GitHubRepository: 'lake',
    LakeBucketName: BUCKET,
    // As in an account that has the GitHub provider already (moto cannot create it from
    // the template): the provider comes from IAM's own API, as the account's would.
    CreateOidcProvider: 'false'
  }
  const provider = resourceOf(template, 'GitHubOidcProvider').Properties ?? {}
  providerArn = (
    JSON.parse(
      await aws(
        'iam',
        'create-open-id-connect-provider',
        '--url',
        String(provider.Url),
        '--client-id-list',
        ...(provider.ClientIdList as string[])
      )
    ) as { OpenIDConnectProviderArn: string }
  ).OpenIDConnectProviderArn

  // The EMR Serverless application from moto's EMR Serverless API, with the template's own
  // properties: its ID and ARN are what the stack's references to it become.
  const refs = { ...parameters, 'AWS::StackName': STACK }
  const app = resolve(resourceOf(template, 'EmrApplication').Properties, refs) as {
    Name: string
    Type: string
    ReleaseLabel: string
    MaximumCapacity: { Cpu: string; Memory: string }
    AutoStartConfiguration: { Enabled: boolean }
    AutoStopConfiguration: { Enabled: boolean; IdleTimeoutMinutes: string }
  }
  const emr = new EMRServerlessClient({ region: 'us-east-1', endpoint: moto.endpoint })
  const created = await emr.send(
    new CreateApplicationCommand({
      name: app.Name,
      type: app.Type,
      releaseLabel: app.ReleaseLabel,
      maximumCapacity: { cpu: app.MaximumCapacity.Cpu, memory: app.MaximumCapacity.Memory },
      autoStartConfiguration: { enabled: app.AutoStartConfiguration.Enabled },
      autoStopConfiguration: {
        enabled: app.AutoStopConfiguration.Enabled,
        idleTimeoutMinutes: Number(app.AutoStopConfiguration.IdleTimeoutMinutes)
      }
    })
  )
  applicationId = created.applicationId!
  createdApp = { id: applicationId, arn: created.arn! }

  lacking = await typesMotoLacks([
    ...new Set(Object.values(template.Resources).map(resource => resource.Type))
  ])
  // Without the dispatch token no resource refers to the API destination.
  base = await createStack(STACK, parameters, { MotoGitHubDispatchDestinationArn: '' })
  outputs = base.outputs

  // The data-arrival trigger: the token in moto's Secrets Manager, the connection and the
  // API destination (types moto's CloudFormation lacks) from moto's EventBridge API with the
  // template's own properties, the rest deployed by the template.
  const eventsParameters = {
    ...parameters,
    LakeBucketName: EVENTS_BUCKET,
    GitHubDispatchTokenSecretArn: (
      JSON.parse(
        await aws(
          'secretsmanager',
          'create-secret',
          '--name',
          'spark-pipeline/github-dispatch-token',
          '--secret-string',
          DISPATCH_TOKEN
        )
      ) as { ARN: string }
    ).ARN
  }
  const destinationArn = await createDispatchDestination({
    ...eventsParameters,
    'AWS::StackName': EVENTS_STACK
  })
  const eventsStack = await createStack(EVENTS_STACK, eventsParameters, {
    MotoGitHubDispatchDestinationArn: destinationArn
  })
  events = {
    resources: eventsStack.resources,
    secretArn: eventsParameters.GitHubDispatchTokenSecretArn,
    destinationArn
  }
}, 300_000)

/**
 * Deploys the template (less what moto lacks) as a stack with create-stack and returns its
 * outputs and resources. `fills` gives the parameters that stand for the removed resources
 * beyond the EMR application and the OIDC provider every stack references.
 */
async function createStack(
  name: string,
  parameters: Record<string, string>,
  fills: Record<string, string>
): Promise<{ outputs: Record<string, string>; resources: Record<string, string> }> {
  const forMoto = templateForMoto(template, lacking)
  const filled: Record<string, string> = {
    ...parameters,
    MotoEmrApplicationApplicationId: createdApp.id,
    MotoEmrApplicationArn: createdApp.arn,
    MotoGitHubOidcProvider: providerArn,
    ...fills
  }
  for (const parameter of forMoto.parameters) {
    expect(filled[parameter], `${name}: ${parameter}`).toBeDefined()
  }
  const templateFile = path.join(work, `${name}-for-moto.json`)
  writeFileSync(templateFile, JSON.stringify(forMoto.template))
  // create-stack, not `aws cloudformation deploy`: deploy goes through a change set, and
  // moto's change sets leave the stack's Outputs empty.
  await aws(
    'cloudformation',
    'create-stack',
    '--stack-name',
    name,
    '--template-body',
    `file://${templateFile}`,
    '--capabilities',
    'CAPABILITY_IAM',
    '--parameters',
    ...Object.entries(filled).map(
      ([key, value]) => `ParameterKey=${key},ParameterValue=${value.replace(/,/g, '\\,')}`
    )
  )
  const described = JSON.parse(
    await aws('cloudformation', 'describe-stacks', '--stack-name', name)
  ) as {
    Stacks: { StackStatus: string; Outputs?: { OutputKey: string; OutputValue: string }[] }[]
  }
  // moto creates a stack within the CreateStack call (the CLI's waiter would first sleep 30 s).
  expect(described.Stacks[0]?.StackStatus, name).toBe('CREATE_COMPLETE')
  const listed = JSON.parse(
    await aws('cloudformation', 'list-stack-resources', '--stack-name', name)
  ) as {
    StackResourceSummaries: {
      LogicalResourceId: string
      PhysicalResourceId: string
      ResourceStatus: string
    }[]
  }
  // moto 5.2 lists each resource whose Condition is false as an entry without ID or type
  // (AWS leaves it out): those are not resources of the stack.
  const created = listed.StackResourceSummaries.filter(resource => resource.LogicalResourceId)
  for (const resource of created) {
    expect(resource.ResourceStatus, `${name} ${resource.LogicalResourceId}`).toBe('CREATE_COMPLETE')
  }
  return {
    outputs: Object.fromEntries(
      (present(described.Stacks[0], `stack ${name}`).Outputs ?? []).map(output => [
        output.OutputKey,
        output.OutputValue
      ])
    ),
    resources: Object.fromEntries(
      created.map(resource => [resource.LogicalResourceId, resource.PhysicalResourceId])
    )
  }
}

/**
 * A `{{resolve:secretsmanager:<secret-id>:SecretString:<json-key>:<version-stage>:<version-id>}}`
 * dynamic reference (CloudFormation's documented form; the secret ID may be an ARN, which
 * has colons of its own) read from moto's Secrets Manager, as CloudFormation resolves it.
 */
async function resolveSecretReferences(text: string): Promise<string> {
  let resolved = text
  for (const [reference, body] of text.matchAll(/\{\{resolve:secretsmanager:(.+?)\}\}/g)) {
    const parts = present(body, 'a secret reference').split(':')
    const idParts = parts[0] === 'arn' ? 7 : 1
    const secretId = parts.slice(0, idParts).join(':')
    const [field = 'SecretString', jsonKey = '', stage = '', version = ''] = parts.slice(idParts)
    expect(field, reference).toBe('SecretString')
    const answer = JSON.parse(
      await aws(
        'secretsmanager',
        'get-secret-value',
        '--secret-id',
        secretId,
        ...(stage ? ['--version-stage', stage] : []),
        ...(version ? ['--version-id', version] : [])
      )
    ) as { SecretString: string }
    const value = jsonKey
      ? String((JSON.parse(answer.SecretString) as Record<string, unknown>)[jsonKey])
      : answer.SecretString
    resolved = resolved.replace(reference, value)
  }
  return resolved
}

/** GitHubConnection and GitHubDispatchDestination through moto's EventBridge API; the destination's ARN. */
async function createDispatchDestination(refs: Record<string, string>): Promise<string> {
  const connection = resolve(resourceOf(template, 'GitHubConnection').Properties, refs) as {
    AuthorizationType: string
    AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: string; ApiKeyValue: string } }
  }
  const apiKey = connection.AuthParameters.ApiKeyAuthParameters
  apiKey.ApiKeyValue = await resolveSecretReferences(apiKey.ApiKeyValue)
  expect(apiKey).toEqual({ ApiKeyName: 'Authorization', ApiKeyValue: `Bearer ${DISPATCH_TOKEN}` })
  const connectionArn = (
    JSON.parse(
      await aws(
        'events',
        'create-connection',
        '--cli-input-json',
        JSON.stringify({
          Name: `${refs['AWS::StackName']}-github`,
          AuthorizationType: connection.AuthorizationType,
          AuthParameters: connection.AuthParameters
        })
      )
    ) as { ConnectionArn: string }
  ).ConnectionArn
  const destination = resolve(
    {
      ...resourceOf(template, 'GitHubDispatchDestination').Properties,
      ConnectionArn: connectionArn
    },
    refs
  ) as { HttpMethod: string; InvocationEndpoint: string; InvocationRateLimitPerSecond: number }
  // --cli-input-json: given as an argument, a value that starts with https:// is a URL the
  // AWS CLI would fetch (its paramfile rule).
  return (
    JSON.parse(
      await aws(
        'events',
        'create-api-destination',
        '--cli-input-json',
        JSON.stringify({
          Name: `${refs['AWS::StackName']}-github-dispatch`,
          ConnectionArn: connectionArn,
          InvocationEndpoint: destination.InvocationEndpoint,
          HttpMethod: destination.HttpMethod,
          InvocationRateLimitPerSecond: destination.InvocationRateLimitPerSecond
        })
      )
    ) as { ApiDestinationArn: string }
  ).ApiDestinationArn
}
afterAll(async () => {
  await moto?.stop()
})

interface PolicyDocument {
  Statement: {
    Sid: string
    Effect: string
    Action: string | string[]
    Resource: string | string[]
  }[]
}

/** A role's inline policy as IAM (moto) keeps it. */
async function rolePolicy(roleName: string, policyName: string): Promise<PolicyDocument> {
  const answer = JSON.parse(
    await aws('iam', 'get-role-policy', '--role-name', roleName, '--policy-name', policyName)
  ) as { PolicyDocument: string }
  // moto keeps a policy that CloudFormation created as Python's repr of the document, not
  // JSON (AWS returns the JSON): read it as Python reads it.
  return JSON.parse(
    (
      await run(venvPython, [
        '-c',
        'import ast, json, sys; print(json.dumps(ast.literal_eval(sys.argv[1])))',
        answer.PolicyDocument
      ])
    ).stdout
  ) as PolicyDocument
}

const variableName = (outputKey: string): string =>
  outputKey.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()

/** The repository variables the workflows read with no `|| default`: the stack must set them. */
function variablesWithoutDefault(): string[] {
  const dir = path.join(projectRoot, '.github', 'workflows')
  const names = new Set<string>()
  const defaulted = new Set<string>()
  for (const file of readdirSync(dir).filter(name => name.endsWith('.yml'))) {
    const text = readFileSync(path.join(dir, file), 'utf8')
    for (const match of text.matchAll(/\bvars\.([A-Z][A-Z0-9_]*)(\s*\|\|)?/g)) {
      names.add(group(match, 1))
      if (match[2]) defaulted.add(group(match, 1))
    }
  }
  return [...names].filter(name => !defaulted.has(name)).sort()
}

describe('the stack on moto', () => {
  it('moto lacks exactly the documented resource types; the rest is deployed', async () => {
    expect(lacking).toEqual(MOTO_LACKS)
    const setup = readFileSync(path.join(projectRoot, 'docs', 'setup.md'), 'utf8')
    for (const type of MOTO_LACKS) expect(setup, type).toContain(`\`${type}\``)
    // Without GitHubDispatchTokenSecretArn no resource of the data-arrival trigger exists.
    expect(Object.keys(base.resources).sort()).toEqual([
      'AccessLogBucket',
      'DeployRole',
      'JobExecutionRole',
      'LakeBucket'
    ])
  })

  it('outputs exactly the repository variables the workflows read without a default', () => {
    expect(Object.keys(outputs).map(variableName).sort()).toEqual(variablesWithoutDefault())
    expect(outputs).toMatchObject({
      AwsRegion: 'us-east-1',
      DataLakeBucket: BUCKET,
      EmrApplicationId: applicationId,
      EmrLogUri: `s3://${BUCKET}/emr-logs/`,
      EmrStagingUri: `s3://${BUCKET}/emr-staging/`
    })
    expect(outputs.AwsRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\/spark-pipeline-DeployRole-/)
    expect(outputs.EmrExecutionRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\/.*JobExecutionRole/)
  })

  it('the deploy role trusts only the repository and branch, through the GitHub provider', async () => {
    const roleName = output('AwsRoleArn').split('/').pop()!
    const role = JSON.parse(await aws('iam', 'get-role', '--role-name', roleName)) as {
      Role: { AssumeRolePolicyDocument: unknown; MaxSessionDuration: number }
    }
    expect(role.Role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: providerArn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': 'repo:octo/lake:ref:refs/heads/main'
            }
          }
        }
      ]
    })
    const policy = await rolePolicy(roleName, 'spark-pipeline-actions')
    const resources = Object.fromEntries(
      policy.Statement.map(statement => [statement.Sid, statement.Resource])
    )
    expect(resources).toMatchObject({
      EmrServerlessApplication: `arn:aws:emr-serverless:us-east-1:123456789012:/applications/${applicationId}`,
      PassTheJobRoleToEmrServerless: output('EmrExecutionRoleArn'),
      ListTheLakePrefixes: `arn:aws:s3:::${BUCKET}`
    })
  })

  it('the application has the template release, capacity, auto-start and auto-stop', async () => {
    const emr = new EMRServerlessClient({ region: 'us-east-1', endpoint: moto.endpoint })
    const { application } = await emr.send(
      new GetApplicationCommand({ applicationId: output('EmrApplicationId') })
    )
    expect(application).toMatchObject({
      name: 'spark-pipeline-spark',
      type: 'Spark',
      releaseLabel: present(template.Parameters.EmrReleaseLabel, 'EmrReleaseLabel').Default,
      maximumCapacity: { cpu: '64 vCPU', memory: '256 GB' },
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: 15 }
    })
  })

  it('the S3 sensor bundle finds a day of bronze data in the bucket the stack created', async () => {
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true })
    const { ServerSideEncryptionConfiguration } = await s3.send(
      new GetBucketEncryptionCommand({ Bucket: output('DataLakeBucket') })
    )
    expect(
      ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
    ).toEqual({
      SSEAlgorithm: 'aws:kms'
    })
    const prefix = 'bronze/customers/date=2026-01-01/'
    for (const [key, body] of [
      [`${prefix}part-0.json`, '{"id":1}\n'],
      [`${prefix}_SUCCESS`, '']
    ] as const) {
      await s3.send(
        new PutObjectCommand({ Bucket: output('DataLakeBucket'), Key: key, Body: body })
      )
    }
    const sensor = await runAction('s3-sensor', {
      inputs: {
        bucket: output('DataLakeBucket'),
        key: prefix,
        'success-marker': '_SUCCESS',
        'min-objects': '0',
        timeout: '1m',
        'poke-interval': '1s'
      },
      env: { ...awsTestEnv, AWS_REGION: output('AwsRegion'), AWS_ENDPOINT_URL_S3: moto.endpoint }
    })
    expect(sensor.code, sensor.stdout + sensor.stderr).toBe(0)
    expect(sensor.outputs).toMatchObject({ found: 'true', count: '1' })
    expect(sensor.summary).toContain(`s3://${BUCKET}/${prefix}`)
  })
})

describe('the data-arrival trigger on moto (GitHubDispatchTokenSecretArn given)', () => {
  const bus = `${EVENTS_STACK}-data-arrival`
  interface Rule {
    Arn: string
    EventBusName: string
    EventPattern: string
    State: string
  }
  interface Target {
    Id: string
    Arn: string
    RoleArn?: string
    Input?: string
    InputPath?: string
    InputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string }
    RetryPolicy?: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number }
    DeadLetterConfig?: { Arn: string }
  }
  const describeRule = async (logicalId: string, eventBus: string): Promise<Rule> =>
    JSON.parse(
      await aws(
        'events',
        'describe-rule',
        '--name',
        eventsResource(logicalId),
        '--event-bus-name',
        eventBus
      )
    ) as Rule
  const targetsOf = async (logicalId: string, eventBus: string): Promise<Target[]> =>
    (
      JSON.parse(
        await aws(
          'events',
          'list-targets-by-rule',
          '--rule',
          eventsResource(logicalId),
          '--event-bus-name',
          eventBus
        )
      ) as { Targets: Target[] }
    ).Targets
  const roleArn = async (logicalId: string): Promise<string> =>
    (
      JSON.parse(await aws('iam', 'get-role', '--role-name', eventsResource(logicalId))) as {
        Role: { Arn: string }
      }
    ).Role.Arn
  // The queue's ARN from its URL (https://sqs.<region>.amazonaws.com/<account>/<name>):
  // the AWS CLI sends SQS calls to the host in the queue URL, which is not moto's.
  const queueArn = (): string => {
    const [, account, name] = new URL(eventsResource('DataArrivalDeadLetters')).pathname.split('/')
    return `arn:aws:sqs:us-east-1:${account}:${name}`
  }
  /** A rule's pattern in the template, with the stack's bucket for `!Ref LakeBucket`. */
  const templatePattern = (logicalId: string): unknown =>
    resolve(resourceOf(template, logicalId).Properties?.EventPattern, {
      LakeBucket: EVENTS_BUCKET
    })

  it('adds the two rules, the bus, their roles and the dead-letter queue to the same stack', () => {
    // Created by the template on moto; GitHubConnection, GitHubDispatchDestination and
    // DataArrivalDeadLettersPolicy are types moto lacks (the first two come from moto's
    // EventBridge API above), so they are not in the list.
    expect(Object.keys(events.resources).sort()).toEqual([
      'AccessLogBucket',
      'DataArrivalBus',
      'DataArrivalDeadLetters',
      'DeployRole',
      'DispatchDailyWorkflowRule',
      'DispatchRole',
      'ExportMarkerRule',
      'ForwardMarkerRole',
      'JobExecutionRole',
      'LakeBucket'
    ])
    // Without the token none of them exists (the first stack lists the four others only):
    // each carries the condition.
    const optional = Object.entries(template.Resources).filter(
      ([, resource]) => resource.Condition === 'StartWhenDataLands'
    )
    expect(optional.map(([id]) => id).sort()).toEqual([
      'DataArrivalBus',
      'DataArrivalDeadLetters',
      'DataArrivalDeadLettersPolicy',
      'DispatchDailyWorkflowRule',
      'DispatchRole',
      'ExportMarkerRule',
      'ForwardMarkerRole',
      'GitHubConnection',
      'GitHubDispatchDestination'
    ])
  })

  it("the marker rule on the default bus passes the event unchanged to the stack's bus", async () => {
    const rule = await describeRule('ExportMarkerRule', 'default')
    expect(rule.State).toBe('ENABLED')
    expect(JSON.parse(rule.EventPattern)).toEqual(templatePattern('ExportMarkerRule'))
    const [target, ...others] = await targetsOf('ExportMarkerRule', 'default')
    expect(others).toEqual([])
    // No Input, InputPath or InputTransformer: the second rule matches what S3 sent.
    expect(target).toEqual({
      Id: 'data-arrival-bus',
      Arn: `arn:aws:events:us-east-1:123456789012:event-bus/${bus}`,
      RoleArn: await roleArn('ForwardMarkerRole'),
      DeadLetterConfig: { Arn: queueArn() }
    })
  })

  it('the rule on that bus sends the workflow_dispatch body to the GitHub destination, with retries and dead letters', async () => {
    const rule = await describeRule('DispatchDailyWorkflowRule', bus)
    expect(rule.EventBusName).toBe(bus)
    expect(JSON.parse(rule.EventPattern)).toEqual(templatePattern('DispatchDailyWorkflowRule'))
    expect(await targetsOf('DispatchDailyWorkflowRule', bus)).toEqual([
      {
        Id: 'dispatch-daily-workflow',
        Arn: events.destinationArn,
        RoleArn: await roleArn('DispatchRole'),
        // The branch is DeployRef (DeployRefType branch), put in by CloudFormation's Fn::Sub.
        InputTransformer: {
          InputPathsMap: { key: '$.detail.object.key' },
          InputTemplate: '{"ref":"main","inputs":{"data-key":<key>}}'
        },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 21600 },
        DeadLetterConfig: { Arn: queueArn() }
      }
    ])
  })

  it('each role may do one thing on one resource, and only rules of this account (and bus) may assume it', async () => {
    const forward = await rolePolicy(
      eventsResource('ForwardMarkerRole'),
      'forward-to-the-data-arrival-bus'
    )
    expect(forward.Statement).toEqual([
      {
        Sid: 'PutOnTheDataArrivalBus',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: `arn:aws:events:us-east-1:123456789012:event-bus/${bus}`
      }
    ])
    const dispatch = await rolePolicy(eventsResource('DispatchRole'), 'dispatch-the-daily-workflow')
    expect(dispatch.Statement).toEqual([
      {
        Sid: 'InvokeTheGitHubDispatch',
        Effect: 'Allow',
        Action: 'events:InvokeApiDestination',
        Resource: events.destinationArn
      }
    ])
    const trust = JSON.parse(
      await aws('iam', 'get-role', '--role-name', eventsResource('DispatchRole'))
    ) as {
      Role: {
        AssumeRolePolicyDocument: {
          Statement: { Condition: { ArnLike: { 'aws:SourceArn': string } } }[]
        }
      }
    }
    const sourceArn = present(trust.Role.AssumeRolePolicyDocument.Statement[0], 'a trust statement')
      .Condition.ArnLike['aws:SourceArn']
    // IAM's ArnLike: * matches any run of characters. The dispatch rule's real ARN is one
    // the trust admits; the marker rule's (default bus) is not.
    const admits = (arn: string): boolean =>
      new RegExp(`^${sourceArn.split('*').map(escapeRegExp).join('.*')}$`).test(arn)
    expect(admits((await describeRule('DispatchDailyWorkflowRule', bus)).Arn)).toBe(true)
    expect(admits((await describeRule('ExportMarkerRule', 'default')).Arn)).toBe(false)
  })

  it('the token is read from the secret the parameter names, never written into the template', () => {
    const text = readFileSync(path.join(projectRoot, 'infra', 'pipeline.yaml'), 'utf8')
    const value = referenceText(
      (
        resourceOf(template, 'GitHubConnection').Properties?.AuthParameters as {
          ApiKeyAuthParameters: { ApiKeyValue: unknown }
        }
      ).ApiKeyAuthParameters.ApiKeyValue
    )
    expect(value).toBe(
      'Bearer {{resolve:secretsmanager:${GitHubDispatchTokenSecretArn}:SecretString:::}}'
    )
    expect(text).not.toMatch(/gh[pousr]_[A-Za-z0-9]{20,}|github_pat_/)
    // createDispatchDestination (beforeAll) resolved it against moto's Secrets Manager.
    expect(events.secretArn).toMatch(/:secret:spark-pipeline\/github-dispatch-token-/)
  })
})

describe('scripts/configure-repository', () => {
  const script = path.join(projectRoot, 'scripts', 'configure-repository')
  const lintBin = path.dirname(awsCli)

  /** A `gh` that records each call's arguments, one call per line, tab-separated. */
  function fakeGh(): { bin: string; calls: () => string[][] } {
    const bin = tempDir('fake-gh')
    const log = path.join(bin, 'calls.log')
    writeFileSync(
      path.join(bin, 'gh'),
      `#!/usr/bin/env bash\n(IFS=$'\\t'; printf '%s\\n' "$*") >> '${log}'\n`
    )
    chmodSync(path.join(bin, 'gh'), 0o755)
    return {
      bin,
      calls: () =>
        existsSync(log)
          ? readFileSync(log, 'utf8')
              .trimEnd()
              .split('\n')
              .map(line => line.split('\t'))
          : []
    }
  }
  const configure = (PATH: string, ...args: string[]) =>
    run(script, args, { env: { ...awsEnv, PATH } }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error
    )

  it('sets every stack output as a repository variable with gh', async () => {
    const gh = fakeGh()
    const result = await configure(
      `${gh.bin}:${lintBin}:${process.env.PATH}`,
      '--stack-name',
      STACK,
      '--repo',
      'octo/lake'
    )
    expect(result.code, result.stderr).toBe(0)
    const expected = Object.entries(outputs).map(([key, value]) => [
      'variable',
      'set',
      variableName(key),
      '--body',
      value,
      '--repo',
      'octo/lake'
    ])
    expect(gh.calls()).toEqual(expected)
    expect(
      gh
        .calls()
        .map(call => call[2])
        .sort()
    ).toEqual(variablesWithoutDefault())
    expect(result.stdout).toContain("7 repository variables set from stack 'spark-pipeline'")
  })

  it('prints the gh commands when gh is not on PATH', async () => {
    const PATH = `${lintBin}:/usr/bin:/bin`
    const which = await run('bash', ['-c', 'command -v gh || true'], { env: { PATH } })
    expect(which.stdout, 'this test needs a PATH without gh').toBe('')
    const result = await configure(PATH, '--stack-name', STACK)
    expect(result.code, result.stderr).toBe(0)
    const commands = result.stdout.split('\n').filter(line => line.startsWith('gh '))
    expect(commands).toEqual(
      Object.entries(outputs).map(
        ([key, value]) => `gh variable set ${variableName(key)} --body '${value}'`
      )
    )
  })

  it('fails in one line naming the stack it cannot read, and on a bad argument', async () => {
    const gh = fakeGh()
    const PATH = `${gh.bin}:${lintBin}:${process.env.PATH}`
    const missing = await configure(PATH, '--stack-name', 'no-such-stack')
    expect(missing.code).toBe(1)
    expect(missing.stderr.trim().split('\n')).toHaveLength(1)
    expect(missing.stderr).toMatch(
      /^configure-repository: cannot read the outputs of stack 'no-such-stack': /
    )
    const bad = await configure(PATH, '--repo', 'not a repo')
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toBe("configure-repository: --repo 'not a repo' is not OWNER/REPO")
    expect(gh.calls()).toEqual([])
  })
})
