/**
 * A request's options for an AWS client's `send`: the signal that cancels it, when there is
 * one (the SDK's `abortSignal` is optional, and an explicit undefined is not its type).
 */
export function abortable(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {}
}
