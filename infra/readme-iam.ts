// Rewrites the README's IAM blocks from infra/pipeline.yaml and the actions' code
// (test/infra/iam.test.ts fails while they differ).
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { withIamBlocks } from './lib/readme-iam.js'
import { projectRoot } from './lib/sdk-commands.js'
import { loadTemplate } from './lib/template.js'

const readmePath = path.join(projectRoot, 'README.md')
const before = readFileSync(readmePath, 'utf8')
const after = withIamBlocks(before, loadTemplate())
if (after !== before) writeFileSync(readmePath, after)
process.stdout.write(
  after === before
    ? 'README.md: IAM blocks already up to date\n'
    : 'README.md: IAM blocks rewritten\n'
)
