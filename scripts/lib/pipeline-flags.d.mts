import type { ParseArgsConfig } from 'node:util'

export const USAGE: string
export const PIPELINE_OPTIONS: NonNullable<ParseArgsConfig['options']>
/** node:util's parse error in one line a user can act on. */
export function describeParseError(error: unknown): string
