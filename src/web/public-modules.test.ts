// The dashboard's pure browser modules run in node too: formatting of exact token amounts and the hand-written SVG
// charts (bar heights proportional to the values, the revenue-share line on its own axis, everything escaped).
import assert from "node:assert/strict";
import { test } from "node:test";

// Plain browser JavaScript without type declarations: imported by URL so the compiler leaves them untyped.
const gwk = (n: number) => (BigInt(n) * 10n ** 18n).toString();
const load = (name: string) => import(new URL(`./public/${name}`, import.meta.url).href);

test("token amounts keep their value and read well", async () => {
  const { formatToken, formatGwk, unitsToDecimal, formatShare, escapeHtml, html, shortHex } = await load("format.js");
  assert.equal(unitsToDecimal("1234500000000000000001"), "1234.500000000000000001");
  assert.equal(unitsToDecimal("1"), "0.000000000000000001");
  assert.equal(unitsToDecimal("-25000000000000000"), "-0.025");
  assert.equal(unitsToDecimal("0"), "0");
  assert.equal(unitsToDecimal("12.5"), null);
  assert.equal(formatGwk("1000000000000000000000"), "1,000");
  assert.equal(formatToken("1234567.123456789"), "1,234,567.1234");
  assert.equal(formatToken("1000"), "1,000");
  assert.equal(formatToken("0.000000000000001"), "<0.0001");
  assert.equal(formatToken("0"), "0");
  assert.equal(formatToken(null), "–");
  assert.equal(formatShare("0.0099"), "0.99 %");
  assert.equal(formatShare(null), "–");
  assert.equal(formatShare("0.0000", "10000000000000000"), "<0.01 %", "some revenue never reads as zero");
  assert.equal(formatShare("0.0000", "0"), "0.00 %");
  assert.equal(escapeHtml(`<a href="x">'&`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;");
  assert.equal(html`<b>${"<i>"}</b>${[html`<br>`, "<"]}`.text, "<b>&lt;i&gt;</b><br>&lt;");
  assert.equal(shortHex(`0x${"ab".repeat(32)}`), "0xababab…ababab");
});

test("the epoch chart draws emission and revenue bars to scale and the revenue share on the right axis", async () => {
  const { epochChart } = await load("pages/epochs.js");
  const epochs = [
    { epoch: 0, emission: gwk(100), revenue: "0", revenueShare: "0.0000" },
    { epoch: 1, emission: gwk(100), revenue: gwk(25), revenueShare: "0.2000" },
    { epoch: 2, emission: gwk(50), revenue: gwk(50), revenueShare: "0.5000" },
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

test("on a log scale, revenue a millionth of the emission still gets a bar, and decades are evenly spaced", async () => {
  const { renderBarChart, prefersLogScale, logTicks } = await load("svg-chart.js");
  assert.deepEqual(logTicks(0.01, 10_000), [0.001, 0.01, 0.1, 1, 10, 100, 1000, 10_000]);
  assert.deepEqual(logTicks(0.02, 50), [0.001, 0.01, 0.1, 1, 10, 100]);
  assert.deepEqual(logTicks(0.010002, 10_000), [0.001, 0.01, 0.1, 1, 10, 100, 1000, 10_000]);
  assert.equal(prefersLogScale([10_000, 0.01, 0]), true);
  assert.equal(prefersLogScale([10, 5, 0]), false);
  const svg: string = renderBarChart({
    title: "t",
    categories: ["a", "b"],
    scale: "log",
    series: [
      { name: "E", className: "emission", values: [10_000, 100] },
      { name: "R", className: "revenue", values: [0.01, 0] },
    ],
  });
  const heights = [...svg.matchAll(/<rect class="(\w+)"[^>]*data-category="(\w)"[^>]*height="([\d.]+)"/g)].map(
    (m) => [`${m[1]}-${m[2]}`, Number(m[3])] as const,
  );
  const h = Object.fromEntries(heights);
  assert.equal(h["revenue-b"], 0, "zero draws nothing");
  // The axis starts a decade below 0.01: 0.01 is 1 decade up, 100 is 5, 10,000 is 7.
  assert.ok(Math.abs((h["revenue-a"] ?? 0) / (h["emission-a"] ?? 1) - 1 / 7) < 0.01, JSON.stringify(h));
  assert.ok(Math.abs((h["emission-b"] ?? 0) / (h["emission-a"] ?? 1) - 5 / 7) < 0.01, JSON.stringify(h));
});
