import { describe, expect, it } from 'vitest'
import { parseFailedJobs } from '../../src/notify/failed-jobs.js'
import {
  excerpt,
  issueBody,
  MAX_EXCERPT_LINES,
  recoveryComment,
  webhookMessage,
  type PipelineOutcome
} from '../../src/notify/message.js'

const outcome: PipelineOutcome = {
  status: 'failure',
  pipeline: 'daily-customer-etl',
  logicalDate: '2026-02-28',
  failedJobs: ['ingest-cdc'],
  errorExcerpt: '',
  run: { name: 'run 1', url: 'https://github.com/example/pipeline/actions/runs/1' }
}

describe('failed-jobs input', () => {
  it('takes names one per line or comma-separated', () => {
    expect(parseFailedJobs('ingest-cdc, compute-aggregates\nnotify')).toEqual([
      'ingest-cdc',
      'compute-aggregates',
      'notify'
    ])
    expect(parseFailedJobs('  ')).toEqual([])
  })

  it('takes the needs context, keeping failed and cancelled jobs in order', () => {
    const needs = {
      'resolve-date': { result: 'success', outputs: { date: '2026-02-28' } },
      'wait-for-data': { result: 'cancelled', outputs: {} },
      'ingest-cdc': { result: 'failure', outputs: {} },
      'compute-aggregates': { result: 'skipped', outputs: {} }
    }
    expect(parseFailedJobs(JSON.stringify(needs, null, 2))).toEqual([
      'wait-for-data (cancelled)',
      'ingest-cdc'
    ])
  })

  it('refuses broken JSON in one line', () => {
    expect(() => parseFailedJobs('{"a": ')).toThrow(
      "Input 'failed-jobs': expected job names, or the needs context as JSON (toJSON(needs))"
    )
  })
})

describe('messages', () => {
  it('keeps the last lines of a long error, where the cause is, and says it cut', () => {
    const lines = Array.from({ length: 100 }, (_, index) => `line ${index + 1}`)
    const kept = excerpt(lines.join('\n')).split('\n')
    expect(kept[0]).toBe('…')
    expect(kept.slice(1)).toEqual(lines.slice(-MAX_EXCERPT_LINES))
    expect(excerpt('one\ntwo')).toBe('one\ntwo')
    expect(excerpt('x'.repeat(10_000)).length).toBeLessThanOrEqual(3002)
  })

  it('names a run without a page (a local run) and links nothing', () => {
    const local = { ...outcome, run: { name: 'local run 1765072800' } }
    for (const text of [issueBody(local), recoveryComment(local)]) {
      expect(text).toContain('local run 1765072800')
      expect(text).not.toMatch(/https?:|\]\(/)
    }
    const message = JSON.stringify(webhookMessage(local))
    expect(message).toContain('local run 1765072800')
    expect(message).not.toMatch(/https?:|\|run>|\|Workflow run>/)
  })

  it('marks the issue with the pipeline so it is found again even when retitled', () => {
    expect(issueBody(outcome).split('\n')[0]).toBe('<!-- pipeline-notify: daily-customer-etl -->')
  })

  it('fences an excerpt that itself holds a code fence', () => {
    const body = issueBody({ ...outcome, errorExcerpt: 'before\n```\ninside\n```' })
    expect(body).toContain('````\nbefore\n```\ninside\n```\n````')
  })

  it('escapes Slack control characters from job output', () => {
    const message = webhookMessage({ ...outcome, errorExcerpt: 'a < b && c > d <!channel>' })
    const text = JSON.stringify(message.blocks)
    expect(text).toContain('a &lt; b &amp;&amp; c &gt; d &lt;!channel&gt;')
    expect(text).not.toContain('<!channel>')
  })

  it('a success message has no failed-jobs field and no excerpt block', () => {
    const message = webhookMessage({ ...outcome, status: 'success', failedJobs: [] })
    expect(message.text).toBe(
      '✅ daily-customer-etl completed for 2026-02-28 <https://github.com/example/pipeline/actions/runs/1|run>'
    )
    expect(message.blocks.map(block => (block as { type: string }).type)).toEqual([
      'header',
      'section',
      'context'
    ])
    expect(JSON.stringify(message.blocks)).not.toContain('Failed jobs')
  })
})
