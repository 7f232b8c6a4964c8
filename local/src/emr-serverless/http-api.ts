import type { IncomingMessage, ServerResponse } from 'node:http'
import { ApiError, validation } from './api-error.js'
import type {
  JobRunRegistry,
  LocalApplication,
  LocalJobRun,
  StartJobRunRequest
} from './job-run-registry.js'
import { TERMINAL } from './job-run-registry.js'
import type { JobRunLauncher } from './job-run-launcher.js'
import { parseSparkSubmitParameters, SparkSubmitParametersError } from './spark-submit-args.js'
import { browserRequestRefusal } from '../service-guard.js'
import { dashboardPage } from './dashboard.js'
import { jobRunProblem } from './job-policy.js'
import { signatureProblem, type SigningCredentials } from './request-signature.js'
import { HttpRouter } from '../http-router.js'

const ACCOUNT = '123456789012'

export interface ApiContext {
  registry: JobRunRegistry
  launcher: JobRunLauncher
  region: string
  /** http://127.0.0.1:<port>, for the dashboard links. */
  endpoint: () => string
  now: () => number
  /** The run's local folder (its driver logs). */
  runDir: (run: LocalJobRun) => string
  /** What every API request must be signed with (SigV4, service emr-serverless). */
  credentials: SigningCredentials
  /** The random token of this start that the dashboard pages' links carry. */
  dashboardToken: string
}

/** Larger than any StartJobRun the service takes (its documented limits are far smaller). */
const MAX_BODY_BYTES = 1024 * 1024

/**
 * The path's segments: the application ID, then the job run ID. A route without them gives ''
 * for the rest, which its handler does not read.
 */
interface RouteMatch {
  applicationId: string
  jobRunId: string
}

type Handler = (
  context: ApiContext,
  match: RouteMatch,
  query: URLSearchParams,
  body: Record<string, unknown>
) => unknown

/**
 * The EMR Serverless REST operations the Spark job action sends, with the paths and JSON
 * shapes of the service's API reference (checked by running the AWS SDK against it).
 */
const ROUTES = new HttpRouter<Handler>()
  .on('GET', '/applications', listApplications)
  .on('GET', '/applications/:applicationId', getApplication)
  .on('POST', '/applications/:applicationId/start', startApplication)
  .on('GET', '/applications/:applicationId/jobruns', listJobRuns)
  .on('POST', '/applications/:applicationId/jobruns', startJobRun)
  .on('GET', '/applications/:applicationId/jobruns/:jobRunId', getJobRun)
  .on('DELETE', '/applications/:applicationId/jobruns/:jobRunId', cancelJobRun)
  .on('GET', '/applications/:applicationId/jobruns/:jobRunId/dashboard', getDashboardForJobRun)

/** The run's page and its driver's logs, opened in a browser from the summary's link. */
const DASHBOARD_PAGES = new HttpRouter<'page'>()
  .on('GET', '/dashboard/:applicationId/:jobRunId', 'page')
  .on('GET', '/dashboard/:applicationId/:jobRunId/:log(stdout|stderr)', 'page')

export async function handleRequest(
  context: ApiContext,
  request: IncomingMessage,
  response: ServerResponse
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://local')
  const method = request.method ?? 'GET'
  const port = Number(new URL(context.endpoint()).port)
  try {
    const page = DASHBOARD_PAGES.find(method, url)
    if (page.found) {
      // Opened in a browser from the summary's link: no signature, but this start's token.
      const host = request.headers.host
      if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
        throw new ApiError(403, 'AccessDeniedException', `The Host '${host}' is not this service`)
      }
      if (url.searchParams.get('token') !== context.dashboardToken) {
        throw new ApiError(403, 'AccessDeniedException', 'The dashboard link has no valid token')
      }
      const run = context.registry.jobRun(page.params.applicationId!, page.params.jobRunId!)
      const { contentType, body } = await dashboardPage(
        run,
        page.params.log as 'stdout' | 'stderr' | undefined,
        context.runDir(run),
        context.dashboardToken
      )
      response.writeHead(200, { 'content-type': contentType, 'x-content-type-options': 'nosniff' })
      response.end(body)
      return
    }
    const refusal = browserRequestRefusal(method, request.headers, port)
    if (refusal)
      throw new ApiError(403, 'AccessDeniedException', `Local EMR Serverless: ${refusal}`)
    const raw = await readBody(request)
    const unsigned = signatureProblem(
      { method, url: request.url ?? '/', headers: request.headers, body: raw },
      context.credentials,
      'emr-serverless',
      context.now()
    )
    if (unsigned) {
      throw new ApiError(
        403,
        'UnrecognizedClientException',
        `Local EMR Serverless: ${unsigned}; it accepts only the credentials it gives the runner's steps`
      )
    }
    const found = ROUTES.find(method, url)
    // The service answers an unknown path and a known path's other methods alike.
    if (!found.found)
      throw new ApiError(
        404,
        'UnknownOperationException',
        `No operation at ${method} ${url.pathname}`
      )
    const { applicationId = '', jobRunId = '' } = found.params
    const answer = found.handler(context, { applicationId, jobRunId }, found.query, parseJson(raw))
    send(response, 200, answer ?? {})
  } catch (error) {
    if (error instanceof ApiError) {
      send(response, error.status, { message: error.message }, { 'x-amzn-errortype': error.type })
      return
    }
    const message = error instanceof Error ? error.message : String(error)
    send(response, 500, { message }, { 'x-amzn-errortype': 'InternalServerException' })
  }
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers })
  response.end(JSON.stringify(body))
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(413, 'ValidationException', 'The request body is too large.')
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

function parseJson(raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8')
  if (!text.trim()) return {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {
    // Answered below.
  }
  throw validation('The request body is not a JSON object.')
}

// ---- applications

function listApplications(
  { registry, region }: ApiContext,
  _match: unknown,
  query: URLSearchParams
) {
  const states = query.getAll('states')
  const applications = registry
    .listApplications()
    .filter(application => !states.length || states.includes(application.state))
  const page = paginate(applications, query)
  return {
    applications: page.items.map(application => applicationSummary(application, region)),
    ...(page.nextToken ? { nextToken: page.nextToken } : {})
  }
}

function getApplication(context: ApiContext, { applicationId }: RouteMatch) {
  const application = context.registry.application(applicationId)
  return {
    application: {
      applicationId: application.id,
      ...applicationFields(application, context.region),
      architecture: 'X86_64',
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: { enabled: false }
    }
  }
}

function startApplication({ registry }: ApiContext, { applicationId }: RouteMatch) {
  registry.startApplication(applicationId)
  return {}
}

function applicationSummary(application: LocalApplication, region: string) {
  return { id: application.id, ...applicationFields(application, region), architecture: 'X86_64' }
}

function applicationFields(application: LocalApplication, region: string) {
  return {
    name: application.name,
    arn: `arn:aws:emr-serverless:${region}:${ACCOUNT}:/applications/${application.id}`,
    releaseLabel: application.releaseLabel,
    type: 'Spark',
    state: application.state,
    stateDetails: '',
    createdAt: seconds(application.createdAt),
    updatedAt: seconds(application.updatedAt)
  }
}

// ---- job runs

function startJobRun(
  { registry, launcher, region }: ApiContext,
  { applicationId }: RouteMatch,
  _query: URLSearchParams,
  body: Record<string, unknown>
) {
  const request = checkStartJobRun(body)
  const { run, created } = registry.startJobRun(applicationId, request)
  // A repeat of the same client token answers with the run the first request started.
  if (created) launcher.launch(run)
  return {
    applicationId,
    jobRunId: run.jobRunId,
    arn: jobRunArn(run, region)
  }
}

function getJobRun(context: ApiContext, { applicationId, jobRunId }: RouteMatch) {
  return { jobRun: jobRunDetails(context.registry.jobRun(applicationId, jobRunId), context) }
}

function listJobRuns(
  { registry, region }: ApiContext,
  { applicationId }: RouteMatch,
  query: URLSearchParams
) {
  const runs = registry.listJobRuns(applicationId, {
    states: query.getAll('states'),
    createdAtAfter: timeQuery(query, 'createdAtAfter'),
    createdAtBefore: timeQuery(query, 'createdAtBefore')
  })
  const page = paginate(runs, query)
  return {
    jobRuns: page.items.map(run => jobRunSummary(run, region)),
    ...(page.nextToken ? { nextToken: page.nextToken } : {})
  }
}

function cancelJobRun({ registry, launcher }: ApiContext, { applicationId, jobRunId }: RouteMatch) {
  const run = registry.jobRun(applicationId, jobRunId)
  if (TERMINAL.has(run.state))
    throw validation(`Job run ${jobRunId} is ${run.state}: it cannot be cancelled.`)
  launcher.cancel(run)
  return { applicationId, jobRunId }
}

function getDashboardForJobRun(context: ApiContext, { applicationId, jobRunId }: RouteMatch) {
  const run = context.registry.jobRun(applicationId, jobRunId)
  // The live Spark UI while the driver runs; afterwards this service's page of the run.
  const url =
    run.sparkUiUrl ??
    `${context.endpoint()}/dashboard/${encodeURIComponent(applicationId)}/${encodeURIComponent(jobRunId)}?token=${context.dashboardToken}`
  return { url }
}

/** What ListJobRuns answers per run (its ID as `id`, with a `type`). */
function jobRunSummary(run: LocalJobRun, region: string) {
  return { id: run.jobRunId, ...jobRunFields(run, region), type: 'Spark' }
}

/** The fields GetJobRun and ListJobRuns share. */
function jobRunFields(run: LocalJobRun, region: string) {
  return {
    applicationId: run.applicationId,
    ...(run.request.name ? { name: run.request.name } : {}),
    mode: 'BATCH',
    arn: jobRunArn(run, region),
    createdBy: `arn:aws:sts::${ACCOUNT}:assumed-role/local/local-emr-serverless`,
    createdAt: seconds(run.createdAt),
    updatedAt: seconds(run.updatedAt),
    executionRole: run.request.executionRoleArn,
    state: run.state,
    stateDetails: run.stateDetails,
    releaseLabel: run.releaseLabel,
    attempt: 1,
    attemptCreatedAt: seconds(run.createdAt),
    attemptUpdatedAt: seconds(run.updatedAt)
  }
}

function jobRunDetails(run: LocalJobRun, context: ApiContext) {
  const usage = utilization(run, context.now())
  return {
    jobRunId: run.jobRunId,
    ...jobRunFields(run, context.region),
    jobDriver: run.request.jobDriver,
    ...(run.request.configurationOverrides
      ? { configurationOverrides: run.request.configurationOverrides }
      : {}),
    tags: run.request.tags ?? {},
    ...(run.request.executionTimeoutMinutes !== undefined
      ? { executionTimeoutMinutes: run.request.executionTimeoutMinutes }
      : {}),
    ...(run.startedAt ? { startedAt: seconds(run.startedAt) } : {}),
    ...(run.endedAt ? { endedAt: seconds(run.endedAt) } : {}),
    ...(usage
      ? {
          totalResourceUtilization: usage.figures,
          totalExecutionDurationSeconds: usage.seconds,
          // Billed once the run is over, as the service does.
          ...(TERMINAL.has(run.state) ? { billedResourceUtilization: usage.figures } : {})
        }
      : {}),
    queuedDurationMilliseconds: run.startedAt ? run.startedAt - run.createdAt : 0
  }
}

/** The estimate: the driver's wall time × its local cores and driver memory. */
function utilization(run: LocalJobRun, now: number) {
  if (!run.startedAt || !run.resources) return undefined
  const seconds = Math.max(0, ((run.endedAt ?? now) - run.startedAt) / 1000)
  const hours = seconds / 3600
  return {
    seconds: Math.round(seconds),
    figures: {
      vCPUHour: round(hours * run.resources.vCpus),
      memoryGBHour: round(hours * run.resources.memoryGb),
      storageGBHour: 0
    }
  }
}

function jobRunArn(run: LocalJobRun, region: string): string {
  return `arn:aws:emr-serverless:${region}:${ACCOUNT}:/applications/${run.applicationId}/jobruns/${run.jobRunId}`
}

/** Checks the body as the service does, so a bad request is one clear ValidationException. */
function checkStartJobRun(body: Record<string, unknown>): StartJobRunRequest {
  const text = (name: string, optional = false): string | undefined => {
    const value = body[name]
    if (value === undefined && optional) return undefined
    if (typeof value !== 'string' || !value.trim()) throw validation(`${name}: expected a string`)
    return value
  }
  const clientToken = text('clientToken')!
  const executionRoleArn = text('executionRoleArn')!
  const name = text('name', true)
  const driver = (body.jobDriver as { sparkSubmit?: unknown } | undefined)?.sparkSubmit as
    Record<string, unknown> | undefined
  if (!driver || typeof driver.entryPoint !== 'string' || !driver.entryPoint.trim())
    throw validation(
      'jobDriver.sparkSubmit.entryPoint: expected a string (only Spark jobs run locally)'
    )
  const args = driver.entryPointArguments
  if (args !== undefined && (!Array.isArray(args) || args.some(arg => typeof arg !== 'string')))
    throw validation('jobDriver.sparkSubmit.entryPointArguments: expected a list of strings')
  const parameters = driver.sparkSubmitParameters
  if (parameters !== undefined && typeof parameters !== 'string')
    throw validation('jobDriver.sparkSubmit.sparkSubmitParameters: expected a string')
  try {
    parseSparkSubmitParameters(parameters)
  } catch (error) {
    if (error instanceof SparkSubmitParametersError) throw validation(error.message)
    throw error
  }
  const timeout = body.executionTimeoutMinutes
  if (
    timeout !== undefined &&
    (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0)
  )
    throw validation('executionTimeoutMinutes: expected a whole number of minutes')
  const overrides = body.configurationOverrides as
    { applicationConfiguration?: unknown; monitoringConfiguration?: unknown } | undefined
  const classifications = overrides?.applicationConfiguration
  if (
    classifications !== undefined &&
    (!Array.isArray(classifications) ||
      classifications.some(
        entry =>
          typeof entry?.classification !== 'string' ||
          (entry.properties !== undefined &&
            (typeof entry.properties !== 'object' ||
              Object.values(entry.properties as object).some(v => typeof v !== 'string')))
      ))
  )
    throw validation(
      'configurationOverrides.applicationConfiguration: expected a list of { classification, properties: map of strings }'
    )
  const logUri = (
    overrides?.monitoringConfiguration as
      { s3MonitoringConfiguration?: { logUri?: unknown } } | undefined
  )?.s3MonitoringConfiguration?.logUri
  if (logUri !== undefined && (typeof logUri !== 'string' || !/^s3a?:\/\/[^/]+/.test(logUri)))
    throw validation(
      'configurationOverrides.monitoringConfiguration.s3MonitoringConfiguration.logUri: expected an s3:// URI'
    )
  const tags = body.tags
  if (
    tags !== undefined &&
    (typeof tags !== 'object' ||
      tags === null ||
      Object.values(tags).some(v => typeof v !== 'string'))
  )
    throw validation('tags: expected a map of strings')
  const request: StartJobRunRequest = {
    clientToken,
    executionRoleArn,
    ...(name ? { name } : {}),
    jobDriver: {
      sparkSubmit: {
        entryPoint: driver.entryPoint,
        ...(args ? { entryPointArguments: args as string[] } : {}),
        ...(parameters ? { sparkSubmitParameters: parameters } : {})
      }
    },
    ...(body.configurationOverrides
      ? {
          configurationOverrides: body.configurationOverrides as NonNullable<
            StartJobRunRequest['configurationOverrides']
          >
        }
      : {}),
    ...(tags ? { tags: tags as Record<string, string> } : {}),
    ...(timeout !== undefined ? { executionTimeoutMinutes: timeout as number } : {})
  }
  // Only what the real service would run: staged objects and the image's own files.
  const refused = jobRunProblem(request)
  if (refused) throw validation(refused)
  return request
}

function paginate<T>(items: T[], query: URLSearchParams): { items: T[]; nextToken?: string } {
  const maxResults = Number(query.get('maxResults') ?? 50)
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50)
    throw validation('maxResults: expected 1 to 50')
  const token = query.get('nextToken')
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0
  if (!Number.isInteger(offset) || offset < 0)
    throw validation('nextToken: not a token this service gave')
  const end = offset + maxResults
  return {
    items: items.slice(offset, end),
    ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString('base64url') } : {})
  }
}

function timeQuery(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name)
  if (value === null) return undefined
  const at = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value)
  if (Number.isNaN(at)) throw validation(`${name}: expected a timestamp`)
  return at
}

/** The service's JSON timestamps are epoch seconds. */
function seconds(ms: number): number {
  return ms / 1000
}

function round(value: number): number {
  return Math.round(value * 1_000_000) / 1_000_000
}
