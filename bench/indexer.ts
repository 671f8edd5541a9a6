// Indexer throughput over a backlog of real Groundwork events on anvil, then a fresh index of all of it into PGlite
// (on disk, as `npm start` runs it) and into PostgreSQL (a throwaway cluster, or GW_TEST_DATABASE_URL).
// The backlog is made of real epoch roots posted by the dev oracles (3 signatures each): every root jails and
// slashes (1 base unit) one registered provider K times, which emits NodeJailed + ProviderJailed per jail and
// NodeSlashed + ProviderSlashed + a token Transfer to the treasury per slash: 5 events per entry, thousands per
// transaction (sending one small transaction per event would take far longer to build than to index here).
// eventsPerSec counts every decoded event from the RPC reads to the committed rows and cursor.
// Args: [events, default 100000] [entries per root K, default 500].
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseUnits } from "viem";
import {
  buildEarningsTree,
  bundleRootSignatures,
  createChainPublicClient,
  rewardsAbi,
  signEpochRoot,
  writeContractAndWait,
} from "../src/chain/index.ts";
import { createIndexer, type Database, openIndexDatabase } from "../src/indexer/index.ts";
import { devAccountRoles } from "../src/localnet/index.ts";
import { generateNodeKeySeed, nodeKeyFromSeed } from "../src/protocol/index.ts";
import {
  advancePastEpoch,
  registerTestProvider,
  startTestChain,
  startTestPostgres,
  type TestPostgres,
} from "../src/testing/index.ts";

const log = (line: string) => process.stderr.write(`${line}\n`);

export default async function indexerBench(args: string[]): Promise<Record<string, unknown>> {
  const target = Number(args[0] ?? 100_000);
  const perRoot = Number(args[1] ?? 500);
  const chain = await startTestChain({ epochSeconds: 60 });
  const dirs: string[] = [];
  let pg: TestPostgres | undefined;
  try {
    const { deployment, publicClient } = chain;
    const node = nodeKeyFromSeed(generateNodeKeySeed());
    await registerTestProvider(chain, { ownerIndex: 2, nodeKey: node, stake: "100000" });
    const owner = chain.account(2).address;
    const tree = buildEarningsTree([{ account: owner, cumulativeAmount: 0n }]);
    const domain = { chainId: deployment.chainId, rewards: deployment.contracts.rewards };
    const roots = Math.ceil(target / (perRoot * 5));
    const started = performance.now();
    for (let epoch = 0; epoch < roots; epoch++) {
      const root = {
        epoch: BigInt(epoch),
        earningsRoot: tree.root,
        cumulativeTotal: 0n,
        jailed: Array.from({ length: perRoot }, () => node.publicKey),
        slashes: Array.from({ length: perRoot }, () => ({ nodeKey: node.publicKey, amount: 1n })),
      };
      const signed = await Promise.all(
        devAccountRoles.oracles.map(async (i) => ({
          signer: chain.account(i).address,
          signature: await signEpochRoot(chain.account(i), domain, root),
        })),
      );
      await advancePastEpoch(chain, epoch);
      await writeContractAndWait(publicClient, chain.wallet(devAccountRoles.oracles[0] as number), {
        address: deployment.contracts.rewards,
        abi: rewardsAbi,
        functionName: "postRoot",
        args: [root, bundleRootSignatures(signed)],
      });
      if (epoch % 5 === 0) log(`backlog: root ${epoch + 1} of ${roots}`);
    }
    const backlogSeconds = (performance.now() - started) / 1000;
    const head = Number(await publicClient.getBlockNumber());
    // Counted block by block: one answer for the whole backlog exceeds the client's response size limit.
    let events = 0;
    for (let block = deployment.deployBlock; block <= head; block++) {
      events += (
        await publicClient.getLogs({
          address: Object.values(deployment.contracts),
          fromBlock: BigInt(block),
          toBlock: BigInt(block),
        })
      ).length;
    }
    log(`backlog: ${events} events in ${head - deployment.deployBlock} blocks (${backlogSeconds.toFixed(1)} s)`);

    const measure = async (name: string, db: Database) => {
      const client = createChainPublicClient({ ...deployment, batch: true, retryCount: 0 });
      const indexer = createIndexer({ db, client, deployment, batchBlocks: 2000 });
      const t0 = performance.now();
      await indexer.syncToHead();
      const seconds = (performance.now() - t0) / 1000;
      const [row] = await db.query("SELECT COUNT(*) AS n FROM chain_events");
      const [stake] = await db.query("SELECT stake::text AS stake FROM providers WHERE node_key = $1", [
        node.publicKey.toLowerCase(),
      ]);
      const indexed = Number(row?.n);
      if (indexed !== events) throw new Error(`${name}: indexed ${indexed} of ${events} events`);
      // Every slash took one base unit: the folded stake must say so exactly.
      const expected = parseUnits("100000", 18) - BigInt(roots * perRoot);
      if (BigInt(String(stake?.stake)) !== expected) throw new Error(`${name}: stake ${stake?.stake} ≠ ${expected}`);
      await db.close();
      log(`${name}: ${indexed} events in ${seconds.toFixed(1)} s`);
      return { events: indexed, seconds: Number(seconds.toFixed(2)), eventsPerSec: Math.round(indexed / seconds) };
    };

    const dir = mkdtempSync(join(tmpdir(), "gw-bench-pglite-"));
    dirs.push(dir);
    const pglite = await measure("pglite", await openIndexDatabase({ dataDir: dir }));
    const server = await startTestPostgres();
    let postgres: Record<string, unknown>;
    if ("unavailable" in server) {
      log(`postgres skipped: ${server.unavailable}`);
      postgres = { skipped: server.unavailable };
    } else {
      pg = server;
      const measured = await measure("postgres", await openIndexDatabase({ databaseUrl: server.url }));
      postgres = { ...measured, server: server.source };
    }
    return {
      events,
      blocks: head - deployment.deployBlock,
      roots,
      entriesPerRoot: perRoot,
      backlogSeconds: Number(backlogSeconds.toFixed(1)),
      eventsPerSec: {
        pglite: pglite.eventsPerSec,
        postgres: (postgres as { eventsPerSec?: number }).eventsPerSec ?? null,
      },
      pglite,
      postgres,
    };
  } finally {
    await pg?.stop();
    await chain.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
