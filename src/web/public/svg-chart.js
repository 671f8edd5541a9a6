// Hand-written SVG charts: bars per category (grouped or stacked) on a left axis, and an optional line on a right
// axis (the revenue share). Pure: returns markup, so node tests can check it and the page only inserts it.
import { escapeHtml } from "./format.js";

/** Up to about `count` round tick values from 0 to at least `max`: steps of 1, 2 or 5 × 10^n. */
export function niceTicks(max, count = 5) {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks = [];
  for (let v = 0; v < max + step * 1e-9; v += step) ticks.push(round(v));
  if (ticks[ticks.length - 1] < max) ticks.push(round(ticks[ticks.length - 1] + step));
  return ticks;
}

const round = (v) => Number(v.toPrecision(12));

/**
 * Powers of ten from at least a decade below `min` (so the smallest bar is visibly tall, not a hairline) to `max` or
 * above; about 8 ticks, wider steps when the range is wide.
 */
export function logTicks(min, max) {
  if (!(min > 0) || !(max > 0)) return [1, 10];
  const low = Math.floor(Math.log10(min)) - 1;
  const high = Math.max(low + 1, Math.ceil(Math.log10(max)));
  const step = Math.ceil((high - low) / 8);
  const ticks = [];
  for (let e = low; e < high + step; e += step) ticks.push(round(10 ** e));
  return ticks;
}

/** Whether a log scale reads better: the largest positive value is over 1000× the smallest. */
export function prefersLogScale(values) {
  const positives = values.filter((v) => v > 0);
  return positives.length > 1 && Math.max(...positives) / Math.min(...positives) >= 1000;
}

/** A short axis label: 1.2k, 3.4M, 0.05. */
export function compactNumber(v) {
  const abs = Math.abs(v);
  if (abs > 0 && abs < 0.001) return v.toExponential(0);
  if (abs >= 1e9) return `${round(v / 1e9)}G`;
  if (abs >= 1e6) return `${round(v / 1e6)}M`;
  if (abs >= 1e4) return `${round(v / 1e3)}k`;
  return String(round(v));
}

/**
 * categories: labels along x; series: [{ name, className, values }] as bars; line: { name, className, values
 * (null = no point), format } on the right axis. mode "grouped" puts a series' bars side by side, "stacked" on top.
 */
export function renderBarChart({
  title,
  categories,
  series,
  mode = "grouped",
  scale = "linear",
  line,
  width = 760,
  height = 300,
  yFormat = compactNumber,
}) {
  const margin = { top: 12, right: line ? 56 : 16, bottom: 36, left: 56 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const log = scale === "log";
  const layout = log ? "grouped" : mode;
  const totals = categories.map((_, i) =>
    layout === "stacked"
      ? series.reduce((s, x) => s + Math.max(0, x.values[i] ?? 0), 0)
      : Math.max(0, ...series.map((x) => x.values[i] ?? 0)),
  );
  // Log scale: bars start at the axis floor, values ≤ 0 draw nothing (stacking needs linear, so it is grouped).
  const positives = series.flatMap((x) => x.values).filter((v) => v > 0);
  const yTicks = log ? logTicks(Math.min(...positives), Math.max(...positives)) : niceTicks(Math.max(0, ...totals));
  const yMin = log ? yTicks[0] : 0;
  const yMax = yTicks[yTicks.length - 1];
  const y = log
    ? (v) =>
        margin.top +
        plotH -
        (v > 0 ? (Math.log10(Math.max(v, yMin)) - Math.log10(yMin)) / Math.log10(yMax / yMin) : 0) * plotH
    : (v) => margin.top + plotH - (Math.max(0, v) / yMax) * plotH;
  const band = plotW / Math.max(1, categories.length);
  const gap = Math.min(band * 0.2, 12);
  const groupW = band - gap;
  const barW = layout === "stacked" ? groupW : groupW / Math.max(1, series.length);
  const parts = [];

  for (const t of yTicks) {
    parts.push(
      `<g class="axis"><line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y(t)}" y2="${y(t)}" stroke-dasharray="2 3"/>` +
        `<text x="${margin.left - 6}" y="${y(t) + 4}" text-anchor="end">${escapeHtml(yFormat(t))}</text></g>`,
    );
  }
  // At most ~12 x labels, so they never overlap at phone width.
  const labelEvery = Math.max(1, Math.ceil(categories.length / 12));
  categories.forEach((label, i) => {
    const x0 = margin.left + i * band + gap / 2;
    let stackTop = 0;
    series.forEach((s, k) => {
      const v = Math.max(0, s.values[i] ?? 0);
      const x = layout === "stacked" ? x0 : x0 + k * barW;
      const top = layout === "stacked" ? y(stackTop + v) : y(v);
      const bottom = layout === "stacked" ? y(stackTop) : y(0);
      stackTop += layout === "stacked" ? v : 0;
      parts.push(
        `<rect class="${escapeHtml(s.className)}" data-series="${escapeHtml(s.name)}" data-category="${escapeHtml(label)}" ` +
          `x="${fixed(x)}" y="${fixed(top)}" width="${fixed(Math.max(1, barW - 1))}" height="${fixed(Math.max(0, bottom - top))}">` +
          `<title>${escapeHtml(`${s.name} ${label}: ${s.format ? s.format(s.values[i]) : s.values[i]}`)}</title></rect>`,
      );
    });
    if (i % labelEvery === 0) {
      parts.push(
        `<text class="axis" x="${fixed(x0 + groupW / 2)}" y="${margin.top + plotH + 16}" text-anchor="middle"><tspan>${escapeHtml(label)}</tspan></text>`,
      );
    }
  });
  parts.push(`<g class="axis"><line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y(0)}" y2="${y(0)}"/></g>`);

  if (line) {
    const present = line.values.filter((v) => v !== null && v !== undefined && Number.isFinite(v));
    const rTicks = niceTicks(Math.max(line.minMax ?? 0, ...present), 4);
    const rMax = rTicks[rTicks.length - 1];
    const ry = (v) => margin.top + plotH - (v / rMax) * plotH;
    for (const t of rTicks) {
      parts.push(
        `<text class="axis" x="${margin.left + plotW + 6}" y="${ry(t) + 4}">${escapeHtml(line.format ? line.format(t) : t)}</text>`,
      );
    }
    const points = [];
    line.values.forEach((v, i) => {
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      points.push([margin.left + i * band + band / 2, ry(v), v, categories[i]]);
    });
    if (points.length > 0) {
      parts.push(
        `<path class="${escapeHtml(line.className)}" d="${points.map(([x, py], i) => `${i ? "L" : "M"}${fixed(x)},${fixed(py)}`).join("")}"/>`,
      );
      for (const [x, py, v, label] of points) {
        parts.push(
          `<circle class="${escapeHtml(line.className)}-dot" data-category="${escapeHtml(label)}" cx="${fixed(x)}" cy="${fixed(py)}" r="3">` +
            `<title>${escapeHtml(`${line.name} ${label}: ${line.format ? line.format(v) : v}`)}</title></circle>`,
        );
      }
    }
    parts.push(
      `<text class="axis" x="${width - 4}" y="${margin.top + plotH + 30}" text-anchor="end">${escapeHtml(line.name)} →</text>`,
    );
  }
  return (
    `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">` +
    `<title>${escapeHtml(title)}</title>${parts.join("")}</svg>`
  );
}

/** The chart's drawing width for a container: its pixel width, so text stays legible on a phone. */
export function chartWidth(element) {
  return Math.max(300, Math.min(1100, Math.round(element?.clientWidth || 760)));
}

const fixed = (v) => Math.round(v * 10) / 10;
