import { execFile } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../support/moto.js'
import { runAction } from '../support/run-action.js'
import { tempDir } from '../support/temp.js'
import { workflowEffects } from '../support/workflow-log.js'
import { GitHubStandIn } from './github-stand-in.js'
import { HOSTILE_PIPELINE, writeHostileLake, type HostileLake } from './hostile-lake.js'
import { group } from '../../src/core/regex.js'

const run = promisify(execFile)

/** `spark-pipeline report …` as a user runs it; the exit code, stdout and stderr. */
const report = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  run(process.execPath, [path.join(projectRoot, 'bin', 'spark-pipeline.mjs'), 'report', ...args], {
    cwd: projectRoot,
    env
  }).then(
    done => ({ code: 0, ...done }),
    (error: { code: number; stdout: string; stderr: string }) => error
  )

/** The problems the page lists, as text (its `<li><code>where</code>: why</li>` items). */
function problemsOf(page: string): { location: string; reason: string }[] {
  const entities = (text: string): string =>
    text.replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code)))
  return [...page.matchAll(/<li><code>([^<]*)<\/code>: ([^<]*)<\/li>/g)].map(match => ({
    location: entities(group(match, 1)),
    reason: entities(group(match, 2))
  }))
}

// `spark-pipeline report` over a lake written as a hostile writer would write it: the report
// must build, list and skip each bad document, and show every text as text.
describe('spark-pipeline report over a hostile lake', () => {
  let lake: HostileLake
  let page: string
  let summary: string
  let result: { code: number; stdout: string; stderr: string }

  beforeAll(async () => {
    const dir = tempDir('hostile-lake')
    lake = writeHostileLake(dir, 'http://127.0.0.1:9/beacon')
    const output = tempDir('hostile-site')
    const summaryFile = path.join(output, 'summary.md')
    result = await report([
      ...['--lake', dir, '--pipeline', HOSTILE_PIPELINE, '--end', '2026-03-01', '--days', '3'],
      ...['--output', output, '--summary', summaryFile]
    ])
    page = readFileSync(path.join(output, 'index.html'), 'utf8')
    summary = readFileSync(summaryFile, 'utf8')
  })

  it('builds the page, and lists and skips each record or result that does not fit its schema', () => {
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(
      new RegExp(`^warning: ${lake.refused.length} record\\(s\\) not used`)
    )
    const problems = problemsOf(page)
    expect(problems).toHaveLength(lake.refused.length)
    for (const { file, reason } of lake.refused) {
      const listed = problems.find(problem =>
        file.test(problem.location.replace(/\\u202e/g, '\u202e'))
      )
      expect(listed, String(file)).toBeDefined()
      expect(listed!.reason).toMatch(reason)
    }
  })

  /** The page without its inlined scripts (Chart.js holds NaN and Infinity of its own). */
  const shown = (): string => page.slice(0, page.indexOf('<script'))

  it('totals only what fits: no negative, infinite or text cost', () => {
    expect(summary).toContain(`| estimated cost | $${lake.costUsd.toFixed(2)} |`)
    expect(summary).not.toMatch(/\$-|NaN|Infinity/)
    expect(shown()).toContain(`<td>$${lake.costUsd.toFixed(2)}</td>`)
    expect(shown()).not.toMatch(/\$-|NaN|Infinity/)
  })

  it('shows every text as text: no markup, script, event handler or javascript: link', () => {
    const tags = shown().match(/<[^>]*>/g) ?? []
    expect(tags.filter(tag => /^<(img|script|iframe|object|embed|svg)/i.test(tag))).toEqual([])
    // Every attribute is name="value"; none is an event handler, no link leaves for the beacon.
    const attributes = tags.flatMap(tag =>
      [...tag.matchAll(/\s([\w:-]+)="([^"]*)"/g)].map(match => ({
        name: group(match, 1),
        value: group(match, 2)
      }))
    )
    expect(tags.filter(tag => /=[^"]/.test(tag.replace(/="[^"]*"/g, '')))).toEqual([])
    expect(attributes.filter(({ name }) => /^on/i.test(name))).toEqual([])
    expect(
      attributes.filter(
        ({ name, value }) => /^(href|src)$/.test(name) && /beacon|script:/.test(value)
      )
    ).toEqual([])
    expect(page.match(/<script/g)).toHaveLength(3)
    expect(page).toContain('&#34;&#62;&#60;img src=&#34;http://127.0.0.1:9/beacon/img&#34;')
    expect(summary).not.toMatch(/<img|<script/i)
  })

  it('shows hidden and bidirectional characters, and keeps code spans closed', () => {
    expect(page).not.toContain('\u202e')
    expect(summary).not.toContain('\u202e')
    expect(page).toContain('\\u202eexe.txt')
    // The file name with a backtick sits in a code span its backtick cannot close.
    expect(summary).toMatch(/^- ``[^`\n]*a`b\\u202ec\.json``: /m)
  })

  it('strips credentials a stored message echoes', () => {
    expect(page).not.toMatch(/AKIAIOSFODNN7EXAMPLE|deadbeef/)
    expect(page).toContain('Authorization: [redacted]')
  })

  it("reads quality results only from the gate's prefix, not from where the Spark jobs write", () => {
    expect(page).not.toContain('metrics-prefix')
    expect(page).toContain('row count')
  })
})

describe('spark-pipeline report with hostile answers and paths', () => {
  const github = new GitHubStandIn()
  beforeAll(() => github.start())
  afterAll(() => github.stop())

  it("links only to http(s) addresses from GitHub's answers too", async () => {
    github.linkBase = 'javascript:alert(document.domain)//'
    github.runs = [
      {
        id: 7,
        run_attempt: 1,
        status: 'completed',
        conclusion: 'failure',
        event: 'schedule',
        created_at: '2026-03-02T02:00:00Z',
        display_title: 'Daily customer ETL'
      }
    ]
    github.jobs = [{ name: 'ingest', conclusion: 'failure' }]
    github.issues = [
      {
        number: 5,
        title: 'daily failed',
        body: '<!-- pipeline-notify: daily -->',
        labels: ['pipeline-failure']
      }
    ]
    // A lake without records: the page shows the GitHub history alone.
    const lake = tempDir('history-lake')
    const output = tempDir('history-site')
    const result = await report(
      [
        ...['--lake', lake, '--pipeline', HOSTILE_PIPELINE, '--end', '2026-03-01', '--days', '3'],
        ...['--output', output, '--workflow', 'daily.yml', '--repository', 'example/pipeline'],
        ...['--token-env', 'REPORT_TOKEN']
      ],
      { ...process.env, REPORT_TOKEN: 'ghs_not-a-real-token', GITHUB_API_URL: github.url }
    )
    expect(result.code, result.stderr).toBe(0)
    const page = readFileSync(path.join(output, 'index.html'), 'utf8')
    expect(page).toContain('Open failure issue:')
    expect(page).toContain('#5 daily failed')
    const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map(match => group(match, 1))
    expect(hrefs.filter(href => !/^(https?:|about:blank$)/.test(href))).toEqual([])
  })

  it('refuses a quality-prefix out of the lake, in one line, exit code 2', async () => {
    const result = await report([
      ...['--lake', tempDir('prefix-lake'), '--pipeline', HOSTILE_PIPELINE],
      ...['--quality-prefix', '../secrets']
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      "spark-pipeline report: Input 'quality-prefix': expected a folder inside the lake such as _pipeline/quality (no ..), got '../secrets'\n"
    )
  })

  it('the action refuses an output out of the workspace, before writing anything', async () => {
    const parent = tempDir('report-parent')
    const workspace = path.join(parent, 'workspace')
    mkdirSync(workspace)
    const result = await runAction('report', {
      inputs: { lake: 'lake', pipeline: HOSTILE_PIPELINE, output: '../outside' },
      cwd: workspace,
      timeoutMs: 60_000
    })
    expect(result.code).toBe(1)
    expect(workflowEffects(result.stdout).annotations.map(error => error.message)).toEqual([
      "Input 'output': expected a folder inside the workspace, such as _site, got '../outside'"
    ])
    expect(readdirSync(parent)).toEqual(['workspace'])
  })
})
