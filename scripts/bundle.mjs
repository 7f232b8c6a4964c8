#!/usr/bin/env node
// Bundles every entry point src/entrypoints/<name>.ts into dist/<name>/index.js with ncc.
// `--out DIR` builds elsewhere (the freshness test compares that against dist/); names after
// the options build only those bundles and leave the others alone.
import { spawn } from 'node:child_process'
import { readdir, rm, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outIndex = process.argv.indexOf('--out')
const outDir = outIndex > 0 ? path.resolve(process.argv[outIndex + 1]) : path.join(root, 'dist')
const entryDir = path.join(root, 'src', 'entrypoints')

const all = (await readdir(entryDir))
  .filter(file => file.endsWith('.ts'))
  .map(file => file.slice(0, -3))
  .sort()
const named = process.argv
  .slice(2)
  .filter((arg, index, args) => arg !== '--out' && args[index - 1] !== '--out')
const unknown = named.filter(name => !all.includes(name))
if (unknown.length) {
  console.error(`no entry point src/entrypoints/${unknown[0]}.ts (have: ${all.join(', ')})`)
  process.exit(1)
}
const entries = named.length ? named : all

if (named.length) {
  for (const name of entries) await rm(path.join(outDir, name), { recursive: true, force: true })
} else {
  await rm(outDir, { recursive: true, force: true })
}
await mkdir(outDir, { recursive: true })

const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
const build = name =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ncc,
        'build',
        path.join(entryDir, `${name}.ts`),
        '-o',
        path.join(outDir, name),
        '--license',
        'licenses.txt',
        '--quiet',
        '--target',
        'es2022'
      ],
      { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] }
    )
    child.on('exit', code =>
      code === 0 ? resolve() : reject(new Error(`ncc failed for ${name} (exit ${code})`))
    )
  })

// Two at a time: the machine has two cores and each ncc run is CPU-bound.
const queue = [...entries]
await Promise.all(
  [0, 1].map(async () => {
    for (let name = queue.shift(); name; name = queue.shift()) await build(name)
  })
)
console.log(
  `bundled ${entries.length} entry points into ${path.relative(root, outDir) || '.'}: ${entries.join(', ')}`
)
