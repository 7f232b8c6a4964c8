/**
 * Credentials a service or a proxy may echo back in an error (a request dump, a presigned
 * URL, a signature mismatch's canonical request), each with what replaces its secret part.
 * The runner's masking does not reach the lake, a run record or a webhook, so every error
 * text is stripped before it is logged or stored.
 */
const CREDENTIALS: [RegExp, string][] = [
  // An Authorization header or field, whatever follows it on the line (the scheme included).
  [/(\bauthorization["']?\s*[:=]\s*["']?)[^\r\n"']+/gi, '$1[redacted]'],
  // Session tokens, as a header, a query parameter or a JSON field.
  [/(\bx-amz-security-token["']?\s*[:=]\s*["']?)[^\s"'&,;]+/gi, '$1[redacted]'],
  // SigV4's credential scope and signature, in a header or a presigned URL's query.
  [/(\b(?:x-amz-)?credential=)[^\s"'&,;]+/gi, '$1[redacted]'],
  [/(\b(?:x-amz-)?signature=)[^\s"'&,;]+/gi, '$1[redacted]'],
  // Secret keys and session tokens named as such (environment, config files, JSON).
  [
    /(\b(?:aws_secret_access_key|aws_session_token|secretaccesskey|sessiontoken)["']?\s*[:=]\s*["']?)[^\s"'&,;]+/gi,
    '$1[redacted]'
  ],
  // Access key IDs: AKIA (long-lived), ASIA (temporary) and the other IAM ID prefixes.
  [
    /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA)[A-Z0-9]{16}\b/g,
    '[redacted access key]'
  ],
  // GitHub tokens: ghp_/gho_/ghu_/ghs_/ghr_ and fine-grained personal access tokens.
  [/\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, '[redacted token]'],
  [/\bgithub_pat_[A-Za-z0-9_]{30,}\b/g, '[redacted token]']
]

/** The text with every credential above replaced by `[redacted]`. */
export function redactCredentials(text: string): string {
  return CREDENTIALS.reduce(
    (result, [pattern, replacement]) => result.replace(pattern, replacement),
    text
  )
}
