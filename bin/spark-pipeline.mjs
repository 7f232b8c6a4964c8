#!/usr/bin/env node
// Runs the local workflow runner from its TypeScript source through tsx: no second build to
// keep fresh beside dist/, and tsx also loads @actions/workflow-parser's JSON schema imports,
// which plain Node 20 refuses without import attributes.
import { register } from 'tsx/esm/api'

register()
await import('../local/src/runner/main.ts')
