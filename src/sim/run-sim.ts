// `gw sim`: thousands of simulated providers in one process driving the REAL oracle engine and the REAL contracts.
// Each epoch: customers' jobs through the real job engine (audits, majority, signed fraud reports), liveness
// challenges answered with signed pongs, payments as vouchers redeemed on chain, then three oracles take the evidence
// through the real intake, compute the epoch from chain inputs, and two of them sign the root that Rewards applies
// (jails and slashes land in the ProviderRegistry). See `simulationScope` for what is real and what is modelled.
import { performance } from "node:perf_hooks";
import { encodeFunctionData, type Hex } from "viem";
import { buildEarningsTree, escrowAbi, readNetworkParameters, rewardsAbi, tokenAbi } from "../chain/index.ts";
import { StateError } from "../core/errors.ts";
import type { AcceptedJob } from "../gateway/index.ts";
import {
  aggregateLiveness,
  type ChallengeRecord,
  computeEpoch,
  type EpochResult,
  type ProvenFraud,
} from "../oracle/index.ts";
import { type Envelope, hashSpec, messageTypes, nodeKeyFromSeed } from "../protocol/index.ts";
import { computeResource } from "../resources/compute/index.ts";
import type { SentTransaction } from "./chain-driver.ts";
import { epochRootOf, postEpochRoot, readEpochInputs } from "./oracle-epoch.ts";
import { addOwed, payEpoch, type VoucherBook } from "./pay-epoch.ts";
import { createPopulation, type ProviderKind, providerKinds } from "./population.ts";
import { createRegistryReader, type RegistryEntry } from "./read-registry.ts";
import { createSeededRandom, deriveBytes } from "./seeded-random.ts";
import { setupSimChain } from "./setup-sim-chain.ts";
import { createSimClock } from "./sim-clock.ts";
import { createSimGateway } from "./sim-gateway.ts";
import { resolveSimOptions, type SimOptionsInput } from "./sim-options.ts";
import { createSimOracle, type SimChallenge } from "./sim-oracle.ts";
import { createSimProvider, type SimProvider } from "./sim-provider.ts";
import type { SelfDealReport, SimEpochReport, SimReport } from "./sim-report.ts";
import { simCorrectDigest, simJobSpec } from "./sim-work.ts";

export interface RunSimHooks {
  /** Progress lines (setup steps). */
  log?: (line: string) => void;
  /** Called after each epoch's root is posted. */
  onEpoch?: (epoch: SimEpochReport) => void;
}

/** What the simulation runs for real, and what it models; reported with every run. */
export const simulationScope = {
  real: [
    "anvil chain with the full contract suite deployed by deployGroundwork (sim genesis: its own wallets, short epochs)",
    "every node key registered on chain with the minimum stake and a valid Ed25519 binding",
    "the gateway job engine (runJob): audit lottery at the governed auditShareBps, result verification, reroutes, majority, signed fraud and failure reports",
    "job.result envelopes signed by each provider's node key, receipts as receiptSchema, compute resultDigest",
    "challenge.pong envelopes signed by node keys; report.fraud envelopes signed by the gateway key",
    "oracle intake (createIntake: verifyPong, verifyFraudReport, registration from the on-chain registry and binding)",
    "computeEpoch over inputs read from chain: registry snapshot, VoucherRedeemed revenue in the epoch window, emissionFor, ParameterStore, Escrow.shares",
    "EIP-712 vouchers signed by customers and self-dealers, all redeemed on chain (redeemBatch per owner per epoch)",
    "epoch roots signed by 2 of 3 oracle keys and posted to Rewards.postRoot; jails and slashes applied by ProviderRegistry",
    "self-dealers' rewards claimed on chain (Rewards.claim) before their balances are compared",
  ],
  simulated: [
    "time: a simulated clock drives every signature and check; anvil blocks are mined at chosen timestamps",
    "transport: providers are in-process sessions, not WebSockets; job.assign and challenge.ping are not signed",
    "customers' job.request envelopes carry no signature (the engine forwards them unchecked)",
    "work: the output is a hash of the job's input (known correct digest); nothing is executed in a sandbox",
    "dispatch: a random connected provider per attempt instead of the price/reputation ranking",
    "payments: one cumulative voucher per customer and owner per epoch instead of one per job",
    "self-dealers take no customer jobs; they only pay themselves and answer challenges",
    "one gateway; oracle bundles are exchanged in memory (the second signer recomputes the root before signing)",
  ],
};

const JOB_TIMEOUT_MS = 30_000;

export async function runSim(input: SimOptionsInput = {}, hooks: RunSimHooks = {}): Promise<SimReport> {
  const log = hooks.log ?? (() => {});
  const started = performance.now();
  const options = resolveSimOptions(input);
  const random = createSeededRandom(options.seed);
  const population = createPopulation(options, random.fork("population"));
  const chain = await setupSimChain({ options, population, log });
  try {
    const { driver, deployment, genesisTime, epochSeconds } = chain;
    const { escrow, rewards, registry: registryAddress, token, treasury } = deployment.contracts;
    const governed = await readNetworkParameters(driver.publicClient, deployment.contracts.parameters);
    const auditShareBps = Number(governed.auditShareBps);
    const interval = Math.max(1, Math.min(epochSeconds, Number(governed.challengeIntervalSeconds)));
    const rounds = Math.max(1, Math.floor(epochSeconds / interval));

    const clock = createSimClock(genesisTime * 1000);
    const gateway = createSimGateway({
      key: nodeKeyFromSeed(new Uint8Array(deriveBytes(options.seed, "gateway"))),
      clock,
      random: random.fork("gateway"),
      auditShareBps,
      price: options.jobPrice,
    });
    const providers = population.nodes.map(createSimProvider);
    const providerOf = new Map<Hex, SimProvider>(providers.map((p) => [p.node.key.publicKey, p]));
    const kindOf = (nodeKey: Hex): ProviderKind | undefined => providerOf.get(nodeKey)?.node.kind;
    const registry = createRegistryReader(driver, { chainId: driver.chainId, registry: registryAddress });
    let snapshot = new Map<Hex, RegistryEntry>();
    const oracles = chain.oracles.map((account) =>
      createSimOracle({
        account,
        clock,
        gatewayKeys: [gateway.key.publicKey],
        isRegistered: (nodeKey) => snapshot.get(nodeKey)?.bindingValid === true,
        // Registrations never change during a simulation (no node unregisters; jails and slashes leave it registered),
        // so an answer stays good for the run. A short TTL makes intake re-parse every node's public key per expiry.
        registrationTtlMs: (options.epochs + 1) * epochSeconds * 1000,
      }),
    );
    const [proposer, cosigner] = oracles as [(typeof oracles)[number], (typeof oracles)[number]];

    const jobsRandom = random.fork("jobs");
    const challengeRandom = random.fork("challenges");
    const book: VoucherBook = new Map();
    const redeemed: VoucherBook = new Map();
    const selfDealOwners = population.owners.filter((o) => o.kind === "self-dealer");
    const selfDealAddresses = new Set(selfDealOwners.map((o) => o.address));
    let previous: ReadonlyMap<Hex, bigint> = new Map();
    let lastResult: EpochResult | undefined;
    let lastBlock = BigInt(await driver.rpc<Hex>("eth_blockNumber"));
    const caught = new Set<Hex>();
    const honestPenalized = new Set<Hex>();
    const offlineJailed = new Set<Hex>();
    const fraudJobs = new Map<Hex, number>();
    const ownerRewards = new Map<Hex, { work: bigint; liveness: bigint }>();
    const selfDeal = { paid: 0n, received: 0n, burned: 0n };
    const perEpoch: SimEpochReport[] = [];
    let slashedTotal = 0n;
    const setupSeconds = (performance.now() - started) / 1000;

    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const epochStarted = performance.now();
      const phases = { registry: 0, jobs: 0, liveness: 0, payments: 0, oracle: 0, post: 0 };
      let mark = epochStarted;
      const lap = (phase: keyof typeof phases) => {
        const now = performance.now();
        phases[phase] += (now - mark) / 1000;
        mark = now;
      };
      const startTime = genesisTime + epoch * epochSeconds;
      const endTime = startTime + epochSeconds;
      clock.set(startTime * 1000);

      // ---- admission: online nodes that are registered, bound and active at the epoch's start
      snapshot = await registry.read();
      lap("registry");
      const active = (e: RegistryEntry | undefined) =>
        e?.bindingValid === true && e.stake >= chain.stake && e.jailedUntil <= startTime;
      const connected = providers.filter(
        (p) => p.node.kind !== "offline" && active(snapshot.get(p.node.key.publicKey)),
      );
      const connectedKeys = new Set(connected.map((p) => p.node.key.publicKey));
      gateway.connect(connected.filter((p) => p.node.kind !== "self-dealer"));
      const jailedNow = Object.fromEntries(providerKinds.map((k) => [k, 0])) as Record<ProviderKind, number>;
      for (const entry of snapshot.values()) {
        const kind = kindOf(entry.nodeKey);
        if (kind && entry.jailedUntil > startTime) jailedNow[kind]++;
      }

      const jobs = { total: 0, ok: 0, failed: 0, audited: 0, reroutes: 0, wrongAccepted: 0 };
      const challenges = { sent: 0, answered: 0, rejected: 0 };
      const registered = [...snapshot.keys()];
      for (let round = 0; round < rounds; round++) {
        lap("liveness");
        const sliceStart = (startTime + round * interval) * 1000;
        const sliceMs = interval * 1000;
        // ---- customer jobs in the first half of the slice
        const count =
          Math.floor((options.jobsPerEpoch * (round + 1)) / rounds) -
          Math.floor((options.jobsPerEpoch * round) / rounds);
        for (let k = 0; k < count; k++) {
          clock.set(sliceStart + Math.floor(((k + 0.5) / count) * (sliceMs / 2)));
          const customer = population.customers[
            jobsRandom.int(population.customers.length)
          ] as (typeof population.customers)[number];
          const jobId = jobsRandom.hex(16).slice(2);
          const spec = simJobSpec(jobsRandom.hex(32));
          const request = {
            v: 1 as const,
            type: messageTypes.jobRequest,
            from: customer.address,
            ts: clock.now(),
            nonce: jobsRandom.hex(16).slice(2),
            body: {
              jobId,
              resourceType: computeResource.name,
              spec,
              blobs: {},
              replicas: 1,
              maxPrice: options.jobPrice.toString(),
              timeoutMs: JOB_TIMEOUT_MS,
            },
            sig: `0x${"00".repeat(65)}`,
          } as Envelope;
          const job: AcceptedJob = {
            jobId,
            request,
            customer: customer.address,
            type: computeResource,
            spec,
            specHash: hashSpec(spec),
            blobs: new Map(),
            replicas: 1,
            maxPrice: options.jobPrice,
            timeoutMs: JOB_TIMEOUT_MS,
          };
          const outcome = await gateway.run(job);
          jobs.total++;
          if (outcome.audited) jobs.audited++;
          jobs.reroutes += outcome.reroutes;
          if (outcome.status !== "ok") {
            jobs.failed++;
            continue;
          }
          jobs.ok++;
          if (outcome.resultDigest !== simCorrectDigest(spec.input)) jobs.wrongAccepted++;
          // Pay on delivery: every agreeing provider its price (the SDK's rule), never a dissenter.
          for (const result of outcome.results) {
            const receipt = (result.body as { receipt: { owner: Hex; price: string } }).receipt;
            addOwed(book, customer.address, receipt.owner, BigInt(receipt.price));
          }
        }
        lap("jobs");
        // ---- liveness: every registered node challenged once this slice, by one of the oracles at random
        const byOracle = oracles.map(() => ({ challenges: [] as SimChallenge[], pongs: [] as (Envelope | null)[] }));
        for (const nodeKey of registered) {
          const o = challengeRandom.int(oracles.length);
          const oracle = oracles[o] as (typeof oracles)[number];
          const sentAtMs = sliceStart + challengeRandom.int(sliceMs - 1000);
          const nonce = challengeRandom.hex(32);
          const rtt = 20 + challengeRandom.int(300);
          const provider = providerOf.get(nodeKey);
          const pong =
            provider && connectedKeys.has(nodeKey)
              ? await provider.answerChallenge({ nonce, oracle: oracle.address }, sentAtMs + rtt)
              : null;
          const slot = byOracle[o] as (typeof byOracle)[number];
          slot.challenges.push({ nodeKey, nonce, sentAt: sentAtMs / 1000 });
          slot.pongs.push(pong);
        }
        clock.set(sliceStart + sliceMs);
        for (let o = 0; o < oracles.length; o++) {
          const slot = byOracle[o] as (typeof byOracle)[number];
          challenges.sent += slot.challenges.length;
          challenges.answered += await (oracles[o] as (typeof oracles)[number]).recordAnswers(
            slot.challenges,
            slot.pongs,
          );
        }
      }

      lap("liveness");
      // ---- payments: customers' vouchers for settled work, self-dealers' vouchers to themselves; redeemed on chain
      for (const owner of selfDealOwners) {
        addOwed(book, owner.address, owner.address, options.selfDealVolume * BigInt(owner.nodes.length));
      }
      const payAt = endTime - Math.min(5, Math.floor(epochSeconds / 4));
      clock.set(payAt * 1000);
      await payEpoch(driver, { escrow, population, book, redeemed, timestamp: payAt });
      lap("payments");

      // ---- the oracles: fraud reports through intake, bundles closed, the epoch computed from chain inputs
      clock.set(endTime * 1000);
      const reports = gateway.takeReports("fraud");
      gateway.takeReports("failure");
      for (const oracle of oracles) await oracle.recordFraudReports(reports);
      const bundles = oracles.map((o) => o.closeBundle());
      for (const b of bundles) challenges.rejected += Object.values(b.rejectedPongs).reduce((a, n) => a + n, 0);
      const records: ChallengeRecord[] = bundles.flatMap((b) => b.challenges);
      const liveness = aggregateLiveness(records, { startTime, endTime });
      const fraudSeen = new Set<string>();
      const fraud: ProvenFraud[] = [];
      for (const f of bundles.flatMap((b) => b.fraud)) {
        if (f.reportedAt < startTime * 1000 || f.reportedAt >= endTime * 1000) continue;
        for (const nodeKey of f.dissenters) {
          const id = `${nodeKey}/${f.jobId}`;
          if (fraudSeen.has(id)) continue;
          fraudSeen.add(id);
          fraud.push({ nodeKey, jobId: f.jobId });
        }
      }
      const head = BigInt(await driver.rpc<Hex>("eth_blockNumber"));
      const { inputs, redemptions } = await readEpochInputs(driver, {
        deployment,
        epoch,
        startTime,
        endTime,
        registry: snapshot,
        liveness,
        fraud,
        previous,
        blocks: { from: lastBlock + 1n, to: head },
      });
      const result = computeEpoch(inputs);
      // The co-signer recomputes from the same bundles, in another order, before it signs.
      const check = computeEpoch({
        ...inputs,
        providers: [...inputs.providers].reverse(),
        liveness: [...inputs.liveness].reverse(),
        fraud: [...inputs.fraud].reverse(),
        revenue: [...inputs.revenue].reverse(),
      });
      if (
        check.earningsRoot !== result.earningsRoot ||
        check.cumulativeTotal !== result.cumulativeTotal ||
        check.jailed.join() !== result.jailed.join() ||
        check.slashes.map((s) => `${s.nodeKey}:${s.amount}`).join() !==
          result.slashes.map((s) => `${s.nodeKey}:${s.amount}`).join()
      ) {
        throw new StateError("the co-signing oracle computed another root from the same evidence", {
          details: { epoch, proposed: result.earningsRoot, recomputed: check.earningsRoot },
        });
      }
      lap("oracle");
      const posted = await postEpochRoot(driver, {
        deployment,
        root: epochRootOf(result),
        signers: [proposer.account, cosigner.account],
        poster: proposer.account,
        timestamp: endTime,
      });
      lastBlock = posted.blockNumber;
      lap("post");
      previous = new Map(result.leaves.map((l) => [l.account, l.cumulativeAmount]));
      lastResult = result;

      // ---- bookkeeping
      let slashedAmount = 0n;
      for (const s of result.slashes) {
        const entry = snapshot.get(s.nodeKey);
        const taken = entry ? minBigint(s.amount, entry.stake + entry.unbonding) : 0n;
        slashedAmount += taken;
        if (kindOf(s.nodeKey) === "cheater") caught.add(s.nodeKey);
        else honestPenalized.add(s.nodeKey);
      }
      slashedTotal += slashedAmount;
      for (const nodeKey of result.jailed) {
        const kind = kindOf(nodeKey);
        if (kind === "honest" || kind === "flaky") honestPenalized.add(nodeKey);
        if (kind === "offline") offlineJailed.add(nodeKey);
      }
      for (const row of result.nodes) {
        if (row.fraudJobs > 0) fraudJobs.set(row.nodeKey, (fraudJobs.get(row.nodeKey) ?? 0) + row.fraudJobs);
      }
      for (const row of result.owners) {
        const acc = ownerRewards.get(row.owner) ?? { work: 0n, liveness: 0n };
        acc.work += row.work;
        acc.liveness += row.liveness;
        ownerRewards.set(row.owner, acc);
      }
      let revenue = 0n;
      let selfDealRevenue = 0n;
      let burned = 0n;
      for (const r of redemptions) {
        revenue += r.paid;
        burned += r.burnAmount;
        if (selfDealAddresses.has(r.customer) && r.customer === r.provider) {
          selfDealRevenue += r.paid;
          selfDeal.paid += r.paid;
          selfDeal.received += r.providerAmount;
          selfDeal.burned += r.burnAmount;
        }
      }
      const report: SimEpochReport = {
        epoch,
        seconds: (performance.now() - epochStarted) / 1000,
        phases,
        connected: connected.length,
        jailed: jailedNow,
        jobs,
        challenges,
        fraudReports: {
          filed: reports.length,
          accepted: bundles[0]?.fraud.length ?? 0,
          rejected: bundles[0]?.rejectedReports ?? {},
        },
        penalties: { jailed: result.jailed.length, slashed: result.slashes.length, slashedAmount },
        cheatersCaught: caught.size,
        honestPenalized: honestPenalized.size,
        offlineJailed: offlineJailed.size,
        emission: inputs.emission,
        revenue,
        customerRevenue: revenue - selfDealRevenue,
        selfDealRevenue,
        burned,
        revenueShare: ratio(revenue, revenue + inputs.emission),
        unallocated: result.unallocated,
        root: result.earningsRoot,
        cumulativeTotal: result.cumulativeTotal,
        postGas: posted.gasUsed,
      };
      perEpoch.push(report);
      hooks.onEpoch?.(report);
    }

    // ---- the end: self-dealers claim what they earned, then everything is read back from chain
    const selfDealers = await settleSelfDealers();
    const final = await registry.read();
    const outcome = {
      fraudJobs: Object.fromEntries(fraudJobs) as Record<Hex, number>,
      caught: [] as Hex[],
      escaped: [] as Hex[],
      honestPenalized: [] as Hex[],
      offlineNotJailed: [] as Hex[],
    };
    for (const p of providers) {
      const key = p.node.key.publicKey;
      const entry = final.get(key);
      if (!entry) continue;
      const slashed = entry.stake + entry.unbonding < chain.stake;
      const jailed = entry.jailedUntil > 0;
      if (p.node.kind === "cheater") (slashed ? outcome.caught : outcome.escaped).push(key);
      if ((p.node.kind === "honest" || p.node.kind === "flaky") && (slashed || jailed))
        outcome.honestPenalized.push(key);
      if (p.node.kind === "offline" && !jailed) outcome.offlineNotJailed.push(key);
    }
    const [treasuryBalance, nextEpoch] = await Promise.all([
      driver.read({ address: token, abi: tokenAbi, functionName: "balanceOf", args: [treasury] }),
      driver.read({ address: rewards, abi: rewardsAbi, functionName: "nextEpoch" }),
    ]);
    const sum = (f: (e: SimEpochReport) => bigint) => perEpoch.reduce((a, e) => a + f(e), 0n);
    const emission = sum((e) => e.emission);
    const revenue = sum((e) => e.revenue);
    const honest = population.counts.honest + population.counts.flaky;
    const cheaters = population.counts.cheater;
    const seconds = (performance.now() - started) / 1000;
    return {
      seed: options.seed,
      providers: options.providers,
      epochs: options.epochs,
      kinds: population.counts,
      owners: population.owners.length,
      customers: population.customers.length,
      jobsPerEpoch: options.jobsPerEpoch,
      parameters: {
        auditShareBps,
        challengeIntervalSeconds: Number(governed.challengeIntervalSeconds),
        downtimeJailSeconds: Number(governed.downtimeJailSeconds),
        slashAmount: governed.slashAmount,
        workShareBps: Number(governed.workShareBps),
        workEmissionCapBps: Number(governed.workEmissionCapBps),
      },
      epochSeconds,
      stake: chain.stake,
      jobPrice: options.jobPrice,
      perEpoch,
      totals: {
        jobs: perEpoch.reduce((a, e) => a + e.jobs.total, 0),
        audits: perEpoch.reduce((a, e) => a + e.jobs.audited, 0),
        wrongAccepted: perEpoch.reduce((a, e) => a + e.jobs.wrongAccepted, 0),
        fraudReports: perEpoch.reduce((a, e) => a + e.fraudReports.accepted, 0),
        fraudReportsRejected: perEpoch.reduce(
          (a, e) => a + Object.values(e.fraudReports.rejected).reduce((x, n) => x + n, 0),
          0,
        ),
        cheaters,
        caught: outcome.caught.length,
        caughtRate: cheaters === 0 ? 1 : outcome.caught.length / cheaters,
        honest,
        honestPenalized: outcome.honestPenalized.length,
        honestPenalizedRate: honest === 0 ? 0 : outcome.honestPenalized.length / honest,
        offline: population.counts.offline,
        offlineJailed: population.counts.offline - outcome.offlineNotJailed.length,
        emission,
        revenue,
        customerRevenue: sum((e) => e.customerRevenue),
        revenueShare: ratio(revenue, revenue + emission),
        slashed: slashedTotal,
        treasuryBalance,
        rootsPosted: Number(nextEpoch),
        setupSeconds,
        secondsPerEpoch: perEpoch.length === 0 ? 0 : perEpoch.reduce((a, e) => a + e.seconds, 0) / perEpoch.length,
        seconds,
      },
      selfDealers,
      nodes: outcome,
      chain: {
        rpcUrl: driver.rpcUrl,
        chainId: driver.chainId,
        contracts: { ...deployment.contracts },
        setupTransactions: chain.setupTransactions,
      },
      real: simulationScope.real,
      simulated: simulationScope.simulated,
    };

    /** Claims self-dealers' rewards against the last root and measures what self-dealing left them with. */
    async function settleSelfDealers(): Promise<SelfDealReport> {
      let workRewards = 0n;
      let livenessRewards = 0n;
      for (const owner of selfDealOwners) {
        const r = ownerRewards.get(owner.address);
        workRewards += r?.work ?? 0n;
        livenessRewards += r?.liveness ?? 0n;
      }
      if (lastResult && selfDealOwners.length > 0 && lastResult.leaves.length > 0) {
        const tree = buildEarningsTree(lastResult.leaves);
        const index = new Map(lastResult.leaves.map((l, i) => [l.account, i]));
        const sent: SentTransaction[] = [];
        for (const owner of selfDealOwners) {
          const i = index.get(owner.address);
          if (i === undefined) continue;
          const leaf = lastResult.leaves[i] as (typeof lastResult.leaves)[number];
          if (leaf.cumulativeAmount === 0n) continue;
          sent.push(
            ...(await driver.send(owner.account, [
              {
                to: rewards,
                data: encodeFunctionData({
                  abi: rewardsAbi,
                  functionName: "claim",
                  args: [leaf.account, leaf.cumulativeAmount, tree.getProof(i)],
                }),
                gas: 500_000n,
                label: `owner ${owner.index}: claim`,
              },
            ])),
          );
        }
        if (sent.length > 0) await driver.settle(sent);
      }
      let balanceChange = 0n;
      const stakes = await registry.read();
      for (const owner of selfDealOwners) {
        const [balance, deposit] = await Promise.all([
          driver.read({ address: token, abi: tokenAbi, functionName: "balanceOf", args: [owner.address] }),
          driver.read({ address: escrow, abi: escrowAbi, functionName: "depositOf", args: [owner.address] }),
        ]);
        let staked = 0n;
        for (const node of owner.nodes) {
          const e = stakes.get(node.key.publicKey);
          staked += (e?.stake ?? 0n) + (e?.unbonding ?? 0n);
        }
        balanceChange += balance + deposit + staked - (chain.genesisBalance.get(owner.address) ?? 0n);
      }
      const washNet = selfDeal.received + workRewards - selfDeal.paid;
      return {
        owners: selfDealOwners.length,
        addresses: selfDealOwners.map((o) => o.address),
        nodes: population.counts["self-dealer"],
        paid: selfDeal.paid,
        received: selfDeal.received,
        fees: selfDeal.paid - selfDeal.received,
        burned: selfDeal.burned,
        workRewards,
        livenessRewards,
        washNet,
        net: washNet + livenessRewards,
        balanceChange,
      };
    }
  } finally {
    await chain.stop();
  }
}

function ratio(a: bigint, b: bigint): number {
  if (b === 0n) return 0;
  return Number((a * 1_000_000n) / b) / 1_000_000;
}

function minBigint(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
