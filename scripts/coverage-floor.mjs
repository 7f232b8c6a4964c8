#!/usr/bin/env node
// Prints a test lane's coverage of the measured code (src/, the actions; local/src/, the local
// stack) per folder (from vitest's json-summary in
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
// A lane whose floor names `with` is held to the coverage of the lanes together: code the
// fast lane tests well must not pull the integration lane below its floor by being added.
const together = floors[lane].with ? [...floors[lane].with, lane] : undefined
// The lane run on its own (npm run test:integration) before its partner was ever measured:
// there is nothing to hold it to, so say so rather than fail after the run. `npm test` runs
// the partner first, so there the check always happens.
const absent = (together ?? [])
  .filter(name => name !== lane)
  .filter(name => !existsSync(path.join(root, 'coverage', name, 'coverage-final.json')))
if (absent.length) {
  console.log(
    `\ncoverage-floor: the ${lane} lane's floor is of the ${together.join(' and ')} lanes together, and coverage/${absent[0]}/ has no measure: floor not checked (run the ${absent[0]} lane first, or npm test)`
  )
  process.exit(0)
}
const summary = together
  ? mergedSummary(together.map(name => path.join(root, 'coverage', name, 'coverage-final.json')))
  : JSON.parse(readFileSync(summaryFile, 'utf8'))

/**
 * The json-summary shape (per file and total: covered and total statements, branches,
 * functions, lines) of several lanes' istanbul coverage together: a statement, function or
 * branch is covered when any lane ran it; a line when any statement starting on it was.
 */
function mergedSummary(files) {
  const merged = new Map()
  for (const file of files) {
    if (!existsSync(file))
      fail(`no ${path.relative(root, file)}: run the lane with --coverage first`)
    for (const [source, data] of Object.entries(JSON.parse(readFileSync(file, 'utf8')))) {
      const seen = merged.get(source)
      if (!seen) {
        merged.set(source, JSON.parse(JSON.stringify(data)))
        continue
      }
      for (const id of Object.keys(data.s)) seen.s[id] = (seen.s[id] ?? 0) + data.s[id]
      for (const id of Object.keys(data.f)) seen.f[id] = (seen.f[id] ?? 0) + data.f[id]
      for (const id of Object.keys(data.b)) {
        seen.b[id] = data.b[id].map((count, arm) => count + (seen.b[id]?.[arm] ?? 0))
      }
    }
  }
  const out = {}
  const total = Object.fromEntries(measures.map(m => [m, { covered: 0, total: 0 }]))
  for (const [source, data] of merged) {
    const statements = Object.values(data.s)
    const functions = Object.values(data.f)
    const branches = Object.values(data.b).flat()
    const lines = new Map()
    for (const [id, where] of Object.entries(data.statementMap)) {
      const line = where.start.line
      lines.set(line, (lines.get(line) ?? false) || data.s[id] > 0)
    }
    const counts = {
      statements: { covered: statements.filter(n => n > 0).length, total: statements.length },
      functions: { covered: functions.filter(n => n > 0).length, total: functions.length },
      branches: { covered: branches.filter(n => n > 0).length, total: branches.length },
      lines: { covered: [...lines.values()].filter(Boolean).length, total: lines.size }
    }
    out[source] = counts
    for (const m of measures) {
      total[m].covered += counts[m].covered
      total[m].total += counts[m].total
    }
  }
  out.total = total
  return out
}

// Sums per folder (src/core, local/src/runner, …); a folder's per cent is of its own counts.
// A file directly in src/ or local/src/ counts in that folder's own row.
function folderOf(file) {
  const relative = path.relative(root, file).split(path.sep)
  const depth = relative[0] === 'local' ? 3 : 2
  return relative.slice(0, Math.min(depth, relative.length - 1)).join('/')
}
const folders = new Map()
for (const [file, counts] of Object.entries(summary)) {
  if (file === 'total') continue
  const folder = folderOf(file)
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
const width = Math.max(14, ...[...folders.keys()].map(folder => folder.length + 2))
const rows = [
  `${`${together ? together.join(' + ') : `${lane} lane`}`.padEnd(width)}${measures.map(m => m.padStart(12)).join('')}`,
  ...[...folders.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([folder, sums]) =>
        `${folder.padEnd(width)}${measures.map(m => cell(percent(sums[m]))).join('')}`
    ),
  `${'all measured'.padEnd(width)}${measures.map(m => cell(percent(summary.total[m]))).join('')}`,
  `${'floor'.padEnd(width)}${measures.map(m => cell(floors[lane][m])).join('')}`
]
const by = together ? `the ${together.join(' and ')} lanes together` : `the ${lane} lane`
console.log(`\ncoverage of src/ and local/src/ by ${by}\n${rows.join('\n')}`)

const below = measures.filter(m => percent(summary.total[m]) < floors[lane][m])
for (const measure of below) {
  console.error(
    together
      ? `coverage-floor: ${by} cover ${percent(summary.total[measure]).toFixed(2)} % of the measured ${measure} (src/, local/src/), below the ${lane} lane's floor of ${floors[lane][measure]} % (test/coverage-floors.json)`
      : `coverage-floor: the ${lane} lane covers ${percent(summary.total[measure]).toFixed(2)} % of the measured ${measure} (src/, local/src/), below its floor of ${floors[lane][measure]} % (test/coverage-floors.json)`
  )
}
if (below.length) process.exit(1)
