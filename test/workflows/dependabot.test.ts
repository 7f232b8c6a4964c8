import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { projectRoot } from '../support/moto.js'

interface Update {
  'package-ecosystem': string
  directory: string
  schedule: { interval: string }
  groups: Record<string, { patterns: string[] }>
}
const config = parse(readFileSync(path.join(projectRoot, '.github/dependabot.yml'), 'utf8')) as {
  version: number
  updates: Update[]
}

describe('dependabot', () => {
  it('updates npm, pip and github-actions weekly, a week of each ecosystem as one pull request', () => {
    expect(config.version).toBe(2)
    expect(config.updates.map(update => update['package-ecosystem'])).toEqual([
      'npm',
      'pip',
      'github-actions'
    ])
    for (const update of config.updates) {
      const ecosystem = update['package-ecosystem']
      expect(update.schedule.interval, ecosystem).toBe('weekly')
      // One group that takes every dependency: one pull request per ecosystem and week.
      expect(
        Object.values(update.groups).map(group => group.patterns),
        ecosystem
      ).toEqual([['*']])
    }
  })

  it('looks where the manifests are', () => {
    const root = (ecosystem: string): string =>
      path.join(
        projectRoot,
        config.updates.find(update => update['package-ecosystem'] === ecosystem)?.directory ?? '?'
      )
    expect(existsSync(path.join(root('npm'), 'package-lock.json'))).toBe(true)
    expect(readdirSync(root('pip')).filter(name => /^requirements.*\.txt$/.test(name))).toContain(
      'requirements-dev.txt'
    )
    expect(existsSync(path.join(root('github-actions'), '.github/workflows'))).toBe(true)
  })
})
