import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from './support/moto.js'
import { tempDir } from './support/temp.js'
import { group } from '../src/core/regex.js'

const actionFiles = ['action.yml', ...readdirSync(projectRoot).map(dir => `${dir}/action.yml`)]
  .filter((file, index, all) => all.indexOf(file) === index)
  .filter(file => existsSync(path.join(projectRoot, file)))

/** Where an action's full reference is: its folder's README; the root action's own page. */
const referenceOf = (actionFile: string): string =>
  actionFile === 'action.yml' ? 'docs/spark-job.md' : `${path.dirname(actionFile)}/README.md`

const read = (file: string): string => readFileSync(path.join(projectRoot, file), 'utf8')

/** The text between a generated block's opening marker and its closing one. */
function generatedBlock(text: string, kind: 'inputs' | 'outputs', actionFile: string): string {
  const start = text.indexOf(`<!-- ${kind}: ${actionFile} -->`)
  const end = text.indexOf(`<!-- /${kind} -->`, start)
  return start < 0 || end < 0 ? '' : text.slice(start, end)
}

describe('documentation', () => {
  it('the inputs and outputs tables are in step with every action.yml', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/docs.mjs', '--check'], {
        cwd: projectRoot,
        stdio: 'pipe'
      })
    ).not.toThrow()
  })

  it.each(actionFiles)('the reference of %s documents each of its inputs and outputs', file => {
    const reference = read(referenceOf(file))
    const action = parse(read(file)) as {
      inputs?: Record<string, unknown>
      outputs?: Record<string, unknown>
    }
    const inputs = generatedBlock(reference, 'inputs', file)
    for (const name of Object.keys(action.inputs ?? {}))
      expect(inputs, `${referenceOf(file)}: input ${name}`).toContain(`| \`${name}\` |`)
    const outputs = generatedBlock(reference, 'outputs', file)
    for (const name of Object.keys(action.outputs ?? {}))
      expect(outputs, `${referenceOf(file)}: output ${name}`).toContain(`| \`${name}\` |`)
    expect(Object.keys(action.inputs ?? {}).length).toBeGreaterThan(0)
  })

  const folders = actionFiles.filter(file => file !== 'action.yml').map(path.dirname)

  it.each(folders)('%s has its own README with its inputs and outputs', folder => {
    const file = path.join(projectRoot, folder, 'README.md')
    expect(existsSync(file), `${folder}/README.md`).toBe(true)
    const readme = readFileSync(file, 'utf8')
    expect(readme).toContain(`<!-- inputs: ${folder}/action.yml -->`)
    expect(readme).toContain(`<!-- outputs: ${folder}/action.yml -->`)
    // A link back to the main README.
    expect(readme).toMatch(/\]\(\.\.\/README\.md#[a-z0-9-]+\)/)
  })

  it.each(actionFiles)("the main README's actions table lists %s", file => {
    const readme = read('README.md')
    const start = readme.indexOf('| action | `uses:` |')
    expect(start).toBeGreaterThan(0)
    const table = readme.slice(start, readme.indexOf('\n## ', start))
    const uses =
      file === 'action.yml'
        ? '<owner>/spark-pipeline-actions@v1'
        : `<owner>/spark-pipeline-actions/${path.dirname(file)}@v1`
    expect(table).toContain(`](${referenceOf(file)}) | \`${uses}\` |`)
  })

  /** Runs `docs.mjs --check` on a tree holding only the given files. */
  function checkTree(files: Record<string, string>) {
    const root = tempDir('docs-test')
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
      writeFileSync(path.join(root, file), text)
    }
    return spawnSync(process.execPath, ['scripts/docs.mjs', '--check', '--root', root], {
      cwd: projectRoot,
      encoding: 'utf8'
    })
  }

  it('the docs script refuses an action folder without a README', () => {
    const run = checkTree({
      'README.md': '# x\n',
      'new-action/action.yml': 'name: x\ndescription: x\n'
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('new-action/README.md: every action folder needs a README')
  })

  it('the docs script refuses a root action without its reference page', () => {
    const run = checkTree({ 'README.md': '# x\n', 'action.yml': 'name: x\ndescription: x\n' })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain("docs/spark-job.md: the root action's reference needs")
  })

  it('the docs script refuses a table out of step with its action.yml, and says which', () => {
    const action = [
      'name: x',
      'description: x',
      'inputs:',
      '  bucket:',
      '    description: the bucket',
      '    required: true',
      '  timeout:',
      '    description: how long',
      "    default: '5m'"
    ].join('\n')
    const readme = (rows: string) =>
      `# x\n\n<!-- inputs: tool/action.yml -->\n${rows}\n<!-- /inputs -->\n\n<!-- outputs: tool/action.yml -->\n| output | description |\n| --- | --- |\n<!-- /outputs -->\n`
    const header = '| input | required | default | description |\n| --- | --- | --- | --- |'
    const inStep = checkTree({
      'README.md': '# x\n',
      'tool/action.yml': action,
      'tool/README.md': readme(
        `${header}\n| \`bucket\` | yes |  | the bucket |\n| \`timeout\` | no | \`5m\` | how long |`
      )
    })
    expect(inStep.stderr).toBe('')
    expect(inStep.status).toBe(0)
    const stale = checkTree({
      'README.md': '# x\n',
      'tool/action.yml': action,
      'tool/README.md': readme(`${header}\n| \`bucket\` | yes |  | the bucket |`)
    })
    expect(stale.status).toBe(1)
    expect(stale.stderr).toContain('tool/README.md: inputs/outputs tables differ from action.yml')
  })

  it("the local run's variables file shown in docs/running-locally.md is the file", () => {
    const page = read('docs/running-locally.md')
    const shown =
      /`\.github\/local-vars\.env`, as committed[^\n]*\n[^\n]*\n\n```bash\n([\s\S]*?)```/.exec(
        page
      )?.[1]
    expect(shown).toBe(read('.github/local-vars.env'))
  })
})

// Relative links and anchors across the project's pages, checked as GitHub renders them.

/** The pages a reader moves between under `root`: its README, docs/*.md and every folder's README. */
function pagesOf(root: string): string[] {
  const docsDir = path.join(root, 'docs')
  return [
    ...(existsSync(path.join(root, 'README.md')) ? ['README.md'] : []),
    ...(existsSync(docsDir)
      ? readdirSync(docsDir)
          .filter(name => name.endsWith('.md'))
          .map(name => `docs/${name}`)
      : []),
    ...readdirSync(root, { withFileTypes: true })
      .filter(entry => entry.isDirectory() && existsSync(path.join(root, entry.name, 'README.md')))
      .filter(entry => !entry.name.startsWith('.') && entry.name !== 'node_modules')
      .map(entry => `${entry.name}/README.md`)
  ].sort()
}

const pages = pagesOf(projectRoot)

/** The text outside fenced code blocks (each fenced line blanked, so line numbers hold). */
function withoutFences(text: string): string[] {
  const lines: string[] = []
  let fence: string | undefined
  for (const line of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined
      lines.push('')
    } else if (marker) {
      fence = marker
      lines.push('')
    } else lines.push(line)
  }
  return lines
}

/**
 * GitHub's anchor for a heading: the rendered text (code spans' content, links' text),
 * lower-case, punctuation and symbols dropped (letters, digits, `-` and `_` kept), each
 * space a hyphen; a repeated anchor gets -1, -2, … in order.
 */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const line of withoutFences(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1]
    if (heading === undefined) continue
    const text = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/`+([^`]*)`+/g, '$1')
      .replace(/<[^>]+>/g, '')
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-')
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

/** Every `[text](target)` and `![alt](target)` outside code, with its line number. */
function linksOf(markdown: string): { target: string; line: number }[] {
  return withoutFences(markdown).flatMap((line, index) =>
    [...line.replace(/`[^`]*`/g, '').matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map(
      match => ({ target: group(match, 1), line: index + 1 })
    )
  )
}

/** The relative links and anchors of `page` (under `root`) that lead nowhere, one line each. */
function brokenLinks(root: string, page: string): string[] {
  const readAt = (file: string) => readFileSync(path.join(root, file), 'utf8')
  const broken: string[] = []
  const links = linksOf(readAt(page)).filter(({ target }) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
  for (const { target, line } of links) {
    const [file, anchor] = target.split('#', 2) as [string, string | undefined]
    const resolved = file ? path.posix.join(path.posix.dirname(page), file) : page
    const where = `${page}:${line}: ${target}`
    if (resolved.startsWith('..') || !existsSync(path.join(root, resolved))) {
      broken.push(`${where} (no such file)`)
      continue
    }
    if (anchor === undefined) continue
    if (!resolved.endsWith('.md') || statSync(path.join(root, resolved)).isDirectory()) {
      broken.push(`${where} (an anchor into a file that is not a page)`)
      continue
    }
    if (!headingAnchors(readAt(resolved)).has(anchor)) broken.push(`${where} (no such heading)`)
  }
  return broken
}

describe('links between the pages', () => {
  it('GitHub anchors: lower-case, punctuation dropped, spaces to hyphens, repeats numbered', () => {
    expect([
      ...headingAnchors(
        [
          '# S3 sensor (`s3-sensor`)',
          "## When GitHub's schedule is late or dropped",
          '## The `workflow_run` trigger of auto-retry',
          '### Inputs',
          '### Inputs',
          '```',
          '# not a heading',
          '```',
          '## Inputs',
          '## From the DAG to AWS: plan → claim × 7 — done',
          '## [Linked](x.md) heading'
        ].join('\n')
      )
    ]).toEqual([
      's3-sensor-s3-sensor',
      'when-githubs-schedule-is-late-or-dropped',
      'the-workflow_run-trigger-of-auto-retry',
      'inputs',
      'inputs-1',
      'inputs-2',
      'from-the-dag-to-aws-plan--claim--7--done',
      'linked-heading'
    ])
  })

  it('the pages checked are the README, every docs page and every folder README', () => {
    expect(pages).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/architecture.md',
        'docs/spark-job.md',
        'jobs/README.md',
        's3-sensor/README.md'
      ])
    )
  })

  it('reports each broken link and anchor of a page, and only those', () => {
    const root = tempDir('docs-links')
    const files: Record<string, string> = {
      'README.md': [
        '# Project',
        '',
        '## Getting started',
        '',
        'See [the guide](docs/guide.md#set-up), [the action](tool/README.md) and [here](#getting-started).',
        'Broken: [gone](docs/gone.md), [no heading](docs/guide.md#tear-down) and [self](#nowhere).',
        'Not a page: [config](tool/action.yml#inputs). Outside: [up](../elsewhere.md).',
        'External links are not followed: [GitHub](https://github.com/#x).',
        '`[in code](docs/gone.md)` and:',
        '',
        '```md',
        '[in a fence](docs/gone.md)',
        '```'
      ].join('\n'),
      'docs/guide.md':
        '# Guide\n\n## Set up\n\nBack to [the start](../README.md#getting-started).\n',
      'tool/README.md':
        '# Tool\n\n[The guide](../docs/guide.md#set-up), [missing](../docs/guide.md#set-up-1)\n',
      'tool/action.yml': 'name: tool\n'
    }
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
      writeFileSync(path.join(root, file), text)
    }
    expect(pagesOf(root)).toEqual(['README.md', 'docs/guide.md', 'tool/README.md'])
    expect(pagesOf(root).flatMap(page => brokenLinks(root, page))).toEqual([
      'README.md:6: docs/gone.md (no such file)',
      'README.md:6: docs/guide.md#tear-down (no such heading)',
      'README.md:6: #nowhere (no such heading)',
      'README.md:7: tool/action.yml#inputs (an anchor into a file that is not a page)',
      'README.md:7: ../elsewhere.md (no such file)',
      'tool/README.md:3: ../docs/guide.md#set-up-1 (no such heading)'
    ])
  })

  it.each(pages)('every relative link and anchor of %s leads somewhere', page => {
    expect(brokenLinks(projectRoot, page)).toEqual([])
  })
})

describe('the README', () => {
  const readme = read('README.md')
  const sections = [...readme.matchAll(/^## (.+)$/gm)].map(match => match[1])

  it('stays short: what it is, the two commands, the actions, the daily workflow, quick start, links', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(400)
    expect(readme.slice(0, readme.indexOf('\n## ')).length).toBeGreaterThan(200)
    expect(sections).toEqual([
      'The two commands',
      'The actions',
      'The daily workflow',
      'Quick start',
      'Documentation'
    ])
  })

  it('names two commands, one that runs the pipeline locally and one that runs every test, the one .ci/run runs', () => {
    const block = /## The two commands\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
    const commands = block
      .split('\n')
      .filter(Boolean)
      .map(line => line.replace(/\s+#.*$/, ''))
    expect(commands).toEqual(['npm run pipeline', 'npm test'])
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts
    expect(scripts.pipeline).toBeDefined()
    expect(scripts.test).toBe('bash scripts/test.sh')
    // The CI entry point runs the README's test command and nothing else.
    const ciCommands = read('.ci/run')
      .split('\n')
      .filter(line => line.trim() && !line.startsWith('#'))
      .filter(line => !/^(set |cd )/.test(line))
    expect(ciCommands).toEqual(['npm test'])
  })

  it('links every docs page', () => {
    const linked = new Set(linksOf(readme).map(({ target }) => target.split('#')[0]))
    const docsPages = pages.filter(page => page.startsWith('docs/'))
    expect(docsPages.length).toBeGreaterThanOrEqual(8)
    expect(docsPages.filter(page => !linked.has(page))).toEqual([])
  })
})

describe('docs/architecture.md', () => {
  it("answers a newcomer's five questions, each under a heading of its own", () => {
    const page = read('docs/architecture.md')
    const anchors = headingAnchors(page)
    const questions = [
      'what-runs-on-github',
      'what-runs-on-emr-serverless',
      'a-new-rule-type',
      'a-new-action-input',
      'how-the-local-run-differs-from-github'
    ]
    for (const anchor of questions) {
      expect(anchors, anchor).toContain(anchor)
      // The opening list points at each answer.
      expect(page.slice(0, page.indexOf('\n## ')), anchor).toContain(`](#${anchor})`)
    }
  })
})
