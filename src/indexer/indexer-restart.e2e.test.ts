// `gw indexer start` as a real process: SIGKILLed twice while it works through a backlog, restarted on the same
// data folder each time, it must end with exactly what a fresh full re-index into an empty folder gives (nothing
// counted twice, nothing lost). `gw network stats` must then print the same numbers from the API as from chain.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parseUnits } from "viem";
import { escrowAbi, tokenAbi, writeContractAndWait, writeDeployment } from "../chain/index.ts";
import {
  type ApiJson,
  apiGetter,
  runEconomyScenario,
  runGw,
  snapshotApi,
  startGw,
  startTestChain,
  type TestChain,
  tempHome,
} from "../testing/index.ts";

const home = tempHome("gw-indexer-restart-");
const env = { GW_HOME: home.path };
let chain: TestChain;
let head: number;
const children: ChildProcess[] = [];

async function startIndexer(dataDir: string) {
  const started = await startGw(
    ["indexer", "start", "--json", "--api-port", "0", "--data-dir", dataDir, "--batch-blocks", "2", "--poll-ms", "50"],
    { env, timeoutMs: 180_000 },
  );
  children.push(started.child);
  const first = started.first as ApiJson;
  return { ...started, url: String(first.url) };
}

async function indexedBlock(url: string): Promise<number> {
  try {
    const { status, body } = await apiGetter(url)("/v1/network/stats");
    return status === 200 ? body.indexedBlock : -1;
  } catch {
    return -1;
  }
}

async function waitFor(url: string, done: (block: number) => boolean, what: string): Promise<number> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const block = await indexedBlock(url);
    if (done(block)) return block;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (at block ${block})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  chain = await startTestChain();
  writeDeployment(home.path, chain.deployment);
  await runEconomyScenario(chain);
  // A backlog: one deposit per block, so the indexer needs many rounds (2 blocks each) to catch up.
  const { token, escrow } = chain.deployment.contracts;
  await writeContractAndWait(chain.publicClient, chain.wallet(4), {
    address: token,
    abi: tokenAbi,
    functionName: "approve",
    args: [escrow, parseUnits("1000000", 18)],
  });
  for (let i = 1; i <= 120; i++) {
    await writeContractAndWait(chain.publicClient, chain.wallet(4), {
      address: escrow,
      abi: escrowAbi,
      functionName: "deposit",
      args: [BigInt(i)],
    });
  }
  head = Number(await chain.publicClient.getBlockNumber());
});

after(async () => {
  for (const child of children) child.kill("SIGKILL");
  await chain?.stop();
  home.remove();
});

test("killed mid-stream and restarted twice, the index equals a fresh full re-index", async () => {
  const dataDir = join(home.path, "indexer-killed");
  const start = chain.deployment.deployBlock;
  let lastSeen = 0;
  for (const fraction of [0.3, 0.6]) {
    const indexer = await startIndexer(dataDir);
    const target = start + Math.floor((head - start) * fraction);
    const seen = await waitFor(indexer.url, (b) => b >= target, `block ${target}`);
    assert.ok(seen >= lastSeen, "a restart resumes from its cursor, never from scratch");
    indexer.child.kill("SIGKILL");
    await indexer.exited;
    assert.ok(seen < head, `killed mid-stream (at ${seen} of ${head})`);
    lastSeen = seen;
  }
  const resumed = await startIndexer(dataDir);

  const fresh = await startIndexer(join(home.path, "indexer-fresh"));
  await waitFor(fresh.url, (b) => b >= head, "the head (fresh)");
  // The chain can grow (empty blocks) while the two catch up: compare them at the same head.
  let afterKills: ApiJson = {};
  let clean: ApiJson = {};
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = Number(await chain.publicClient.getBlockNumber());
    await waitFor(resumed.url, (b) => b >= now, "the head");
    await waitFor(fresh.url, (b) => b >= now, "the head (fresh)");
    afterKills = await snapshotApi(apiGetter(resumed.url));
    clean = await snapshotApi(apiGetter(fresh.url));
    if (afterKills.stats.indexedBlock === clean.stats.indexedBlock) break;
  }
  assert.deepEqual(afterKills, clean);
  assert.ok(afterKills.stats.indexedBlock >= head);

  // The CLI reads the same numbers from the API as from chain.
  const viaApi = await runGw(["network", "stats", "--json", "--api", resumed.url], { env, timeoutMs: 120_000 });
  const viaChain = await runGw(["network", "stats", "--json"], { env, timeoutMs: 120_000 });
  assert.equal(viaApi.code, 0, viaApi.stderr);
  assert.equal(viaChain.code, 0, viaChain.stderr);
  const { source: a, apiUrl: _url, ...apiStats } = viaApi.json as ApiJson;
  const { source: b, ...chainStats } = viaChain.json as ApiJson;
  assert.equal(a, "api");
  assert.equal(b, "chain");
  // Per epoch the chain path counts the registry's active providers now unless asked an oracle; the API knows
  // no oracle here either, so both say "registry-now".
  assert.deepEqual(apiStats, chainStats);

  resumed.child.kill("SIGTERM");
  fresh.child.kill("SIGTERM");
  assert.equal(await resumed.exited, 0);
  await fresh.exited;
});
