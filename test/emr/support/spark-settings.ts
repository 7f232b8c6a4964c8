import { Inputs } from '../../../src/core/inputs.js'
import { readSparkJobSettings } from '../../../src/emr/settings.js'

/** Settings from the three required inputs plus `values`, read as the action reads them. */
export function sparkJobSettings(values: Record<string, string>, workspace = '/') {
  const map: Record<string, string> = {
    application: 'app',
    'execution-role-arn': 'arn:aws:iam::123456789012:role/emr-job',
    'entry-point': 's3://scripts/job.py',
    ...values
  }
  return readSparkJobSettings(new Inputs(name => map[name]), { AWS_REGION: 'us-east-1' }, workspace)
}
