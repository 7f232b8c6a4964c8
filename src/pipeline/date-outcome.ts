import type { BlockKind } from './date-ledger.js'

/** A job of the date's chain as the `needs` context shows it to the job after them. */
export interface NeedOutcome {
  result: string
  outputs: Record<string, string>
}

export type DateOutcome =
  | { status: 'completed'; message: string }
  | { status: 'blocked'; kind: BlockKind; task: string; reason: string; message: string }
  | { status: 'failed'; message: string }

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim().slice(0, 500)

/**
 * How a date's chain ended, from its jobs' results and the outputs the pipeline's actions
 * set: completed when the last task succeeded and nothing failed; blocked when a failure
 * would repeat on every re-run (a Spark job's refusal: `failure-kind: certain`; the quality
 * gate's verdict: `passed: false`; an export that never landed: the sensor's `found: false`);
 * otherwise failed, and left to the retries (nothing is written: a re-run may pass).
 */
export function dateOutcome(
  needs: Readonly<Record<string, NeedOutcome>>,
  lastTask: string
): DateOutcome {
  for (const [task, need] of Object.entries(needs)) {
    if (need.outputs.found === 'false') {
      return {
        status: 'blocked',
        kind: 'data-missing',
        task,
        reason: 'the export did not land within the sensor timeout',
        message: `${task}: the export did not land within the sensor timeout`
      }
    }
    if (need.result !== 'failure') continue
    if (need.outputs['failure-kind'] === 'certain') {
      const details = need.outputs['state-details'] ?? ''
      const reason = oneLine(details) || 'the Spark job refused the date'
      return { status: 'blocked', kind: 'refusal', task, reason, message: `${task}: ${reason}` }
    }
    if (need.outputs.passed === 'false') {
      const failed = need.outputs.failed ? `${need.outputs.failed} blocking rule(s) failed` : ''
      const reason = `the quality gate failed${failed ? `: ${failed}` : ''}`
      return { status: 'blocked', kind: 'quality', task, reason, message: `${task}: ${reason}` }
    }
  }
  const broken = Object.entries(needs).filter(([, need]) =>
    ['failure', 'cancelled'].includes(need.result)
  )
  if (broken.length) {
    const jobs = broken.map(([task, need]) => `${task} (${need.result})`).join(', ')
    return { status: 'failed', message: `${jobs}: may pass on a re-run, so nothing is recorded` }
  }
  const last = needs[lastTask]
  if (last?.result !== 'success') {
    return {
      status: 'failed',
      message: `${lastTask} did not run (${last?.result ?? 'not among the needs'}): not completed`
    }
  }
  return { status: 'completed', message: `${lastTask} succeeded: the date is completed` }
}
