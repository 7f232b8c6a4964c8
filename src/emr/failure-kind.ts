/**
 * Whether a FAILED job run may succeed when submitted again. EMR Serverless does not
 * document `stateDetails`; the sentence seen in practice is "Job failed, please check
 * complete logs in configured logging destination. ExitCode: N. Last few exceptions: …",
 * so only `ExitCode: N` is read, and a run whose details name no exit code counts as
 * transient: retrying a certain failure costs one run, not retrying a transient one loses a
 * night.
 */
export type FailureKind = 'certain' | 'transient'

const EXIT_CODE = /\bExitCode: (\d+)\b/

/** The driver's exit code named in a run's stateDetails, if any. */
export function exitCodeOf(stateDetails: string | undefined): number | undefined {
  const match = EXIT_CODE.exec(stateDetails ?? '')
  return match ? Number(match[1]) : undefined
}

/** `certain` when the run's exit code is one the job uses for a refusal no re-run changes. */
export function failureKindOf(
  stateDetails: string | undefined,
  noRetryExitCodes: readonly number[]
): FailureKind {
  const exitCode = exitCodeOf(stateDetails)
  return exitCode !== undefined && noRetryExitCodes.includes(exitCode) ? 'certain' : 'transient'
}
