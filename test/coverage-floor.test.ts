import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from './support/moto.js'
import { tempDir } from './support/temp.js'

const script = path.join(projectRoot, 'scripts', 'coverage-floor.mjs')
const counts = (covered: number, total: number) => ({
  covered,
  total,
  skipped: 0,
  pct: total ? (100 * covered) / total : 100
})
const file = (covered: number, total: number) => ({
  statements: counts(covered, total),
  branches: counts(covered, total),
  functions: counts(covered, total),
  lines: counts(covered, total)
})

/** A project root holding a lane's json-summary and the floors, as vitest and git leave them. */
function root(floor: number): string {
  const dir = tempDir('coverage-floor')
  mkdirSync(path.join(dir, 'test'))
  mkdirSync(path.join(dir, 'coverage', 'fast'), { recursive: true })
  const floors = { statements: floor, branches: floor, functions: floor, lines: floor }
  writeFileSync(path.join(dir, 'test', 'coverage-floors.json'), JSON.stringify({ fast: floors }))
  const summary = {
    total: file(60, 100),
    [path.join(dir, 'src', 'core', 'a.ts')]: file(45, 50),
    [path.join(dir, 'src', 'core', 'b.ts')]: file(5, 10),
    [path.join(dir, 'local', 'src', 'runner', 'steps', 'c.ts')]: file(8, 30),
    [path.join(dir, 'local', 'src', 'moto.ts')]: file(2, 10)
  }
  writeFileSync(
    path.join(dir, 'coverage', 'fast', 'coverage-summary.json'),
    JSON.stringify(summary)
  )
  return dir
}

const run = (...args: string[]) =>
  spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' })

describe('scripts/coverage-floor.mjs', () => {
  it('prints the lane’s coverage per folder of src/ and local/src/ (subfolders counted in theirs) and passes at its floor', () => {
    const result = run('fast', root(60))
    expect(result.status, result.stderr).toBe(0)
    const rows = result.stdout.trim().split('\n').slice(2)
    expect(rows.map(row => row.split(/\s{2,}/))).toEqual([
      ['local/src', '20.0 %', '20.0 %', '20.0 %', '20.0 %'],
      ['local/src/runner', '26.7 %', '26.7 %', '26.7 %', '26.7 %'],
      ['src/core', '83.3 %', '83.3 %', '83.3 %', '83.3 %'],
      ['all measured', '60.0 %', '60.0 %', '60.0 %', '60.0 %'],
      ['floor', '60.0 %', '60.0 %', '60.0 %', '60.0 %']
    ])
  })

  it('fails, one line per measure, when the lane drops below its floor', () => {
    const result = run('fast', root(61))
    expect(result.status).toBe(1)
    expect(result.stderr.trim().split('\n')).toEqual(
      ['statements', 'branches', 'functions', 'lines'].map(
        measure =>
          `coverage-floor: the fast lane covers 60.00 % of the measured ${measure} (src/, local/src/), below its floor of 61 % (test/coverage-floors.json)`
      )
    )
  })

  it('refuses, in one line, a lane without a floor or a lane not measured', () => {
    const dir = root(60)
    expect(run('e2e', dir).stderr).toBe(
      "coverage-floor: expected a lane with a floor in test/coverage-floors.json (fast), got 'e2e'\n"
    )
    const floors = JSON.parse(readFileSync(path.join(dir, 'test', 'coverage-floors.json'), 'utf8'))
    writeFileSync(
      path.join(dir, 'test', 'coverage-floors.json'),
      JSON.stringify({ ...floors, integration: floors.fast })
    )
    const unmeasured = run('integration', dir)
    expect(unmeasured.status).toBe(1)
    expect(unmeasured.stderr).toBe(
      'coverage-floor: no coverage/integration/coverage-summary.json: run the lane with --coverage first\n'
    )
  })

  it('holds both measured lanes of the project to a floor above zero, integration with fast', () => {
    const floors = JSON.parse(
      readFileSync(path.join(projectRoot, 'test', 'coverage-floors.json'), 'utf8')
    ) as Record<string, Record<string, number> & { with?: string[] }>
    expect(Object.keys(floors)).toEqual(['fast', 'integration'])
    expect(floors.integration?.with).toEqual(['fast'])
    for (const floor of Object.values(floors)) {
      for (const measure of ['statements', 'branches', 'functions', 'lines']) {
        expect(floor[measure]).toBeGreaterThan(0)
      }
    }
  })

  it('a lane held with another: covered when either lane ran it, line by line', () => {
    const dir = tempDir('coverage-together')
    mkdirSync(path.join(dir, 'test'))
    const floors = { statements: 75, branches: 50, functions: 100, lines: 75 }
    writeFileSync(
      path.join(dir, 'test', 'coverage-floors.json'),
      JSON.stringify({ fast: floors, integration: { ...floors, with: ['fast'] } })
    )
    const source = path.join(dir, 'src', 'core', 'a.ts')
    // Four statements on four lines, two functions, one branch of two arms.
    const lane = (s: number[], f: number[], b: number[]) => ({
      [source]: {
        path: source,
        statementMap: Object.fromEntries(
          s.map((_count, id) => [id, { start: { line: id + 1 }, end: { line: id + 1 } }])
        ),
        s: Object.fromEntries(s.map((count, id) => [id, count])),
        f: Object.fromEntries(f.map((count, id) => [id, count])),
        b: { 0: b }
      }
    })
    for (const [name, data] of [
      ['fast', lane([1, 1, 0, 0], [1, 0], [1, 0])],
      ['integration', lane([0, 1, 1, 0], [0, 1], [0, 0])]
    ] as const) {
      mkdirSync(path.join(dir, 'coverage', name), { recursive: true })
      writeFileSync(path.join(dir, 'coverage', name, 'coverage-final.json'), JSON.stringify(data))
      writeFileSync(
        path.join(dir, 'coverage', name, 'coverage-summary.json'),
        JSON.stringify({ total: file(0, 4) })
      )
    }
    const result = run('integration', dir)
    expect(result.status, result.stderr).toBe(0)
    const rows = result.stdout.trim().split('\n')
    expect(rows[0]).toBe(
      'coverage of src/ and local/src/ by the fast and integration lanes together'
    )
    expect(rows.at(-2)?.split(/\s{2,}/)).toEqual([
      'all measured',
      '75.0 %',
      '50.0 %',
      '100.0 %',
      '75.0 %'
    ])
    writeFileSync(
      path.join(dir, 'test', 'coverage-floors.json'),
      JSON.stringify({ fast: floors, integration: { ...floors, lines: 80, with: ['fast'] } })
    )
    expect(run('integration', dir).stderr).toBe(
      "coverage-floor: the fast and integration lanes together cover 75.00 % of the measured lines (src/, local/src/), below the integration lane's floor of 80 % (test/coverage-floors.json)\n"
    )

    // Run alone before the fast lane was ever measured: nothing to hold it to, and it says so.
    rmSync(path.join(dir, 'coverage', 'fast'), { recursive: true })
    const alone = run('integration', dir)
    expect(alone.status, alone.stderr).toBe(0)
    expect(alone.stdout.trim()).toBe(
      "coverage-floor: the integration lane's floor is of the fast and integration lanes together, and coverage/fast/ has no measure: floor not checked (run the fast lane first, or npm test)"
    )
  })
})
