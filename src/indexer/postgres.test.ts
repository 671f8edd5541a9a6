// The same migrations and queries on a real PostgreSQL server (a throwaway cluster from the installed binaries, or
// GW_TEST_DATABASE_URL): the API over PostgreSQL must answer exactly what it answers over PGlite for the same
// chain, including after a reorg. Without any PostgreSQL the tests are skipped with the reason printed, never
// passed silently.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestClient, http, parseUnits } from "viem";
import { createApiApp, createEventHub } from "../api/index.ts";
import { createChainPublicClient } from "../chain/index.ts";
import { createOracleClient } from "../economics/index.ts";
import {
  type ApiJson,
  type FakeOracle,
  redeemTestVoucher,
  runEconomyScenario,
  snapshotApi,
  startFakeOracle,
  startTestChain,
  startTestPostgres,
  type TestChain,
  type TestPostgres,
} from "../testing/index.ts";
import type { Database } from "./database.ts";
import { createIndexer } from "./indexer-service.ts";
import { applyMigrations, listMigrations } from "./migrate.ts";
import { openIndexDatabase } from "./open-database.ts";

const server = await startTestPostgres();
const unavailable = "unavailable" in server ? server.unavailable : undefined;
if (unavailable) process.stderr.write(`\n*** PostgreSQL tests SKIPPED: ${unavailable}\n\n`);
const pg = unavailable ? undefined : (server as TestPostgres);
const skip = unavailable ? `PostgreSQL unavailable: ${unavailable}` : false;

let chain: TestChain;
let oracle: FakeOracle;
const open: Database[] = [];

async function index(db: Database) {
  const client = createChainPublicClient({ ...chain.deployment, batch: true });
  const indexer = createIndexer({
    db,
    client,
    deployment: chain.deployment,
    oracles: [createOracleClient({ url: oracle.url })],
    batchBlocks: 5,
  });
  await indexer.syncToHead();
  const app = createApiApp({
    db,
    deployment: chain.deployment,
    publicClient: client,
    events: createEventHub(),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const snapshot = () =>
    snapshotApi(async (path) => {
      const response = await app.request(path);
      return { status: response.status, body: (await response.json()) as ApiJson };
    });
  return { indexer, snapshot };
}

before(async () => {
  if (!pg) return;
  chain = await startTestChain();
  oracle = await startFakeOracle();
  oracle.epochs = (await runEconomyScenario(chain)).epochs;
});

after(async () => {
  for (const db of open) await db.close();
  await oracle?.close();
  await chain?.stop();
  await pg?.stop();
});

test("migrations apply once, in order, inside transactions", { skip }, async () => {
  const db = await openIndexDatabase({ databaseUrl: (pg as TestPostgres).url });
  open.push(db);
  assert.equal(db.kind, "postgres");
  assert.deepEqual(await applyMigrations(db), [], "already applied by open");
  const rows = await db.query("SELECT name FROM schema_migrations ORDER BY name");
  assert.deepEqual(
    rows.map((r) => r.name),
    listMigrations().map((m) => m.name),
  );
  // A failing transaction leaves nothing behind.
  await assert.rejects(
    db.transaction(async (tx) => {
      await tx.query("INSERT INTO gateway_cursors (gateway, seq) VALUES ('x', 1)");
      await tx.query("SELECT * FROM no_such_table");
    }),
  );
  assert.equal((await db.query("SELECT * FROM gateway_cursors")).length, 0);
});

test("the API over PostgreSQL equals the API over PGlite, before and after a reorg", { skip }, async () => {
  const onPostgres = await openIndexDatabase({ databaseUrl: (pg as TestPostgres).url });
  const onPglite = await openIndexDatabase({});
  open.push(onPostgres, onPglite);
  const a = await index(onPostgres);
  const b = await index(onPglite);
  const first = await a.snapshot();
  assert.deepEqual(first, await b.snapshot());
  assert.equal(first.stats.postedEpochs, 2);
  assert.equal(first.providers.length, 2);

  const anvil = createTestClient({ mode: "anvil", transport: http(chain.anvil.rpcUrl) });
  const id = await anvil.snapshot();
  await redeemTestVoucher(chain, 2, parseUnits("300", 18));
  await a.indexer.syncToHead();
  await anvil.revert({ id });
  await redeemTestVoucher(chain, 3, parseUnits("70", 18));
  await anvil.mine({ blocks: 2 });
  await a.indexer.syncToHead();
  await b.indexer.syncToHead();
  const reorged = await a.snapshot();
  assert.equal(reorged.epochs[0].revenue, parseUnits("50", 18).toString());
  assert.deepEqual(reorged, await b.snapshot());
});
