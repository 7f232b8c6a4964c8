#!/usr/bin/env node
// Fails when dist/ differs from a fresh build of src/: the runner executes dist/, so a stale
// bundle would ship code nobody tested. Runs once, in the checks lane of the test script (not
// inside vitest, where rebuilding every bundle under a per-test timeout failed on a busy
// machine). Builds into a temporary folder and removes it afterwards.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const distDir = path.join(root, 'dist')

function filesUnder(dir, base = dir) {
  return readdirSync(dir).flatMap(name => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? filesUnder(full, base) : [path.relative(base, full)]
  })
}

/** The relative paths that differ between two trees: missing, extra or changed. */
export function differences(committedDir, freshDir) {
  const committed = new Set(filesUnder(committedDir))
  const fresh = new Set(filesUnder(freshDir))
  const problems = []
  for (const file of fresh) if (!committed.has(file)) problems.push(`missing: dist/${file}`)
  for (const file of committed)
    if (!fresh.has(file)) problems.push(`not built from src/: dist/${file}`)
  for (const file of committed) {
    if (!fresh.has(file)) continue
    const same = readFileSync(path.join(committedDir, file)).equals(
      readFileSync(path.join(freshDir, file))
    )
    if (!same) problems.push(`stale: dist/${file}`)
  }
  return problems.sort()
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const fresh = mkdtempSync(path.join(tmpdir(), 'dist-fresh-'))
  try {
    execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs'), '--out', fresh], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit']
    })
    const problems = differences(distDir, fresh)
    if (problems.length) {
      console.error(
        `dist/ differs from a fresh build of src/ (run \`npm run bundle\` and commit dist/):\n  ${problems.join('\n  ')}`
      )
      process.exitCode = 1
    } else {
      console.log(`dist/ equals a fresh build of src/ (${filesUnder(distDir).length} files)`)
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true })
  }
}
