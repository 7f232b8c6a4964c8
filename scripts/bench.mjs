#!/usr/bin/env node
// Runs the benchmarks in bench/*.bench.ts one after another and lets each print its figures.
// `npm run bench -- <word>` runs only those whose file name contains the word; what follows
// the word goes to each of them (`npm run bench -- cdc --sizes 100000,1000000`).
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const filter = process.argv[2] ?? ''
const extra = process.argv.slice(3)
const benches = readdirSync(path.join(root, 'bench'))
  .filter(file => file.endsWith('.bench.ts') && file.includes(filter))
  .sort()
if (benches.length === 0) {
  console.error(`no benchmark in bench/ matches '${filter}'`)
  process.exit(1)
}
let failed = 0
for (const bench of benches) {
  console.log(`\n=== ${bench}`)
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx')
  const result = spawnSync(tsx, [path.join('bench', bench), ...extra], {
    cwd: root,
    stdio: 'inherit'
  })
  if (result.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
