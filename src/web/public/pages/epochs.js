// Epochs: emissions against customer revenue per epoch as bars, the revenue share as a line on the right axis, and
// every epoch in a table (the chart's data, readable by screen readers).
import { fetchAll } from "../api.js";
import { createDataTable } from "../data-table.js";
import { formatGwk, formatShare, formatTime, formatToken, gwkNumber, html, raw, shortHex } from "../format.js";
import { createLiveRefresh } from "../live-refresh.js";
import { epochView } from "../model.js";
import { createScaleToggle } from "../scale-toggle.js";
import { chartWidth, renderBarChart } from "../svg-chart.js";

/** The chart shows the latest epochs only, about one per 18 px (8 to 40): bars stay readable on a phone. */
export const chartEpochsFor = (width) => Math.max(8, Math.min(40, Math.floor(width / 18)));

/** The epochs the chart draws at this width: the latest, oldest first. */
export function chartWindow(epochs, width) {
  return [...epochs].sort((a, b) => a.epoch - b.epoch).slice(-chartEpochsFor(width));
}

export function epochChart(epochs, width = 760, scale = "linear") {
  const shown = chartWindow(epochs, width);
  return renderBarChart({
    title: `Emission and customer revenue per epoch, with the revenue share (last ${shown.length} epochs)`,
    width,
    height: Math.round(Math.min(300, Math.max(220, width * 0.45))),
    scale,
    categories: shown.map((e) => String(e.epoch)),
    series: [
      {
        name: "Emission",
        className: "emission",
        values: shown.map((e) => gwkNumber(e.emission)),
        format: (v) => `${formatToken(v)} GWK`,
      },
      {
        name: "Revenue",
        className: "revenue",
        values: shown.map((e) => gwkNumber(e.revenue)),
        format: (v) => `${formatToken(v)} GWK`,
      },
    ],
    line: {
      name: "Revenue share",
      className: "share",
      values: shown.map((e) => (e.revenueShare === null ? null : Number(e.revenueShare))),
      format: formatShare,
      minMax: 0.01,
    },
  });
}

const columns = [
  { key: "epoch", label: "Epoch", numeric: true, value: (e) => e.epoch, cell: (e) => html`${e.epoch}` },
  { key: "end", label: "End", value: (e) => String(e.end ?? ""), cell: (e) => html`${formatTime(e.end)}` },
  {
    key: "emission",
    label: "Emission GWK",
    numeric: true,
    value: (e) => gwkNumber(e.emission),
    cell: (e) => html`<span data-value="${e.emission}">${formatGwk(e.emission)}</span>`,
  },
  {
    key: "revenue",
    label: "Revenue GWK",
    numeric: true,
    value: (e) => gwkNumber(e.revenue),
    cell: (e) => html`<span data-value="${e.revenue}">${formatGwk(e.revenue)}</span>`,
  },
  {
    key: "burned",
    label: "Burned GWK",
    numeric: true,
    value: (e) => gwkNumber(e.burned),
    cell: (e) => html`${formatGwk(e.burned)}`,
  },
  {
    key: "treasury",
    label: "Treasury GWK",
    numeric: true,
    value: (e) => gwkNumber(e.treasury),
    cell: (e) => html`${formatGwk(e.treasury)}`,
  },
  {
    key: "share",
    label: "Revenue share",
    numeric: true,
    value: (e) => (e.revenueShare === null ? -1 : Number(e.revenueShare)),
    cell: (e) =>
      html`<span data-role="share" data-value="${e.revenueShare ?? ""}">${formatShare(e.revenueShare, e.revenue)}</span>`,
  },
  { key: "closed", label: "Closed", value: (e) => (e.closed ? 1 : 0), cell: (e) => html`${e.closed ? "yes" : "open"}` },
  {
    key: "root",
    label: "Root",
    value: (e) => e.root,
    cell: (e) => html`<span class="mono">${e.root ? shortHex(e.root) : "–"}</span>`,
  },
];

export async function render(main, { api }) {
  main.innerHTML = html`<h1>Epochs</h1>
    <section class="card chart" aria-labelledby="chart-h"><h2 id="chart-h">Emissions vs customer revenue</h2>
    <div data-role="chart"></div>
    <ul class="legend"><li><span class="emission"></span>Emission (left axis)</li><li><span class="revenue"></span>Customer revenue (left axis)</li>
    <li><span class="share"></span>Revenue share = revenue ÷ (revenue + emission) (right axis)</li></ul></section>
    <div data-role="table"></div>`.text;
  const table = createDataTable({
    caption: "Epochs",
    columns,
    rowKey: (e) => String(e.epoch),
    sort: { key: "epoch", dir: "descending" },
  });
  main.querySelector('[data-role="table"]').append(table.element);
  let epochs = [];
  const chart = main.querySelector('[data-role="chart"]');
  const drawChart = () => {
    const width = chartWidth(chart);
    const values = chartWindow(epochs, width).flatMap((e) => [gwkNumber(e.emission), gwkNumber(e.revenue)]);
    chart.innerHTML = epochs.length
      ? epochChart(epochs, width, toggle.scaleFor(values))
      : raw('<p class="muted">No epoch yet.</p>').text;
  };
  const toggle = createScaleToggle(drawChart);
  chart.before(toggle.element);
  const load = async () => {
    epochs = (await fetchAll(api.epochs)).map(epochView);
    drawChart();
    table.setRows(epochs);
  };
  await load();
  return createLiveRefresh(["epoch"], load);
}
