// End to end in a real browser: `gw start` (chain, gateway, oracles, indexer + API + dashboard, three providers,
// short epochs), real compute jobs through the gateway, then headless Chromium loads every page and checks what it
// shows against the API and `gw network stats --json`: the providers on the map, the jobs, a closed epoch with its
// revenue share, the totals, a provider's earnings and estimate, and a job arriving live over SSE. A screenshot of
// each page, desktop and 375 px wide, is kept under test-artifacts/dashboard/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { parseUnits } from "viem";
import { localnetStatePath } from "../localnet/index.ts";
import { loadFixture } from "../resources/compute/sandbox/fixtures/load-fixture.ts";
import {
  freePort,
  isProcessAlive,
  launchChromium,
  localNetworkArgs,
  runGw,
  startGw,
  tempHome,
  waitUntil,
} from "../testing/index.ts";

const repoRoot = join(import.meta.dirname, "..", "..");
const artifacts = join(repoRoot, "test-artifacts", "dashboard");
const home = tempHome("gw-dashboard-");
const viewports = { desktop: { width: 1280, height: 900 }, phone: { width: 375, height: 812 } } as const;

let browser: Browser;
let network: Awaited<ReturnType<typeof startGw>>;
let passwordFile = "";
let apiOrigin = "";
let dashboardUrl = "";
const jobIds: string[] = [];
const pageErrors: string[] = [];

const env = () => ({ GW_HOME: home.path });

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${apiOrigin}${path}`);
  assert.equal(response.status, 200, `GET ${path}: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> =>
  waitUntil(what, probe, {
    timeoutMs,
    intervalMs: 500,
    retryErrors: true,
    detail: () => `network stderr: ${network?.stderr().slice(-2000)}`,
  });

async function runJob(): Promise<string> {
  const wasm = join(home.path, "echo.wasm");
  const input = join(home.path, "input.bin");
  const run = await runGw(["compute", "run", wasm, "--input", input, "--password-file", passwordFile, "--json"], {
    env: env(),
    timeoutMs: 120_000,
  });
  assert.equal(run.code, 0, run.stderr);
  const { jobId } = run.json as { jobId: string };
  return jobId;
}

async function openPage(viewport: keyof typeof viewports): Promise<Page> {
  const page = await browser.newPage({ viewport: viewports[viewport] });
  page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  return page;
}

/** Loads a route and waits until the page has rendered it (the app drops aria-busy when done). */
async function show(page: Page, route: string): Promise<void> {
  await page.goto(`${dashboardUrl}#${route}`);
  await page.waitForSelector("main:not([aria-busy]) h1");
}

async function screenshot(page: Page, name: string, viewport: keyof typeof viewports): Promise<void> {
  const path = join(artifacts, `${name}-${viewport}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
  if (viewport === "phone") {
    const width = Number(await page.evaluate("document.documentElement.scrollWidth"));
    assert.ok(width <= viewports.phone.width, `${name} is ${width}px wide at 375 px: it scrolls sideways`);
  }
}

/** { [keyAttribute]: valueAttribute } over every element matching selector. */
async function attributes(page: Page, selector: string, key: string, value: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const element of await page.locator(selector).all()) {
    out[(await element.getAttribute(key)) ?? ""] = (await element.getAttribute(value)) ?? "";
  }
  return out;
}

interface CliStats {
  postedEpochs: number;
  totals: {
    emission: string;
    revenue: string;
    burned: string;
    treasury: { total: string };
    revenueShare: string | null;
  };
  providers: { registered: number; active: number; activeStake: string };
  epochs: { epoch: number; revenueShare: string | null; revenue: string; emission: string }[];
}

const cliStats = async (): Promise<CliStats> => {
  const run = await runGw(["network", "stats", "--json", "--epochs", "100000"], { env: env() });
  assert.equal(run.code, 0, run.stderr);
  return run.json as CliStats;
};

/** What the overview's totals must read (data-value: exact base units, counts and the share's decimal). */
const expectedTotals = (s: CliStats) => ({
  providers: String(s.providers.registered),
  active: String(s.providers.active),
  staked: parseUnits(s.providers.activeStake, 18).toString(),
  revenue: parseUnits(s.totals.revenue, 18).toString(),
  emission: parseUnits(s.totals.emission, 18).toString(),
  burned: parseUnits(s.totals.burned, 18).toString(),
  treasury: parseUnits(s.totals.treasury.total, 18).toString(),
  revenueShare: s.totals.revenueShare ?? "",
});

interface ApiEpoch {
  epoch: number;
  closed: boolean;
  revenue: string;
  emission: string;
  revenueShare: { decimal: string | null };
}

before(async () => {
  // First, so a machine without Chromium fails at once with what to install, before a network starts.
  browser = await launchChromium();
  mkdirSync(artifacts, { recursive: true });
  network = await startGw(
    localNetworkArgs({ chainPort: await freePort(), providers: 3, epochSeconds: 20 }),
    // Generous: on a loaded 2-core machine a whole network can take minutes to come up.
    { env: env(), timeoutMs: 600_000 },
  );
  passwordFile = (network.first as { passwordFile: string }).passwordFile;
  const status = await runGw(["status", "--json"], { env: env() });
  assert.equal(status.code, 0, status.stderr);
  const urls = status.json as { apiUrl: string; dashboardUrl: string };
  dashboardUrl = urls.dashboardUrl;
  assert.match(dashboardUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  // The page and the API share one server: API paths below are read from the dashboard's origin.
  apiOrigin = new URL(dashboardUrl).origin;
  assert.ok(urls.apiUrl.startsWith(apiOrigin), `the API (${urls.apiUrl}) is served where the dashboard is`);

  writeFileSync(join(home.path, "echo.wasm"), await loadFixture("echo"));
  writeFileSync(join(home.path, "input.bin"), "hello dashboard");
  // Providers connect on their own after start; the first job waits for them.
  await waitFor("the gateway to take a job", async () => {
    jobIds.push(await runJob());
    return true;
  });
  for (let i = 0; i < 2; i++) jobIds.push(await runJob());
  // Vouchers are redeemed every 30 s; the epoch that saw a redemption then closes with customer revenue in it.
  await waitFor(
    "a closed epoch with customer revenue, indexed",
    async () => {
      const { epochs } = await api<{ epochs: ApiEpoch[] }>("/v1/epochs?limit=100");
      return epochs.some((e) => e.closed && BigInt(e.revenue) > 0n) ? true : undefined;
    },
    300_000,
  );
  await waitFor("every job indexed", async () => {
    const { jobs } = await api<{ jobs: { jobId: string }[] }>("/v1/jobs?limit=500");
    return jobIds.every((id) => jobs.some((j) => j.jobId === id)) ? true : undefined;
  });
});

after(async () => {
  await browser?.close();
  if (network && network.child.exitCode === null) {
    network.child.kill("SIGTERM");
    await network.exited;
  }
  // Whatever the network recorded as running and is still alive (a start that failed half way) is stopped too.
  if (existsSync(localnetStatePath(home.path))) {
    const { services } = JSON.parse(readFileSync(localnetStatePath(home.path), "utf8")) as {
      services: { pid: number }[];
    };
    for (const s of services) if (s.pid && isProcessAlive(s.pid)) process.kill(s.pid, "SIGKILL");
  }
  home.remove();
});

test("the first load is small: every byte the overview transfers, map libraries included", async () => {
  const page = await browser.newPage({ viewport: viewports.desktop });
  const pending: Promise<{ url: string; bytes: number }>[] = [];
  page.on("requestfinished", (request) => {
    pending.push(
      request.sizes().then((s) => ({ url: request.url(), bytes: s.responseBodySize + s.responseHeadersSize })),
    );
  });
  await show(page, "/");
  await page.waitForSelector('main[data-map-ready="done"]');
  const transferred = await Promise.all(pending);
  const total = transferred.reduce((s, r) => s + r.bytes, 0);
  const files = transferred.filter((r) => !r.url.includes("/v1/")).length;
  console.log(`first load: ${total} bytes transferred in ${transferred.length} requests (${files} files)`);
  assert.ok(total < 400_000, `first load transferred ${total} bytes`);
  await page.close();
});

test("overview: the totals equal `gw network stats --json` and every provider is a hexagon on the map", async () => {
  const { providers } = await api<{ providers: { nodeKey: string; h3Cell: string | null }[] }>(
    "/v1/providers?limit=500",
  );
  const cells = new Set(providers.map((p) => p.h3Cell).filter((c): c is string => c !== null));
  assert.equal(providers.length, 3);
  assert.equal(cells.size, 3, "the local network places each provider in its own cell");

  for (const viewport of ["desktop", "phone"] as const) {
    const page = await openPage(viewport);
    // Totals change when an epoch posts (every 20 s). The page says how many posted epochs its totals cover; a CLI
    // read that covers the same number must show the same numbers.
    await waitFor(
      "the page and the CLI to agree",
      async () => {
        await show(page, "/");
        const posted = Number(await page.getAttribute(".totals", "data-posted-epochs"));
        const shown = await attributes(page, "[data-stat]", "data-stat", "data-value");
        const cli = await cliStats();
        if (cli.postedEpochs !== posted) return undefined;
        const { currentEpoch: _e, jobs: _j, ...compared } = shown;
        assert.deepEqual(compared, expectedTotals(cli), `totals over ${posted} posted epochs`);
        return true;
      },
      240_000,
    );
    const stats = await api<{ jobs: { total: number } }>("/v1/network/stats");
    assert.ok(Number(await page.getAttribute('[data-stat="jobs"]', "data-value")) >= jobIds.length);
    assert.ok(stats.jobs.total >= jobIds.length);

    await page.waitForSelector('main[data-map-ready="done"]');
    assert.equal(await page.locator("path.hex").count(), cells.size);
    const shownCells = Object.keys(await attributes(page, "path.hex", "data-cell", "data-cell"));
    assert.deepEqual(new Set(shownCells), cells);
    assert.ok(await page.locator("path.land").getAttribute("d"), "the world outline is drawn");
    // By keyboard, as a screen-reader user would: demo providers a few km apart overlap at world zoom, so a pointer
    // click lands on whichever hexagon is drawn on top.
    const firstHex = page.locator("path.hex").first();
    await firstHex.focus();
    await firstHex.press("Enter");
    const href = (await page.locator('[data-role="selection"] a').first().getAttribute("href")) ?? "";
    const selected = decodeURIComponent(href.split("/").pop() ?? "");
    assert.ok(
      providers.some((p) => p.nodeKey === selected),
      `the hexagon links to a provider: ${href}`,
    );
    await screenshot(page, "overview", viewport);
    await page.close();
  }
});

test("jobs: every job the network ran is listed, and a new one appears live without a reload", async () => {
  for (const viewport of ["desktop", "phone"] as const) {
    const page = await openPage(viewport);
    await show(page, "/jobs");
    for (const id of jobIds) assert.equal(await page.locator(`tr[data-key="${id}"]`).count(), 1, `job ${id} listed`);
    assert.equal((await page.locator('tr[data-key] .badge[data-status="ok"]').count()) >= jobIds.length, true);
    await screenshot(page, "jobs", viewport);
    if (viewport === "desktop") {
      await page.waitForSelector('#live[data-state="live"]');
      const id = await runJob();
      jobIds.push(id);
      await page.waitForSelector(`tr[data-key="${id}"]`, { timeout: 120_000 });
      assert.equal(page.url().endsWith("#/jobs"), true);
    }
    await page.close();
  }
});

test("epochs: a closed epoch with its revenue share, as the API and the CLI give it, and the chart to match", async () => {
  const { epochs } = await api<{ epochs: ApiEpoch[] }>("/v1/epochs?limit=500");
  const closed = epochs.filter((e) => e.closed && BigInt(e.revenue) > 0n);
  const epoch = closed[0];
  assert.ok(epoch && epoch.revenueShare.decimal !== null, "a closed epoch with revenue");
  const cli = (await cliStats()).epochs.find((e) => e.epoch === epoch.epoch);
  assert.equal(cli?.revenueShare, epoch.revenueShare.decimal, "API and CLI agree on the revenue share");
  assert.equal(parseUnits(cli?.revenue ?? "x", 18).toString(), epoch.revenue);

  for (const viewport of ["desktop", "phone"] as const) {
    const page = await openPage(viewport);
    await show(page, "/epochs");
    const row = page.locator(`tr[data-key="${epoch.epoch}"]`);
    if ((await row.count()) === 0) await page.getByRole("button", { name: "Next" }).click();
    assert.equal(await row.locator('[data-role="share"]').getAttribute("data-value"), epoch.revenueShare.decimal);
    assert.match((await row.textContent()) ?? "", /yes/);
    // The chart shows the latest epochs the page loaded, one revenue bar each: at most 40, fewer on a phone.
    const listed = Number(/\d+/.exec((await page.locator('[data-role="count"]').textContent()) ?? "")?.[0]);
    assert.ok(listed >= epochs.length, `the page lists ${listed} epochs, the API had ${epochs.length} before`);
    const charted = Object.keys(await attributes(page, "rect.revenue", "data-category", "data-category")).map(Number);
    assert.ok(charted.length >= Math.min(8, listed) && charted.length <= 40, `${charted.length} epochs charted`);
    assert.equal(Math.max(...charted), listed - 1, "the newest epoch is charted");
    assert.equal(Math.max(...charted) - Math.min(...charted) + 1, charted.length, "the latest epochs, none skipped");
    if (epoch.epoch >= Math.min(...charted)) {
      assert.equal(await page.locator(`rect.revenue[data-category="${epoch.epoch}"]`).count(), 1);
      assert.equal(await page.locator(`circle.share-dot[data-category="${epoch.epoch}"]`).count(), 1);
    }
    await screenshot(page, "epochs", viewport);
    await page.close();
  }
});

test("providers and a provider's page: earnings per epoch and an estimate equal to the API's", async () => {
  const { jobs } = await api<{ jobs: { providers: string[] }[] }>("/v1/jobs?limit=500");
  const worker = jobs.flatMap((j) => j.providers)[0] as string;
  for (const viewport of ["desktop", "phone"] as const) {
    const page = await openPage(viewport);
    await show(page, "/providers");
    assert.equal(await page.locator("tbody tr[data-key]").count(), 3);
    await screenshot(page, "providers", viewport);

    await page.locator(`tr[data-key="${worker}"] a`).first().click();
    await page.waitForSelector('main:not([aria-busy]) [data-role="details"] dt');
    assert.match((await page.locator('[data-role="details"]').textContent()) ?? "", new RegExp(worker));
    // Posted epochs never change: every row shown equals the API's figure for its epoch, read afterwards.
    const shown = await attributes(page, '[data-role="earnings"] tbody tr[data-key]', "data-key", "data-key");
    const earnings = await api<{ epochs: { epoch: number; total: string }[] }>(`/v1/providers/${worker}/earnings`);
    assert.ok(earnings.epochs.length > 0, "the provider that ran jobs has earnings");
    const count = Object.keys(shown).length;
    assert.ok(count >= 1 && count <= 10, `${count} rows on the first page of earnings`);
    for (const key of Object.keys(shown)) {
      const total = await page
        .locator(`[data-role="earnings"] tr[data-key="${key}"] [data-value]`)
        .getAttribute("data-value");
      assert.equal(total, earnings.epochs.find((e) => String(e.epoch) === key)?.total, `epoch ${key}`);
    }
    await page.getByLabel("Electricity price per kWh").fill("0.31");
    await page.getByLabel("Power draw (W)").fill("120");
    const form: Record<string, string> = {};
    for (const input of await page.locator(".estimator input").all()) {
      form[(await input.getAttribute("name")) ?? ""] = await input.inputValue();
    }
    const query = new URLSearchParams({ ...form, resourceType: "compute" });
    // The estimate follows the latest posted epochs, and the network keeps posting: the page's figure is the API's
    // just before or just after the page asked (an epoch lasts seconds, so it changes at most once in between).
    const netOf = async () => (await api<{ monthly: { net: string } }>(`/v1/estimate?${query}`)).monthly.net;
    const before = await netOf();
    await page.getByRole("button", { name: "Estimate" }).click();
    const net = await page.waitForSelector('[data-role="net"]');
    const shownNet = await net.getAttribute("data-value");
    const after = await netOf();
    assert.ok(shownNet === before || shownNet === after, `page ${shownNet}, API ${before} then ${after}`);
    await screenshot(page, "provider", viewport);
    await page.close();
  }
});

test("no page threw an error", () => {
  assert.deepEqual(pageErrors, []);
});
