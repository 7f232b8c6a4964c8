import { safeMd } from '../core/markdown.js'
import { actionInputs, actionLogger, runAction, setOutputs, writeSummary } from '../core/runner.js'
import { DEFAULT_MAX_DAYS, expandDateRange, MATRIX_LIMIT } from '../pipeline/backfill-dates.js'

await runAction(async () => {
  const inputs = actionInputs()
  const start = inputs.required('start', 'the first date as YYYY-MM-DD')
  const end = inputs.required('end', 'the last date as YYYY-MM-DD')
  const maxDays = inputs.integer('max-days', DEFAULT_MAX_DAYS, { min: 1, max: MATRIX_LIMIT })
  const maxParallel = inputs.integer('max-parallel', 1, { min: 1, max: 20 })
  const dates = expandDateRange({ start, end, maxDays, today: new Date() })

  actionLogger.info(
    `Backfill of ${dates.length} date(s), ${maxParallel} at a time: ${dates.join(', ')}`
  )
  setOutputs({ dates: JSON.stringify(dates), count: dates.length, 'max-parallel': maxParallel })
  await writeSummary(safeMd`### Backfill ${dates[0]} … ${dates[dates.length - 1]}

${dates.length} date(s), at most ${maxParallel} at a time.
`)
})
