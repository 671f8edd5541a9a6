// createOracleDaemon: the oracle role as one service (docs/oracle.md). It challenges providers through the gateways
// and pulls their fraud reports (evidence, kept append-only); after each epoch ends (plus a grace period) it
// publishes its signed evidence bundle, and oracle i (by ascending address) waits i × proposeDelay, then — if the
// root is not on chain yet — computes the epoch over the union of the bundles it can get, has the others recompute
// and co-sign it, and posts it with M signatures. A root someone else posted is adopted only after checking it
// against its own computation. Everything it decides is served over HTTP so anyone can recompute it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { Counter, Gauge, Registry } from "prom-client";
import type { Hex, PublicClient } from "viem";
import {
  buildEarningsTree,
  bundleRootSignatures,
  type ChainWallet,
  type Deployment,
  readNetworkParameters,
  rewardsAbi,
  signEpochRoot,
  wrapChainError,
} from "../../chain/index.ts";
import { GroundworkError, InvalidInputError, StateError } from "../../core/errors.ts";
import { createReplayGuard, openEnvelope, sha256Hex, signEnvelope, walletSigner } from "../../protocol/index.ts";
import type { EpochResult } from "../epoch-types.ts";
import { createChallenger } from "./challenger.ts";
import {
  type Bundle,
  buildEpochInputs,
  bundleHash,
  computeEpochResult,
  diffRoots,
  epochRootOf,
  leavesMap,
  oracleMessageTypes,
  parseProposalRoot,
  proposalBodySchema,
  proposalRootOf,
  recoverRootSigner,
  type SerializedResult,
  serializeResult,
  verifyBundle,
} from "./epoch-builder.ts";
import { createEpochChainReader, epochWindow } from "./epoch-chain.ts";
import { createOracleHttpApi, NotFoundError } from "./http-api.ts";
import { requestJson } from "./http-client.ts";
import type { OracleExtension } from "./oracle-extension.ts";
import { type EpochRecord, openOracleStore } from "./oracle-store.ts";
import { createReportPuller } from "./report-puller.ts";

export const oracleVersion = "groundwork-oracle/0.1.0";

export interface OracleFaults {
  /**
   * TESTS ONLY: this oracle proposes a tampered earnings root (its evidence, co-signing and adoption stay honest),
   * so tests can show that a wrong root never collects M honest signatures.
   */
  wrongRoot?: boolean;
}

export interface OracleDaemonOptions {
  deployment: Deployment;
  publicClient: PublicClient;
  /** The oracle's wallet: its address must be in Rewards.oracles(). Signs bundles, proposals, roots and posts. */
  wallet: ChainWallet;
  /** Gateway base URLs (http://host:port). */
  gateways: string[];
  /** The other oracles' base URLs. */
  peers: string[];
  storeDir: string;
  host?: string;
  port?: number;
  /** Oracle i proposes i × this after the epoch's end + grace. Default 3000. */
  proposeDelayMs?: number;
  /** Wait after an epoch's end before bundling it (late answers land). Default 5000. */
  graceMs?: number;
  /** Mean milliseconds between challenges to one provider; default: the governed challengeIntervalSeconds. */
  challengeIntervalMs?: number;
  log?: (line: string) => void;
  now?: () => number;
  random?: () => number;
  faults?: OracleFaults;
  /**
   * Resource types' additions (e.g. proof of coverage): routes on this oracle's API, evidence in its bundles, and
   * reward components in every epoch it computes.
   */
  extensions?: readonly OracleExtension[];
}

export interface OracleDaemon {
  url: string;
  address: Hex;
  close(): Promise<void>;
}

const settled = (r: EpochRecord | undefined) => r !== undefined && (r.status === "posted" || r.status === "adopted");

function emptyRecord(epoch: number): EpochRecord {
  return {
    epoch,
    status: "bundled",
    bundle: null,
    bundleHashes: [],
    result: null,
    signatures: [],
    postedBy: [],
    transactionHash: null,
    proposals: [],
  };
}

function createOracleMetrics() {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    challenges: new Counter({
      name: "oracle_challenges_total",
      help: "Liveness challenges recorded, by result",
      labelNames: ["result"],
      registers,
    }),
    fraudReports: new Counter({ name: "oracle_fraud_reports_total", help: "Fraud reports pulled", registers }),
    proposals: new Counter({
      name: "oracle_proposals_total",
      help: "Proposals this oracle made, by outcome",
      labelNames: ["outcome"],
      registers,
    }),
    cosign: new Counter({
      name: "oracle_cosign_total",
      help: "Proposals from other oracles, by outcome",
      labelNames: ["outcome"],
      registers,
    }),
    roots: new Counter({
      name: "oracle_roots_total",
      help: "Epoch roots settled, by how",
      labelNames: ["how"],
      registers,
    }),
    latestEpoch: new Gauge({
      name: "oracle_latest_epoch",
      help: "Latest epoch settled (posted or adopted)",
      registers,
    }),
  };
}

export async function createOracleDaemon(options: OracleDaemonOptions): Promise<OracleDaemon> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const proposeDelayMs = options.proposeDelayMs ?? 3000;
  const graceMs = options.graceMs ?? 5000;
  const { deployment, publicClient, wallet } = options;
  const self = wallet.account.address.toLowerCase() as Hex;
  const signer = walletSigner(wallet.account);
  const domain = { chainId: deployment.chainId, rewards: deployment.contracts.rewards };
  const store = openOracleStore(options.storeDir);
  const reader = createEpochChainReader(publicClient, deployment);
  const metrics = createOracleMetrics();
  const guard = createReplayGuard({ windowMs: 120_000, now });
  const gateways = options.gateways.map((u) => u.replace(/\/+$/, ""));
  const peers = options.peers.map((u) => u.replace(/\/+$/, ""));
  const extensions = options.extensions ?? [];
  const componentSources = extensions.flatMap((e) => (e.rewards ? [e.rewards] : []));

  let oracleSetCache: { oracles: Hex[]; threshold: number; at: number } | undefined;
  async function oracleSet() {
    if (!oracleSetCache || now() - oracleSetCache.at > 30_000) {
      oracleSetCache = { ...(await reader.oracleSet()), at: now() };
    }
    return oracleSetCache;
  }
  const initial = await oracleSet();
  if (!initial.oracles.includes(self)) {
    store.close();
    throw new StateError("this wallet is not an oracle of the Rewards contract", {
      details: { address: self, oracles: initial.oracles },
      hint: "Start the oracle with --account naming a wallet in Rewards.oracles().",
    });
  }

  let intervalMs = options.challengeIntervalMs ?? 10_000;
  if (options.challengeIntervalMs === undefined) {
    const parameters = await readNetworkParameters(publicClient, deployment.contracts.parameters);
    intervalMs = Number(parameters.challengeIntervalSeconds) * 1000 || 10_000;
  }

  // ------------------------------------------------------------------ peers (address ↔ URL)
  const peerAddress = new Map<string, Hex>(); // url → address
  async function peerUrls(): Promise<Map<Hex, string>> {
    for (const url of peers) {
      if (peerAddress.has(url)) continue;
      try {
        const info = await requestJson(`${url}/v1/info`, { timeoutMs: 2000 });
        const oracle = (info.json as { oracle?: unknown } | undefined)?.oracle;
        if (info.status === 200 && typeof oracle === "string") peerAddress.set(url, oracle.toLowerCase() as Hex);
      } catch {
        // down for now: asked again next time
      }
    }
    return new Map([...peerAddress.entries()].map(([url, address]) => [address, url]));
  }

  // ------------------------------------------------------------------ evidence
  const challenger = createChallenger({
    gateways,
    signer,
    store,
    publicClient,
    deployment,
    intervalMs: () => intervalMs,
    now,
    random,
    log,
    onRecorded: (r) => metrics.challenges.inc({ result: r.pong ? "answered" : "unanswered" }),
  });
  const puller = createReportPuller({
    gateways,
    store,
    log,
    onPulled: (n) => metrics.fraudReports.inc(n),
  });

  // ------------------------------------------------------------------ bundles
  function record(epoch: number): EpochRecord {
    return store.getEpoch(epoch) ?? emptyRecord(epoch);
  }

  async function extensionEvidence(epoch: number): Promise<{ extensions?: Record<string, unknown> }> {
    const out: Record<string, unknown> = {};
    for (const extension of extensions) {
      if (!extension.evidence) continue;
      try {
        out[extension.name] = await extension.evidence(epoch);
      } catch (error) {
        // The bundle goes out without it: the others' evidence still counts.
        log(`epoch ${epoch}: no ${extension.name} evidence: ${(error as Error).message}`);
      }
    }
    return Object.keys(out).length > 0 ? { extensions: out } : {};
  }

  async function buildOwnBundle(epoch: number): Promise<Hex> {
    const window = epochWindow(deployment, epoch);
    const startMs = window.startTime * 1000;
    const endMs = window.endTime * 1000;
    const body = {
      epoch,
      challenges: store
        .challengesIn(startMs, endMs)
        .sort((a, b) => a.sentAt - b.sentAt || (a.nonce < b.nonce ? -1 : 1)),
      fraud: store.reportsIn(startMs, endMs),
      ...(await extensionEvidence(epoch)),
    };
    const envelope = await signEnvelope(signer, { type: oracleMessageTypes.bundle, body }, now);
    const hash = bundleHash(envelope);
    store.putBundle(hash, envelope);
    const current = record(epoch);
    store.putEpoch({ ...current, bundle: hash });
    log(
      `epoch ${epoch}: bundle ${hash.slice(0, 10)} (${body.challenges.length} challenges, ${body.fraud.length} fraud reports)`,
    );
    return hash;
  }

  async function fetchBundle(epoch: number, url: string, hash?: Hex): Promise<Bundle | undefined> {
    const path = hash ? `bundles/${hash}` : "bundle";
    const response = await requestJson(`${url}/v1/epochs/${epoch}/${path}`, { timeoutMs: 4000 });
    if (response.status !== 200) return undefined;
    const { oracles } = await oracleSet();
    const bundle = await verifyBundle(response.json, { epoch, oracles });
    const got = bundleHash(bundle);
    if (hash && got !== hash) return undefined;
    store.putBundle(got, bundle);
    return bundle;
  }

  async function loadBundle(epoch: number, hash: Hex, from: string[]): Promise<Bundle | undefined> {
    const { oracles } = await oracleSet();
    const held = store.getBundle(hash);
    if (held) return verifyBundle(held, { epoch, oracles });
    for (const url of from) {
      try {
        const bundle = await fetchBundle(epoch, url, hash);
        if (bundle) return bundle;
      } catch (error) {
        log(`epoch ${epoch}: bundle ${hash.slice(0, 10)} from ${url}: ${(error as Error).message}`);
      }
    }
    return undefined;
  }

  // ------------------------------------------------------------------ computation
  function previousLeaves(epoch: number): Map<Hex, bigint> | undefined {
    if (epoch === 0) return new Map();
    const previous = store.getEpoch(epoch - 1);
    if (!settled(previous) || !previous?.result) return undefined;
    return leavesMap(previous.result.leaves);
  }

  async function compute(epoch: number, bundles: Bundle[]): Promise<EpochResult> {
    const previous = previousLeaves(epoch);
    if (!previous) throw new StateError(`epoch ${epoch - 1} is not settled here yet`);
    const chain = await reader.readEpoch(epoch);
    return computeEpochResult(await buildEpochInputs({ chain, bundles, previous, components: componentSources }));
  }

  // ------------------------------------------------------------------ adoption
  async function adopt(epoch: number): Promise<boolean> {
    const posted = await reader.readPostedRoot(epoch);
    if (!posted) return false;
    const current = record(epoch);
    const matches = (r: Pick<SerializedResult, "earningsRoot" | "cumulativeTotal" | "jailed" | "slashes">) =>
      diffRoots(posted, parseProposalRoot(r)).length === 0;
    const settle = (result: SerializedResult, bundleHashes: Hex[], how: string) => {
      store.putEpoch({
        ...current,
        status: current.status === "posted" ? "posted" : "adopted",
        result,
        bundleHashes,
        postedBy: posted.signers,
        transactionHash: posted.transactionHash,
      });
      metrics.roots.inc({ how: "adopted" });
      metrics.latestEpoch.set(epoch);
      log(`epoch ${epoch}: adopted the posted root ${posted.earningsRoot.slice(0, 10)} (${how})`);
      return true;
    };
    if (current.result && matches(current.result))
      return settle(current.result, current.bundleHashes, "our own computation");
    const urls = await peerUrls();
    // Each peer's record of the epoch, read once: its bundle list to recompute over, or its leaves to check.
    const records: { url: string; bundleHashes?: unknown; result?: SerializedResult }[] = [];
    for (const url of urls.values()) {
      try {
        const response = await requestJson(`${url}/v1/epochs/${epoch}`, { timeoutMs: 4000 });
        if (response.status === 200 && response.json) records.push({ url, ...(response.json as object) });
      } catch {
        // try the others
      }
    }
    if (previousLeaves(epoch)) {
      for (const { bundleHashes: hashes } of records) {
        // A peer that has not settled the epoch yet names no bundles: nothing to recompute over.
        if (!Array.isArray(hashes) || hashes.length === 0) continue;
        const bundles: Bundle[] = [];
        for (const hash of hashes as Hex[]) {
          const bundle = await loadBundle(epoch, hash, [...urls.values()]);
          if (bundle) bundles.push(bundle);
        }
        if (bundles.length !== hashes.length) continue;
        const result = serializeResult(await compute(epoch, bundles));
        if (matches(result)) return settle(result, hashes as Hex[], "recomputed over the poster's bundles");
        log(`epoch ${epoch}: the posted root differs from our computation over the same bundles`);
      }
    }
    // Not recomputable here (no previous epoch, or the poster's bundles are gone with the poster): the root on chain
    // carries M oracles' signatures and is final, so take a peer's leaves that prove it rather than stall every
    // later epoch on it.
    for (const { url, result, bundleHashes } of records) {
      if (!result || !Array.isArray(result.leaves)) continue;
      const leaves = result.leaves.map((l) => ({
        account: l.account as Hex,
        cumulativeAmount: BigInt(l.cumulativeAmount),
      }));
      const root = leaves.length > 0 ? buildEarningsTree(leaves).root : (`0x${"0".repeat(64)}` as Hex);
      if (root === posted.earningsRoot && matches(result)) {
        return settle(result, Array.isArray(bundleHashes) ? (bundleHashes as Hex[]) : [], `leaves from ${url}`);
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ proposing
  const lastAttempt = new Map<number, number>();

  async function propose(epoch: number): Promise<void> {
    const { oracles, threshold } = await oracleSet();
    const own = record(epoch);
    if (!own.bundle) return;
    const urls = await peerUrls();
    const bundles: Bundle[] = [];
    const ownBundle = store.getBundle(own.bundle);
    if (ownBundle) bundles.push(await verifyBundle(ownBundle, { epoch, oracles }));
    for (const [address, url] of urls) {
      if (!oracles.includes(address)) continue;
      try {
        const bundle = await fetchBundle(epoch, url);
        if (bundle && bundle.from === address) bundles.push(bundle);
      } catch (error) {
        log(`epoch ${epoch}: no bundle from ${url}: ${(error as Error).message}`);
      }
    }
    const result = await compute(epoch, bundles);
    const bundleHashes = bundles.map(bundleHash).sort();
    const proposed = { ...result };
    if (options.faults?.wrongRoot) proposed.earningsRoot = sha256Hex(result.earningsRoot);
    const root = epochRootOf(proposed);
    const signatures = [{ signer: self, signature: await signEpochRoot(wallet.account, domain, root) }];
    const rejections: { oracle: Hex; reason: string }[] = [];
    await Promise.all(
      [...urls].map(async ([address, url]) => {
        if (!oracles.includes(address)) return;
        try {
          const envelope = await signEnvelope(
            signer,
            {
              type: oracleMessageTypes.proposal,
              to: address,
              body: { epoch, bundleHashes, root: proposalRootOf(proposed) },
            },
            now,
          );
          const response = await requestJson(`${url}/v1/epochs/${epoch}/proposals`, {
            method: "POST",
            body: envelope,
            timeoutMs: 15_000,
          });
          const signature = (response.json as { signature?: unknown } | undefined)?.signature;
          if (response.status !== 200 || typeof signature !== "string") {
            const reason = (response.json as { message?: string; details?: unknown } | undefined) ?? {};
            rejections.push({
              oracle: address,
              reason: `${response.status} ${reason.message ?? ""} ${JSON.stringify(reason.details ?? {})}`,
            });
            return;
          }
          if ((await recoverRootSigner(domain, root, signature as Hex)) !== address) {
            rejections.push({ oracle: address, reason: "signature from another signer" });
            return;
          }
          signatures.push({ signer: address, signature: signature as Hex });
        } catch (error) {
          rejections.push({ oracle: address, reason: (error as Error).message });
        }
      }),
    );
    const proposal = { root: proposed.earningsRoot, at: now(), signatures: signatures.length, rejections };
    const latest = record(epoch);
    store.putEpoch({
      ...latest,
      result: serializeResult(result),
      bundleHashes,
      signatures: [],
      proposals: [...latest.proposals, proposal],
    });
    if (signatures.length < threshold) {
      metrics.proposals.inc({ outcome: "rejected" });
      log(
        `epoch ${epoch}: proposal got ${signatures.length} of ${threshold} signatures: ${JSON.stringify(rejections)}`,
      );
      return;
    }
    if ((await reader.nextEpoch()) !== epoch) {
      log(`epoch ${epoch}: already posted by another oracle`);
      return;
    }
    try {
      // Not simulated first: a node simulates on its latest block, whose timestamp may still be inside the epoch
      // when nothing was mined since it ended; the transaction itself is mined at the current time.
      const args = [
        {
          epoch: BigInt(epoch),
          earningsRoot: root.earningsRoot,
          cumulativeTotal: root.cumulativeTotal,
          jailed: root.jailed,
          slashes: root.slashes,
        },
        bundleRootSignatures(signatures),
      ] as const;
      const hash = await wallet.writeContract({
        address: deployment.contracts.rewards,
        abi: rewardsAbi,
        functionName: "postRoot",
        args,
        gas: 400_000n + 120_000n * BigInt(root.jailed.length + root.slashes.length),
      });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new StateError("postRoot reverted on chain", { details: { hash } });
      store.putEpoch({
        ...record(epoch),
        status: "posted",
        signatures,
        postedBy: signatures.map((s) => s.signer).sort(),
        transactionHash: receipt.transactionHash,
      });
      metrics.proposals.inc({ outcome: "posted" });
      metrics.roots.inc({ how: "posted" });
      metrics.latestEpoch.set(epoch);
      log(`epoch ${epoch}: posted root ${root.earningsRoot.slice(0, 10)} with ${signatures.length} signatures`);
    } catch (error) {
      metrics.proposals.inc({ outcome: "post-failed" });
      log(
        `epoch ${epoch}: posting failed (someone else may have posted): ${wrapChainError(error, "postRoot").message}`,
      );
    }
  }

  // ------------------------------------------------------------------ co-signing
  async function cosign(epoch: number, raw: unknown): Promise<{ signature: Hex }> {
    try {
      const proposal = await openEnvelope(raw, {
        type: oracleMessageTypes.proposal,
        body: proposalBodySchema,
        guard,
        recipient: self,
        now,
      });
      const { oracles } = await oracleSet();
      const proposer = proposal.from as Hex;
      if (!oracles.includes(proposer)) throw new InvalidInputError("proposal not from an oracle of the set");
      if (proposal.body.epoch !== epoch) throw new InvalidInputError("proposal for another epoch than the path names");
      if (now() < epochWindow(deployment, epoch).endTime * 1000)
        throw new InvalidInputError("this epoch has not ended");
      const next = await reader.nextEpoch();
      if (epoch !== next) throw new StateError(`epoch ${epoch} is not the next to post (${next} is)`);
      if (!previousLeaves(epoch) && !(epoch > 0 && (await adopt(epoch - 1)))) {
        throw new StateError(`epoch ${epoch - 1} is not settled here yet: try again shortly`);
      }
      const urls = await peerUrls();
      const sources = [urls.get(proposer), ...urls.values()].filter((u): u is string => u !== undefined);
      const bundles: Bundle[] = [];
      for (const hash of proposal.body.bundleHashes) {
        const bundle = await loadBundle(epoch, hash, sources);
        if (!bundle) throw new InvalidInputError(`cannot get bundle ${hash}`, { details: { hash } });
        bundles.push(bundle);
      }
      const result = await compute(epoch, bundles);
      const diff = diffRoots(result, parseProposalRoot(proposal.body.root));
      if (diff.length > 0) {
        throw new InvalidInputError("the proposed root differs from this oracle's recomputation", {
          details: { diff },
        });
      }
      const signature = await signEpochRoot(wallet.account, domain, epochRootOf(result));
      // Remember what was signed: if the proposer posts it and dies before anyone fetched its record, this oracle
      // still adopts the root from its own computation.
      const current = record(epoch);
      if (!settled(current)) {
        store.putEpoch({ ...current, result: serializeResult(result), bundleHashes: proposal.body.bundleHashes });
      }
      metrics.cosign.inc({ outcome: "signed" });
      log(`epoch ${epoch}: co-signed ${proposer.slice(0, 10)}'s root ${result.earningsRoot.slice(0, 10)}`);
      return { signature };
    } catch (error) {
      metrics.cosign.inc({ outcome: "refused" });
      log(`epoch ${epoch}: proposal refused: ${(error as Error).message}`);
      throw error;
    }
  }

  // ------------------------------------------------------------------ the epoch loop
  async function tick(): Promise<void> {
    const t = now();
    const next = await reader.nextEpoch();
    // Settle (adopt) what others posted, in order; only the latest posted epoch matters for the next one.
    const lastSettled = store
      .epochs()
      .filter((e) => e < next && settled(store.getEpoch(e)))
      .at(-1);
    for (let e = lastSettled === undefined ? Math.max(0, next - 1) : lastSettled + 1; e < next; e++) {
      if (settled(store.getEpoch(e))) continue;
      if (!(await adopt(e))) break;
    }
    // Bundle every ended epoch not yet posted.
    for (let e = next; ; e++) {
      const endMs = epochWindow(deployment, e).endTime * 1000;
      if (t < endMs + graceMs || challenger.pendingBefore(endMs)) break;
      if (!record(e).bundle) {
        await puller.pullNow();
        await buildOwnBundle(e);
      }
    }
    // Propose the next epoch when it is this oracle's turn.
    const endMs = epochWindow(deployment, next).endTime * 1000;
    const { oracles } = await oracleSet();
    const index = oracles.indexOf(self);
    const turn = endMs + graceMs + index * proposeDelayMs;
    const retry = Math.max(1, oracles.length) * proposeDelayMs;
    const last = lastAttempt.get(next);
    if (t >= turn && record(next).bundle && previousLeaves(next) && (last === undefined || t - last >= retry)) {
      lastAttempt.set(next, t);
      await propose(next);
    }
  }

  let stopped = false;
  let loopTimer: NodeJS.Timeout | undefined;
  let loopRun: Promise<void> = Promise.resolve();
  const loop = () => {
    loopRun = tick()
      .catch((error: Error) => {
        if (!stopped) log(`epoch loop: ${error instanceof GroundworkError ? error.message : error.stack}`);
      })
      .finally(() => {
        if (!stopped) loopTimer = setTimeout(loop, 500);
      });
  };

  // ------------------------------------------------------------------ HTTP
  const app = createOracleHttpApi({
    extensions,
    async info() {
      const epochs = store.epochs().filter((e) => store.getEpoch(e)?.result);
      return {
        oracle: self,
        chainId: deployment.chainId,
        contracts: deployment.contracts,
        latestEpoch: epochs.at(-1) ?? null,
        gateways,
        peers,
        version: oracleVersion,
      };
    },
    epoch(epoch) {
      const r = store.getEpoch(epoch);
      if (!r) throw new NotFoundError(`no record of epoch ${epoch}`);
      return {
        epoch,
        status: r.status,
        root: r.result?.earningsRoot ?? null,
        cumulativeTotal: r.result?.cumulativeTotal ?? null,
        jailed: r.result?.jailed ?? [],
        slashes: r.result?.slashes ?? [],
        bundle: r.bundle,
        bundleHashes: r.bundleHashes,
        signatures: r.signatures,
        postedBy: r.postedBy,
        transactionHash: r.transactionHash,
        proposals: r.proposals,
        owners: r.result?.owners ?? [],
        nodes: r.result?.nodes ?? [],
        result: r.result,
      };
    },
    ownBundle(epoch) {
      const hash = store.getEpoch(epoch)?.bundle;
      const bundle = hash ? store.getBundle(hash) : undefined;
      if (!bundle) throw new NotFoundError(`no bundle for epoch ${epoch} yet`);
      return bundle;
    },
    bundle(epoch, hash) {
      const bundle = store.getBundle(hash);
      if (!bundle || (bundle.body as { epoch?: unknown }).epoch !== epoch) {
        throw new NotFoundError(`no bundle ${hash} for epoch ${epoch} here`);
      }
      return bundle;
    },
    propose: cosign,
    proof(epoch, account) {
      const r = store.getEpoch(epoch);
      if (!r?.result || !settled(r)) throw new NotFoundError(`epoch ${epoch} is not settled here`);
      const leaves = r.result.leaves.map((l) => ({
        account: l.account as Hex,
        cumulativeAmount: BigInt(l.cumulativeAmount),
      }));
      const index = leaves.findIndex((l) => l.account.toLowerCase() === account);
      if (index < 0) throw new NotFoundError(`${account} has no earnings in epoch ${epoch}`);
      const tree = buildEarningsTree(leaves);
      return {
        epoch,
        account,
        cumulativeAmount: leaves[index]?.cumulativeAmount.toString(),
        proof: tree.getProof(index),
        root: tree.root,
      };
    },
    earnings(account) {
      const epochs = [];
      for (const e of store.epochs()) {
        const r = store.getEpoch(e);
        if (!r?.result || !settled(r)) continue;
        const owner = r.result.owners.find((o) => o.owner === account);
        const nodes = r.result.nodes.filter((n) => n.owner === account);
        const penalties = nodes
          .filter((n) => n.jailed || n.slashed !== "0")
          .map((n) => ({ nodeKey: n.nodeKey, jailed: n.jailed, slashed: n.slashed, fraudJobs: n.fraudJobs }));
        const leaf = r.result.leaves.find((l) => l.account === account);
        if (!owner && !leaf && penalties.length === 0) continue;
        epochs.push({
          epoch: e,
          revenue: owner?.revenue ?? "0",
          work: owner?.work ?? "0",
          liveness: owner?.liveness ?? "0",
          // Resource types' reward components (e.g. coverage), when the epoch had any.
          ...(owner?.components ? { components: owner.components } : {}),
          reward: owner?.reward ?? "0",
          penalties,
          cumulative: leaf?.cumulativeAmount ?? "0",
        });
      }
      return { account, epochs };
    },
    metrics: metrics.registry,
    log,
  });

  const server: Server = createServer(getRequestListener(app.fetch));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  const url = `http://${hostPart}:${port}`;
  challenger.start();
  puller.start();
  loop();
  log(`oracle ${self} listening on ${url}`);

  let closed: Promise<void> | undefined;
  return {
    url,
    address: self,
    close() {
      closed ??= (async () => {
        stopped = true;
        clearTimeout(loopTimer);
        await challenger.stop();
        await puller.stop();
        await loopRun;
        for (const extension of extensions) await extension.close?.();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        store.close();
      })();
      return closed;
    },
  };
}
