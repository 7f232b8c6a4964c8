import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from '../../infra/lib/sdk-commands.js'
import { loadTemplate } from '../../infra/lib/template.js'
import { TemplateEvaluator } from './cfn-evaluate.js'
import { matchEvents } from './event-ruler.js'
import { transformInput, type InputTransformer } from './input-transformer.js'

// The optional data-arrival trigger of infra/pipeline.yaml: which S3 events start the daily
// workflow (the two rules' patterns, run through Event Ruler, EventBridge's own matching
// library: moto's TestEventPattern gives no answer for these), what the dispatch request
// carries (the input transformer, emulated as EventBridge documents it), and which
// parameter values CloudFormation refuses (the Rules section, which moto ignores).

const template = loadTemplate()
const BUCKET = 'octo-lake'
const MARKER = 'bronze/customers/date=2026-01-05/_SUCCESS'
const token = {
  GitHubDispatchTokenSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:t-AbCdEf'
}
const required = { GitHubOwner: 'octo', GitHubRepository: 'lake' }

/** The rule's pattern and target as CloudFormation makes them for these parameters. */
function deployed(logicalId: string, parameters: Record<string, string> = {}) {
  const evaluator = new TemplateEvaluator(
    template,
    { ...required, ...token, ...parameters },
    { 'AWS::StackName': 'spark-pipeline', 'AWS::AccountId': '123456789012' }
  )
  // !Ref LakeBucket is the bucket's name.
  const withBucket = JSON.parse(
    JSON.stringify(template.Resources[logicalId]?.Properties).replace(
      /\{"Ref":"LakeBucket"\}/g,
      JSON.stringify(BUCKET)
    )
  ) as { EventPattern: unknown; Targets: { InputTransformer?: unknown }[] }
  return {
    pattern: evaluator.value(withBucket.EventPattern),
    transformer: evaluator.value(withBucket.Targets[0]?.InputTransformer) as InputTransformer
  }
}

/** An S3 event as S3 sends it to EventBridge (the S3 user guide's "Object created" example). */
function s3Event(
  key: string,
  {
    bucket = BUCKET,
    detailType = 'Object Created',
    source = 'aws.s3',
    reason = 'PutObject'
  }: { bucket?: string; detailType?: string; source?: string; reason?: string } = {}
) {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': detailType,
    source,
    account: '123456789012',
    time: '2026-01-06T01:12:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: {
        key,
        size: 0,
        etag: 'd41d8cd98f00b204e9800998ecf8427e',
        'version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
        sequencer: '617f08299329d189'
      },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      'source-ip-address': '1.2.3.4',
      reason
    }
  }
}

describe('the events that start the daily workflow (Event Ruler)', () => {
  const stages = {
    marker: deployed('ExportMarkerRule').pattern,
    dispatch: deployed('DispatchDailyWorkflowRule').pattern
  }
  // [what, event, stages it matches]. An event reaches the dispatch rule only through the
  // marker rule (the stack's bus gets nothing else with source aws.s3), so it starts the
  // workflow when it matches both.
  const cases: [string, ReturnType<typeof s3Event>, string[]][] = [
    ['the success marker (PutObject)', s3Event(MARKER), ['marker', 'dispatch']],
    [
      'the success marker written by a multipart upload',
      s3Event(MARKER, { reason: 'CompleteMultipartUpload' }),
      ['marker', 'dispatch']
    ],
    [
      'the success marker copied in',
      s3Event('bronze/customers/date=2025-12-31/_SUCCESS', { reason: 'CopyObject' }),
      ['marker', 'dispatch']
    ],
    [
      'a data file of the day',
      s3Event('bronze/customers/date=2026-01-05/part-00000.json'),
      ['dispatch']
    ],
    ['another table', s3Event('bronze/orders/date=2026-01-05/_SUCCESS'), ['dispatch']],
    ['another layer', s3Event('silver/customers/date=2026-01-05/_SUCCESS'), ['dispatch']],
    [
      'the same path under another prefix',
      s3Event('archive/bronze/customers/date=2026-01-05/_SUCCESS'),
      ['dispatch']
    ],
    ['another bucket', s3Event(MARKER, { bucket: 'someone-elses-lake' }), []],
    // The reason for the second rule: a wildcard matches `/` too.
    [
      'a marker one folder deeper',
      s3Event('bronze/customers/date=2026-01-05/region=eu/_SUCCESS'),
      ['marker']
    ],
    [
      'a marker two folders deeper',
      s3Event('bronze/customers/date=2026-01-05/a/b/_SUCCESS'),
      ['marker']
    ],
    [
      'a date folder that is not a date',
      s3Event('bronze/customers/date=latest/_SUCCESS'),
      ['dispatch']
    ],
    ['a name that only begins like the marker', s3Event(`${MARKER}.tmp`), ['dispatch']],
    ['a lower-case marker', s3Event('bronze/customers/date=2026-01-05/_success'), ['dispatch']],
    ['the marker deleted', s3Event(MARKER, { detailType: 'Object Deleted' }), []],
    [
      'the marker restored from an archive tier',
      s3Event(MARKER, { detailType: 'Object Restore Completed' }),
      []
    ],
    ['an application event that looks the same', s3Event(MARKER, { source: 'octo.export' }), []]
  ]

  it('matches each sample event exactly as listed', async () => {
    const matched = await matchEvents(
      stages,
      cases.map(([, event]) => event)
    )
    const report = (sets: string[][]) =>
      cases.map(([what], index) => `${what}: ${sets[index]?.join(' + ') || 'none'}`)
    expect(report(matched)).toEqual(report(cases.map(([, , expected]) => expected)))
    const starts = cases.filter((_, index) => matched[index]?.length === 2).map(([what]) => what)
    expect(starts).toEqual([
      'the success marker (PutObject)',
      'the success marker written by a multipart upload',
      'the success marker copied in'
    ])
  })

  it('refuses a pattern Event Ruler cannot compile, in one line', async () => {
    await expect(
      matchEvents({ broken: { detail: { object: { key: [{ wildcard: 'a**b' }] } } } }, [])
    ).rejects.toThrow(/^Event Ruler \(exit 2\): pattern broken: Consecutive wildcard characters/)
  })
})

describe('the dispatch request (EventBridge input transformer, emulated as documented)', () => {
  it('the emulation gives the outputs of the EventBridge user guide examples', () => {
    // The guide's EC2 event and InputPathsMap, and three of its template/output rows.
    const ec2 = {
      time: '2015-11-11T21:29:54Z',
      detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' }
    }
    const paths = { instance: '$.detail.instance-id', state: '$.detail.state' }
    const run = (InputTemplate: string) =>
      transformInput({ InputPathsMap: paths, InputTemplate }, ec2)
    expect(run('"instance <instance> is in <state>"')).toBe('"instance i-0123456789 is in RUNNING"')
    expect(
      JSON.parse(
        run('{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}')
      )
    ).toEqual({
      instance: 'i-0123456789',
      state: [9, 'RUNNING', true],
      Transformed: 'Yes'
    })
    expect(
      JSON.parse(
        run(
          '{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \\"<instance>\\" is in <state>"}'
        )
      )
    ).toEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
      instanceStatus: 'instance "i-0123456789" is in RUNNING'
    })
    expect(() => run('{<state>: 1}')).toThrow('InputTemplate: <state> is used as an object key')
    expect(() => run('{"a": <nothing>}')).toThrow('InputTemplate: no variable <nothing>')
  })

  /** GitHub's "Create a workflow dispatch event" body: a ref and the inputs, nothing else. */
  function dispatchBody(output: string): { ref: string; inputs: Record<string, string> } {
    const body = JSON.parse(output) as { ref: string; inputs: Record<string, string> }
    expect(Object.keys(body).sort()).toEqual(['inputs', 'ref'])
    expect(Object.keys(body.inputs)).toEqual(['data-key'])
    expect(typeof body.inputs['data-key']).toBe('string')
    return body
  }

  it("turns the marker's event into the workflow_dispatch body: the deploy branch and the key as data-key", () => {
    const { transformer } = deployed('DispatchDailyWorkflowRule')
    expect(dispatchBody(transformInput(transformer, s3Event(MARKER)))).toEqual({
      ref: 'main',
      inputs: { 'data-key': MARKER }
    })
    const other = deployed('DispatchDailyWorkflowRule', { DeployRef: 'release/2026' }).transformer
    expect(dispatchBody(transformInput(other, s3Event(MARKER))).ref).toBe('release/2026')
  })

  it('dispatches an input the daily workflow declares, and a key its plan reads as the date', () => {
    const daily = parse(
      readFileSync(path.join(projectRoot, '.github/workflows/daily-customer-etl.yml'), 'utf8')
    ) as {
      on: { workflow_dispatch: { inputs: Record<string, { type: string; required?: boolean }> } }
      jobs: { plan: { steps: { uses?: string; with?: Record<string, string> }[] } }
    }
    expect(daily.on.workflow_dispatch.inputs['data-key']).toMatchObject({
      type: 'string',
      required: false
    })
    const plan = daily.jobs.plan.steps.find(step => step.uses === './pipeline-dates')?.with
    expect(plan?.['data-key']).toBe('${{ inputs.data-key }}')
    const marker = String(plan?.['data-marker'])
    expect(marker.replace('{date}', '2026-01-05')).toBe(MARKER)
  })

  it('with an environment as DeployRef, dispatches on DispatchBranch', () => {
    const { transformer } = deployed('DispatchDailyWorkflowRule', {
      DeployRefType: 'environment',
      DeployRef: 'production',
      DispatchBranch: 'main'
    })
    expect(dispatchBody(transformInput(transformer, s3Event(MARKER)))).toEqual({
      ref: 'main',
      inputs: { 'data-key': MARKER }
    })
  })

  it('stays valid JSON, with the key unchanged, whatever characters the key holds', () => {
    // S3 keys may hold quotes and backslashes; the placeholder stands outside quotes, so
    // EventBridge writes the value as a JSON string (the workflow then refuses such a key).
    const { transformer } = deployed('DispatchDailyWorkflowRule')
    for (const key of [
      'bronze/customers/date=2026-01-05"},"ref":"evil/_SUCCESS',
      'bronze/customers/date=2026\\-01-05/_SUCCESS',
      'bronze/customers/date=2026-01-05 ünïcode/_SUCCESS'
    ]) {
      expect(dispatchBody(transformInput(transformer, s3Event(key)))).toEqual({
        ref: 'main',
        inputs: { 'data-key': key }
      })
    }
  })
})

describe('the parameters CloudFormation refuses (the Rules section)', () => {
  const check = (parameters: Record<string, string>) => {
    const evaluator = new TemplateEvaluator(template, { ...required, ...parameters })
    return { on: evaluator.condition('StartWhenDataLands'), refused: evaluator.failedAssertions() }
  }

  it('without a token the trigger is off and nothing is checked', () => {
    expect(check({})).toEqual({ on: false, refused: [] })
    expect(check({ DeployRefType: 'environment', DeployRef: 'production' })).toEqual({
      on: false,
      refused: []
    })
  })

  it('with a branch as DeployRef, the dispatch goes to that branch only', () => {
    expect(check(token)).toEqual({ on: true, refused: [] })
    expect(check({ ...token, DeployRef: 'prod', DispatchBranch: 'prod' }).refused).toEqual([])
    expect(check({ ...token, DispatchBranch: 'develop' }).refused).toEqual([
      expect.stringMatching(
        /^DispatchBranch must be empty or DeployRef when DeployRefType is branch/
      )
    ])
  })

  it('with an environment as DeployRef, DispatchBranch is required', () => {
    const environment = { ...token, DeployRefType: 'environment', DeployRef: 'production' }
    expect(check(environment).refused).toEqual([
      expect.stringMatching(
        /^DispatchBranch is required with GitHubDispatchTokenSecretArn when DeployRefType is environment/
      )
    ])
    expect(check({ ...environment, DispatchBranch: 'main' })).toEqual({ on: true, refused: [] })
  })
})
