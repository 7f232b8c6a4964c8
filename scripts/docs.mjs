#!/usr/bin/env node
// Regenerates the inputs/outputs tables of the actions' references from the action.yml files,
// between markers such as
//   <!-- inputs: s3-sensor/action.yml -->  …  <!-- /inputs -->
//   <!-- outputs: s3-sensor/action.yml --> …  <!-- /outputs -->
// Each action's reference is its folder's README.md; the root action's is docs/spark-job.md.
// Tables are regenerated wherever they appear: README.md, docs/*.md and those references.
// `--check` changes nothing and exits 1 when a table is out of step with its action.yml.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

// `--root DIR` checks another tree (the docs script's own test uses it).
const rootFlag = process.argv.indexOf('--root')
const root =
  rootFlag > 0
    ? path.resolve(process.argv[rootFlag + 1])
    : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const check = process.argv.includes('--check')
// Every action (the root action.yml and each folder holding one) and the page of its reference.
const ROOT_ACTION_REFERENCE = 'docs/spark-job.md'
const actionFolders = readdirSync(root, { withFileTypes: true })
  .filter(entry => entry.isDirectory() && existsSync(path.join(root, entry.name, 'action.yml')))
  .map(entry => entry.name)
  .sort()
const references = [
  ...(existsSync(path.join(root, 'action.yml')) ? [['action.yml', ROOT_ACTION_REFERENCE]] : []),
  ...actionFolders.map(folder => [`${folder}/action.yml`, `${folder}/README.md`])
]
const docsDir = path.join(root, 'docs')
const pages = existsSync(docsDir)
  ? readdirSync(docsDir)
      .filter(name => name.endsWith('.md'))
      .sort()
      .map(name => `docs/${name}`)
  : []
const docs = [...new Set(['README.md', ...pages, ...references.map(([, reference]) => reference)])]

const cell = text =>
  String(text ?? '')
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')

function inputsTable(action) {
  const rows = Object.entries(action.inputs ?? {}).map(([name, input]) => {
    const fallback =
      input.default === undefined || input.default === '' ? '' : `\`${cell(input.default)}\``
    return `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${fallback} | ${cell(input.description)} |`
  })
  return [
    '| input | required | default | description |',
    '| --- | --- | --- | --- |',
    ...rows
  ].join('\n')
}

function outputsTable(action) {
  const rows = Object.entries(action.outputs ?? {}).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`
  )
  return ['| output | description |', '| --- | --- |', ...rows].join('\n')
}

let stale = 0
let missing = 0
for (const [actionFile, reference] of references) {
  const file = path.join(root, reference)
  const markers = [`<!-- inputs: ${actionFile} -->`, `<!-- outputs: ${actionFile} -->`]
  if (!(existsSync(file) && markers.every(m => readFileSync(file, 'utf8').includes(m)))) {
    // Generated tables need a place to go: the reference says what the action is for.
    console.error(
      actionFile === 'action.yml'
        ? `${reference}: the root action's reference needs the markers ${markers.join(' and ')}`
        : `${reference}: every action folder needs a README with the markers ${markers.join(' and ')}`
    )
    missing++
  }
}
for (const doc of docs) {
  const file = path.join(root, doc)
  if (!existsSync(file)) continue
  const before = readFileSync(file, 'utf8')
  const after = before.replace(
    /<!-- (inputs|outputs): (\S+) -->\n[\s\S]*?<!-- \/\1 -->/g,
    (whole, kind, actionFile) => {
      if (!existsSync(path.join(root, actionFile))) {
        console.error(`${doc}: a table of ${actionFile}, which does not exist`)
        missing++
        return whole
      }
      const action = parse(readFileSync(path.join(root, actionFile), 'utf8'))
      const tableText = kind === 'inputs' ? inputsTable(action) : outputsTable(action)
      return `<!-- ${kind}: ${actionFile} -->\n${tableText}\n<!-- /${kind} -->`
    }
  )
  if (after !== before) {
    stale++
    if (check)
      console.error(`${doc}: inputs/outputs tables differ from action.yml (run \`npm run docs\`)`)
    else writeFileSync(file, after)
  }
}
if (missing || (check && stale)) process.exit(1)
if (!check) console.log(stale ? `updated ${stale} file(s)` : 'docs already in step with action.yml')
