// Proof of coverage through the indexer: a real epoch judged by a coverage oracle over HTTP (hotspots on the
// simulated RF world), followed into the index, served by the API and drawn by the dashboard in headless Chromium.
// The API's hexes and verdicts must equal the oracle's; `gw coverage` reads the API and falls back to the oracle;
// a result naming an earnings root that is not posted is not kept. Screenshots go to test-artifacts/dashboard/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import type { Browser } from "playwright-core";
import { createIndexer, type Database, followCoverageOnce, openIndexDatabase } from "../indexer/index.ts";
import { createCoverageClient } from "../resources/coverage/oracle/index.ts";
import {
  type JudgedCoverageEpoch,
  judgeCoverageEpoch,
  launchChromium,
  registerTestProvider,
  runGw,
  startTestChain,
  startTestPostgres,
  type TestChain,
  tempHome,
} from "../testing/index.ts";
import { mountDashboard } from "../web/index.ts";
import { createApiApp, createEventHub } from "./index.ts";

// biome-ignore lint/suspicious/noExplicitAny: test assertions read JSON freely.
type Json = Record<string, any>;

let chain: TestChain;
let epoch: JudgedCoverageEpoch;
let db: Database;
let app: Hono;
let server: Server;
let apiUrl = "";
const home = tempHome("gw-coverage-api-");
const artifacts = join(import.meta.dirname, "..", "..", "test-artifacts", "dashboard");

async function get(path: string): Promise<{ status: number; body: Json }> {
  const response = await app.request(path);
  return { status: response.status, body: (await response.json()) as Json };
}

async function oracleGet(path: string): Promise<Json> {
  const response = await fetch(`${epoch.url}${path}`);
  assert.equal(response.status, 200, path);
  return (await response.json()) as Json;
}

/** Every page of an API list, `limit` rows at a time. */
async function allPages(path: string, field: string, limit: number): Promise<Json[]> {
  const rows: Json[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const { status, body } = await get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    assert.equal(status, 200, JSON.stringify(body));
    rows.push(...body[field]);
    cursor = body.next;
  } while (cursor);
  return rows;
}

const byCell = (a: Json, b: Json) => String(a.cell).localeCompare(String(b.cell));

before(async () => {
  // Five hotspots a kilometre apart near Geneva, and one 40 km away that nobody hears (a hex of its own).
  const sites = [
    ...Array.from({ length: 5 }, (_, i) => ({ lat: 46.2 + i * 0.009, lng: 6.14 })),
    { lat: 46.55, lng: 6.6 },
  ];
  [chain, epoch] = await Promise.all([startTestChain(), judgeCoverageEpoch({ sites, seed: "coverage-api" })]);
  // The first hotspot is also a registered provider offering coverage: the dashboard's provider page shows it.
  await registerTestProvider(chain, {
    ownerIndex: 1,
    nodeKey: epoch.keys[0] as NonNullable<(typeof epoch.keys)[0]>,
    resourceTypes: ["coverage"],
  });
  db = await openIndexDatabase({});
  const indexer = createIndexer({
    db,
    client: chain.publicClient,
    deployment: chain.deployment,
    coverage: [createCoverageClient(epoch.url)],
  });
  await indexer.syncToHead();
  app = createApiApp({ db, deployment: chain.deployment, publicClient: chain.publicClient, events: createEventHub() });
  mountDashboard(app);
  server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server?.close();
  await epoch?.close();
  await db?.close();
  await chain?.stop();
  home.remove();
});

test("the API's hexes equal the oracle's map at every density resolution, paginated", async () => {
  assert.ok(epoch.result.stats.rewarded >= 8, JSON.stringify(epoch.result.stats));
  for (let resolution = 4; resolution <= 10; resolution++) {
    const oracle = await oracleGet(`/v1/coverage/map?resolution=${resolution}`);
    const hexes = await allPages(`/v1/coverage/hexes?resolution=${resolution}`, "hexes", 2);
    assert.ok(oracle.hexes.length > 0);
    assert.deepEqual(
      hexes.map(({ epoch: e, resolution: r, rewardWeight: _w, ...h }) => {
        assert.equal(e, 0);
        assert.equal(r, resolution);
        return h;
      }),
      [...oracle.hexes].sort(byCell),
      `resolution ${resolution}`,
    );
  }
  // Reward weight under the hexes of one resolution sums to every hotspot's weight.
  const total = epoch.result.hotspots.reduce((sum, h) => sum + h.weight, 0n);
  assert.ok(total > 0n);
  const res8 = await allPages("/v1/coverage/hexes?resolution=8", "hexes", 500);
  assert.equal(
    res8.reduce((sum, h) => sum + BigInt(h.rewardWeight), 0n),
    total,
  );
});

test("hotspot verdicts and witness reports equal the oracle's; one hotspot in detail", async () => {
  const hotspots = await allPages("/v1/coverage/hotspots", "hotspots", 4);
  const expected = [...epoch.result.hotspots].sort((a, b) => a.nodeKey.localeCompare(b.nodeKey));
  assert.deepEqual(
    hotspots.map((h) => [h.nodeKey, h.flag, h.beaconWitnesses, h.witnessed, h.densityScalePpm, h.weight, h.valid]),
    expected.map((h) => [
      h.nodeKey,
      h.flag ?? null,
      h.beaconWitnesses,
      h.witnessed,
      h.densityScalePpm,
      h.weight.toString(),
      h.flag === undefined,
    ]),
  );
  const witnesses = await allPages("/v1/coverage/witnesses", "witnesses", 7);
  assert.equal(witnesses.length, epoch.result.witnesses.length);
  const key = epoch.keys[2]?.publicKey as string;
  const oracleView = await oracleGet(`/v1/coverage/witnesses?hotspot=${key}&limit=1000`);
  const mine = await get(`/v1/coverage/witnesses?hotspot=${key}&limit=500`);
  assert.equal(mine.body.total, oracleView.total);
  assert.deepEqual(
    mine.body.witnesses.map((w: Json) => [w.witness, w.beaconer, w.rssiDbm, w.snrDb, w.rewarded, w.reason]).reverse(),
    oracleView.witnesses.map((w: Json) => [w.witness, w.beaconer, w.rssiDbm, w.snrDb, w.rewarded, w.reason ?? null]),
  );
  const detail = await get(`/v1/coverage/hotspots/${key}`);
  assert.equal(detail.status, 200);
  assert.equal(detail.body.epoch, 0);
  assert.equal(detail.body.reports.total, epoch.result.witnesses.filter((w) => w.witness === key).length);
  assert.deepEqual(
    detail.body.history.map((h: Json) => h.epoch),
    [0],
  );
  const status = await get(`/v1/coverage/status?hotspot=${key}`);
  assert.deepEqual(status.body.latestJudged.stats, JSON.parse(JSON.stringify(epoch.result.stats)));
  assert.equal(status.body.hotspot.nodeKey, key);
  // Bad input is 400 in the error shape; an unknown hotspot is 404.
  for (const bad of [
    "/v1/coverage/hexes?resolution=16",
    "/v1/coverage/hexes?cursor=nope",
    "/v1/coverage/witnesses?hotspot=0x12",
  ]) {
    const answer = await get(bad);
    assert.equal(answer.status, 400, bad);
    assert.equal(answer.body.kind, "input");
  }
  assert.equal((await get(`/v1/coverage/hotspots/0x${"ab".repeat(32)}`)).status, 404);
  const openapi = (await get("/openapi.json")).body;
  for (const path of [
    "/v1/coverage/hexes",
    "/v1/coverage/hotspots",
    "/v1/coverage/hotspots/{nodeKey}",
    "/v1/coverage/witnesses",
  ]) {
    assert.ok(openapi.paths[path], path);
  }
});

test("an oracle serves a judged epoch in pages, and the client reads them back whole", async () => {
  const whole = await createCoverageClient(epoch.url).epoch(0);
  assert.ok(whole);
  assert.equal(whole.hotspots.length, epoch.result.hotspots.length);
  assert.equal(whole.witnesses.length, epoch.result.witnesses.length);
  assert.ok(whole.witnesses.length > 2, "enough witness verdicts to need more than one page of 2");
  // Two at a time: the same epoch, in the same order.
  assert.deepEqual(await createCoverageClient(epoch.url, { pageSize: 2 }).epoch(0), whole);
  const first = await oracleGet("/v1/coverage/epochs/0?limit=2");
  assert.equal(first.hotspots.length, 2);
  assert.equal(first.page.hotspots, 2);
  assert.equal(first.page.witnesses, 2);
  const last = await oracleGet(
    `/v1/coverage/epochs/0?limit=2&hotspotsFrom=${whole.hotspots.length - 1}&witnessesFrom=0`,
  );
  assert.equal(last.hotspots.length, 1);
  assert.equal(last.page.hotspots, null);
  const refused = await fetch(`${epoch.url}/v1/coverage/epochs/0?limit=0`);
  assert.equal(refused.status, 400);
});

test("following again stores nothing twice; a result naming an unposted root is not kept", async () => {
  const count = async (database: Database) =>
    Number((await database.query("SELECT count(*) AS n FROM coverage_witnesses"))[0]?.n);
  const before = await count(db);
  assert.deepEqual(await followCoverageOnce(db, [createCoverageClient(epoch.url)], () => {}), { epochs: [] });
  assert.equal(await count(db), before);

  const fresh = await openIndexDatabase({});
  try {
    const client = createCoverageClient(epoch.url);
    const logged: string[] = [];
    const rooted = {
      ...client,
      epoch: async (e: number) => {
        const result = await client.epoch(e);
        return result && { ...result, earningsRoot: `0x${"12".repeat(32)}` };
      },
    };
    assert.deepEqual(await followCoverageOnce(fresh, [rooted], (line) => logged.push(line)), { epochs: [] });
    assert.equal(await count(fresh), 0);
    assert.deepEqual(await followCoverageOnce(fresh, [client], () => {}), { epochs: [0] });
    assert.equal(await count(fresh), before);
  } finally {
    await fresh.close();
  }
});

test("the same coverage indexed into PostgreSQL answers exactly the same", async (t) => {
  const server = await startTestPostgres();
  if ("unavailable" in server) {
    t.skip(`PostgreSQL unavailable: ${server.unavailable}`);
    return;
  }
  const pgDb = await openIndexDatabase({ databaseUrl: server.url });
  try {
    assert.deepEqual(await followCoverageOnce(pgDb, [createCoverageClient(epoch.url)], () => {}), { epochs: [0] });
    const pgApp = createApiApp({
      db: pgDb,
      deployment: chain.deployment,
      publicClient: chain.publicClient,
      events: createEventHub(),
    });
    const key = epoch.keys[3]?.publicKey as string;
    for (const path of [
      "/v1/coverage/hexes?resolution=4",
      "/v1/coverage/hexes?resolution=10&limit=2",
      "/v1/coverage/hotspots?limit=3",
      "/v1/coverage/hotspots?flagged=false",
      `/v1/coverage/hotspots/${key}`,
      `/v1/coverage/witnesses?hotspot=${key}&limit=500`,
      `/v1/coverage/status?hotspot=${key}`,
    ]) {
      const [fromPg, fromPglite] = await Promise.all([pgApp.request(path), app.request(path)]);
      assert.equal(fromPg.status, 200, path);
      assert.deepEqual(await fromPg.json(), await fromPglite.json(), path);
    }
  } finally {
    await pgDb.close();
    await server.stop();
  }
});

test("gw coverage reads the API, and the oracle when the API does not answer", async () => {
  const gw = (args: string[]) => runGw([...args, "--json"], { env: { GW_HOME: home.path } });
  const map = await gw(["coverage", "map", "--api", apiUrl, "--resolution", "10"]);
  assert.equal(map.code, 0, map.stderr);
  const fromApi = map.json as Json;
  assert.equal(fromApi.source, "api");
  const oracle = await oracleGet("/v1/coverage/map?resolution=10");
  assert.deepEqual(
    fromApi.hexes.map(({ rewardWeight: _w, ...h }: Json) => h),
    [...oracle.hexes].sort(byCell),
  );
  const key = epoch.keys[1]?.publicKey as string;
  const status = await gw(["coverage", "status", "--api", apiUrl, "--hotspot", key]);
  assert.equal(status.code, 0, status.stderr);
  assert.equal((status.json as Json).source, "api");
  assert.equal(
    (status.json as Json).hotspot.weight,
    epoch.result.hotspots.find((h) => h.nodeKey === key)?.weight.toString(),
  );
  const witnesses = await gw(["coverage", "witnesses", "--api", apiUrl, "--hotspot", key, "--limit", "1000"]);
  assert.equal(witnesses.code, 0, witnesses.stderr);
  const oracleWitnesses = await oracleGet(`/v1/coverage/witnesses?hotspot=${key}&limit=1000`);
  assert.deepEqual((witnesses.json as Json).witnesses, oracleWitnesses.witnesses);
  // An API that does not answer: the oracle does.
  const fallback = await gw(["coverage", "status", "--api", "http://127.0.0.1:9", "--oracle", epoch.url]);
  assert.equal(fallback.code, 0, fallback.stderr);
  assert.equal((fallback.json as Json).source, "oracle");
  assert.equal((fallback.json as Json).latestJudged.epoch, 0);
});

test("the dashboard draws one hexagon per covered cell with a legend and a toggle, and a provider's coverage", async () => {
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${apiUrl}/#/`);
    await page.waitForSelector('main[data-map-ready="done"]', { timeout: 60_000 });
    const hexes = await allPages("/v1/coverage/hexes?resolution=8", "hexes", 500);
    const drawn = await page.$$eval("path.coverage", (paths) => paths.map((p) => p.getAttribute("data-cell")));
    assert.deepEqual(drawn.sort(), hexes.map((h) => h.cell).sort());
    assert.ok(hexes.length >= 2);
    const control = page.locator('[data-layer="coverage"]');
    assert.match((await control.textContent()) ?? "", /Coverage \(\d+ hex/);
    assert.match((await control.textContent()) ?? "", /full reward/);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, "coverage-overview.png"), fullPage: true });
    await control.locator("input").uncheck();
    assert.equal(await page.locator("path.coverage").count(), 0);
    await control.locator("input").check();
    assert.equal(await page.locator("path.coverage").count(), hexes.length);

    const key = epoch.keys[0]?.publicKey as string;
    const detail = (await get(`/v1/coverage/hotspots/${key}`)).body;
    await page.goto(`${apiUrl}/#/providers/${key}`);
    const verdict = page.locator('[data-role="coverage-verdict"]');
    await verdict.waitFor({ timeout: 30_000 });
    assert.equal(await verdict.getAttribute("data-epoch"), "0");
    assert.equal(await verdict.getAttribute("data-valid"), String(detail.valid));
    assert.equal(
      await page.locator('[data-role="coverage-witnesses"] tbody tr').count(),
      detail.recentWitnesses.length,
    );
    await page.screenshot({ path: join(artifacts, "coverage-provider.png"), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
  }
});
