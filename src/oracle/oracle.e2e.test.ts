// End to end on the local network (`gw start` with 12-second epochs, 3 providers, 3 oracles 2-of-3): roots post
// every epoch signed by at least 2 oracles; a cheater caught by replicated jobs is slashed exactly slashAmount per
// fraudulent job (stake drop, treasury gain); a provider killed with SIGKILL is jailed; with one oracle killed roots
// still post; an oracle proposing a tampered root (faults.wrongRoot) never gets it posted, and the posted root is
// the honest recomputation (`gw oracle verify` exits 0); an honest provider claims exactly its earned reward.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Hex, parseUnits } from "viem";
import {
  createChainPublicClient,
  createChainWallet,
  type Deployment,
  escrowAbi,
  providerRegistryAbi,
  readDeployment,
  rewardsAbi,
  tokenAbi,
  writeContractAndWait,
  writeDeployment,
} from "../chain/index.ts";
import { devAccount, devPrivateKey } from "../localnet/index.ts";
import { providerPaths } from "../provider/index.ts";
import { loadFixture } from "../resources/compute/sandbox/fixtures/load-fixture.ts";
import { freePort, localNetworkArgs, runGw, startGw, tempHome, waitUntil } from "../testing/index.ts";

interface Service {
  name: string;
  url: string;
  pid: number;
  nodeKey?: string;
  address?: string;
  home?: string;
}

const home = tempHome("gw-oracle-e2e-");
const cheaterHome = tempHome("gw-oracle-cheater-");
const env = { GW_HOME: home.path, GW_PASSWORD: "oracle e2e" };
let network: Awaited<ReturnType<typeof startGw>>;
let cheater: Awaited<ReturnType<typeof startGw>> | undefined;
let faulty: Awaited<ReturnType<typeof startGw>> | undefined;
let services: Service[] = [];
let deployment: Deployment;
let passwordFile: string;
let publicClient: ReturnType<typeof createChainPublicClient>;

const slashAmount = parseUnits("100", 18);
const stake = parseUnits("1000", 18);

const startedAt = Date.now();
/** Waits, and says on stderr how long each phase took: a phase that runs late shows up before the test times out. */
const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> => {
  const from = Date.now();
  let value: T;
  try {
    value = await waitUntil(what, probe, { timeoutMs, intervalMs: 500, retryErrors: true });
  } catch (error) {
    // The network's logs go with the test's home: show the oracles' last lines so a stall can be read afterwards.
    const logs = join(home.path, "logs");
    for (const file of readdirSync(logs).filter((f) => f.startsWith("oracle"))) {
      const tail = readFileSync(join(logs, file), "utf8").trimEnd().split("\n").slice(-40).join("\n");
      process.stderr.write(`--- ${file} (last lines)\n${tail}\n`);
    }
    throw error;
  }
  process.stderr.write(
    `oracle e2e: ${what} after ${((Date.now() - from) / 1000).toFixed(1)} s (at ${((Date.now() - startedAt) / 1000).toFixed(0)} s)\n`,
  );
  return value;
};

const nextEpoch = async () =>
  Number(
    await publicClient.readContract({
      address: deployment.contracts.rewards,
      abi: rewardsAbi,
      functionName: "nextEpoch",
    }),
  );

async function waitForRoots(count: number, what: string, timeoutMs?: number): Promise<number> {
  const start = await nextEpoch();
  return waitFor(
    `${count} more roots (${what})`,
    async () => {
      const next = await nextEpoch();
      return next >= start + count ? next : undefined;
    },
    timeoutMs,
  );
}

const provider = async (nodeKey: string) =>
  publicClient.readContract({
    address: deployment.contracts.registry,
    abi: providerRegistryAbi,
    functionName: "getProvider",
    args: [nodeKey as Hex],
  });

const balanceOf = (account: Hex) =>
  publicClient.readContract({
    address: deployment.contracts.token,
    abi: tokenAbi,
    functionName: "balanceOf",
    args: [account],
  });

const getJson = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

before(async () => {
  network = await startGw(localNetworkArgs({ chainPort: await freePort(), providers: 3, epochSeconds: 12 }), {
    env,
    timeoutMs: 180_000,
  });
  const first = network.first as { services: Service[]; passwordFile: string };
  services = first.services;
  passwordFile = first.passwordFile;
  deployment = readDeployment(home.path);
  publicClient = createChainPublicClient(deployment);
});

after(async () => {
  for (const p of [cheater, faulty]) if (p && p.child.exitCode === null) p.child.kill("SIGKILL");
  if (network && network.child.exitCode === null) {
    network.child.kill("SIGTERM");
    await network.exited;
  }
  home.remove();
  cheaterHome.remove();
});

const gatewayUrl = () => services.find((s) => s.name === "gateway")?.url ?? "";
const oracles = () => services.filter((s) => s.name.startsWith("oracle-"));

// Alone on this machine it takes about two minutes; the budget is for a CI machine that is slower or busier.
test("oracle network: roots, slashing, jailing, oracle failures, a tampered root, and a claim", {
  timeout: 900_000,
}, async () => {
  assert.equal(oracles().length, 3);
  const treasury = deployment.contracts.treasury;
  const startBlock = await publicClient.getBlockNumber();
  const treasuryBefore = await balanceOf(treasury);

  // A cheater: the cheapest provider, corrupting every output; owner dev account 4.
  const cheaterEnv = { GW_HOME: cheaterHome.path, GW_PASSWORD: "cheater" };
  writeDeployment(cheaterHome.path, deployment);
  const imported = await runGw(["account", "import", "--name", "owner", "--private-key-file", "-", "--json"], {
    env: cheaterEnv,
    input: `${devPrivateKey(4)}\n`,
  });
  assert.equal(imported.code, 0, imported.stderr);
  const init = await runGw(
    [
      "provider",
      "init",
      "--gateway",
      gatewayUrl(),
      "--price-per-job",
      "0.001",
      "--price-per-second",
      "0.0001",
      "--control-port",
      "0",
      "--json",
    ],
    { env: cheaterEnv },
  );
  assert.equal(init.code, 0, init.stderr);
  const cheaterKey = (init.json as { nodeKey: Hex }).nodeKey;
  const configPath = providerPaths(cheaterHome.path).config;
  const config = JSON.parse(readFileSync(configPath, "utf8"));
  writeFileSync(configPath, JSON.stringify({ ...config, faults: { corruptOutput: 1 } }));
  const staked = await runGw(["provider", "stake", "--json"], { env: cheaterEnv });
  assert.equal(staked.code, 0, staked.stderr);
  cheater = await startGw(["provider", "start", "--json"], { env: cheaterEnv });
  await waitFor("the cheater connected", async () => {
    const listed = await getJson(`${gatewayUrl()}/v1/providers`);
    return (listed.json.providers as { nodeKey: string }[]).some((p) => p.nodeKey === cheaterKey) ? true : undefined;
  }).catch((error: Error) => {
    throw new Error(`${error.message}\ncheater stderr:\n${cheater?.stderr().slice(-3000)}`);
  });

  // Paid, replicated jobs: the cheater's results are outvoted and reported.
  const wasm = join(home.path, "echo.wasm");
  writeFileSync(wasm, await loadFixture("echo"));
  const input = join(home.path, "input.bin");
  writeFileSync(input, "hello oracles");
  let fraudJobs = 0;
  const workers = new Set<string>();
  for (let i = 0; i < 3; i++) {
    const run = await runGw(
      ["compute", "run", wasm, "--input", input, "--replicas", "2", "--password-file", passwordFile, "--json"],
      { env: { GW_HOME: home.path }, timeoutMs: 90_000 },
    );
    assert.equal(run.code, 0, run.stderr);
    const job = run.json as { dissenters: { nodeKey: string }[]; providers: { nodeKey: string }[] };
    if (job.dissenters.some((d) => d.nodeKey === cheaterKey)) fraudJobs++;
    for (const p of job.providers) workers.add(p.nodeKey);
  }
  assert.ok(fraudJobs >= 1, "the cheater was caught at least once");

  // An honest provider goes offline for good.
  const victim = services.find((s) => s.name === "provider-3") as Service;
  process.kill(victim.pid, "SIGKILL");

  // The cheater is slashed exactly slashAmount per fraudulent job, and jailed; the dead provider is jailed.
  const expectedStake = stake - slashAmount * BigInt(fraudJobs);
  await waitFor("the cheater slashed", async () =>
    (await provider(cheaterKey)).stake === expectedStake ? true : undefined,
  );
  const slashEvents = await publicClient.getContractEvents({
    address: deployment.contracts.rewards,
    abi: rewardsAbi,
    eventName: "NodeSlashed",
    fromBlock: startBlock,
  });
  const slashed = slashEvents
    .filter((e) => e.args.nodeKey === cheaterKey)
    .reduce((s, e) => s + (e.args.slashed ?? 0n), 0n);
  assert.equal(slashed, slashAmount * BigInt(fraudJobs));
  const { timestamp } = await publicClient.getBlock();
  assert.ok(BigInt((await provider(cheaterKey)).jailedUntil) > timestamp, "the cheater is jailed");
  await waitFor("the offline provider jailed", async () => {
    const { timestamp: t } = await publicClient.getBlock();
    return BigInt((await provider(victim.nodeKey as string)).jailedUntil) > t ? true : undefined;
  });
  const here = await publicClient.getBlockNumber();
  const redeemed = await publicClient.getContractEvents({
    address: deployment.contracts.escrow,
    abi: escrowAbi,
    eventName: "VoucherRedeemed",
    fromBlock: startBlock,
    toBlock: here,
  });
  const allSlashes = (
    await publicClient.getContractEvents({
      address: deployment.contracts.rewards,
      abi: rewardsAbi,
      eventName: "NodeSlashed",
      fromBlock: startBlock,
      toBlock: here,
    })
  ).reduce((s, e) => s + (e.args.slashed ?? 0n), 0n);
  const treasuryShares = redeemed.reduce((s, e) => s + (e.args.treasuryAmount ?? 0n), 0n);
  assert.equal(
    (await publicClient.readContract({
      address: deployment.contracts.token,
      abi: tokenAbi,
      functionName: "balanceOf",
      args: [treasury],
      blockNumber: here,
    })) - treasuryBefore,
    allSlashes + treasuryShares,
    "the treasury gains exactly the slashes (and the escrow's treasury shares)",
  );

  // Every root so far was signed by at least 2 oracles.
  const posted = await publicClient.getContractEvents({
    address: deployment.contracts.rewards,
    abi: rewardsAbi,
    eventName: "RootPosted",
    fromBlock: BigInt(deployment.deployBlock),
  });
  assert.ok(posted.length >= 3, `${posted.length} roots posted`);
  for (const log of posted) assert.ok((log.args.signers ?? []).length >= 2);

  // The lowest-address oracle (the first proposer) dies: the others keep posting.
  const [first, ...rest] = [...oracles()].sort((a, b) => (BigInt(a.address ?? 0) < BigInt(b.address ?? 0) ? -1 : 1));
  assert.ok(first);
  process.kill(first.pid, "SIGKILL");
  // With one oracle gone, each epoch waits out its proposal delay and the peers' bundle fetches; on a loaded 2-core
  // machine running the whole network (indexer included) that can take several epochs.
  await waitForRoots(2, "one oracle down", 300_000);

  // It comes back proposing tampered roots: honest oracles refuse them, the honest root is posted.
  const port = new URL(first.url).port;
  faulty = await startGw(
    [
      "oracle",
      "start",
      "--home",
      first.home as string,
      "--account",
      "oracle",
      "--port",
      port,
      "--gateway",
      gatewayUrl(),
      ...rest.flatMap((o) => ["--peer", o.url]),
      "--fault-wrong-root",
      "--json",
    ],
    { env: { GW_PASSWORD_FILE: passwordFile } },
  );
  const rejected = await waitFor(
    "a tampered proposal refused",
    async () => {
      const next = await nextEpoch();
      for (const e of [next - 1, next - 2]) {
        if (e < 0) continue;
        const epoch = await getJson(`${first.url}/v1/epochs/${e}`);
        const proposals = (epoch.json.proposals ?? []) as { root: string; rejections: unknown[]; signatures: number }[];
        const refused = proposals.find((p) => p.rejections.length >= 2 && p.signatures === 1);
        if (refused && epoch.json.status === "adopted") return { epoch: e, root: refused.root, record: epoch.json };
      }
      return undefined;
    },
    120_000,
  );
  const onChain =
    posted.length > 0
      ? await publicClient.getContractEvents({
          address: deployment.contracts.rewards,
          abi: rewardsAbi,
          eventName: "RootPosted",
          args: { epoch: BigInt(rejected.epoch) },
          fromBlock: BigInt(deployment.deployBlock),
        })
      : [];
  const postedRoot = onChain[0]?.args.earningsRoot;
  assert.ok(postedRoot);
  assert.notEqual(postedRoot, rejected.root, "the tampered root was not posted");
  assert.equal(rejected.record.root, postedRoot, "the faulty oracle's own honest computation is the posted root");
  // Its co-signing stays honest: it may be among the signers of the honest root, never with the tampered one.
  assert.ok((onChain[0]?.args.signers ?? []).length >= 2);
  const verify = await runGw(["oracle", "verify", String(rejected.epoch), "--oracle", rest[0]?.url ?? "", "--json"], {
    env,
  });
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.equal((verify.json as { equal: boolean }).equal, true);

  // An honest provider that worked claims exactly what it earned: the cumulative difference.
  const honestOwner = devAccount(1).address;
  const wallet = createChainWallet({
    rpcUrl: deployment.rpcUrl,
    chainId: deployment.chainId,
    privateKey: devPrivateKey(1),
  });
  const claimedBefore = await publicClient.readContract({
    address: deployment.contracts.rewards,
    abi: rewardsAbi,
    functionName: "claimed",
    args: [honestOwner],
  });
  const paid = await waitFor("a claim against the latest root", async () => {
    const latest = (await nextEpoch()) - 1;
    const proof = await getJson(`${rest[0]?.url}/v1/epochs/${latest}/proofs/${honestOwner}`);
    if (proof.status !== 200) return undefined;
    const amount = BigInt(proof.json.cumulativeAmount as string);
    const before = await balanceOf(honestOwner);
    await writeContractAndWait(publicClient, wallet, {
      address: deployment.contracts.rewards,
      abi: rewardsAbi,
      functionName: "claim",
      args: [honestOwner, amount, proof.json.proof as Hex[]],
    });
    return { amount, gained: (await balanceOf(honestOwner)) - before };
  });
  assert.ok(paid.amount > claimedBefore, "the honest provider earned something");
  assert.equal(paid.gained, paid.amount - claimedBefore);
  assert.ok(workers.size >= 2);
});
