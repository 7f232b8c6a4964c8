import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'

/** A Node the runner can start an action with. */
export interface NodeInstall {
  executable: string
  /** `24.22.3` */
  version: string
}

/** The Node that runs one action, chosen from its `runs.using`. */
export interface NodeRuntime extends NodeInstall {
  /** The action's `runs.using`: `node24`. */
  using: string
  /** True when `runs.using` names an older Node than the one that runs it (GitHub forces it). */
  forced: boolean
}

/**
 * The `runs.using` values a GitHub runner still serves, and the Node major each runs on:
 * since June 2026 GitHub runs node20 actions on Node 24, with a deprecation warning, and
 * older runtimes (node12, node16) no longer run at all.
 */
const runsOn: Record<string, number> = { node20: 24, node24: 24 }

/** GitHub's warning, once per job, naming the actions forced onto a newer Node. */
export function forcedNodeWarning(actions: string[]): string {
  return (
    `Node.js 20 is deprecated. The following actions target Node.js 20 but are being forced ` +
    `to run on Node.js 24: ${actions.join(', ')}. For more information see: ` +
    `https://github.blog/changelog/2025-09-19-deprecation-of-node-20-on-github-actions-runners/`
  )
}

/** Where scripts/setup-node.sh unpacks the project's Node: `.cache/node/v<version>-<platform>`. */
const projectNodeCache = path.resolve(import.meta.dirname, '..', '..', '..', '..', '.cache', 'node')

function majorOf(version: string): number {
  return Number(version.split('.')[0])
}

function newestFirst(a: NodeInstall, b: NodeInstall): number {
  const x = a.version.split('.').map(Number)
  const y = b.version.split('.').map(Number)
  for (let index = 0; index < 3; index++) {
    const difference = (y[index] ?? 0) - (x[index] ?? 0)
    if (difference !== 0) return difference
  }
  return 0
}

/**
 * The Nodes the runner can use: the one running it, then those in the project's cache
 * (newest first), so a runner started on an older machine Node still runs node24 actions
 * on Node 24 once `bash scripts/setup-node.sh` has fetched it.
 */
export function availableNodes(cacheDir = projectNodeCache): NodeInstall[] {
  const own = { executable: process.execPath, version: process.versions.node }
  if (!existsSync(cacheDir)) return [own]
  const cached = readdirSync(cacheDir)
    .flatMap(name => {
      const version = /^v(\d+\.\d+\.\d+)-/.exec(name)?.[1]
      const executable = path.join(cacheDir, name, 'bin', 'node')
      return version && existsSync(executable) ? [{ executable, version }] : []
    })
    .sort(newestFirst)
  return [own, ...cached]
}

/**
 * The Node that runs an action whose action.yml says `runs.using: <using>`, or why the
 * runner cannot run it (a message for one line, after the file's name).
 */
export function nodeRuntimeFor(using: string, installs: NodeInstall[]): NodeRuntime | string {
  const major = runsOn[using]
  const supported = Object.keys(runsOn).join(' and ')
  if (major === undefined) {
    return `runs.using '${using}' is not supported by the local runner (it runs ${supported} actions, as GitHub does)`
  }
  const install = installs.find(candidate => majorOf(candidate.version) === major)
  if (!install) {
    const own = installs[0]?.version ?? process.versions.node
    return `runs.using '${using}' runs on Node ${major}, and the runner has none (it runs on Node ${own}; bash scripts/setup-node.sh fetches Node ${major} into .cache/node)`
  }
  return { ...install, using, forced: using !== `node${major}` }
}
