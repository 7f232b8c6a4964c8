/**
 * `npm run dashboard`: rebuilds the dashboard of the local pipeline's runs from the lake
 * folder (.work/lake, or --lake DIR) into .work/dashboard/index.html (or --output DIR).
 */
import path from 'node:path'
import { buildLocalDashboard, dashboardArgs } from './lib/local-dashboard.js'
import { projectRoot } from '../local/src/moto.js'

const { lake, output } = dashboardArgs(path.join('.work', 'dashboard'))
const say = (message: string): void => console.log(`dashboard: ${message}`)
const outcome = await buildLocalDashboard(lake, output, {
  info: say,
  warning: message => console.warn(`dashboard: warning: ${message}`),
  error: message => console.error(`dashboard: ${message}`),
  debug: () => undefined,
  group: () => undefined
})
if (!outcome) {
  console.error(
    `dashboard: no run records under ${path.relative(projectRoot, lake) || lake}/_pipeline/runs/ (run npm run pipeline first)`
  )
  process.exit(1)
}
say(
  `${path.relative(projectRoot, outcome.html)} (${outcome.model.dates.length} dates × ${outcome.model.tasks.length} tasks)`
)
