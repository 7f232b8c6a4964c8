import { describe, expect, it } from 'vitest'
import { TextReporter } from '../../../local/src/runner/log.js'
import { Masker } from '../../../local/src/runner/masker.js'
import type { LocalService } from '../../../local/src/runner/services.js'
import { jobLines, runFixture } from './support.js'

describe('runner: local services', () => {
  // The hook the local EMR Serverless and S3 will use: started before the first job, its env
  // given to every step, stopped after the last job.
  it('starts each service before the jobs, gives its env to the steps and stops it after', async () => {
    const events: string[] = []
    const service: LocalService = {
      name: 'fake',
      start: async ({ run }) => {
        events.push(`start for ${run.event}`)
        return {
          env: { AWS_ENDPOINT_URL_EMR_SERVERLESS: 'http://127.0.0.1:9' },
          description: 'fake service on 127.0.0.1:9',
          stop: async () => {
            events.push('stop')
          }
        }
      }
    }
    const run = await runFixture('test/fixtures/workflows/services.yml', { services: [service] })
    expect(events).toEqual(['start for workflow_dispatch', 'stop'])
    expect(run.output).toContain('local service: fake service on 127.0.0.1:9\n')
    expect(jobLines(run.output, 'uses-it')).toEqual(['endpoint=http://127.0.0.1:9'])
  })
})

describe('runner: output', () => {
  const lines = (verbose: boolean): string[] => {
    const written: string[] = []
    const reporter = new TextReporter(text => written.push(text), new Masker(), verbose)
    reporter.line('ingest', '26/01/02 02:00:01 INFO SparkContext: Running Spark version 3.5.9', 0)
    reporter.line(
      'ingest',
      '26/01/02 02:00:02 WARN NativeCodeLoader: Unable to load native-hadoop',
      0
    )
    reporter.line('ingest', 'Job run 00abc: SUCCESS', 0)
    reporter.debug('ingest', 'poll 3')
    return written.join('').split('\n').filter(Boolean)
  }

  it("hides Spark's INFO/WARN chatter and debug lines unless --verbose", () => {
    expect(lines(false)).toEqual(['  ingest │ Job run 00abc: SUCCESS'])
    expect(lines(true)).toHaveLength(4)
  })
})
