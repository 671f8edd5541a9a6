// One provider: its registration, earnings per epoch (chart and table), jail and slash history, and the earnings
// estimator (offer and electricity price in, expected net per month out, from GET /v1/estimate).
import { createDataTable } from "../data-table.js";
import { formatAgo, formatTime, formatToken, html, tokenNumber } from "../format.js";
import { createLiveRefresh } from "../live-refresh.js";
import { earningsView, offerPrice, providerView, reputationScore } from "../model.js";
import { chartWidth, renderBarChart } from "../svg-chart.js";
import { normalizeCell } from "../world-map.js";

export function earningsChart(rows, width = 760) {
  const shown = [...rows].sort((a, b) => a.epoch - b.epoch).slice(-40);
  return renderBarChart({
    title: "Earnings per epoch: rewards and voucher revenue",
    width,
    height: Math.round(Math.min(260, Math.max(200, width * 0.4))),
    categories: shown.map((e) => String(e.epoch)),
    mode: "stacked",
    series: [
      {
        name: "Rewards",
        className: "emission",
        values: shown.map((e) => tokenNumber(e.rewards)),
        format: (v) => `${formatToken(v)} GWK`,
      },
      {
        name: "Revenue",
        className: "revenue",
        values: shown.map((e) => tokenNumber(e.revenue)),
        format: (v) => `${formatToken(v)} GWK`,
      },
    ],
  });
}

const historyColumns = [
  { key: "kind", label: "Event", value: (h) => h.kind, cell: (h) => html`${h.kind}` },
  {
    key: "amount",
    label: "Amount GWK",
    numeric: true,
    value: (h) => tokenNumber(h.amount),
    cell: (h) => html`${h.amount ? formatToken(h.amount) : "–"}`,
  },
  {
    key: "until",
    label: "Until",
    value: (h) => String(h.until ?? ""),
    cell: (h) => html`${h.until ? formatTime(h.until) : "–"}`,
  },
  { key: "reason", label: "Reason", value: (h) => h.reason, cell: (h) => html`${h.reason ?? "–"}` },
  {
    key: "at",
    label: "When",
    value: (h) => String(h.at ?? h.block ?? ""),
    cell: (h) => html`${h.at ? formatTime(h.at) : `block ${h.block ?? "?"}`}`,
  },
];

/** Jail and slash records, whatever lists the API groups them in. */
export function historyRows(body) {
  if (Array.isArray(body.history)) return body.history;
  const jails = (body.jails ?? body.jailHistory ?? []).map((j) => ({ kind: "jailed", ...j }));
  const slashes = (body.slashes ?? body.slashHistory ?? []).map((s) => ({ kind: "slashed", ...s }));
  return [...jails, ...slashes];
}

const estimateFields = [
  ["pricePerJob", "Price per job (GWK)", "0.01"],
  ["jobsPerHour", "Jobs per hour per slot", "60"],
  ["capacity", "Slots (jobs at once)", "1"],
  ["powerWatts", "Power draw (W)", "100"],
  ["electricityPrice", "Electricity price per kWh", "0.25"],
  ["gwkPrice", "GWK price (same currency)", "1"],
];

function estimateHtml(e) {
  const m = e.monthly ?? e;
  const row = (label, value, unit = "GWK") =>
    html`<dt>${label}</dt><dd>${value === null || value === undefined ? "–" : `${formatToken(value)} ${unit}`}</dd>`;
  return html`<dl>
    ${row("Customer payments", m.grossRevenue)}${row("Your revenue", m.revenue)}${row("Work emissions", m.workEmission)}
    ${row("Liveness emissions", m.livenessEmission)}${row("Total", m.total)}
    ${row("Electricity", m.electricityGwk)}
    <dt><strong>Net per month</strong></dt><dd><strong data-role="net" data-value="${m.net}">${formatToken(m.net)} GWK</strong>${e.currency ? html` (${formatToken(e.currency.net, 2)} in currency)` : ""}</dd>
  </dl>${(e.assumptions ?? []).length ? html`<details><summary>Assumptions</summary><ul>${e.assumptions.map((a) => html`<li>${a}</li>`)}</ul></details>` : ""}`;
}

export async function render(main, { api, params }) {
  const [id] = params;
  const body = await api.provider(id);
  const p = providerView(body.provider ?? body);
  const price = offerPrice(p.offer);
  main.innerHTML = html`<h1>Provider <span class="mono">${p.nodeKey.slice(0, 18)}…</span></h1>
    <div class="grid2">
      <section class="card" aria-labelledby="reg-h"><h2 id="reg-h">Registration</h2><dl class="estimate" data-role="details"></dl></section>
      <section class="card" aria-labelledby="est-h"><h2 id="est-h">Earnings estimator</h2>
        <form class="estimator" data-role="estimator">
          ${estimateFields.map(
            ([name, label, fallback]) =>
              html`<label>${label}<input name="${name}" inputmode="decimal" required pattern="[0-9]+(\\.[0-9]+)?" value="${name === "pricePerJob" && price ? price : fallback}"></label>`,
          )}
          <button type="submit">Estimate</button>
        </form>
        <div class="estimate" data-role="estimate" aria-live="polite"></div></section>
    </div>
    <section class="card chart" aria-labelledby="earn-h"><h2 id="earn-h">Earnings over time</h2><div data-role="chart"></div>
      <ul class="legend"><li><span class="emission"></span>Rewards (emissions)</li><li><span class="revenue"></span>Voucher revenue</li></ul>
      <div data-role="earnings"></div></section>
    <section class="card" aria-labelledby="hist-h"><h2 id="hist-h">Jail and slash history</h2><div data-role="history"></div></section>`.text;
  const $ = (role) => main.querySelector(`[data-role="${role}"]`);

  const showDetails = (view) => {
    const score = reputationScore(view.reputation);
    const item = (label, value) => html`<dt>${label}</dt><dd>${value}</dd>`;
    $("details").innerHTML = html`
      ${item("Node key", html`<span class="mono">${view.nodeKey}</span>`)}${item("Owner", html`<span class="mono">${view.owner}</span>`)}
      ${item("Status", html`<span class="badge" data-status="${view.status}">${view.status}</span>`)}
      ${item("Resources", view.resourceTypes.join(", "))}${item("Stake", `${formatToken(view.stake)} GWK`)}
      ${item("Price per job", price === null ? "–" : `${formatToken(price)} GWK`)}
      ${item("Reputation", score === null ? "–" : score.toFixed(3))}${item("H3 cell", normalizeCell(view.h3Cell) ?? "–")}
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
        value: (e) => tokenNumber(e.rewards),
        cell: (e) => html`${formatToken(e.rewards)}`,
      },
      {
        key: "revenue",
        label: "Revenue GWK",
        numeric: true,
        value: (e) => tokenNumber(e.revenue),
        cell: (e) => html`${formatToken(e.revenue)}`,
      },
      {
        key: "total",
        label: "Total GWK",
        numeric: true,
        value: (e) => tokenNumber(e.total),
        cell: (e) => html`<span data-value="${e.total}">${formatToken(e.total)}</span>`,
      },
    ],
  });
  $("earnings").append(earningsTable.element);
  const loadEarnings = async () => {
    const answer = await api.earnings(id);
    const rows = (answer.items ?? answer.epochs ?? answer.earnings ?? []).map(earningsView);
    $("chart").innerHTML = rows.length
      ? earningsChart(rows, chartWidth($("chart")))
      : '<p class="muted">No earnings yet.</p>';
    earningsTable.setRows(rows);
  };
  const history = createDataTable({
    caption: "Jail and slash events",
    columns: historyColumns,
    rowKey: (h) => `${h.kind}-${h.block}-${h.logIndex ?? h.at}`,
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

  await loadEarnings();
  const refreshProvider = async () => {
    const next = await api.provider(id);
    showDetails(providerView(next.provider ?? next));
    history.setRows(historyRows(next));
  };
  const earningsLive = createLiveRefresh(["epoch"], loadEarnings);
  const providerLive = createLiveRefresh(["provider"], refreshProvider);
  return {
    onEvent(event) {
      earningsLive.onEvent(event);
      providerLive.onEvent(event);
    },
    dispose() {
      earningsLive.dispose();
      providerLive.dispose();
    },
  };
}
