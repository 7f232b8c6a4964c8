import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * A lake folder written as someone with write access to it (or a crafted service answer)
 * could write it: run records and quality results whose texts are markup, script, links,
 * bidirectional overrides and echoed credentials, and whose numbers are of the wrong type,
 * negative or infinite. `beacon` is a URL every payload that could load something points at,
 * so that a request to it proves a payload was live.
 */
export const HOSTILE_PIPELINE = 'daily'
export const HOSTILE_DATES = ['2026-02-27', '2026-02-28', '2026-03-01'] as const

export interface HostileLake {
  /** How many files must be listed as not used, each with the field that is wrong. */
  refused: { file: RegExp; reason: RegExp }[]
  /** The estimated cost of the records that are fine. */
  costUsd: number
}

export function writeHostileLake(dir: string, beacon: string): HostileLake {
  const write = (relative: string, value: unknown): void => {
    const file = path.join(dir, ...relative.split('/'))
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value))
  }
  const markup = `"><img src="${beacon}/img" onerror="window.__pwned='img'"><script>window.__pwned='script'</script>`
  const record = (date: string, task: string, extra: Record<string, unknown>): void =>
    write(`_pipeline/runs/${HOSTILE_PIPELINE}/date=${date}/${task}.json`, {
      schema_version: 1,
      pipeline: HOSTILE_PIPELINE,
      task,
      logical_date: date,
      started_at: `${date}T02:00:00Z`,
      ended_at: `${date}T02:10:00Z`,
      duration_seconds: 600,
      ...extra
    })
  const spark = (cost: unknown, vcpu: unknown = 1): Record<string, unknown> => ({
    job_run_ids: ['00run'],
    attempts: 1,
    vcpu_hours: vcpu,
    memory_gb_hours: 4,
    storage_gb_hours: 0,
    estimated_cost_usd: cost,
    prices: { vcpu_hour: 0.05, memory_gb_hour: 0.005, storage_gb_hour: 0 }
  })

  // Fine records whose texts are hostile: shown, escaped, credentials stripped.
  record('2026-02-27', 'ingest', {
    state: 'failure',
    message: `Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260227/us-east-1/s3/aws4_request, Signature=deadbeef\n\u202eexe.txt ${markup}`,
    run: { id: '1', attempt: 1, url: `javascript:fetch('${beacon}/js')` },
    spark: spark(0.25)
  })
  record('2026-02-28', 'ingest', {
    state: 'success',
    run: { id: '2', attempt: 1, url: `${beacon}/" onmouseover="window.__pwned='attr` },
    spark: spark(0.5)
  })
  // Records that do not fit the schema: listed, skipped, never in the totals.
  record('2026-03-01', 'ingest', { state: 'success', spark: spark('abc') })
  record('2026-03-01', 'aggregate', { state: 'success', spark: spark(-99.5, -3) })
  write(
    `_pipeline/runs/${HOSTILE_PIPELINE}/date=2026-03-01/publish.json`,
    `{"schema_version":1,"pipeline":"${HOSTILE_PIPELINE}","task":"publish","logical_date":"2026-03-01","state":"success","started_at":"2026-03-01T02:00:00Z","spark":{"job_run_ids":[],"attempts":1,"vcpu_hours":1e999,"memory_gb_hours":0,"storage_gb_hours":0,"estimated_cost_usd":0,"prices":{"vcpu_hour":0,"memory_gb_hour":0,"storage_gb_hour":0}}}`
  )
  // A task whose file name holds a backtick and a right-to-left override.
  record('2026-02-28', 'a`b\u202ec', { state: 'success' })

  const results = (date: string, rules: unknown[], dataset = 'customers'): unknown => ({
    schema_version: 1,
    dataset,
    logical_date: date,
    passed: true,
    results: rules
  })
  const rule = (extra: Record<string, unknown>): Record<string, unknown> => ({
    index: 1,
    rule: 'row count',
    family: 'row_count',
    severity: 'error',
    status: 'pass',
    metric: 'row_count',
    value: 10,
    shown: '10',
    bound: '>= 1',
    message: '10 rows',
    ...extra
  })
  // Fine results whose rule name and bound are hostile.
  write(
    '_pipeline/quality/customers/date=2026-02-27/results.json',
    results('2026-02-27', [rule({ rule: markup, bound: `>= 1 ${markup}` })])
  )
  // Results that do not fit: a status that is markup, a numeric severity, an odd bound.
  write(
    '_pipeline/quality/customers/date=2026-02-28/results.json',
    results('2026-02-28', [
      rule({ status: `"><img src="${beacon}/status" onerror="window.__pwned='status'">` })
    ])
  )
  write(
    '_pipeline/quality/customers/date=2026-03-01/results.json',
    results('2026-03-01', [rule({ severity: 3 })])
  )
  write(
    '_pipeline/quality/orders/date=2026-03-01/results.json',
    results('2026-03-01', [rule({}), rule({ bound: { $gt: 1 } })], 'orders')
  )
  // Where the Spark jobs' role may write: never read by the report by default.
  write(
    'quality/metrics/customers/date=2026-03-01/results.json',
    results('2026-03-01', [rule({ rule: `<img src="${beacon}/metrics-prefix">` })])
  )

  return {
    refused: [
      {
        file: /date=2026-03-01[/\\]ingest\.json$/,
        reason: /spark\.estimated_cost_usd is not a number/
      },
      {
        file: /date=2026-03-01[/\\]aggregate\.json$/,
        reason: /spark\.vcpu_hours is not a number of 0 or more/
      },
      { file: /date=2026-03-01[/\\]publish\.json$/, reason: /spark\.vcpu_hours is not a number/ },
      { file: /date=2026-02-28[/\\]a`b\u202ec\.json$/, reason: /is not a valid name/ },
      {
        file: /date=2026-02-28[/\\]results\.json$/,
        reason: /results\[0\]\.status is not one of pass, warn, fail/
      },
      {
        file: /customers[/\\]date=2026-03-01[/\\]results\.json$/,
        reason: /results\[0\]\.severity is not one of error, warn/
      },
      {
        file: /orders[/\\]date=2026-03-01[/\\]results\.json$/,
        reason: /results\[1\]\.bound is not text/
      }
    ],
    costUsd: 0.75
  }
}
