import { htmlPage, joinHtml, safeHtml, type Html } from '../core/html.js'
import {
  CELL_STATES,
  type Cell,
  type CellState,
  type DashboardModel,
  type Series
} from './model.js'

/** A chart as the page's script draws it with Chart.js; `table` is its fallback's id. */
interface ChartSpec {
  id: string
  title: string
  type: 'line' | 'bar'
  stacked?: boolean
  yTitle: string
  labels: string[]
  datasets: { label: string; data: (number | null)[]; dashed?: boolean; colour?: string }[]
}

const PALETTE = ['#0969da', '#bf3989', '#1a7f37', '#9a6700', '#8250df', '#cf222e', '#57606a']
const STATUS_CLASS: Record<string, string> = { pass: 'passed', warn: 'retried', fail: 'failed' }
const STATUS_MARK: Record<string, string> = { pass: '✓', warn: '!', fail: '✗' }

/**
 * The dashboard as one self-contained HTML page: the grid and every table are plain HTML
 * (the page reads without JavaScript); the charts are drawn by the inlined Chart.js from
 * the data embedded beside it. Every value from the lake or GitHub goes through the html
 * builder (src/core/html.ts), and the page's Content-Security-Policy lets nothing load and
 * nothing run but its own inlined code: nothing is fetched when it is viewed.
 */
export function renderDashboard(model: DashboardModel, chartLibrary: string): string {
  const charts = chartSpecs(model)
  const figures = new Map<string, Html>()
  for (const spec of charts) figures.set(spec.id, figure(spec, seriesTable(spec)))
  const ruleCharts = charts.filter(spec => spec.id.startsWith('rule-'))
  const dateColumns = model.dates.map(
    date => safeHtml`<th scope="col" class="d"><span>${date.slice(5)}</span></th>`
  )
  const runRow = model.runRow ? gridRow('workflow run', model.runRow, model.dates, 'run') : ''
  // The grid has one row per task.
  const taskRows = model.tasks.map((task, row) =>
    gridRow(task, model.grid[row]!, model.dates, 'task')
  )
  const history = model.runRow ? ' and the GitHub run history' : ''

  const body = safeHtml`${header(model)}
<main>
<section id="grid"><h2>Runs by date and task</h2>
${legend()}
<div class="scroll"><table class="grid" data-testid="grid">
<thead><tr><th scope="col">task</th>${dateColumns}</tr></thead>
<tbody>
${runRow}${taskRows}</tbody></table></div>
</section>
${problems(model)}
${totals(model)}
<section id="time"><h2>Time</h2>${figures.get('durations')}${figures.get('landing')}${farLate(model)}</section>
<section id="cost"><h2>Cost</h2>${figures.get('cost')}${costByTask(model)}</section>
<section id="quality"><h2>Data quality</h2>${figures.get('quality-counts')}${qualityMatrix(model)}
<div class="rules">${ruleCharts.map(spec => figures.get(spec.id))}</div></section>
<section id="rows"><h2>Rows</h2>${figures.get('rows') ?? safeHtml`<p>No task reported row counts.</p>`}</section>
</main>
<footer>Built ${model.generatedAt} from the run records in the lake${history}. Charts: Chart.js (inlined).</footer>`
  return htmlPage({
    lang: 'en',
    title: `${model.pipeline}: pipeline runs ${model.start} to ${model.end}`,
    body,
    styles: [STYLE],
    // A script's text may not close its element; `<\/script` means the same to the parser.
    scripts: [chartLibrary.replace(/<\/script/gi, '<\\/script'), INIT],
    data: { 'dashboard-data': charts }
  })
}

function header(model: DashboardModel): Html {
  const { latestDate, latestState, latestRun, openIssue } = model.header
  const status =
    latestDate && latestState
      ? safeHtml`<span class="badge s-${latestState}" data-testid="latest-status">${CELL_STATES[latestState].mark} ${CELL_STATES[latestState].label}</span> latest date ${latestDate}`
      : safeHtml`<span class="badge s-missing" data-testid="latest-status">? no records</span>`
  const jobs = latestRun?.jobs?.length
    ? safeHtml` <span class="jobs">${joinHtml(
        latestRun.jobs.map(
          job =>
            safeHtml`<a href="${job.url}" class="job j-${job.conclusion ?? 'running'}">${job.name}: ${job.conclusion ?? 'running'}</a>`
        ),
        ' '
      )}</span>`
    : ''
  const attempt = latestRun && latestRun.attempt > 1 ? ` (attempt ${latestRun.attempt})` : ''
  const run = latestRun
    ? safeHtml` · latest workflow run <a href="${latestRun.url}">#${latestRun.id}</a>: ${latestRun.conclusion ?? latestRun.status}${attempt}${jobs}`
    : ''
  const issue = openIssue
    ? safeHtml`<p class="issue" data-testid="open-issue">Open failure issue: <a href="${openIssue.url}">#${openIssue.number} ${openIssue.title}</a></p>`
    : model.runRow
      ? safeHtml`<p class="issue" data-testid="open-issue">No open failure issue.</p>`
      : ''
  return safeHtml`<header><h1>${model.pipeline}</h1><p>${model.start} to ${model.end} (${model.dates.length} days, ${model.tasks.length} tasks)</p>
<p class="status">${status}${run}</p>${issue}</header>`
}

function legend(): Html {
  const states = (Object.keys(CELL_STATES) as CellState[]).map(
    state =>
      safeHtml`<span class="cell s-${state}">${CELL_STATES[state].mark}</span> ${CELL_STATES[state].label}`
  )
  return safeHtml`<p class="legend">${joinHtml(states, ' ')}</p>`
}

function gridRow(name: string, cells: Cell[], dates: string[], kind: string): Html {
  const tds = cells.map((cell, index) => {
    const mark = CELL_STATES[cell.state].mark
    const inner = cell.link ? safeHtml`<a href="${cell.link}">${mark}</a>` : mark
    return safeHtml`<td class="s-${cell.state}" title="${dates[index]} ${short(cell.title)}">${inner}</td>`
  })
  return safeHtml`<tr class="${kind}"><th scope="row">${name}</th>${tds}</tr>\n`
}

function problems(model: DashboardModel): Html | '' {
  if (!model.problems.length) return ''
  const items = model.problems.map(
    problem => safeHtml`<li><code>${problem.location}</code>: ${problem.reason}</li>`
  )
  return safeHtml`<section id="problems" data-testid="problems"><h2>Records not used (${model.problems.length})</h2><ul>${items}</ul></section>`
}

function totals(model: DashboardModel): Html {
  const { totals } = model
  const rows: [string, string][] = [
    ...(Object.keys(CELL_STATES) as CellState[]).map(
      state =>
        [`${CELL_STATES[state].mark} ${CELL_STATES[state].label}`, String(totals.cells[state])] as [
          string,
          string
        ]
    ),
    ['estimated cost', `$${totals.costUsd.toFixed(2)}`],
    ['vCPU-hours', String(totals.vcpuHours)],
    ['memory GB-hours', String(totals.memoryGbHours)],
    ['storage GB-hours', String(totals.storageGbHours)],
    ['landed after the SLA', `${totals.slaMisses} of ${totals.landed} dates`]
  ]
  const lines = rows.map(
    ([name, value]) => safeHtml`<tr><th scope="row">${name}</th><td>${value}</td></tr>`
  )
  return safeHtml`<section id="totals"><h2>Totals</h2><table class="totals">${lines}</table></section>`
}

function farLate(model: DashboardModel): Html | '' {
  const dates = model.landing.farLate
  if (!dates.length) return ''
  const more = dates.length > 10 ? ', …' : ''
  return safeHtml`<p class="note">Landed more than 48 hours after the run day (not drawn): ${dates.length} date(s), ${dates.slice(0, 10).join(', ')}${more}.</p>`
}

function costByTask(model: DashboardModel): Html | '' {
  if (!model.costByTask.length) return ''
  const rows = model.costByTask.map(
    entry => safeHtml`<tr><td>${entry.task}</td><td>${entry.usd.toFixed(4)}</td></tr>`
  )
  return safeHtml`<table class="small"><caption>Estimated cost per task, ${model.start} to ${model.end}</caption><tr><th>task</th><th>US$</th></tr>${rows}</table>`
}

function qualityMatrix(model: DashboardModel): Html {
  if (!model.quality.length) return safeHtml`<p>No quality results in the range.</p>`
  const columns = model.dates.map(
    date => safeHtml`<th scope="col" class="d"><span>${date.slice(5)}</span></th>`
  )
  const rows = model.quality.map(rule => {
    const cells = rule.statuses.map((status, index) => {
      if (!status) return safeHtml`<td class="s-missing"></td>`
      const value = rule.values[index]
      const title = value === null ? status : `${status} ${value}`
      return safeHtml`<td class="s-${STATUS_CLASS[status] ?? 'missing'}" title="${title}">${STATUS_MARK[status] ?? '?'}</td>`
    })
    return safeHtml`<tr><th scope="row">${rule.rule} <small>${rule.severity}; ${rule.bound}</small></th>${cells}</tr>\n`
  })
  return safeHtml`<h3 id="quality-table">Each rule by date (✓ pass, ! warn, ✗ fail)</h3><div class="scroll"><table class="grid quality" data-testid="quality-grid"><thead><tr><th>rule</th>${columns}</tr></thead><tbody>${rows}</tbody></table></div>`
}

function figure(spec: ChartSpec, table: Html): Html {
  return safeHtml`<figure class="chart" id="fig-${spec.id}"><h3>${spec.title}</h3><div class="canvas"><canvas id="chart-${spec.id}" role="img" aria-label="${spec.title}"></canvas></div>
<details><summary>Table</summary>${table}</details></figure>`
}

/** The chart's data as a table; only the dates that have a value. */
function seriesTable(spec: ChartSpec): Html {
  const head = safeHtml`<tr><th>date</th>${spec.datasets.map(set => safeHtml`<th>${set.label}</th>`)}</tr>`
  const rows = spec.labels.map((label, index) => {
    const values = spec.datasets.map(set => set.data[index])
    const measured = spec.datasets.filter(set => !set.dashed).map(set => set.data[index])
    if (measured.every(value => value === null || value === undefined)) return ''
    return safeHtml`<tr><td>${label}</td>${values.map(value => safeHtml`<td>${value ?? ''}</td>`)}</tr>`
  })
  return safeHtml`<table class="small">${head}${rows}</table>`
}

function chartSpecs(model: DashboardModel): ChartSpec[] {
  const labels = model.dates
  // An index modulo the length is in range.
  const colour = (index: number): string => PALETTE[index % PALETTE.length]!
  const plain = (series: Series[]): ChartSpec['datasets'] =>
    series.map((entry, index) => ({ label: entry.name, data: entry.values, colour: colour(index) }))
  const constant = (
    label: string,
    value: number,
    colourOf: string
  ): ChartSpec['datasets'][number] => ({
    label,
    data: labels.map(() => value),
    dashed: true,
    colour: colourOf
  })
  const specs: ChartSpec[] = []
  if (model.durationsMinutes.length) {
    specs.push({
      id: 'durations',
      title: 'Duration per task (minutes)',
      type: 'line',
      yTitle: 'minutes',
      labels,
      datasets: plain(model.durationsMinutes)
    })
  }
  const { landing } = model
  specs.push({
    id: 'landing',
    title: `Landing time of the data (hours after 00:00 UTC of the run day; schedule ${hourText(landing.scheduleHour)}, SLA ${hourText(landing.slaHour)})`,
    type: 'line',
    yTitle: 'hours',
    labels,
    datasets: [
      { label: 'landed', data: landing.hoursAfterMidnight, colour: colour(0) },
      constant('schedule', landing.scheduleHour, '#57606a'),
      constant('SLA', landing.slaHour, '#cf222e')
    ]
  })
  if (model.costUsd.length) {
    specs.push({
      id: 'cost',
      title: 'Estimated cost per day and task (US$)',
      type: 'bar',
      stacked: true,
      yTitle: 'US$',
      labels,
      datasets: plain(model.costUsd)
    })
  }
  if (model.quality.length) {
    const count = (status: string): (number | null)[] =>
      labels.map((_, index) => {
        const present = model.quality.filter(rule => rule.statuses[index] !== null)
        return present.length
          ? present.filter(rule => rule.statuses[index] === status).length
          : null
      })
    specs.push({
      id: 'quality-counts',
      title: 'Quality rules passed, warned and failed per day',
      type: 'bar',
      stacked: true,
      yTitle: 'rules',
      labels,
      datasets: [
        { label: 'pass', data: count('pass'), colour: '#2da44e' },
        { label: 'warn', data: count('warn'), colour: '#d4a72c' },
        { label: 'fail', data: count('fail'), colour: '#cf222e' }
      ]
    })
  }
  model.quality.forEach((rule, index) => {
    if (!rule.values.some(value => value !== null)) return
    const datasets: ChartSpec['datasets'] = [
      { label: 'value', data: rule.values, colour: colour(0) }
    ]
    if (rule.min !== undefined) datasets.push(constant('min', rule.min, '#cf222e'))
    if (rule.max !== undefined) datasets.push(constant('max', rule.max, '#cf222e'))
    specs.push({
      id: `rule-${index}`,
      title: `${rule.rule} (${rule.dataset}, ${rule.severity}; ${rule.bound || 'no bound'})`,
      type: 'line',
      yTitle: 'value',
      labels,
      datasets
    })
  })
  if (model.rows.length) {
    specs.push({
      id: 'rows',
      title: 'Rows in and out per task',
      type: 'line',
      yTitle: 'rows',
      labels,
      datasets: plain(model.rows)
    })
  }
  return specs
}

const hourText = (hours: number): string =>
  `${String(Math.floor(hours)).padStart(2, '0')}:${String(Math.round((hours % 1) * 60)).padStart(2, '0')}`

const short = (text: string): string => (text.length > 160 ? `${text.slice(0, 159)}…` : text)

const STYLE = `
:root{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328}
body{margin:0 auto;max-width:1400px;padding:16px}
h1{margin:0 0 4px}h2{margin:24px 0 8px;border-bottom:1px solid #d0d7de}h3{font-size:14px;margin:12px 0 4px}
a{color:#0969da}.scroll{overflow-x:auto;max-width:100%}
table.grid{border-collapse:separate;border-spacing:2px;font-size:12px}
table.grid th{text-align:left;white-space:nowrap;font-weight:600;padding-right:6px}
table.grid th.d{writing-mode:vertical-rl;font-weight:400;font-size:10px;padding:0}
table.grid td{width:16px;min-width:16px;height:18px;text-align:center;border-radius:3px;padding:0;font-weight:700;color:#fff}
table.grid td a{color:inherit;text-decoration:none;display:block}
.s-passed{background:#2da44e;color:#fff}.s-retried{background:#d4a72c;color:#1f2328!important}
.s-failed{background:#cf222e;color:#fff}.s-skipped{background:#afb8c1;color:#1f2328!important}
.s-running{background:#0969da;color:#fff}.s-missing{background:#fff;color:#57606a!important;outline:1px dashed #8c959f;outline-offset:-1px}
.s-invalid{background:#8250df;color:#fff}
.legend .cell,.badge{display:inline-block;min-width:16px;text-align:center;border-radius:3px;padding:0 4px;font-weight:700}
.badge{padding:2px 8px}
table.small,table.totals{border-collapse:collapse;font-size:12px;margin:4px 0}
table.small td,table.small th,table.totals td,table.totals th{border:1px solid #d0d7de;padding:2px 6px;text-align:right}
table.totals th{text-align:left}
.chart{margin:8px 0 16px}.canvas{position:relative;height:260px}
.rules{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:8px}.rules .canvas{height:180px}
.job{margin-right:6px}.j-failure{color:#cf222e}.issue{font-weight:600}
footer{margin-top:24px;color:#57606a;font-size:12px}
`

/** Draws every chart from the embedded data; marks the page when all are drawn. */
const INIT = `
(function(){
var started=performance.now();
var specs=JSON.parse(document.getElementById('dashboard-data').textContent);
Chart.defaults.animation=false;Chart.defaults.responsiveAnimationDuration=0;
var drawn=0;
specs.forEach(function(spec){
  var canvas=document.getElementById('chart-'+spec.id);if(!canvas)return;
  new Chart(canvas,{type:spec.type,data:{labels:spec.labels,datasets:spec.datasets.map(function(set){
    return {label:set.label,data:set.data,borderColor:set.colour,backgroundColor:set.colour,borderWidth:set.dashed?1:2,
      borderDash:set.dashed?[6,4]:[],pointRadius:set.dashed||spec.labels.length>90?0:1.5,spanGaps:false,type:set.dashed?'line':undefined};})},
    options:{responsive:true,maintainAspectRatio:false,normalized:true,
      plugins:{title:{display:true,text:spec.title},legend:{position:'bottom'}},
      interaction:{mode:'index',intersect:false},
      scales:{x:{stacked:!!spec.stacked,ticks:{maxTicksLimit:12,autoSkip:true,maxRotation:0}},y:{stacked:!!spec.stacked,title:{display:true,text:spec.yTitle}}}}});
  drawn++;
});
document.documentElement.setAttribute('data-charts',String(drawn));
document.documentElement.setAttribute('data-render-ms',String(Math.round(performance.now()-started)));
document.documentElement.setAttribute('data-rendered-at',String(Math.round(performance.now())));
document.documentElement.setAttribute('data-rendered','true');
})();
`
