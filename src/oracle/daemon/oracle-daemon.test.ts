// Three oracle daemons in this process on a real test chain (2-of-3): the first proposer posts a root the others
// co-signed and becomes unreachable before they could read its record; the others still settle that root and post
// the next ones themselves. A small reward component whose pool grows with the number of bundles makes each root
// depend on exactly which bundles it was computed over.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Hex } from "viem";
import { rewardsAbi } from "../../chain/index.ts";
import { devAccountRoles } from "../../localnet/index.ts";
import { generateNodeKeySeed, nodeKeyFromSeed } from "../../protocol/index.ts";
import { freePort, registerTestProvider, startTestChain, type TestChain, waitUntil } from "../../testing/index.ts";
import { createOracleDaemon, type OracleDaemon, type OracleExtension } from "./index.ts";

let chain: TestChain;
const dirs: string[] = [];
const daemons: OracleDaemon[] = [];

before(async () => {
  chain = await startTestChain({ epochSeconds: 4 });
  await registerTestProvider(chain, { ownerIndex: 1, nodeKey: nodeKeyFromSeed(generateNodeKeySeed()) });
});

/** Every bundle carries a mark; the component's share is 10 % per bundle, all of it to the registered providers. */
const perBundle: OracleExtension = {
  name: "per-bundle",
  mount: () => {},
  evidence: async (epoch) => ({ epoch }),
  rewards: {
    name: "per-bundle",
    component: async ({ chain: data, evidence }) => ({
      name: "per-bundle",
      shareBps: 1000n * BigInt(evidence.length),
      weights: data.providers.map((p) => ({ nodeKey: p.nodeKey, weight: 1n })),
    }),
  },
};

after(async () => {
  for (const d of daemons) await d.close().catch(() => {});
  await chain?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A TCP relay to `port` that the test can cut: every open connection is destroyed and no new one is accepted. */
async function startRelay(port: number): Promise<{ url: string; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ port, host: "127.0.0.1" });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  const relayPort = await freePort();
  await new Promise<void>((resolve) => server.listen(relayPort, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${relayPort}`,
    async cut() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const nextEpoch = async () =>
  Number(
    await chain.publicClient.readContract({
      address: chain.deployment.contracts.rewards,
      abi: rewardsAbi,
      functionName: "nextEpoch",
    }),
  );

test("a root co-signed here settles even when its poster is gone before anyone read its record", async () => {
  // Oracle i (by ascending address) proposes i × proposeDelay after an epoch ends: the lowest is the first proposer.
  const indexes = [...devAccountRoles.oracles].sort((a, b) =>
    BigInt(chain.account(a).address) < BigInt(chain.account(b).address) ? -1 : 1,
  );
  const ports = await Promise.all(indexes.map(() => freePort()));
  const [firstPort, ...otherPorts] = ports as [number, number, number];
  const relay = await startRelay(firstPort);
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const logs: string[][] = indexes.map(() => []);

  for (const [i, accountIndex] of indexes.entries()) {
    const dir = mkdtempSync(join(tmpdir(), "gw-oracle-daemon-"));
    dirs.push(dir);
    // The others reach the first proposer only through the relay; it reaches them directly.
    const peers = urls.flatMap((u, j) => (j === i ? [] : [j === 0 ? relay.url : u]));
    daemons.push(
      await createOracleDaemon({
        deployment: chain.deployment,
        publicClient: chain.publicClient,
        wallet: chain.wallet(accountIndex),
        gateways: [],
        peers,
        storeDir: dir,
        port: i === 0 ? firstPort : otherPorts[i - 1],
        graceMs: 300,
        proposeDelayMs: 1500,
        challengeIntervalMs: 60_000,
        log: (line) => logs[i]?.push(line),
        extensions: [perBundle],
      }),
    );
  }

  // Both others co-sign one of the first proposer's roots; the relay is cut before the proposer can post it.
  const cosigned = (i: number) =>
    (logs[i] ?? []).flatMap((l) => {
      const m = /^epoch (\d+): co-signed (0x[0-9a-f]+)'s/.exec(l);
      return m && daemons[0]?.address.startsWith(m[2] as string) ? [Number(m[1])] : [];
    });
  const epoch = await waitUntil(
    "both others co-signed a root of the first proposer",
    async () => cosigned(1).find((e) => cosigned(2).includes(e)),
    { timeoutMs: 60_000, intervalMs: 20 },
  );
  await relay.cut();
  // It posts that root, then leaves for good.
  await waitUntil("the first proposer posted its root", async () => ((await nextEpoch()) > epoch ? true : undefined), {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  await daemons[0]?.close();

  // The others settle it from what they co-signed and post the next two epochs on their own.
  await waitUntil(
    "two more roots without the first proposer",
    async () => ((await nextEpoch()) >= epoch + 3 ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  for (const i of [1, 2]) {
    assert.ok(
      (logs[i] ?? []).some((l) => l.startsWith(`epoch ${epoch}: adopted the posted root`)),
      `oracle ${i} adopted epoch ${epoch}:\n${(logs[i] ?? []).join("\n")}`,
    );
  }
  const posted = await chain.publicClient.getContractEvents({
    address: chain.deployment.contracts.rewards,
    abi: rewardsAbi,
    eventName: "RootPosted",
    fromBlock: BigInt(chain.deployment.deployBlock),
  });
  // The roots pay something, so the bundles they were computed over mattered.
  assert.ok(posted.every((l) => (l.args.cumulativeTotal ?? 0n) > 0n));
  const later = posted.filter((l) => Number(l.args.epoch) > epoch);
  assert.ok(later.length >= 2);
  const first = daemons[0]?.address as Hex;
  for (const log of later) {
    const signers = (log.args.signers ?? []).map((s) => s.toLowerCase());
    assert.equal(signers.length, 2, "each later root is signed by the two remaining oracles");
    assert.ok(!signers.includes(first));
  }
});
