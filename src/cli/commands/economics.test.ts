// `gw network stats`, `gw provider earnings|claim|estimate` as real processes against a real test chain whose
// epochs are posted with real earnings trees and oracle signatures, and a small oracle server serving them.
// Tests run in order: the first sees a chain with no epoch posted, the second posts two.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Hex, parseUnits } from "viem";
import {
  escrowAbi,
  rewardsAbi,
  signVoucher,
  tokenAbi,
  writeContractAndWait,
  writeDeployment,
} from "../../chain/index.ts";
import { generateNodeKeySeed, nodeKeyFromSeed } from "../../protocol/index.ts";
import { writeProviderConfig } from "../../provider/index.ts";
import {
  type FakeOracle,
  postTestEpoch,
  registerTestProvider,
  runGw,
  startFakeOracle,
  startTestChain,
  type TestChain,
  type TestEpoch,
  tempHome,
} from "../../testing/index.ts";
import { saveAccount } from "../../wallet/index.ts";

const gwk = (v: string) => parseUnits(v, 18);
const home = tempHome("gw-econ-");
const env = { GW_HOME: home.path, GW_PASSWORD: "economics test" };
const nodeA = nodeKeyFromSeed(generateNodeKeySeed());
const nodeB = nodeKeyFromSeed(generateNodeKeySeed());
let chain: TestChain;
let oracle: FakeOracle;
let ownerA: Hex;
let ownerB: Hex;
let customer: Hex;

const gw = (args: string[], extra: Record<string, string> = {}) =>
  runGw(args, { env: { ...env, ...extra }, timeoutMs: 240_000 });
// biome-ignore lint/suspicious/noExplicitAny: test assertions read JSON freely.
type Json = Record<string, any>;

async function redeem(provider: number, cumulative: string): Promise<void> {
  const voucher = { customer, provider: chain.account(provider).address, cumulativeAmount: gwk(cumulative) };
  const signature = await signVoucher(
    chain.account(1),
    { chainId: chain.deployment.chainId, escrow: chain.deployment.contracts.escrow },
    voucher,
  );
  await writeContractAndWait(chain.publicClient, chain.wallet(provider), {
    address: chain.deployment.contracts.escrow,
    abi: escrowAbi,
    functionName: "redeem",
    args: [voucher, signature],
  });
}

const balanceOf = (account: Hex) =>
  chain.publicClient.readContract({
    address: chain.deployment.contracts.token,
    abi: tokenAbi,
    functionName: "balanceOf",
    args: [account],
  });
const claimedOf = (account: Hex) =>
  chain.publicClient.readContract({
    address: chain.deployment.contracts.rewards,
    abi: rewardsAbi,
    functionName: "claimed",
    args: [account],
  });

before(async () => {
  chain = await startTestChain();
  oracle = await startFakeOracle();
  ownerA = chain.account(2).address;
  ownerB = chain.account(3).address;
  customer = chain.account(1).address;
  writeDeployment(home.path, chain.deployment);
  const cheap = { n: 1024, r: 8, p: 1 };
  saveAccount(home.path, { name: "owner", privateKey: chain.privateKey(2), password: env.GW_PASSWORD, cost: cheap });
  saveAccount(home.path, { name: "helper", privateKey: chain.privateKey(5), password: env.GW_PASSWORD, cost: cheap });
  writeProviderConfig(home.path, {
    version: 1,
    owner: ownerA,
    account: "owner",
    gateways: [],
    capacity: 2,
    offers: {
      compute: {
        pricePerJob: gwk("0.01").toString(),
        pricePerSecond: "0",
        maxMemoryBytes: 64 * 1024 * 1024,
        maxWallMs: 10_000,
        maxOutputBytes: 1024 * 1024,
      },
    },
    redeem: { minAmount: "10", intervalSeconds: 3600 },
    control: { host: "127.0.0.1", port: 0 },
  });
  await registerTestProvider(chain, { ownerIndex: 2, nodeKey: nodeA });
  await registerTestProvider(chain, { ownerIndex: 3, nodeKey: nodeB });
  const { token, escrow } = chain.deployment.contracts;
  await writeContractAndWait(chain.publicClient, chain.wallet(1), {
    address: token,
    abi: tokenAbi,
    functionName: "approve",
    args: [escrow, gwk("1000")],
  });
  await writeContractAndWait(chain.publicClient, chain.wallet(1), {
    address: escrow,
    abi: escrowAbi,
    functionName: "deposit",
    args: [gwk("1000")],
  });
});

after(async () => {
  await oracle?.close();
  await chain?.stop();
  home.remove();
});

test("before any epoch is posted: clear messages, nothing to claim, an estimate from the schedule", async () => {
  const text = await gw(["network", "stats"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /no epoch has been posted yet/);
  const stats = await gw(["network", "stats", "--json"]);
  assert.deepEqual((stats.json as Json).epochs, []);
  assert.equal((stats.json as Json).providers.registered, 2);

  const earnings = await gw(["provider", "earnings", "--json"]);
  assert.equal(earnings.code, 0, earnings.stderr);
  assert.equal((earnings.json as Json).owner.toLowerCase(), ownerA.toLowerCase());
  assert.equal((earnings.json as Json).ownerSource, "provider config");
  assert.deepEqual((earnings.json as Json).epochs, []);

  const claim = await gw(["provider", "claim", "--oracle", oracle.url, "--json"]);
  assert.equal(claim.code, 0, claim.stderr);
  assert.equal((claim.json as Json).claimed, "0");
  assert.equal((claim.json as Json).reason, "no-root");

  const estimate = await gw(["provider", "estimate", "--json"]);
  assert.equal(estimate.code, 0, estimate.stderr);
  assert.equal((estimate.json as Json).fromSchedule, true);
  assert.equal((estimate.json as Json).inputs.capacity, 2, "capacity defaults to the provider config's");
  assert.equal((estimate.json as Json).inputs.pricePerJob, "0.01");
});

let epochs: TestEpoch[] = [];

test("two epochs posted: per-epoch emission, revenue, burn, treasury, revenue share and totals", async () => {
  // Epoch 0: the customer pays A 100 GWK (85 to A, 5 treasury, 10 burned).
  await redeem(2, "100");
  const e0 = await postTestEpoch(chain, {
    epoch: 0,
    owners: [
      { owner: ownerA, revenue: gwk("100"), work: gwk("1000"), liveness: gwk("2000") },
      { owner: ownerB, revenue: 0n, work: 0n, liveness: gwk("2000") },
    ],
    nodes: [
      { nodeKey: nodeA.publicKey, owner: ownerA, jailed: false, slashed: 0n },
      { nodeKey: nodeB.publicKey, owner: ownerB, jailed: false, slashed: 0n },
    ],
  });
  // Epoch 1: A is paid 50 more, B 20; A's node is slashed 100 GWK and jailed.
  await redeem(2, "150");
  await redeem(3, "20");
  const e1 = await postTestEpoch(chain, {
    epoch: 1,
    previous: e0,
    owners: [
      { owner: ownerA, revenue: gwk("50"), work: gwk("1000"), liveness: 0n },
      { owner: ownerB, revenue: gwk("20"), work: gwk("1000"), liveness: gwk("3000") },
    ],
    nodes: [
      { nodeKey: nodeA.publicKey, owner: ownerA, jailed: true, slashed: gwk("100") },
      { nodeKey: nodeB.publicKey, owner: ownerB, jailed: false, slashed: 0n },
    ],
  });
  epochs = [e0, e1];
  oracle.epochs = epochs;

  const run = await gw(["network", "stats", "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const json = run.json as Json;
  assert.equal(json.postedEpochs, 2);
  const [s0, s1] = json.epochs as Json[];
  assert.deepEqual(
    { ...s0, postedAt: undefined, fromBlock: undefined, toBlock: undefined },
    {
      epoch: 0,
      postedAt: undefined,
      fromBlock: undefined,
      toBlock: undefined,
      emission: "10000",
      revenue: "100",
      burned: "10",
      treasury: { total: "5", fees: "5", slashes: "0", other: "0" },
      revenueShare: "0.0099",
      revenueShareBps: 99,
      activeProviders: 1,
      activeProvidersSource: "registry-now",
    },
  );
  assert.equal(s1?.revenue, "70");
  assert.equal(s1?.burned, "7");
  assert.deepEqual(s1?.treasury, { total: "103.5", fees: "3.5", slashes: "100", other: "0" });
  assert.equal(s1?.revenueShare, "0.0069");
  assert.equal(s1?.revenueShareBps, 69);
  assert.equal(s1?.fromBlock, s0?.toBlock);
  assert.deepEqual(json.totals, {
    epochs: 2,
    emission: "20000",
    revenue: "170",
    burned: "17",
    treasury: { total: "108.5", fees: "8.5", slashes: "100", other: "0" },
    revenueShare: "0.0084",
    revenueShareBps: 84,
  });
  assert.deepEqual(json.providers, { registered: 2, active: 1, activeStake: "1000" });
  assert.equal(json.token.totalBurned, "17");

  const withOracle = await gw(["network", "stats", "--epochs", "1", "--oracle", oracle.url, "--json"]);
  assert.equal(withOracle.code, 0, withOracle.stderr);
  const only = (withOracle.json as Json).epochs as Json[];
  assert.deepEqual(
    only.map((e) => [e.epoch, e.activeProviders, e.activeProvidersSource]),
    [[1, 1, "oracle"]],
  );

  const text = await gw(["network", "stats"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^total\s+20000\s+170\s+17\s+108\.5\s+0\.0084 \(84 bps\)$/m);
});

test("network stats refuses bad flags with exit 2", async () => {
  const cases = [["--epochs", "0"], ["--epochs", "x"], ["--oracle", "ftp://nowhere"], ["--bogus"]];
  const runs = await Promise.all(cases.map((args) => gw(["network", "stats", ...args])));
  for (const [i, run] of runs.entries()) {
    assert.equal(run.code, 2, `${cases[i]?.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, /error: /);
  }
});

test("provider earnings: revenue per window, oracle emissions, penalties, claimed and claimable", async () => {
  const run = await gw(["provider", "earnings", "--oracle", oracle.url, "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const json = run.json as Json;
  assert.equal(json.emissionSource, "oracle-earnings");
  assert.deepEqual(json.nodeKeys, [nodeA.publicKey]);
  assert.deepEqual(json.epochs, [
    {
      epoch: 0,
      revenue: "100",
      revenueReceived: "85",
      redemptions: 1,
      emission: "3000",
      work: "1000",
      liveness: "2000",
      cumulative: "3000",
      slashed: "0",
      jailed: 0,
    },
    {
      epoch: 1,
      revenue: "50",
      revenueReceived: "42.5",
      redemptions: 1,
      emission: "1000",
      work: "1000",
      liveness: "0",
      cumulative: "4000",
      slashed: "100",
      jailed: 1,
    },
  ]);
  assert.deepEqual(json.totals, {
    revenue: "150",
    revenueReceived: "127.5",
    emission: "4000",
    slashed: "100",
    jailed: 1,
  });
  assert.equal(json.claimed, "0");
  assert.equal(json.claimable, "4000");

  // An oracle without the earnings endpoint: emissions from consecutive proofs, checked against the roots.
  oracle.earningsEndpoint = false;
  try {
    const viaProofs = await gw(["provider", "earnings", "--address", ownerB, "--json"], { GW_ORACLE_URL: oracle.url });
    assert.equal(viaProofs.code, 0, viaProofs.stderr);
    const b = viaProofs.json as Json;
    assert.equal(b.emissionSource, "oracle-proofs");
    assert.deepEqual(
      (b.epochs as Json[]).map((e) => [e.epoch, e.revenue, e.emission, e.cumulative, e.work]),
      [
        [0, "0", "2000", "2000", null],
        [1, "20", "4000", "6000", null],
      ],
    );
    assert.equal(b.claimable, "6000");
  } finally {
    oracle.earningsEndpoint = true;
  }

  const noOracle = await gw(["provider", "earnings"]);
  assert.equal(noOracle.code, 0, noOracle.stderr);
  assert.match(noOracle.stdout, /pass --oracle URL/);
  assert.match(noOracle.stdout, /^total\s+150\s+127\.5\s+\?\s+100\s+1 jail\(s\)$/m);

  const bad = await gw(["provider", "earnings", "--address", "0x1234"]);
  assert.equal(bad.code, 2, bad.stderr);
});

test("provider claim: a lying oracle changes nothing; one claim pays every epoch; a second claims 0", async () => {
  oracle.tamper = true;
  try {
    const lied = await gw(["provider", "claim", "--oracle", oracle.url, "--json"]);
    assert.equal(lied.code, 4, lied.stderr);
    assert.match(lied.stderr, /does not match the root posted on chain/);
  } finally {
    oracle.tamper = false;
  }
  assert.equal(await claimedOf(ownerA), 0n);

  const badClaims = [["--oracle", "not a url"], ["--address", "nope", "--oracle", oracle.url], []];
  const claimRuns = await Promise.all(badClaims.map((args) => gw(["provider", "claim", ...args])));
  for (const [i, run] of claimRuns.entries()) assert.equal(run.code, 2, `${badClaims[i]?.join(" ")}: ${run.stderr}`);
  assert.equal(await claimedOf(ownerA), 0n);

  const before = await balanceOf(ownerA);
  const claim = await gw(["provider", "claim", "--oracle", oracle.url, "--json"]);
  assert.equal(claim.code, 0, claim.stderr);
  const json = claim.json as Json;
  assert.equal(json.claimed, "4000");
  assert.equal(json.epoch, 1);
  assert.equal(json.submittedBy.toLowerCase(), ownerA.toLowerCase());
  assert.equal((await balanceOf(ownerA)) - before, gwk("4000"));

  const again = await gw(["provider", "claim", "--oracle", oracle.url, "--json"]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((again.json as Json).claimed, "0");
  assert.equal((again.json as Json).reason, "already-claimed");
  const againText = await gw(["provider", "claim", "--oracle", oracle.url]);
  assert.match(againText.stdout, /nothing to claim/);

  // Anyone may submit: the helper wallet claims B's rewards, which go to B.
  const bBefore = await balanceOf(ownerB);
  const forB = await gw([
    "provider",
    "claim",
    "--oracle",
    oracle.url,
    "--address",
    ownerB,
    "--account",
    "helper",
    "--json",
  ]);
  assert.equal(forB.code, 0, forB.stderr);
  assert.equal((forB.json as Json).claimed, "6000");
  assert.equal((forB.json as Json).submittedBy.toLowerCase(), chain.account(5).address.toLowerCase());
  assert.equal((await balanceOf(ownerB)) - bBefore, gwk("6000"));

  const earnings = await gw(["provider", "earnings", "--oracle", oracle.url, "--json"]);
  assert.equal((earnings.json as Json).claimed, "4000");
  assert.equal((earnings.json as Json).claimable, "0");
});

test("provider estimate: exact monthly figures from the posted epochs and the governed rules", async () => {
  const run = await gw([
    "provider",
    "estimate",
    "--capacity",
    "2",
    "--jobs-per-hour",
    "30",
    "--price-per-job",
    "0.01",
    "--stake",
    "1000",
    "--power-watts",
    "100",
    "--electricity-price",
    "0.25",
    "--gwk-price",
    "0.5",
    "--json",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const json = run.json as Json;
  assert.equal(json.epochsUsed, 2);
  assert.equal(json.fromSchedule, false);
  assert.deepEqual(json.network, {
    activeProviders: 1,
    activeStake: "1000",
    shares: { providerBps: 8500, treasuryBps: 500, burnBps: 1000 },
    workShareBps: 7000,
    workEmissionCapBps: 9000,
  });
  // 43,200 jobs × 0.01 = 432 GWK (demand bound 170 × 43,200 / 2 / 2 = 1,836,000 does not bind); 85 % is 367.2.
  // Work: 0.01 GWK per epoch → capped at 0.0009 × 43,200 = 38.88. Liveness: 3,000 × 1,000 / 2,000 × 43,200.
  assert.deepEqual(json.monthly, {
    jobs: "43200",
    grossRevenue: "432",
    unboundedRevenue: "432",
    demandBound: "1836000",
    revenue: "367.2",
    workEmission: "38.88",
    livenessEmission: "64800000",
    total: "64800406.08",
    energyKwh: "72",
    electricityCost: "18",
    electricityGwk: "36",
    net: "64800370.08",
  });
  assert.deepEqual(json.currency, { total: "32400203.04", electricity: "18", net: "32400185.04" });
  assert.equal(json.workCapped, true);

  const text = await gw(["provider", "estimate", "--power-watts", "100", "--electricity-price", "0.25"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /assumptions:/);
  assert.match(text.stdout, /not subtracted in GWK: give --gwk-price/);

  const badEstimates = [
    ["--capacity", "0"],
    ["--resource", "teleport"],
    ["--gwk-price", "abc"],
    ["--gwk-price", "0"],
    ["--stake", "10"],
    ["--jobs-per-hour", "1.5"],
  ];
  const estimateRuns = await Promise.all(badEstimates.map((args) => gw(["provider", "estimate", ...args])));
  for (const [i, run] of estimateRuns.entries()) {
    assert.equal(run.code, 2, `${badEstimates[i]?.join(" ")}: ${run.stderr}`);
  }
});
