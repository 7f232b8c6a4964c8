/**
 * Starts the local EMR Serverless on its own, until Ctrl-C:
 *   npm run local-emr -- --s3-endpoint http://127.0.0.1:5000 [--application ID=NAME]…
 *     [--master local[2]] [--work-dir .work/local-emr] [--port N] [--cold] [--verbose]
 * then point the AWS SDK (the Spark job action) at it with AWS_ENDPOINT_URL_EMR_SERVERLESS and
 * the credentials it prints: it makes new random ones each start and accepts no others (the
 * job runs reach the local S3 with them too).
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { ApplicationSpec } from '../local/src/emr-serverless/job-run-registry.js'
import {
  DEFAULT_APPLICATION,
  startLocalEmrServerless
} from '../local/src/emr-serverless/service.js'
import { group } from '../src/core/regex.js'

const projectRoot = path.resolve(import.meta.dirname, '..')

function fail(message: string): never {
  console.error(`local-emr-serverless: ${message}`)
  process.exit(2)
}

let values
try {
  values = parseArgs({
    options: {
      's3-endpoint': { type: 'string' },
      application: { type: 'string', multiple: true },
      master: { type: 'string', default: 'local[2]' },
      'work-dir': { type: 'string', default: path.join(projectRoot, '.work', 'local-emr') },
      port: { type: 'string' },
      cold: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false }
    }
  }).values
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
}

const s3Endpoint =
  values['s3-endpoint'] ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL
if (!s3Endpoint || !/^https?:\/\/[^\s/]+/.test(s3Endpoint)) {
  fail(
    `--s3-endpoint: expected the local S3's http:// URL (or AWS_ENDPOINT_URL_S3), got '${s3Endpoint ?? ''}'`
  )
}
const applications: ApplicationSpec[] = (values.application ?? []).map(text => {
  const match = /^([0-9a-z]{1,64})=(\S+)$/.exec(text)
  if (!match)
    fail(`--application: expected ID=NAME (ID of lowercase letters and digits), got '${text}'`)
  return { id: group(match, 1), name: group(match, 2) }
})
const port = values.port === undefined ? undefined : Number(values.port)
if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
  fail(`--port: expected a port number, got '${values.port}'`)

let service
try {
  service = await startLocalEmrServerless({
    s3Endpoint,
    workDir: path.resolve(values['work-dir']),
    applications: applications.length ? applications : [DEFAULT_APPLICATION],
    master: values.master,
    // Pre-initialised capacity unless --cold: a warm Spark driver per application.
    warm: !values.cold,
    ...(port === undefined ? {} : { port }),
    // --verbose logs every request and state; else one line per state a run enters.
    ...(values.verbose
      ? { log: line => console.log(line) }
      : {
          onJobRunState: change =>
            console.log(
              `job run ${change.jobRunId} ${change.name ?? ''}: ${change.state}${change.stateDetails ? ` (${change.stateDetails})` : ''}`
            )
        })
  })
} catch (error) {
  fail(error instanceof Error ? error.message : String(error))
}

console.log(
  `Local EMR Serverless on ${service.endpoint}, runs with spark-submit --master ${values.master}`
)
for (const application of service.applications)
  console.log(`  application ${application.id} (${application.name})`)
console.log(`export AWS_ENDPOINT_URL_EMR_SERVERLESS=${service.endpoint}`)
console.log(`export AWS_ACCESS_KEY_ID=${service.credentials.accessKeyId}`)
console.log(`export AWS_SECRET_ACCESS_KEY=${service.credentials.secretAccessKey}`)
console.log('unset AWS_SESSION_TOKEN')

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    console.log('Stopping: cancelling the runs still going')
    // A signal handler cannot be awaited; the process exits once the runs are cancelled.
    void service.stop().then(() => process.exit(0))
  })
}
