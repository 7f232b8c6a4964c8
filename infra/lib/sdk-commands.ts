import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { group } from '../../src/core/regex.js'

export const projectRoot = path.resolve(import.meta.dirname, '..', '..')
const entryDir = path.join(projectRoot, 'src', 'entrypoints')

/** One AWS SDK command an action's code sends: `new GetObjectCommand(…)` of client-s3. */
export interface CommandUse {
  /** The bundle (src/entrypoints/<action>.ts, dist/<action>/index.js). */
  action: string
  /** `client-s3`, `client-emr-serverless`, … */
  client: string
  /** `GetObjectCommand` */
  command: string
  /** The module that sends it, relative to the project. */
  file: string
}

const IMPORT =
  /\b(?:import|export)\s+(type\s+)?(?:\{([^}]*)\}|\*\s+as\s+\w+|\w+)?\s*(?:,\s*\{([^}]*)\})?\s*from\s+['"]([^'"]+)['"]/g
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g
const SIDE_EFFECT_IMPORT = /^\s*import\s+['"]([^'"]+)['"]/gm

/** The actions, as their entry points in src/entrypoints/ name them. */
export function actionNames(): string[] {
  return readdirSync(entryDir)
    .filter(file => file.endsWith('.ts'))
    .map(file => file.slice(0, -3))
    .sort()
}

/**
 * Every AWS SDK command the action's code can send: follows the entry point's relative
 * imports through src/ (static, re-exports and dynamic imports) and collects each
 * `new XxxCommand(` whose class is imported from an `@aws-sdk/client-*` package.
 */
export function commandsOf(
  action: string,
  entryFile: string = path.join(entryDir, `${action}.ts`)
): CommandUse[] {
  const found = new Map<string, CommandUse>()
  const seen = new Set<string>()
  const pending = [entryFile]
  while (pending.length) {
    const file = pending.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    const source = stripComments(readFileSync(file, 'utf8'))
    const sdkNames = new Map<string, { client: string; command: string }>()
    for (const match of source.matchAll(IMPORT)) {
      const [, typeOnly, named = '', moreNamed = ''] = match
      const specifier = group(match, 4)
      if (specifier.startsWith('.')) {
        if (!typeOnly) pending.push(resolveModule(file, specifier))
        continue
      }
      const client = /^@aws-sdk\/(client-[a-z0-9-]+)$/.exec(specifier)?.[1]
      if (!client || typeOnly) continue
      for (const entry of `${named},${moreNamed}`.split(',')) {
        const parts = entry.trim().split(/\s+as\s+/)
        if (!parts[0] || parts[0].startsWith('type ')) continue
        const imported = parts[0]
        if (imported.endsWith('Command'))
          sdkNames.set(parts[1] ?? imported, { client, command: imported })
      }
    }
    for (const match of [
      ...source.matchAll(DYNAMIC_IMPORT),
      ...source.matchAll(SIDE_EFFECT_IMPORT)
    ]) {
      const specifier = group(match, 1)
      if (specifier.startsWith('.')) pending.push(resolveModule(file, specifier))
    }
    for (const [local, { client, command }] of sdkNames) {
      if (!new RegExp(`\\bnew\\s+${local}\\s*\\(`).test(source)) continue
      const relative = path.relative(projectRoot, file)
      found.set(`${client}:${command}:${relative}`, { action, client, command, file: relative })
    }
  }
  return [...found.values()].sort((a, b) =>
    `${a.client}:${a.command}:${a.file}`.localeCompare(`${b.client}:${b.command}:${b.file}`)
  )
}

/** Every action's commands. */
export function allCommands(): CommandUse[] {
  return actionNames().flatMap(action => commandsOf(action))
}

function resolveModule(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier)
  for (const candidate of [
    base.replace(/\.js$/, '.ts'),
    `${base}.ts`,
    path.join(base, 'index.ts')
  ]) {
    if (existsSync(candidate)) return candidate
  }
  throw new Error(`${path.relative(projectRoot, from)}: cannot resolve import '${specifier}'`)
}

// A command named in a comment is not sent.
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
}
