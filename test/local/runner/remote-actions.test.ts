import { describe, expect, it } from 'vitest'
import { remoteLabel, standInFor } from '../../../local/src/runner/steps/remote-actions.js'
import { planWorkflow } from '../../../local/src/runner/plan.js'
import { loadWorkflow } from '../../../local/src/runner/workflow-file.js'
import { projectRoot } from './support.js'

const checkoutSha = 'fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09'
const credentialsSha = '61815dcd50bd041e203e49132bacad1fd04d2708'

describe('runner: stand-ins for remote actions pinned to a commit SHA', () => {
  it('a SHA ref gets the same stand-in as a tag ref', () => {
    for (const name of ['actions/checkout', 'aws-actions/configure-aws-credentials']) {
      const byTag = standInFor(`${name}@v5`)
      expect(byTag, name).toBeTypeOf('function')
      expect(standInFor(`${name}@${checkoutSha}`), name).toBe(byTag)
      expect(standInFor(`${name}@v5.1.0`), name).toBe(byTag)
    }
    expect(standInFor(`someone/unknown-action@${checkoutSha}`)).toBeUndefined()
  })

  it('the credentials stand-in behind a SHA ref exports the local credentials and region', () => {
    const standIn = standInFor(`aws-actions/configure-aws-credentials@${credentialsSha}`)
    const done = standIn?.({
      inputs: { 'aws-region': 'eu-west-1' },
      hostEnv: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'local-secret' }
    })
    expect(done?.env).toEqual({
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'local-secret',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1'
    })
    expect(done?.secrets).toEqual(['local-secret'])
  })

  it('names a pinned step by its short SHA, a tagged one as written', () => {
    expect(remoteLabel(`actions/checkout@${checkoutSha}`)).toBe('actions/checkout@fbc6f39')
    expect(remoteLabel('actions/checkout@v5')).toBe('actions/checkout@v5')
    expect(remoteLabel('actions/checkout@main')).toBe('actions/checkout@main')
  })

  it('plans the pinned workflows with every remote step as a stand-in (--strict)', async () => {
    const workflow = await loadWorkflow(projectRoot, '.github/workflows/auto-retry.yml')
    const plan = await planWorkflow(projectRoot, workflow, true)
    expect(plan[0]?.steps.map(step => `${step.kind} ${step.label}`)).toEqual([
      'stand-in actions/checkout@fbc6f39',
      'local-action ./auto-retry'
    ])
  })
})
