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
import { loadTemplate, type Template } from '../../infra/lib/template.js'
import { awsTestEnv, projectRoot, startMoto, venvPython, type Moto } from '../support/moto.js'
import { runAction } from '../support/run-action.js'
import { tempDir } from '../support/temp.js'
import { templateForMoto } from './moto-template.js'

// infra/pipeline.yaml deployed on moto's CloudFormation (a real local peer, driven by the
// AWS CLI a user runs), then the S3 sensor bundle run against the bucket the stack made and
// scripts/configure-repository run against the stack's outputs.

/**
 * What moto 5.2's CloudFormation cannot create (it would skip such a resource with a
 * warning, so the test takes them out on purpose and says so). README "Set up AWS and
 * GitHub" names the same list.
 */
const MOTO_LACKS = [
  'AWS::EMRServerless::Application',
  'AWS::Glue::Database',
  'AWS::IAM::OIDCProvider',
  'AWS::S3::BucketPolicy'
]

const STACK = 'spark-pipeline'
const BUCKET = 'octo-lake-test'
const template = loadTemplate()
const awsCli = path.join(projectRoot, '.venv-lint', 'bin', 'aws')
const run = promisify(execFile)

let moto: Moto
let work: string
let awsEnv: Record<string, string>
let applicationId: string
let providerArn: string
let outputs: Record<string, string>
/** Asked of moto once: the template's resource types its CloudFormation cannot create. */
let lacking: string[]

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
  const fn = value as Record<string, unknown>
  if (typeof fn.Ref === 'string') return refs[fn.Ref] ?? fail(`no value for Ref ${fn.Ref}`)
  if (typeof fn['Fn::Sub'] === 'string') {
    return fn['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (_, name: string) => refs[name] ?? fail(name))
  }
  return Object.fromEntries(Object.entries(fn).map(([key, inner]) => [key, resolve(inner, refs)]))
}
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
  const provider = template.Resources.GitHubOidcProvider.Properties ?? {}
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
  const app = resolve(template.Resources.EmrApplication.Properties, refs) as {
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

  lacking = await typesMotoLacks([
    ...new Set(Object.values(template.Resources).map(resource => resource.Type))
  ])
  const forMoto = templateForMoto(template, lacking)
  const filled: Record<string, string> = {
    ...parameters,
    MotoEmrApplicationApplicationId: applicationId,
    MotoEmrApplicationArn: created.arn!,
    MotoGitHubOidcProvider: providerArn
  }
  expect(Object.keys(filled)).toEqual(expect.arrayContaining(forMoto.parameters))
  const templateFile = path.join(work, 'pipeline-for-moto.json')
  writeFileSync(templateFile, JSON.stringify(forMoto.template))
  // create-stack, not `aws cloudformation deploy`: deploy goes through a change set, and
  // moto's change sets leave the stack's Outputs empty.
  await aws(
    'cloudformation',
    'create-stack',
    '--stack-name',
    STACK,
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
    await aws('cloudformation', 'describe-stacks', '--stack-name', STACK)
  ) as {
    Stacks: { StackStatus: string; Outputs?: { OutputKey: string; OutputValue: string }[] }[]
  }
  // moto creates a stack within the CreateStack call (the CLI's waiter would first sleep 30 s).
  expect(described.Stacks[0].StackStatus).toBe('CREATE_COMPLETE')
  outputs = Object.fromEntries(
    (described.Stacks[0].Outputs ?? []).map(output => [output.OutputKey, output.OutputValue])
  )
})
afterAll(async () => {
  await moto?.stop()
})

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
      names.add(match[1])
      if (match[2]) defaulted.add(match[1])
    }
  }
  return [...names].filter(name => !defaulted.has(name)).sort()
}

describe('the stack on moto', () => {
  it('moto lacks exactly the documented resource types; the rest is deployed', async () => {
    expect(lacking).toEqual(MOTO_LACKS)
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8')
    for (const type of MOTO_LACKS) expect(readme, type).toContain(`\`${type}\``)
    const resources = JSON.parse(
      await aws('cloudformation', 'list-stack-resources', '--stack-name', STACK)
    ) as { StackResourceSummaries: { LogicalResourceId: string; ResourceStatus: string }[] }
    expect(
      resources.StackResourceSummaries.map(resource => resource.LogicalResourceId).sort()
    ).toEqual(['AccessLogBucket', 'DeployRole', 'JobExecutionRole', 'LakeBucket'])
    expect(
      resources.StackResourceSummaries.every(
        resource => resource.ResourceStatus === 'CREATE_COMPLETE'
      )
    ).toBe(true)
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
    const roleName = outputs.AwsRoleArn.split('/').pop()!
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
    const answer = JSON.parse(
      await aws(
        'iam',
        'get-role-policy',
        '--role-name',
        roleName,
        '--policy-name',
        'spark-pipeline-actions'
      )
    ) as { PolicyDocument: string }
    // moto keeps a policy that CloudFormation created as Python's repr of the document, not
    // JSON (AWS returns the JSON): read it as Python reads it.
    const policy = JSON.parse(
      (
        await run(venvPython, [
          '-c',
          'import ast, json, sys; print(json.dumps(ast.literal_eval(sys.argv[1])))',
          answer.PolicyDocument
        ])
      ).stdout
    ) as { Statement: { Sid: string; Resource: string | string[] }[] }
    const resources = Object.fromEntries(
      policy.Statement.map(statement => [statement.Sid, statement.Resource])
    )
    expect(resources).toMatchObject({
      EmrServerlessApplication: `arn:aws:emr-serverless:us-east-1:123456789012:/applications/${applicationId}`,
      PassTheJobRoleToEmrServerless: outputs.EmrExecutionRoleArn,
      ListTheLakePrefixes: `arn:aws:s3:::${BUCKET}`
    })
  })

  it('the application has the template release, capacity, auto-start and auto-stop', async () => {
    const emr = new EMRServerlessClient({ region: 'us-east-1', endpoint: moto.endpoint })
    const { application } = await emr.send(
      new GetApplicationCommand({ applicationId: outputs.EmrApplicationId })
    )
    expect(application).toMatchObject({
      name: 'spark-pipeline-spark',
      type: 'Spark',
      releaseLabel: template.Parameters.EmrReleaseLabel.Default,
      maximumCapacity: { cpu: '64 vCPU', memory: '256 GB' },
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: 15 }
    })
  })

  it('the S3 sensor bundle finds a day of bronze data in the bucket the stack created', async () => {
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true })
    const { ServerSideEncryptionConfiguration } = await s3.send(
      new GetBucketEncryptionCommand({ Bucket: outputs.DataLakeBucket })
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
    ]) {
      await s3.send(new PutObjectCommand({ Bucket: outputs.DataLakeBucket, Key: key, Body: body }))
    }
    const sensor = await runAction('s3-sensor', {
      inputs: {
        bucket: outputs.DataLakeBucket,
        key: prefix,
        'success-marker': '_SUCCESS',
        'min-objects': '0',
        timeout: '1m',
        'poke-interval': '1s'
      },
      env: { ...awsTestEnv, AWS_REGION: outputs.AwsRegion, AWS_ENDPOINT_URL_S3: moto.endpoint }
    })
    expect(sensor.code, sensor.stdout + sensor.stderr).toBe(0)
    expect(sensor.outputs).toMatchObject({ found: 'true', count: '1' })
    expect(sensor.summary).toContain(`s3://${BUCKET}/${prefix}`)
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
