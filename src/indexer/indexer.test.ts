// The indexer and API against a real chain: a real economy (registrations, vouchers with the escrow split, two
// posted epochs with a jail and a slash, a claim, an unbonding), a real gateway job log served by the gateway's
// own HTTP API, and the oracles' results. The API's numbers must equal the chain-only path (`gw network stats`),
// bad input must answer 400 in the error shape, pages must walk every row once, and a reorg must leave the same
// index as a fresh re-index of the new chain.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import { createTestClient, http, parseUnits } from "viem";
import { apiRoutes, buildOpenApiDocument, createApiApp, createEventHub } from "../api/index.ts";
import { createChainPublicClient } from "../chain/index.ts";
import { createOracleClient, getNetworkStats } from "../economics/index.ts";
import { openGatewayStore } from "../gateway/gateway-store.ts";
import { createHttpApi } from "../gateway/http-api.ts";
import { createGatewayMetrics } from "../gateway/metrics.ts";
import {
  type EconomyScenario,
  type FakeOracle,
  redeemTestVoucher,
  runEconomyScenario,
  snapshotApi,
  startFakeOracle,
  startTestChain,
  type TestChain,
  tempHome,
} from "../testing/index.ts";
import type { Database } from "./database.ts";
import { createIndexer } from "./indexer-service.ts";
import { openIndexDatabase } from "./open-database.ts";

const gwk = (v: string) => parseUnits(v, 18);
// biome-ignore lint/suspicious/noExplicitAny: test assertions read JSON freely.
type Json = Record<string, any>;

let chain: TestChain;
let oracle: FakeOracle;
let scenario: EconomyScenario;
let gatewayServer: Server;
let gatewayUrl: string;
const gatewayHome = tempHome("gw-indexer-gw-");
const store = openGatewayStore(gatewayHome.path);
const databases: Database[] = [];

async function indexInto(db: Database) {
  const client = createChainPublicClient({ ...chain.deployment, batch: true });
  const indexer = createIndexer({
    db,
    client,
    deployment: chain.deployment,
    oracles: [createOracleClient({ url: oracle.url })],
    gateways: [gatewayUrl],
    batchBlocks: 7,
    now: () => 1_700_000_000_000,
  });
  await indexer.syncToHead();
  const app = createApiApp({ db, deployment: chain.deployment, publicClient: client, events: createEventHub() });
  return { indexer, app };
}

async function freshIndex() {
  const db = await openIndexDatabase({});
  databases.push(db);
  return indexInto(db);
}

async function get(app: Hono, path: string): Promise<{ status: number; body: Json }> {
  const response = await app.request(path);
  return { status: response.status, body: (await response.json()) as Json };
}

const snapshot = (app: Hono) =>
  snapshotApi(async (path) => {
    const response = await app.request(path);
    return { status: response.status, body: (await response.json()) as Json };
  });

before(async () => {
  chain = await startTestChain();
  oracle = await startFakeOracle();
  scenario = await runEconomyScenario(chain);
  oracle.epochs = scenario.epochs;
  // The gateway's real job log and HTTP API (no dispatch engine needed to serve the feed).
  const at = 1_700_000_000_000;
  await store.appendJob({
    jobId: "a1",
    event: "accepted",
    at,
    customer: scenario.customer,
    resourceType: "compute",
    replicas: 1,
    maxPrice: gwk("0.1").toString(),
    timeoutMs: 30_000,
  });
  await store.appendJob({
    jobId: "b2",
    event: "accepted",
    at: at + 1,
    customer: scenario.customer,
    resourceType: "compute",
    replicas: 2,
    maxPrice: gwk("0.2").toString(),
    timeoutMs: 30_000,
  });
  await store.appendJob({
    jobId: "a1",
    event: "settled",
    at: at + 5,
    status: "ok",
    resultDigest: `0x${"ab".repeat(32)}`,
    verification: "single",
    audited: false,
    reroutes: 1,
    reported: [],
    attempts: [
      { attempt: 1, provider: scenario.nodeB.publicKey, owner: scenario.ownerB, outcome: "timeout" },
      { attempt: 2, provider: scenario.nodeA.publicKey, owner: scenario.ownerA, outcome: "ok" },
    ],
  });
  const app = createHttpApi({
    info: () => ({}),
    providers: () => [
      { nodeKey: scenario.nodeA.publicKey, offers: { compute: { pricePerJob: gwk("0.01").toString() } } },
    ],
    submitJob: () => Promise.reject(new Error("not in this test")),
    submitVouchers: () => Promise.reject(new Error("not in this test")),
    submitClaim: () => Promise.reject(new Error("not in this test")),
    relayChallenge: () => Promise.reject(new Error("not in this test")),
    listReports: (p) => store.listReports(p),
    listJobRecords: (p) => store.listJobRecords(p),
    metrics: createGatewayMetrics(),
    maxBodyBytes: 1024,
    log: () => {},
  });
  gatewayServer = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve) => gatewayServer.listen(0, "127.0.0.1", resolve));
  gatewayUrl = `http://127.0.0.1:${(gatewayServer.address() as AddressInfo).port}`;
});

after(async () => {
  for (const db of databases) await db.close();
  store.close();
  await new Promise<void>((resolve) => gatewayServer?.close(() => resolve()));
  await oracle?.close();
  await chain?.stop();
  gatewayHome.remove();
});

test("the API's totals equal the chain-only path, per epoch and overall", async () => {
  const { app } = await freshIndex();
  const fromChain = await getNetworkStats(chain.publicClient, { deployment: chain.deployment, epochs: 100 });
  const stats = (await get(app, "/v1/network/stats")).body;
  assert.equal(stats.postedEpochs, fromChain.postedEpochs);
  assert.equal(stats.totals.emission, fromChain.totals.emission.toString());
  assert.equal(stats.totals.revenue, fromChain.totals.revenue.toString());
  assert.equal(stats.totals.burned, fromChain.totals.burned.toString());
  assert.equal(stats.totals.treasury.total, fromChain.totals.treasury.total.toString());
  assert.equal(stats.totals.treasury.fees, fromChain.totals.treasury.fees.toString());
  assert.equal(stats.totals.treasury.slashes, fromChain.totals.treasury.slashes.toString());
  assert.deepEqual(stats.totals.revenueShare, fromChain.totals.revenueShare);
  assert.equal(stats.providers.registered, fromChain.providers.registered);
  assert.equal(stats.providers.active, fromChain.providers.active);
  assert.equal(stats.providers.activeStake, fromChain.providers.activeStake.toString());
  assert.equal(stats.token.totalSupply, fromChain.token.totalSupply.toString());
  assert.equal(stats.token.totalBurned, fromChain.token.totalBurned.toString());
  assert.deepEqual(stats.jobs, { total: 2, ok: 1, failed: 0, running: 1 });

  const epochs = (await get(app, "/v1/epochs")).body.epochs as Json[];
  assert.equal(epochs[0]?.closed, false, "the open epoch comes first");
  assert.equal(epochs[0]?.epoch, 2);
  for (const e of fromChain.epochs) {
    const row = epochs.find((x) => x.epoch === e.epoch) as Json;
    assert.equal(row.closed, true);
    assert.equal(row.emission, e.emission.toString());
    assert.equal(row.revenue, e.revenue.toString());
    assert.equal(row.burned, e.burned.toString());
    assert.equal(row.treasury.total, e.treasury.total.toString());
    assert.deepEqual(row.revenueShare, e.revenueShare);
    assert.equal(row.activeProviders, e.epoch === 1 ? 1 : 2, "unjailed nodes in the oracles' result");
  }
  // Epoch 1's slash of A went to the treasury inside epoch 1's window.
  assert.equal((epochs.find((x) => x.epoch === 1) as Json).treasury.slashes, gwk("100").toString());
});

test("providers: status, stake after slash and unbonding, penalties, reputation, earnings, jobs", async () => {
  const { app } = await freshIndex();
  const a = (await get(app, `/v1/providers/${scenario.nodeA.publicKey}`)).body;
  assert.equal(a.status, "jailed");
  assert.equal(a.stake, gwk("900").toString());
  assert.deepEqual(
    a.penalties.map((p: Json) => [p.kind, p.epoch, p.amount]),
    [
      ["slash", 1, gwk("100").toString()],
      ["jail", 1, null],
    ],
  );
  assert.equal(a.reputation, 1);
  assert.deepEqual(a.offer.prices, { compute: { pricePerJob: gwk("0.01").toString() } });
  assert.deepEqual(a.resourceTypes, ["compute"]);

  const b = (await get(app, `/v1/providers/${scenario.ownerB}`)).body;
  assert.equal(b.nodeKey, scenario.nodeB.publicKey.toLowerCase());
  assert.equal(b.status, "active");
  assert.equal(b.stake, gwk("1000").toString());
  assert.equal(b.unbonding, gwk("500").toString());
  assert.equal(b.reputation, 0, "its only settled attempt timed out");
  assert.deepEqual(
    b.history.map((h: Json) => h.kind),
    ["unbond", "registered"],
  );

  const earnings = (await get(app, `/v1/providers/${scenario.nodeA.publicKey}/earnings`)).body;
  // Epoch 0: rewards 1000 + 2000, vouchers 85 of 100 (the escrow keeps 5 for the treasury and burns 10).
  assert.deepEqual(
    earnings.epochs.map((e: Json) => [e.epoch, e.rewards, e.voucherRevenue]),
    [
      [0, gwk("3000").toString(), gwk("85").toString()],
      [1, gwk("1000").toString(), gwk("42.5").toString()],
    ],
  );
  const claimedB = (await get(app, `/v1/providers/${scenario.ownerB}/earnings`)).body.totals.claimed;
  assert.equal(claimedB, gwk("6000").toString());

  const active = (await get(app, "/v1/providers?status=active")).body.providers as Json[];
  assert.deepEqual(
    active.map((p) => p.nodeKey),
    [scenario.nodeB.publicKey.toLowerCase()],
  );
  assert.equal((await get(app, "/v1/providers?resourceType=compute")).body.providers.length, 2);

  const jobs = (await get(app, `/v1/jobs?provider=${scenario.nodeA.publicKey}`)).body.jobs as Json[];
  assert.deepEqual(
    jobs.map((j) => [j.jobId, j.status, j.providers]),
    [["a1", "ok", [scenario.nodeA.publicKey.toLowerCase()]]],
  );
  assert.equal((await get(app, "/v1/jobs?status=running")).body.jobs[0].jobId, "b2");
  assert.equal((await get(app, "/v1/jobs/a1")).body.reroutes, 1);
});

test("bad input answers 400 in the error shape; unknown things 404", async () => {
  const { app } = await freshIndex();
  for (const path of [
    "/v1/providers?limit=0",
    "/v1/providers?limit=501",
    "/v1/providers?limit=abc",
    "/v1/providers?status=sleeping",
    "/v1/providers?cursor=not-a-cursor",
    "/v1/jobs?provider=0x1234",
    "/v1/epochs/-1",
    "/v1/epochs/abc",
    "/v1/providers/0x12",
    "/v1/estimate?capacity=0",
    "/v1/estimate?pricePerJob=-1",
    "/v1/estimate?resourceType=teleport",
  ]) {
    const { status, body } = await get(app, path);
    assert.equal(status, 400, `${path}: ${JSON.stringify(body)}`);
    assert.equal(body.kind, "input", path);
    assert.equal(typeof body.message, "string");
  }
  for (const path of ["/v1/epochs/99", "/v1/jobs/nope", `/v1/providers/0x${"11".repeat(32)}`, "/v1/nothing"]) {
    const { status, body } = await get(app, path);
    assert.equal(status, 404, path);
    assert.equal(body.error, "NotFoundError");
  }
  const estimate = (
    await get(app, "/v1/estimate?capacity=2&jobsPerHour=10&powerWatts=100&electricityPrice=0.3&gwkPrice=0.5")
  ).body;
  assert.equal(estimate.epochsUsed, 2);
  assert.equal(estimate.monthly.energyWh, String(100 * 720));
});

test("pages walk every row exactly once, newest epochs first", async () => {
  const { app } = await freshIndex();
  const all = await snapshot(app);
  assert.deepEqual(
    all.epochs.map((e: Json) => e.epoch),
    [2, 1, 0],
  );
  assert.equal(all.providers.length, 2);
  assert.deepEqual(
    all.jobs.map((j: Json) => j.jobId),
    ["b2", "a1"],
  );
});

test("the OpenAPI document lists every route with its schemas", async () => {
  const { app } = await freshIndex();
  const doc = (await get(app, "/openapi.json")).body;
  assert.equal(doc.openapi, "3.1.0");
  assert.deepEqual(buildOpenApiDocument({ version: doc.info.version, serverUrl: doc.servers[0].url }), doc);
  for (const route of Object.values(apiRoutes)) {
    const op = doc.paths[route.path]?.get;
    assert.ok(op, `${route.path} is documented`);
    assert.ok(op.responses["200"].content, route.path);
    const schema = Object.values(op.responses["200"].content as Json)[0].schema;
    assert.ok(schema.type === "object" || schema.anyOf || schema.$ref, route.path);
    for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
      assert.ok(
        op.parameters.some((p: Json) => p.in === "path" && `{${p.name}}` === name),
        `${route.path} documents ${name}`,
      );
    }
    // Every documented query parameter is accepted (no 400 for a name the document lists).
    for (const p of op.parameters.filter((x: Json) => x.in === "query")) {
      assert.ok(typeof p.name === "string" && p.schema, `${route.path}?${p.name}`);
    }
  }
  // Every $ref points at a component.
  const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
  for (const ref of refs) {
    const name = ref.slice(8, -1).replace("#/components/schemas/", "");
    assert.ok(doc.components.schemas[name], ref);
  }
});

test("the live stream opens with the current stats", async () => {
  const { app } = await freshIndex();
  const controller = new AbortController();
  const response = await app.request("/v1/events", { signal: controller.signal });
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes("\n\n")) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  await reader.cancel();
  const data = JSON.parse(/data: (.*)/.exec(text)?.[1] ?? "{}") as Json;
  assert.equal(data.type, "stats");
  assert.equal(data.data.postedEpochs, 2);
});

test("a reorg rolls back to the common ancestor and equals a fresh re-index of the new chain", async () => {
  const db = await openIndexDatabase({});
  databases.push(db);
  const { indexer, app } = await indexInto(db);
  const anvil = createTestClient({ mode: "anvil", transport: http(chain.anvil.rpcUrl) });
  const snapshotId = await anvil.snapshot();
  // The branch that will be dropped: more revenue for A.
  await redeemTestVoucher(chain, 2, gwk("400"));
  await indexer.syncToHead();
  const dropped = (await get(app, "/v1/epochs")).body.epochs[0];
  assert.equal(dropped.revenue, gwk("250").toString(), "the dropped branch was indexed");

  await anvil.revert({ id: snapshotId });
  // The new branch: B is paid instead, and the chain grows past the old tip.
  await redeemTestVoucher(chain, 3, gwk("60"));
  await anvil.mine({ blocks: 3 });
  await indexer.syncToHead();
  const reorged = await snapshot(app);
  assert.equal(reorged.epochs[0].revenue, gwk("40").toString(), "only the new branch's payment counts");

  const { app: fresh } = await freshIndex();
  assert.deepEqual(reorged, await snapshot(fresh));
});
