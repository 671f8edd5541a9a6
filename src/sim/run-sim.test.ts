import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getAbiItem, type Hex, parseUnits } from "viem";
import { type Anvil, escrowAbi, providerRegistryAbi, rewardsAbi, startAnvil, tokenAbi } from "../chain/index.ts";
import { freePort } from "../testing/index.ts";
import { type ChainDriver, createChainDriver } from "./chain-driver.ts";
import { createPopulation } from "./population.ts";
import { runSim } from "./run-sim.ts";
import { createSeededRandom } from "./seeded-random.ts";
import { simNetworkParams } from "./setup-sim-chain.ts";
import { resolveSimOptions, type SimOptionsInput } from "./sim-options.ts";
import type { SimReport } from "./sim-report.ts";

// 40 providers over 3 epochs: 4 cheaters that always lie, 4 flaky, 2 offline, 2 self-dealers paying themselves far
// more than liveness could ever pay them back. The audit share is raised at genesis so every cheater meets an audit.
const small: SimOptionsInput = {
  providers: 40,
  epochs: 3,
  cheaters: 0.1,
  flaky: 0.1,
  offline: 0.05,
  selfDealers: 0.05,
  jobsPerEpoch: 200,
  auditShareBps: 3000,
  cheatProbability: 1,
  selfDealVolume: parseUnits("5000", 18),
  seed: "sim-test",
};

// The same population the run derives from the seed: who is offline, who self-deals, and what each got at genesis.
const options = resolveSimOptions(small);
const population = createPopulation(options, createSeededRandom(options.seed).fork("population"));
const genesis = simNetworkParams(options, population, 0n).balances;

describe("runSim", () => {
  let anvil: Anvil;
  let driver: ChainDriver;
  let report: SimReport;

  before(async () => {
    anvil = await startAnvil({ port: await freePort() });
    driver = await createChainDriver(anvil.rpcUrl);
    report = await runSim({ ...small, rpcUrl: anvil.rpcUrl });
  });
  after(async () => {
    await anvil?.stop();
  });

  it("catches every cheater that always lies, penalises no honest provider, jails every offline one", async () => {
    assert.equal(report.kinds.cheater, 4);
    assert.equal(report.totals.caught, 4, `escaped: ${report.nodes.escaped.join(", ")}`);
    assert.equal(report.totals.honestPenalized, 0, `penalised: ${report.nodes.honestPenalized.join(", ")}`);
    assert.deepEqual(report.nodes.offlineNotJailed, []);
    const { registry } = report.chain.contracts as Record<string, Hex>;
    const offline = population.nodes.filter((n) => n.kind === "offline").map((n) => n.key.publicKey);
    assert.equal(offline.length, report.kinds.offline);
    for (const nodeKey of offline) {
      const record = await driver.read({
        address: registry as Hex,
        abi: providerRegistryAbi,
        functionName: "getProvider",
        args: [nodeKey],
      });
      assert.ok(record.jailedUntil > 0n, `offline ${nodeKey} is jailed on chain`);
    }
  });

  it("slashes exactly slashAmount per proven fraudulent job, all of it into the treasury", async () => {
    const { registry, treasury, token, escrow } = report.chain.contracts as Record<string, Hex>;
    const slashAmount = report.parameters.slashAmount;
    let slashed = 0n;
    for (const [nodeKey, jobs] of Object.entries(report.nodes.fraudJobs)) {
      const record = await driver.read({
        address: registry as Hex,
        abi: providerRegistryAbi,
        functionName: "getProvider",
        args: [nodeKey as Hex],
      });
      const expected = slashAmount * BigInt(jobs);
      assert.ok(expected < report.stake, "no slash was capped by the stake in this run");
      assert.equal(report.stake - record.stake - record.unbonding, expected, `stake taken from ${nodeKey}`);
      slashed += expected;
    }
    assert.ok(slashed > 0n);
    assert.equal(report.totals.slashed, slashed);
    const redeemed = await driver.publicClient.getLogs({
      address: escrow as Hex,
      event: getAbiItem({ abi: escrowAbi, name: "VoucherRedeemed" }),
      fromBlock: 0n,
      strict: true,
    });
    const treasuryShare = redeemed.reduce((sum, l) => sum + l.args.treasuryAmount, 0n);
    const balance = await driver.read({
      address: token as Hex,
      abi: tokenAbi,
      functionName: "balanceOf",
      args: [treasury as Hex],
    });
    assert.equal(balance, treasuryShare + slashed);
  });

  it("leaves self-dealers with less than they started with, and posts every root", async () => {
    const s = report.selfDealers;
    assert.ok(s.paid > 0n && s.workRewards > 0n, "self-dealers paid and earned work rewards");
    assert.ok(s.washNet < 0n, `wash trading lost ${s.washNet}`);
    assert.ok(s.balanceChange < 0n, `balance change ${s.balanceChange}`);
    // On chain, after their claims: wallet + escrow deposit + bonded stake, against what genesis gave them.
    const { token, escrow, registry } = report.chain.contracts as Record<string, Hex>;
    const selfDealers = population.owners.filter((o) => o.kind === "self-dealer");
    assert.deepEqual(
      selfDealers.map((o) => o.address),
      s.addresses,
    );
    for (const owner of selfDealers) {
      const deposit = await driver.read({
        address: escrow as Hex,
        abi: escrowAbi,
        functionName: "depositOf",
        args: [owner.address],
      });
      const balance = await driver.read({
        address: token as Hex,
        abi: tokenAbi,
        functionName: "balanceOf",
        args: [owner.address],
      });
      let staked = 0n;
      for (const node of owner.nodes) {
        const record = await driver.read({
          address: registry as Hex,
          abi: providerRegistryAbi,
          functionName: "getProvider",
          args: [node.key.publicKey],
        });
        staked += record.stake + record.unbonding;
      }
      const start = genesis.get(owner.address) ?? 0n;
      assert.ok(balance + deposit + staked < start, `self-dealer ${owner.address} ends below its genesis ${start}`);
    }
    const { rewards } = report.chain.contracts as Record<string, Hex>;
    assert.equal(
      await driver.read({ address: rewards as Hex, abi: rewardsAbi, functionName: "nextEpoch" }),
      BigInt(small.epochs as number),
    );
    assert.equal(report.totals.rootsPosted, small.epochs);
  });

  it("replays exactly from the same seed", async () => {
    const again = await runSim(small);
    const summary = (r: SimReport) => ({
      roots: r.perEpoch.map((e) => [e.root, e.cumulativeTotal, e.jobs, e.penalties, e.revenue]),
      nodes: r.nodes,
      selfDealers: r.selfDealers,
    });
    assert.deepEqual(summary(again), summary(report));
  });
});
