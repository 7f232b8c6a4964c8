// Rewrites the IAM blocks of docs/iam.md from infra/pipeline.yaml and the actions' code
// (test/infra/iam.test.ts fails while they differ).
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { IAM_PAGE, withIamBlocks } from './lib/readme-iam.js'
import { projectRoot } from './lib/sdk-commands.js'
import { loadTemplate } from './lib/template.js'

const pagePath = path.join(projectRoot, IAM_PAGE)
const before = readFileSync(pagePath, 'utf8')
const after = withIamBlocks(before, loadTemplate())
if (after !== before) writeFileSync(pagePath, after)
process.stdout.write(
  after === before
    ? `${IAM_PAGE}: IAM blocks already up to date\n`
    : `${IAM_PAGE}: IAM blocks rewritten\n`
)
