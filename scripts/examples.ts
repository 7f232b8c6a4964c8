// Writes examples/ from the project's own workflows, jobs and rules (`npm run examples`);
// `--check` only lists what differs and exits 1. See scripts/lib/examples.ts.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { examplesDifferences, expectedExamples } from './lib/examples.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = (line: string): boolean => process.stdout.write(`${line}\n`)

if (process.argv.includes('--check')) {
  const problems = examplesDifferences(root)
  for (const problem of problems) out(problem)
  if (problems.length > 0) {
    out('examples: run `npm run examples` and commit examples/')
    process.exit(1)
  }
  out('examples: up to date')
} else {
  const examplesDir = path.join(root, 'examples')
  rmSync(examplesDir, { recursive: true, force: true })
  const files = expectedExamples(root)
  for (const [file, content] of files) {
    mkdirSync(path.dirname(path.join(examplesDir, file)), { recursive: true })
    writeFileSync(path.join(examplesDir, file), content)
  }
  out(`examples: wrote ${files.size} files`)
}
