import { htmlPage, safeHtml } from '../../../src/core/html.js'
import { readFile } from 'node:fs/promises'
import type { LocalJobRun } from './job-run-registry.js'

/**
 * What GetDashboardForJobRun links to once the driver (and its live Spark UI) is gone: the
 * run's state, times and driver logs, served by this service.
 */
export async function dashboardPage(
  run: LocalJobRun,
  stream: 'stdout' | 'stderr' | undefined,
  runDir: string,
  /** The service's dashboard token, which the page's links carry on. */
  token: string
): Promise<{ contentType: string; body: string }> {
  if (stream) {
    const text = await readFile(`${runDir}/${stream}`, 'utf8').catch(() => '')
    return { contentType: 'text/plain; charset=utf-8', body: text }
  }
  const rows: Array<[string, string]> = [
    ['Job run', run.jobRunId],
    ['Name', run.request.name ?? ''],
    ['Application', run.applicationId],
    ['State', run.state],
    ['Details', run.stateDetails],
    ['Entry point', run.request.jobDriver.sparkSubmit.entryPoint],
    ['Created', new Date(run.createdAt).toISOString()],
    ['Started', run.startedAt ? new Date(run.startedAt).toISOString() : ''],
    ['Ended', run.endedAt ? new Date(run.endedAt).toISOString() : '']
  ]
  const table = rows.map(([name, value]) => safeHtml`<tr><th>${name}</th><td>${value}</td></tr>`)
  const body = htmlPage({
    lang: 'en',
    title: `Job run ${run.jobRunId}`,
    body: safeHtml`<h1>Local EMR Serverless job run</h1>
<table>${table}</table>
<p><a href="${`${run.jobRunId}/stderr?token=${token}`}">driver stderr</a> · <a href="${`${run.jobRunId}/stdout?token=${token}`}">driver stdout</a></p>`,
    styles: ['th{text-align:left}'],
    scripts: []
  })
  return { contentType: 'text/html; charset=utf-8', body }
}
