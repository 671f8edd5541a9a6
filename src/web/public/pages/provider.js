// One provider: its registration, earnings per epoch (chart and table), jail and slash history, and the earnings
// estimator (offer and electricity price in, expected net per month out, from GET /v1/estimate).
import { loadCoveragePanel } from "../coverage-panel.js";
import { createDataTable } from "../data-table.js";
import { formatAgo, formatGwk, formatTime, formatToken, gwkNumber, html, raw, unitsToDecimal } from "../format.js";
import { createLiveRefresh } from "../live-refresh.js";
import { earningsView, pricePerJob, providerView } from "../model.js";
import { createScaleToggle } from "../scale-toggle.js";
import { chartWidth, renderBarChart } from "../svg-chart.js";
import { normalizeCell } from "../world-map.js";

/** The epochs the earnings chart draws: the latest 40, oldest first. */
const latestRows = (rows) => [...rows].sort((a, b) => a.epoch - b.epoch).slice(-40);

export function earningsChart(rows, width = 760, scale = "linear") {
  const shown = latestRows(rows);
  return renderBarChart({
    title: "Earnings per epoch: rewards and voucher revenue",
    width,
    height: Math.round(Math.min(260, Math.max(200, width * 0.4))),
    scale,
    categories: shown.map((e) => String(e.epoch)),
    mode: "stacked",
    series: [
      {
        name: "Rewards",
        className: "emission",
        values: shown.map((e) => gwkNumber(e.rewards)),
        format: (v) => `${formatToken(v)} GWK`,
      },
      {
        name: "Revenue",
        className: "revenue",
        values: shown.map((e) => gwkNumber(e.revenue)),
        format: (v) => `${formatToken(v)} GWK`,
      },
    ],
  });
}

const historyColumns = [
  { key: "kind", label: "Event", value: (h) => h.kind, cell: (h) => html`${h.kind === "jail" ? "jailed" : "slashed"}` },
  {
    key: "amount",
    label: "Slashed GWK",
    numeric: true,
    value: (h) => gwkNumber(h.amount),
    cell: (h) => html`${h.amount === null ? "–" : formatGwk(h.amount)}`,
  },
  {
    key: "until",
    label: "Jailed until",
    value: (h) => h.until ?? 0,
    cell: (h) => html`${h.until === null ? "–" : formatTime(h.until)}`,
  },
  { key: "epoch", label: "By epoch", numeric: true, value: (h) => h.epoch, cell: (h) => html`${h.epoch ?? "–"}` },
  { key: "timestamp", label: "When", value: (h) => h.timestamp, cell: (h) => html`${formatTime(h.timestamp)}` },
];

/** Jail and slash events, newest first, as the API lists them. */
export function historyRows(body) {
  return body.penalties;
}

/** The estimator's inputs: GET /v1/estimate's query names, labels, defaults and whether decimals are allowed. */
const estimateFields = [
  ["pricePerJob", "Price per job (GWK)", "0.01", true, true],
  ["jobsPerHour", "Jobs per hour per slot", "60", false, true],
  ["capacity", "Slots (jobs at once)", "1", false, true],
  ["powerWatts", "Power draw (W)", "100", false, true],
  ["electricityPrice", "Electricity price per kWh", "0.25", true, false],
  ["gwkPrice", "GWK price (same currency)", "1", true, false],
];

function estimateHtml(e) {
  const m = e.monthly;
  const row = (label, value) =>
    html`<dt>${label}</dt><dd>${value === null || value === undefined ? "–" : `${formatGwk(value)} GWK`}</dd>`;
  const cost = m.electricityCost === null ? "–" : formatToken(unitsToDecimal(m.electricityCost), 2);
  return html`<dl>
    ${row("Customer payments", m.grossRevenue)}${row("Your revenue", m.revenue)}${row("Work emissions", m.workEmission)}
    ${row("Liveness emissions", m.livenessEmission)}${row("Total", m.total)}
    <dt>Electricity</dt><dd>${cost} in currency${m.electricityGwk === null ? "" : ` = ${formatGwk(m.electricityGwk)} GWK`}</dd>
    <dt><strong>Net per month</strong></dt><dd><strong data-role="net" data-value="${m.net}">${formatGwk(m.net)} GWK</strong></dd>
  </dl><details><summary>Assumptions (${e.epochsUsed} epoch(s) used)</summary><ul>${e.assumptions.map((a) => html`<li>${a}</li>`)}</ul></details>`;
}

export async function render(main, { api, params }) {
  const [id] = params;
  const body = await api.provider(id);
  const p = providerView(body);
  const price = pricePerJob(p);
  main.innerHTML = html`<h1>Provider <span class="mono">${p.nodeKey.slice(0, 18)}…</span></h1>
    <div class="grid2">
      <section class="card" aria-labelledby="reg-h"><h2 id="reg-h">Registration</h2><dl class="estimate" data-role="details"></dl></section>
      <section class="card" aria-labelledby="est-h"><h2 id="est-h">Earnings estimator</h2>
        <form class="estimator" data-role="estimator">
          ${estimateFields.map(
            ([name, label, fallback, decimals, required]) =>
              html`<label>${label}<input name="${name}" inputmode="${decimals ? "decimal" : "numeric"}" ${raw(required ? "required" : "")} pattern="${decimals ? "[0-9]+([.][0-9]{1,18})?" : "[0-9]+"}" value="${name === "pricePerJob" && price ? unitsToDecimal(price) : fallback}"></label>`,
          )}
          <button type="submit">Estimate</button>
        </form>
        <div class="estimate" data-role="estimate" aria-live="polite"></div></section>
    </div>
    <section class="card chart" aria-labelledby="earn-h"><h2 id="earn-h">Earnings over time</h2><div data-role="chart"></div>
      <ul class="legend"><li><span class="emission"></span>Rewards (emissions)</li><li><span class="revenue"></span>Voucher revenue</li></ul>
      <div data-role="earnings"></div></section>
    <section class="card" aria-labelledby="hist-h"><h2 id="hist-h">Jail and slash history</h2><div data-role="history"></div></section>
    <section class="card" aria-labelledby="cov-h" data-role="coverage-panel" hidden><h2 id="cov-h">Proof of coverage</h2><div data-role="coverage"></div></section>`.text;
  const $ = (role) => main.querySelector(`[data-role="${role}"]`);

  const showDetails = (view) => {
    const score = view.reputation;
    const item = (label, value) => html`<dt>${label}</dt><dd>${value}</dd>`;
    $("details").innerHTML = html`
      ${item("Node key", html`<span class="mono">${view.nodeKey}</span>`)}${item("Owner", html`<span class="mono">${view.owner}</span>`)}
      ${item("Status", html`<span class="badge" data-status="${view.status}">${view.status}</span>`)}
      ${item("Resources", view.resourceTypes.join(", "))}${item("Stake", `${formatGwk(view.stake)} GWK`)}
      ${item("Price per job", price === null ? "–" : `${formatGwk(price)} GWK`)}
      ${item("Reputation", score === null ? "–" : score.toFixed(3))}${item("H3 cell", normalizeCell(view.h3Cell) ?? "–")}
      ${item("Jobs", view.jobs ? `${view.jobs.good} good of ${view.jobs.attempts} attempts` : "–")}
      ${item("Last seen", formatAgo(view.lastSeen))}`.text;
  };
  showDetails(p);

  const earningsTable = createDataTable({
    caption: "Earnings per epoch",
    rowKey: (e) => String(e.epoch),
    sort: { key: "epoch", dir: "descending" },
    pageSize: 10,
    emptyText: "No earnings yet.",
    columns: [
      { key: "epoch", label: "Epoch", numeric: true, value: (e) => e.epoch, cell: (e) => html`${e.epoch}` },
      {
        key: "rewards",
        label: "Rewards GWK",
        numeric: true,
        value: (e) => gwkNumber(e.rewards),
        cell: (e) => html`${formatGwk(e.rewards)}`,
      },
      {
        key: "revenue",
        label: "Revenue GWK",
        numeric: true,
        value: (e) => gwkNumber(e.revenue),
        cell: (e) => html`${formatGwk(e.revenue)}`,
      },
      {
        key: "total",
        label: "Total GWK",
        numeric: true,
        value: (e) => gwkNumber(e.total),
        cell: (e) => html`<span data-value="${e.total}">${formatGwk(e.total)}</span>`,
      },
    ],
  });
  $("earnings").append(earningsTable.element);
  let rows = [];
  const drawChart = () => {
    const values = latestRows(rows).flatMap((e) => [gwkNumber(e.rewards), gwkNumber(e.revenue)]);
    $("chart").innerHTML = rows.length
      ? earningsChart(rows, chartWidth($("chart")), toggle.scaleFor(values))
      : '<p class="muted">No earnings yet.</p>';
  };
  const toggle = createScaleToggle(drawChart);
  $("chart").before(toggle.element);
  const loadEarnings = async () => {
    rows = (await api.earnings(id)).epochs.map(earningsView);
    drawChart();
    earningsTable.setRows(rows);
  };
  const history = createDataTable({
    caption: "Jail and slash events",
    columns: historyColumns,
    rowKey: (h) => `${h.kind}-${h.txHash}-${h.block}`,
    emptyText: "Never jailed or slashed.",
  });
  $("history").append(history.element);
  history.setRows(historyRows(body));

  const form = $("estimator");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = $("estimate");
    out.textContent = "Estimating…";
    try {
      const query = { ...Object.fromEntries(new FormData(form)), resourceType: p.resourceTypes[0] ?? "compute" };
      out.innerHTML = estimateHtml(await api.estimate(query)).text;
    } catch (error) {
      out.innerHTML =
        html`<p class="error" role="alert">${error.message}${error.body?.hint ? ` ${error.body.hint}` : ""}</p>`.text;
    }
  });

  const loadCoverage = () => loadCoveragePanel($("coverage-panel"), api, p.nodeKey);
  await Promise.all([loadEarnings(), loadCoverage()]);
  const refreshProvider = async () => {
    const next = await api.provider(id);
    showDetails(providerView(next));
    history.setRows(historyRows(next));
  };
  const earningsLive = createLiveRefresh(["epoch"], loadEarnings);
  const providerLive = createLiveRefresh(["provider"], refreshProvider);
  const coverageLive = createLiveRefresh(["coverage"], loadCoverage);
  return {
    onEvent(event) {
      earningsLive.onEvent(event);
      providerLive.onEvent(event);
      coverageLive.onEvent(event);
    },
    dispose() {
      earningsLive.dispose();
      providerLive.dispose();
      coverageLive.dispose();
    },
  };
}
