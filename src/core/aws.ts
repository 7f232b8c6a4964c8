import { AwsInput } from '../constants/shared.js'
import { InputError } from './errors.js'
import type { Inputs } from './inputs.js'

export interface AwsClientSettings {
  region: string
  /** Overrides the service endpoint (a local peer, a VPC endpoint); else the SDK's own. */
  endpoint?: string
  /** Tries per request, the first included, by the SDK's retry strategy: the only layer that
   * sends a request again (src/core/aws-clients.ts). */
  maxAttempts: number
}

/**
 * Region and endpoint from the `region` / `endpoint` inputs, falling back to the standard
 * AWS environment that aws-actions/configure-aws-credentials sets. The SDK itself also
 * honours `AWS_ENDPOINT_URL_<SERVICE>` when no endpoint input is given.
 */
export function awsClientSettings(
  inputs: Inputs,
  env: NodeJS.ProcessEnv = process.env
): AwsClientSettings {
  const region = inputs.string(AwsInput.Region) || env.AWS_REGION || env.AWS_DEFAULT_REGION || ''
  if (!region) {
    throw new InputError(
      AwsInput.Region,
      'an AWS region such as us-east-1 (or AWS_REGION set by aws-actions/configure-aws-credentials)'
    )
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new InputError(AwsInput.Region, 'an AWS region such as us-east-1', region)
  }
  const endpoint = inputs.string(AwsInput.Endpoint) || undefined
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new InputError(AwsInput.Endpoint, 'an http:// or https:// URL', endpoint)
  }
  return { region, ...(endpoint ? { endpoint } : {}), maxAttempts: 5 }
}
