import * as github from '@actions/github'

/**
 * A GitHub REST call with the given token, in the shape src/pipeline/github-rest.ts takes.
 * Apart from runner.ts so that only the actions that talk to GitHub bundle its client.
 */
export function githubRequest(
  token: string
): (
  route: string,
  parameters?: Record<string, unknown>
) => Promise<{ status: number; data: unknown }> {
  const octokit = github.getOctokit(token)
  return (route, parameters) => octokit.request(route, parameters)
}
