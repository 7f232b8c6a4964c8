import { startMoto as startLocalMoto, type Moto } from '../../local/src/moto.js'

export {
  awsTestEnv,
  localAwsEnv,
  projectRoot,
  venvPython,
  type Moto
} from '../../local/src/moto.js'

/**
 * The local AWS peer (local/src/moto.ts) with the tests' own harness extensions
 * (./harness_emr.py: EMR Serverless runs scripted over time, failures, attach targets).
 */
export function startMoto(): Promise<Moto> {
  return startLocalMoto({ extensions: [import.meta.dirname] })
}
