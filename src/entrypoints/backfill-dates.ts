import {
  BackfillDatesDefault,
  BackfillDatesInput,
  BackfillDatesOutput
} from '../constants/backfill-dates.js'
import { safeMd } from '../core/markdown.js'
import { actionInputs, actionLogger, runAction, setOutputs, writeSummary } from '../core/runner.js'
import { expandDateRange, MATRIX_LIMIT } from '../pipeline/backfill-dates.js'

await runAction(async () => {
  const inputs = actionInputs()
  const start = inputs.required(BackfillDatesInput.Start, 'the first date as YYYY-MM-DD')
  const end = inputs.required(BackfillDatesInput.End, 'the last date as YYYY-MM-DD')
  const maxDays = inputs.integer(BackfillDatesInput.MaxDays, BackfillDatesDefault.MaxDays, {
    min: 1,
    max: MATRIX_LIMIT
  })
  const maxParallel = inputs.integer(
    BackfillDatesInput.MaxParallel,
    BackfillDatesDefault.MaxParallel,
    { min: 1, max: 20 }
  )
  const dates = expandDateRange({ start, end, maxDays, today: new Date() })

  actionLogger.info(
    `Backfill of ${dates.length} date(s), ${maxParallel} at a time: ${dates.join(', ')}`
  )
  setOutputs({
    [BackfillDatesOutput.Dates]: JSON.stringify(dates),
    [BackfillDatesOutput.Count]: dates.length,
    [BackfillDatesOutput.MaxParallel]: maxParallel
  })
  await writeSummary(safeMd`### Backfill ${dates[0]} … ${dates[dates.length - 1]}

${dates.length} date(s), at most ${maxParallel} at a time.
`)
})
