import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from './support/moto.js'
import { tempDir } from './support/temp.js'

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

/** The pages a reader moves between: the README, docs/*.md and every folder's README. */
const pages = [
  'README.md',
  ...readdirSync(path.join(projectRoot, 'docs'))
    .filter(name => name.endsWith('.md'))
    .map(name => `docs/${name}`),
  ...readdirSync(projectRoot, { withFileTypes: true })
    .filter(
      entry => entry.isDirectory() && existsSync(path.join(projectRoot, entry.name, 'README.md'))
    )
    .filter(entry => !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .map(entry => `${entry.name}/README.md`)
].sort()

/** The text outside fenced code blocks, with inline code spans kept for headings only. */
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
      match => ({ target: match[1], line: index + 1 })
    )
  )
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

  it.each(pages)('every relative link and anchor of %s leads somewhere', page => {
    const broken: string[] = []
    const links = linksOf(read(page)).filter(({ target }) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    for (const { target, line } of links) {
      const [file, anchor] = target.split('#', 2) as [string, string | undefined]
      const resolved = file ? path.posix.join(path.posix.dirname(page), file) : page
      const where = `${page}:${line}: ${target}`
      if (resolved.startsWith('..') || !existsSync(path.join(projectRoot, resolved))) {
        broken.push(`${where} (no such file)`)
        continue
      }
      if (anchor === undefined) continue
      if (!resolved.endsWith('.md') || statSync(path.join(projectRoot, resolved)).isDirectory()) {
        broken.push(`${where} (an anchor into a file that is not a page)`)
        continue
      }
      if (!headingAnchors(read(resolved)).has(anchor)) broken.push(`${where} (no such heading)`)
    }
    expect(broken).toEqual([])
  })
})
