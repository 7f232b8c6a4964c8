import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { WorkflowOutcome } from '../../../local/src/runner/workflow-runner.js'
import { tempDir } from '../../support/temp.js'
import { projectRoot, runFixture } from './support.js'
import { group } from '../../../src/core/regex.js'
import { present } from '../../support/present.js'

// The local runner checked against a peer: nektos/act, built by scripts/setup-act.sh, runs the
// same workflows (test/fixtures/workflows/peer/) on this host with no Docker
// (`-P ubuntu-latest=-self-hosted`) and offline. Both runs are reduced to one trace: per job
// its result, and in order each main and post step with its outcome and the `peer:` lines it
// printed (those lines carry what the steps saw: step outcomes and conclusions, step and job
// outputs, env). The traces must be equal, except where act is known to differ from GitHub:
// those cases are listed in `actDiffers`, and there the runner is checked against GitHub's
// documented behaviour instead, and act's difference is asserted too, so a later act that
// fixes it makes this test say so.

const actBinary = path.join(projectRoot, '.cache', 'bin', 'act')
const actVersion = 'act version 0.2.89'
const peerFolder = path.join('test', 'fixtures', 'workflows', 'peer')
const workflows = [
  'run-steps.yml',
  'actions.yml',
  'needs.yml',
  'post-fails.yml',
  'commands.yml',
  'block-scalars.yml',
  'block-scalars.crlf.yml',
  'local-actions.yml'
] as const
type Workflow = (typeof workflows)[number]

type Result = 'success' | 'failure' | 'cancelled' | 'skipped'
interface StepTrace {
  /** `Main <name>` or `Post <name>`. */
  step: string
  result?: Result
  lines: string[]
}
interface JobTrace {
  result?: Result | undefined
  steps: StepTrace[]
}
type RunTrace = Record<string, JobTrace>

interface ActDifference {
  workflow: Workflow
  /** The jobs left out of the comparison with act; checked against GitHub's behaviour. */
  jobs: string[]
  why: string
  /** The difference decides whether the run fails: its own test compares the exit codes. */
  runResultDiffers?: true
}

// Where act v0.2.89 is known to differ from GitHub. Never empty by accident: each entry has a
// test below that checks both sides.
const actDiffers: ActDifference[] = [
  {
    workflow: 'needs.yml',
    jobs: ['tolerated-job', 'after-tolerated'],
    why:
      'act has no job-level continue-on-error (its model.Job has no such field, only model.Step), ' +
      'so a failed job with continue-on-error: true fails its dependants. GitHub: "Prevents a ' +
      'workflow run from failing when a job fails" (workflow syntax, ' +
      'jobs.<job_id>.continue-on-error); dependants see needs.<id>.result success (actions/runner#1161)'
  },
  {
    workflow: 'post-fails.yml',
    jobs: ['post-fails', 'later'],
    why:
      "act's job.status (RunContext.getJobContext) counts only the main steps' results, so a " +
      'failed post step leaves success() true for the post steps after it; and the failed post ' +
      "step's error ends act's whole run, so no later job starts, not even one with if: always(). " +
      'GitHub runs the post steps in the same loop as the main ones and updates the job result ' +
      'after each (actions/runner, src/Runner.Worker/StepsRunner.cs): a later post-if: success() ' +
      'is skipped, and the job is just a failed job for its dependants'
  },
  {
    workflow: 'commands.yml',
    jobs: ['disabled', 'disabled-path', 'allowed-by-step'],
    runResultDiffers: true,
    why:
      'act prints that ::set-env and ::add-path are disabled and goes on (pkg/runner/command.go), ' +
      "and reads ACTIONS_ALLOW_UNSECURE_COMMANDS from the job's env only. GitHub's runner fails " +
      'the step with its message (actions/runner, src/Runner.Worker/ActionCommandManager.cs: the ' +
      'command throws, CommandResult = Failed), and reads the opt-in from the env context, which ' +
      "holds the step's own env (StepsRunner merges it in before the step runs)"
  }
]

// act on the host (pkg/container/host_environment.go, exec) returns as soon as a step's process
// exits non-zero, before its pty copy has delivered the last output, so a failing step's last
// lines are sometimes missing from act's log; a GitHub runner reads a step's output to its
// end. So for a failing step act's lines need only be a beginning of ours, and ours are checked
// in full against what the step prints.
const failingStepLines: Partial<Record<Workflow, Record<string, Record<string, string[]>>>> = {
  'run-steps.yml': {
    steps: {
      'Main fails but may': ['peer: flaky runs'],
      'Main fails': ['peer: about to fail']
    }
  },
  'actions.yml': {
    failing: {
      'Main record tolerated': ['peer: main tolerated'],
      'Main record broken': ['peer: main broken']
    }
  }
}

/** act's trace with each failing step's lines taken from ours when act's are a beginning of them. */
function withLostOutput(actSide: RunTrace, ourSide: RunTrace): RunTrace {
  const aligned = structuredClone(actSide)
  for (const [jobId, job] of Object.entries(aligned)) {
    for (const step of job.steps) {
      const ourStep = ourSide[jobId]?.steps.find(candidate => candidate.step === step.step)
      if (step.result !== 'failure' || !ourStep) continue
      if (step.lines.every((line, index) => ourStep.lines[index] === line)) {
        step.lines = [...ourStep.lines]
      }
    }
  }
  return aligned
}

const peerLine = /^peer: /

/** act's --json log (one logrus entry a line) reduced to the trace. */
function actTrace(log: string): RunTrace {
  const jobs: RunTrace = {}
  for (const [index, line] of log.split('\n').entries()) {
    if (!line.trim()) continue
    let entry: Record<string, unknown>
    try {
      entry = JSON.parse(line) as Record<string, unknown>
    } catch {
      throw new Error(`act's log line ${index + 1} is not JSON: ${line.slice(0, 200)}`)
    }
    const jobId = entry.jobID
    if (typeof jobId !== 'string') continue
    const job = (jobs[jobId] ??= { steps: [] })
    if (typeof entry.jobResult === 'string') job.result = entry.jobResult as Result
    const stage = entry.stage
    if (typeof stage !== 'string' || typeof entry.step !== 'string') continue
    const message = String(entry.msg ?? '')
    // act logs a skipped post step for every step whose main part was skipped, or that has
    // no post (actions/checkout here); GitHub shows no post step at all for those.
    if (message.startsWith('skipping post step for')) continue
    const name = `${stage} ${entry.step}`
    const starts = message.startsWith('⭐ Run ')
    let step = job.steps.find(candidate => candidate.step === name)
    if (!step && (starts || entry.stepResult !== undefined || entry.raw_output === true)) {
      step = { step: name, lines: [] }
      job.steps.push(step)
    }
    if (!step) continue
    if (typeof entry.stepResult === 'string') step.result = entry.stepResult as Result
    if (entry.raw_output === true) {
      for (const text of message.replace(/\n$/, '').split('\n')) {
        if (peerLine.test(text)) step.lines.push(text)
      }
    }
  }
  return jobs
}

/** The runner's printed log (`job ▸ step`, `job ▸ step: failed (…)`, `job │ line`) as a trace. */
function runnerTrace(output: string, outcome: WorkflowOutcome | undefined): RunTrace {
  if (!outcome) throw new Error('the runner gave no outcome (a dry run?)')
  const jobs: RunTrace = {}
  for (const [id, need] of Object.entries(outcome.jobs))
    jobs[id] = { result: need.result, steps: [] }
  const current: Record<string, StepTrace | undefined> = {}
  const ended = /^(.*): (passed|failed|skipped|cancelled) \([^)]*\)(?: — .*)?$/
  const words: Record<string, Result> = {
    passed: 'success',
    failed: 'failure',
    skipped: 'skipped',
    cancelled: 'cancelled'
  }
  for (const line of output.split('\n')) {
    const stepLine = /^ {2}(\S+) ▸ (.*)$/.exec(line)
    const logLine = /^ {2}(\S+) │ (.*)$/.exec(line)
    if (stepLine) {
      const [jobId, rest] = [group(stepLine, 1), group(stepLine, 2)]
      const job = jobs[jobId]
      if (!job) throw new Error(`a step line of a job the outcome does not know: ${line}`)
      const end = ended.exec(rest)
      const name = end ? group(end, 1) : rest
      const key = name.startsWith('Post ') ? name : `Main ${name}`
      let step = job.steps.find(candidate => candidate.step === key)
      if (!step) {
        // A step is started, or ended at once (skipped); a started one passes unless told.
        step = { step: key, result: 'success', lines: [] }
        job.steps.push(step)
      }
      if (end) step.result = present(words[group(end, 2)], 'a known result word')
      current[jobId] = step
    } else if (logLine && peerLine.test(group(logLine, 2))) {
      const step = current[group(logLine, 1)]
      if (!step) throw new Error(`a peer: line before any step: ${line}`)
      step.lines.push(group(logLine, 2))
    }
  }
  return jobs
}

function without(trace: RunTrace, jobs: string[]): RunTrace {
  return Object.fromEntries(Object.entries(trace).filter(([id]) => !jobs.includes(id)))
}

interface PeerRun {
  exitCode: number
  log: string
  stderr: string
  trace: RunTrace
}

function runAct(workspace: string, home: string, workflow: Workflow): Promise<PeerRun> {
  const args = [
    'workflow_dispatch',
    '-W',
    path.join(peerFolder, workflow),
    '-P',
    'ubuntu-latest=-self-hosted',
    '--action-offline-mode',
    '--action-cache-path',
    path.join(home, 'act-cache'),
    '--no-cache-server',
    // No Docker: act must not even look for a socket.
    '--container-daemon-socket',
    '-',
    '--json',
    // Debug level: act logs skipped steps and jobs only there.
    '--verbose'
  ]
  return new Promise((resolve, reject) => {
    const child = spawn(actBinary, args, {
      cwd: workspace,
      // A clean environment: no ~/.actrc, no GITHUB_* of the machine running the tests, and
      // no notice check against act's web service.
      env: { PATH: process.env.PATH ?? '', HOME: home, ACT_DISABLE_VERSION_CHECK: '1' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let log = ''
    let stderr = ''
    child.stdout.on('data', chunk => (log += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('error', reject)
    child.on('close', code => {
      try {
        resolve({ exitCode: code ?? -1, log, stderr, trace: actTrace(log) })
      } catch (error) {
        reject(error as Error)
      }
    })
  })
}

/** A git repository holding only the peer fixtures, at the same paths as in the project. */
function peerWorkspace(): { workspace: string; home: string } {
  const root = tempDir('act-peer')
  const workspace = path.join(root, 'repo')
  const home = path.join(root, 'home')
  mkdirSync(home, { recursive: true })
  cpSync(path.join(projectRoot, peerFolder), path.join(workspace, peerFolder), { recursive: true })
  const git = (...args: string[]): void => {
    const done = spawnSync(
      'git',
      ['-c', 'user.name=peer', '-c', 'user.email=peer@localhost', ...args],
      { cwd: workspace, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: home } }
    )
    if (done.status !== 0) throw new Error(`git ${args.join(' ')}: ${done.stderr}`)
  }
  git('init', '-q', '-b', 'main')
  git('add', '-A')
  git('commit', '-q', '-m', 'peer fixtures')
  return { workspace, home }
}

describe('the local runner agrees with nektos/act', () => {
  const act = {} as Record<Workflow, PeerRun>
  const ours = {} as Record<Workflow, PeerRun & { outcome: WorkflowOutcome }>

  beforeAll(async () => {
    const version = existsSync(actBinary)
      ? spawnSync(actBinary, ['--version'], { encoding: 'utf8' }).stdout.trim()
      : ''
    if (version !== actVersion) {
      throw new Error(
        `${path.relative(projectRoot, actBinary)} is ${version ? `'${version}'` : 'missing'}, ` +
          `expected '${actVersion}': run \`bash scripts/setup-act.sh\` (npm test runs it)`
      )
    }
    const { workspace, home } = peerWorkspace()
    for (const workflow of workflows) {
      act[workflow] = await runAct(workspace, home, workflow)
      const run = await runFixture(path.join(peerFolder, workflow), {
        workspace,
        workflowFile: path.join(workspace, peerFolder, workflow),
        hostEnv: { PATH: process.env.PATH, HOME: home }
      })
      if (!run.outcome) throw new Error(`the runner ran nothing for ${workflow}`)
      ours[workflow] = {
        exitCode: run.exitCode,
        log: run.output,
        stderr: '',
        outcome: run.outcome,
        trace: runnerTrace(run.output, run.outcome)
      }
    }
  }, 180_000)

  it('act ran offline on this host: no image pulled, no action cloned, every step traced', () => {
    for (const workflow of workflows) {
      const { log, trace } = act[workflow]
      expect(log, workflow).not.toMatch(/git clone|docker pull|Start image|Pulling image/i)
      for (const [jobId, job] of Object.entries(trace)) {
        expect(job.result, `${workflow} ${jobId}: act logged no job result`).toBeDefined()
        for (const step of job.steps) {
          expect(
            step.result,
            `${workflow} ${jobId} ${step.step}: act logged no result`
          ).toBeDefined()
        }
      }
    }
  })

  // post-fails.yml differs in every job: the test after these compares it.
  for (const workflow of workflows.filter(name => name !== 'post-fails.yml')) {
    it(`${workflow}: the same jobs, steps in the same order, outcomes and peer lines`, () => {
      const skip = actDiffers.filter(entry => entry.workflow === workflow).flatMap(e => e.jobs)
      const ourSide = without(ours[workflow].trace, skip)
      const actSide = withLostOutput(without(act[workflow].trace, skip), ourSide)
      // A trace with no steps would make this comparison pass vacuously.
      expect(Object.values(actSide).flatMap(job => job.steps).length).toBeGreaterThan(3)
      expect(ourSide).toEqual(actSide)
      // The failing steps' output, which act may cut short, is all there in ours.
      for (const [jobId, steps] of Object.entries(failingStepLines[workflow] ?? {})) {
        for (const [name, lines] of Object.entries(steps)) {
          const step = ourSide[jobId]?.steps.find(candidate => candidate.step === name)
          expect(step, `${workflow} ${jobId} ${name}`).toMatchObject({ result: 'failure', lines })
        }
      }
      if (!actDiffers.some(entry => entry.workflow === workflow && entry.runResultDiffers))
        expect(ours[workflow].exitCode).toBe(act[workflow].exitCode)
    })
  }

  it('actions.yml: post steps run in reverse order, under post-if, with the saved state', () => {
    // Spelled out once, so that a change in both runners at once cannot go unnoticed.
    const failing = present(ours['actions.yml'].trace.failing, 'the failing job').steps
    expect(failing.filter(step => step.step.startsWith('Post ')).map(step => step.step)).toEqual([
      'Post record broken',
      'Post record tolerated',
      'Post record on-failure',
      'Post record on-success',
      'Post record first'
    ])
    expect(failing.find(step => step.step === 'Post record on-success')?.result).toBe('skipped')
    const passing = present(ours['actions.yml'].trace.passing, 'the passing job').steps
    expect(passing.find(step => step.step === 'Post record first')?.lines).toEqual([
      'peer: post first input=first env=given to main and post'
    ])
  })

  it('post-fails.yml: a failed post step fails the job for what comes after it, where act differs and GitHub decides', () => {
    expect(actDiffers.find(entry => entry.workflow === 'post-fails.yml')?.jobs).toEqual([
      'post-fails',
      'later'
    ])
    const github = ours['post-fails.yml'].trace
    const actSide = act['post-fails.yml'].trace
    expect(github['post-fails']?.result).toBe('failure')
    expect(github['post-fails']?.steps.slice(-3)).toEqual([
      { step: 'Post record last', result: 'success', lines: ['peer: post last input=last'] },
      {
        step: 'Post record post-fails',
        result: 'failure',
        lines: ['peer: post post-fails input=post-fails']
      },
      { step: 'Post record on-success', result: 'skipped', lines: [] }
    ])
    expect(github.later).toEqual({
      result: 'success',
      steps: [
        {
          step: 'Main runs after the failed post step',
          result: 'success',
          lines: ['peer: later ran post-fails=failure']
        }
      ]
    })
    // act: the post step after the failed one still sees success(), and `later` never starts.
    expect(actSide['post-fails']?.steps.at(-1)).toEqual({
      step: 'Post record on-success',
      result: 'success',
      lines: ['peer: post on-success input=on-success']
    })
    expect(actSide.later).toBeUndefined()
    // Everything else in the job agrees.
    const others = (trace: RunTrace): RunTrace => {
      const job = present(trace['post-fails'], 'the post-fails job')
      return {
        'post-fails': {
          result: job.result,
          steps: job.steps.filter(step => step.step !== 'Post record on-success')
        }
      }
    }
    expect(others(github)).toEqual(withLostOutput(others(actSide), others(github)))
    expect(ours['post-fails.yml'].exitCode).toBe(act['post-fails.yml'].exitCode)
  })

  it('commands.yml: a disabled ::set-env or ::add-path fails the step, where act differs and GitHub decides', () => {
    const github = ours['commands.yml']
    expect(github.trace.disabled).toEqual({
      result: 'failure',
      steps: [
        { step: 'Main sets env by command', result: 'failure', lines: ['peer: before set-env'] },
        {
          step: 'Main after the refused command',
          result: 'success',
          lines: ['peer: FROM_COMMAND=[]']
        }
      ]
    })
    expect(github.trace['disabled-path']?.result).toBe('failure')
    expect(github.log).toContain(
      "Unable to process command '::set-env name=FROM_COMMAND::set by command' successfully."
    )
    expect(github.log).toContain('The `add-path` command is disabled.')
    // The step's own env opts in too.
    expect(github.trace['allowed-by-step']?.steps[1]).toEqual({
      step: 'Main sees both',
      result: 'success',
      lines: ['peer: FIRST=one SECOND=two']
    })
    // act: the steps pass, with a message; a step's own opt-in is not seen.
    expect(act['commands.yml'].trace['allowed-by-step']?.steps[1]?.lines).toEqual([
      'peer: FIRST= SECOND='
    ])
    expect(act['commands.yml'].trace.disabled?.result).toBe('success')
    expect(act['commands.yml'].trace['disabled-path']?.result).toBe('success')
    expect([github.exitCode, act['commands.yml'].exitCode]).toEqual([1, 0])
  })

  it('needs.yml: job-level continue-on-error, where act differs and GitHub decides', () => {
    expect(actDiffers[0]?.why).toContain('continue-on-error')
    const github = ours['needs.yml']
    expect(github.outcome.jobs['tolerated-job']?.result).toBe('success')
    expect(github.outcome.jobs['tolerated-job']?.outputs).toEqual({ before: 'kept' })
    expect(github.trace['after-tolerated']).toEqual({
      result: 'success',
      steps: [
        {
          step: 'Main runs because the failure was tolerated',
          result: 'success',
          lines: ['peer: after-tolerated ran result=success before=kept']
        }
      ]
    })
    // act: the tolerated job fails and its dependant is skipped.
    expect(act['needs.yml'].trace['tolerated-job']?.result).toBe('failure')
    expect(act['needs.yml'].trace['after-tolerated']).toEqual({ result: 'skipped', steps: [] })
  })
})
