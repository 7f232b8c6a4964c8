#!/usr/bin/env node
// Prints a test lane's coverage of src/ per folder (from vitest's json-summary in
// coverage/<lane>/) and fails, one line per measure, when the lane's total drops below its
// floor in test/coverage-floors.json. scripts/test.sh runs it after the fast and the
// integration lanes.
//   node scripts/coverage-floor.mjs fast [project root]
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const measures = ['statements', 'branches', 'functions', 'lines']
const [lane, rootArg] = process.argv.slice(2)
const root = rootArg
  ? path.resolve(rootArg)
  : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function fail(message) {
  console.error(`coverage-floor: ${message}`)
  process.exit(1)
}

const floorsFile = path.join(root, 'test', 'coverage-floors.json')
const floors = JSON.parse(readFileSync(floorsFile, 'utf8'))
if (!lane || !floors[lane]) {
  fail(
    `expected a lane with a floor in test/coverage-floors.json (${Object.keys(floors).join(', ')}), got '${lane ?? ''}'`
  )
}
const summaryFile = path.join(root, 'coverage', lane, 'coverage-summary.json')
if (!existsSync(summaryFile)) {
  fail(`no ${path.relative(root, summaryFile)}: run the lane with --coverage first`)
}
const summary = JSON.parse(readFileSync(summaryFile, 'utf8'))

// Sums per folder of src/ (src/core, src/runner, …); a folder's per cent is of its own counts.
const folders = new Map()
for (const [file, counts] of Object.entries(summary)) {
  if (file === 'total') continue
  const relative = path.relative(path.join(root, 'src'), file).split(path.sep)
  const folder = relative.length > 1 ? relative[0] : '.'
  const sums =
    folders.get(folder) ?? Object.fromEntries(measures.map(m => [m, { covered: 0, total: 0 }]))
  for (const measure of measures) {
    sums[measure].covered += counts[measure].covered
    sums[measure].total += counts[measure].total
  }
  folders.set(folder, sums)
}

const percent = ({ covered, total }) => (total === 0 ? 100 : (100 * covered) / total)
const cell = value => `${value.toFixed(1)} %`.padStart(12)
const width = Math.max(10, ...[...folders.keys()].map(folder => `src/${folder}`.length))
const rows = [
  `${`${lane} lane`.padEnd(width)}${measures.map(m => m.padStart(12)).join('')}`,
  ...[...folders.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([folder, sums]) =>
        `${`src/${folder}`.padEnd(width)}${measures.map(m => cell(percent(sums[m]))).join('')}`
    ),
  `${'all of src'.padEnd(width)}${measures.map(m => cell(percent(summary.total[m]))).join('')}`,
  `${'floor'.padEnd(width)}${measures.map(m => cell(floors[lane][m])).join('')}`
]
console.log(`\ncoverage of src/ by the ${lane} lane\n${rows.join('\n')}`)

const below = measures.filter(m => percent(summary.total[m]) < floors[lane][m])
for (const measure of below) {
  console.error(
    `coverage-floor: the ${lane} lane covers ${percent(summary.total[measure]).toFixed(2)} % of src/'s ${measure}, below its floor of ${floors[lane][measure]} % (test/coverage-floors.json)`
  )
}
if (below.length) process.exit(1)
