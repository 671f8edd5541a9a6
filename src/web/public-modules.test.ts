// The dashboard's pure browser modules run in node too: formatting of exact token amounts and the hand-written SVG
// charts (bar heights proportional to the values, the revenue-share line on its own axis, everything escaped).
import assert from "node:assert/strict";
import { test } from "node:test";

// Plain browser JavaScript without type declarations: imported by URL so the compiler leaves them untyped.
const load = (name: string) => import(new URL(`./public/${name}`, import.meta.url).href);

test("token amounts keep their value and read well", async () => {
  const { formatToken, formatShare, escapeHtml, html, shortHex } = await load("format.js");
  assert.equal(formatToken("1234567.123456789"), "1,234,567.1234");
  assert.equal(formatToken("1000"), "1,000");
  assert.equal(formatToken("0.000000000000001"), "<0.0001");
  assert.equal(formatToken("0"), "0");
  assert.equal(formatToken(null), "–");
  assert.equal(formatShare("0.0099"), "0.99 %");
  assert.equal(formatShare(null), "–");
  assert.equal(escapeHtml(`<a href="x">'&`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;");
  assert.equal(html`<b>${"<i>"}</b>${[html`<br>`, "<"]}`.text, "<b>&lt;i&gt;</b><br>&lt;");
  assert.equal(shortHex(`0x${"ab".repeat(32)}`), "0xababab…ababab");
});

test("the epoch chart draws emission and revenue bars to scale and the revenue share on the right axis", async () => {
  const { epochChart } = await load("pages/epochs.js");
  const epochs = [
    { epoch: 0, emission: "100", revenue: "0", revenueShare: "0.0000" },
    { epoch: 1, emission: "100", revenue: "25", revenueShare: "0.2000" },
    { epoch: 2, emission: "50", revenue: "50", revenueShare: "0.5000" },
  ];
  const svg: string = epochChart(epochs, 600);
  const bars = [
    ...svg.matchAll(/<rect class="(emission|revenue)"[^>]*data-category="(\d)"[^>]*height="([\d.]+)"/g),
  ].map((m) => ({ series: m[1], epoch: Number(m[2]), height: Number(m[3]) }));
  assert.equal(bars.length, 6);
  const height = (series: string, epoch: number) =>
    bars.find((b) => b.series === series && b.epoch === epoch)?.height ?? -1;
  assert.ok(Math.abs(height("revenue", 1) * 4 - height("emission", 1)) < 0.5, "25 is a quarter of 100");
  assert.ok(Math.abs(height("emission", 2) - height("revenue", 2)) < 0.1);
  assert.equal(height("revenue", 0), 0);
  const dots = [...svg.matchAll(/<circle class="share-dot" data-category="(\d)" cx="[\d.]+" cy="([\d.]+)"/g)];
  assert.equal(dots.length, 3);
  const cy = dots.map((d) => Number(d[2]));
  assert.ok((cy[0] as number) > (cy[1] as number) && (cy[1] as number) > (cy[2] as number), "the share rises");
  assert.match(svg, /50\.00 %/, "the right axis reaches the largest share");
});

test("chart labels are escaped", async () => {
  const { renderBarChart } = await load("svg-chart.js");
  const svg: string = renderBarChart({
    title: "<script>",
    categories: ["<img src=x>"],
    series: [{ name: '"x"', className: "emission", values: [1] }],
  });
  assert.ok(!svg.includes("<script>") && !svg.includes("<img"), svg);
});
