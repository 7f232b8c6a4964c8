/**
 * The values of `npm run pipeline`'s flags (dates, numbers, the lake folder), checked by
 * scripts/run-pipeline.sh after npm ci and before the virtualenvs and the jars: a wrong value
 * is one line, the usage and exit code 2, with nothing more set up.
 */
import path from 'node:path'
import { pipelineArgsOrExit } from './lib/pipeline-args.js'

pipelineArgsOrExit(process.argv.slice(2), path.resolve(import.meta.dirname, '..'))
