// `npm run bench -- dashboard`: the dashboard's first load in headless Chromium against a real local network (three
// providers, a few paid jobs): bytes transferred and requests, time until the totals are on screen and until the
// map is drawn (cold cache, median of several loads), and what a reload costs with a warm cache.
import { parseUnits } from "viem";
import { loadFixture } from "../src/resources/compute/sandbox/fixtures/load-fixture.ts";
import { runCompute } from "../src/sdk/index.ts";
import { launchChromium, runGw } from "../src/testing/index.ts";
import { log, median, round, startBenchNetwork } from "./lib/network.ts";

const loads = 5;

export default async function bench(): Promise<Record<string, unknown>> {
  const browser = await launchChromium();
  const network = await startBenchNetwork({ providers: 3 });
  try {
    const status = await runGw(["status", "--json"], { env: { GW_HOME: network.home } });
    const { dashboardUrl } = status.json as { dashboardUrl?: string };
    if (!dashboardUrl) throw new Error(`gw status gave no dashboardUrl: ${status.stdout}${status.stderr}`);
    const client = network.client();
    const echo = await loadFixture("echo");
    for (let i = 0; i < 3; i++) {
      await runCompute(client, {
        module: echo,
        input: new TextEncoder().encode(`job ${i}`),
        args: [],
        replicas: 1,
        maxPrice: parseUnits("1", 18),
        timeoutMs: 60_000,
      });
    }
    log(`dashboard at ${dashboardUrl}; ${loads} cold loads`);

    const cold: { bytes: number; requests: number; totalsMs: number; mapMs: number }[] = [];
    let warm = { bytes: 0, requests: 0, notModified: 0 };
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const sizes: Promise<number>[] = [];
      let notModified = 0;
      page.on("requestfinished", (request) => {
        sizes.push(request.sizes().then((s) => s.responseBodySize + s.responseHeadersSize));
      });
      page.on("response", (response) => {
        if (response.status() === 304) notModified++;
      });
      await page.goto(dashboardUrl);
      await page.waitForSelector('main[data-map-ready="done"]', { timeout: 120_000 });
      const marks = (await page.evaluate(
        "({ totals: performance.getEntriesByName('gw:totals')[0]?.startTime, map: performance.getEntriesByName('gw:map')[0]?.startTime })",
      )) as { totals: number; map: number };
      const bytes = (await Promise.all(sizes)).reduce((s, b) => s + b, 0);
      cold.push({ bytes, requests: sizes.length, totalsMs: marks.totals, mapMs: marks.map });
      if (i === loads - 1) {
        sizes.length = 0;
        notModified = 0;
        await page.reload();
        await page.waitForSelector('main[data-map-ready="done"]', { timeout: 120_000 });
        warm = { bytes: (await Promise.all(sizes)).reduce((s, b) => s + b, 0), requests: sizes.length, notModified };
      }
      await context.close();
    }
    return {
      providers: 3,
      loads,
      firstLoadBytes: median(cold.map((c) => c.bytes)),
      firstLoadRequests: median(cold.map((c) => c.requests)),
      totalsVisibleMs: round(median(cold.map((c) => c.totalsMs))),
      mapDrawnMs: round(median(cold.map((c) => c.mapMs))),
      warmReloadBytes: warm.bytes,
      warmReloadRequests: warm.requests,
      warmReloadNotModified: warm.notModified,
    };
  } finally {
    await browser.close();
    await network.stop();
  }
}
