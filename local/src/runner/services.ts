/**
 * A local stand-in for a cloud service that the runner starts before the first job and stops
 * after the last (moto for S3, a local EMR Serverless, the GitHub API). What it returns in
 * `env` reaches every step, e.g. `AWS_ENDPOINT_URL_EMR_SERVERLESS`: the actions talk to it
 * through the standard endpoint variables, with no local-only code path.
 */
export interface LocalService {
  name: string
  start(context: ServiceContext): Promise<StartedService>
}

export interface ServiceContext {
  workspace: string
  /** The run's own facts a service may answer with (the GitHub API stand-in does). */
  run: {
    repository: string
    runId: number
    runAttempt: number
    createdAt: Date
    event: string
    workflowPath: string
  }
}

export interface StartedService {
  env: Record<string, string>
  /** One line for the log: what runs where. */
  description: string
  stop(): Promise<void>
}

export async function startServices(
  services: LocalService[],
  context: ServiceContext
): Promise<{ env: Record<string, string>; descriptions: string[]; stop: () => Promise<void> }> {
  const started: StartedService[] = []
  try {
    for (const service of services) started.push(await service.start(context))
  } catch (error) {
    await Promise.allSettled(started.map(service => service.stop()))
    throw error
  }
  return {
    env: Object.assign({}, ...started.map(service => service.env)) as Record<string, string>,
    descriptions: started.map(service => service.description),
    stop: async () => {
      await Promise.allSettled(started.reverse().map(service => service.stop()))
    }
  }
}
