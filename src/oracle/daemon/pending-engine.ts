// TEMPORARY — minimal stand-ins for the oracle engine being written on another branch (src/oracle/compute-epoch.ts,
// the liveness aggregation and the evidence verifiers). They follow docs/oracle.md closely enough for the daemon's
// tests; at merge, the daemon's imports of this file (epoch-builder.ts, challenger.ts) switch to the real modules
// and this file is deleted. Names used: computeEpoch, aggregateLiveness, verifyPong, verifyFraudReport.
import type { Hex } from "viem";
import { buildEarningsTree } from "../../chain/index.ts";
import {
  type Envelope,
  envelopeSchema,
  fraudReportBody,
  jobResultBody,
  messageTypes,
  verifyEnvelopeSignature,
} from "../../protocol/index.ts";
import type { EpochInputs, EpochResult, NodeLiveness, ProvenFraud } from "../epoch-types.ts";
import { challengeMessageTypes, challengePongBody } from "./challenge-messages.ts";

/** One liveness challenge as an oracle recorded it: the pong is the provider's signed answer, or null. */
export interface ChallengeRecord {
  nodeKey: Hex;
  nonce: string;
  /** Unix milliseconds. */
  sentAt: number;
  pong: Envelope | null;
}

/** How far a pong's timestamp may be from when the challenge was sent. */
const pongSkewMs = 60_000;

/** Whether `record.pong` is `record.nodeKey`'s signed answer to `oracle`'s challenge `record.nonce`. */
export async function verifyPong(record: ChallengeRecord, oracle: Hex): Promise<boolean> {
  if (!record.pong) return false;
  const parsed = envelopeSchema.safeParse(record.pong);
  if (!parsed.success) return false;
  const pong = parsed.data as Envelope;
  if (pong.type !== challengeMessageTypes.pong || pong.from !== record.nodeKey.toLowerCase()) return false;
  if (Math.abs(pong.ts - record.sentAt) > pongSkewMs) return false;
  const body = challengePongBody.safeParse(pong.body);
  if (!body.success || body.data.nonce !== record.nonce || body.data.oracle !== oracle.toLowerCase()) return false;
  return verifyEnvelopeSignature(pong);
}

/** Per node: challenges sent, answered, and the longest stretch covered only by unanswered challenges. */
export function aggregateLiveness(
  records: readonly { nodeKey: Hex; sentAt: number; answered: boolean }[],
  window: { startTime: number; endTime: number },
): NodeLiveness[] {
  const startMs = window.startTime * 1000;
  const endMs = window.endTime * 1000;
  const byNode = new Map<Hex, { sentAt: number; answered: boolean }[]>();
  for (const r of records) {
    if (r.sentAt < startMs || r.sentAt >= endMs) continue;
    const key = r.nodeKey.toLowerCase() as Hex;
    let list = byNode.get(key);
    if (!list) {
      list = [];
      byNode.set(key, list);
    }
    list.push({ sentAt: r.sentAt, answered: r.answered });
  }
  const out: NodeLiveness[] = [];
  for (const [nodeKey, list] of byNode) {
    list.sort((a, b) => a.sentAt - b.sentAt || Number(a.answered) - Number(b.answered));
    let answered = 0;
    let longest = 0;
    let silentSince: number | undefined;
    for (const r of list) {
      if (r.answered) {
        answered++;
        if (silentSince !== undefined) longest = Math.max(longest, r.sentAt - silentSince);
        silentSince = undefined;
      } else if (silentSince === undefined) {
        silentSince = r.sentAt;
      }
    }
    if (silentSince !== undefined) longest = Math.max(longest, endMs - silentSince);
    out.push({ nodeKey, challenged: list.length, answered, longestSilenceSeconds: Math.floor(longest / 1000) });
  }
  return out.sort((a, b) => (a.nodeKey < b.nodeKey ? -1 : 1));
}

/**
 * The fraud a gateway's signed `report.fraud` proves: every dissenter whose own signed, deterministic result for the
 * job differs from a strict majority of the signed results (all for the same job and spec). `providers` maps the
 * registered node keys to their owners; results from unregistered keys or naming another owner prove nothing.
 */
export async function verifyFraudReport(
  report: unknown,
  context: { providers: ReadonlyMap<Hex, Hex> },
): Promise<ProvenFraud[]> {
  const parsed = envelopeSchema.safeParse(report);
  if (!parsed.success) return [];
  const envelope = parsed.data as Envelope;
  if (envelope.type !== messageTypes.fraudReport || envelope.from.length !== 66) return [];
  const body = fraudReportBody.safeParse(envelope.body);
  if (!body.success || !(await verifyEnvelopeSignature(envelope))) return [];
  const { jobId, majorityDigest, dissenters } = body.data;
  const digests = new Map<Hex, Hex>(); // provider → its signed digest
  let specHash: string | undefined;
  for (const raw of body.data.evidence) {
    const result = raw as Envelope;
    if (result.type !== messageTypes.jobResult) return [];
    const parsedResult = jobResultBody.safeParse(result.body);
    if (!parsedResult.success) return [];
    const receipt = parsedResult.data.receipt;
    if (receipt.jobId !== jobId || receipt.provider !== result.from || !receipt.deterministic) return [];
    if (context.providers.get(receipt.provider) !== receipt.owner) return [];
    specHash ??= receipt.specHash;
    if (receipt.specHash !== specHash) return [];
    if (!(await verifyEnvelopeSignature(result))) return [];
    if (digests.has(receipt.provider)) return [];
    digests.set(receipt.provider, receipt.resultDigest);
  }
  const agreeing = [...digests.values()].filter((d) => d === majorityDigest).length;
  if (agreeing * 2 <= digests.size) return [];
  const proven: ProvenFraud[] = [];
  for (const nodeKey of dissenters) {
    const digest = digests.get(nodeKey);
    if (digest !== undefined && digest !== majorityDigest) proven.push({ nodeKey, jobId });
  }
  return proven;
}

const zeroRoot = `0x${"0".repeat(64)}` as Hex;
const bps = 10_000n;

/** The epoch's rewards, penalties and earnings root (docs/oracle.md, "Epoch computation"): a pure function. */
export function computeEpoch(inputs: EpochInputs): EpochResult {
  const { params } = inputs;
  const lower = (h: Hex) => h.toLowerCase() as Hex;
  const providers = [...inputs.providers]
    .map((p) => ({ ...p, nodeKey: lower(p.nodeKey), owner: lower(p.owner) }))
    .sort((a, b) => (a.nodeKey < b.nodeKey ? -1 : 1));
  const known = new Set(providers.map((p) => p.nodeKey));

  // 1. Penalties.
  const fraudJobs = new Map<Hex, Set<string>>();
  for (const f of inputs.fraud) {
    const key = lower(f.nodeKey);
    if (!known.has(key)) continue;
    let jobs = fraudJobs.get(key);
    if (!jobs) {
      jobs = new Set();
      fraudJobs.set(key, jobs);
    }
    jobs.add(f.jobId);
  }
  const liveness = new Map(inputs.liveness.map((l) => [lower(l.nodeKey), l]));
  const jailed = new Set<Hex>();
  const slashes: { nodeKey: Hex; amount: bigint }[] = [];
  for (const p of providers) {
    const jobs = fraudJobs.get(p.nodeKey)?.size ?? 0;
    if (jobs > 0) {
      jailed.add(p.nodeKey);
      slashes.push({ nodeKey: p.nodeKey, amount: params.slashAmount * BigInt(jobs) });
    }
    const l = liveness.get(p.nodeKey);
    if (l && l.challenged > 0 && (l.answered === 0 || BigInt(l.longestSilenceSeconds) >= params.downtimeJailSeconds)) {
      jailed.add(p.nodeKey);
    }
  }
  const penalisedOwners = new Set(providers.filter((p) => jailed.has(p.nodeKey)).map((p) => p.owner));

  // 2. Work rewards: by revenue, capped below the burn that revenue caused.
  const workPool = (inputs.emission * params.workShareBps) / bps;
  const ownersKnown = new Set(providers.map((p) => p.owner));
  const revenue = new Map<Hex, bigint>();
  for (const r of inputs.revenue) {
    const owner = lower(r.owner);
    revenue.set(owner, (revenue.get(owner) ?? 0n) + r.amount);
  }
  let totalRevenue = 0n;
  for (const [owner, amount] of revenue)
    if (ownersKnown.has(owner) && !penalisedOwners.has(owner)) totalRevenue += amount;
  const work = new Map<Hex, bigint>();
  if (totalRevenue > 0n) {
    for (const [owner, amount] of revenue) {
      if (!ownersKnown.has(owner) || penalisedOwners.has(owner)) continue;
      const share = (workPool * amount) / totalRevenue;
      const cap = (amount * params.burnBps * params.workEmissionCapBps) / 100_000_000n;
      work.set(owner, share < cap ? share : cap);
    }
  }

  // 3. Liveness rewards: the rest, by stake × answered / challenged over unpenalised nodes.
  const livenessPool = inputs.emission - workPool;
  const scale = 1_000_000n;
  const weights = new Map<Hex, bigint>();
  let totalWeight = 0n;
  for (const p of providers) {
    const l = liveness.get(p.nodeKey);
    if (jailed.has(p.nodeKey) || !l || l.challenged === 0 || l.answered === 0) continue;
    const weight = (p.stake * BigInt(l.answered) * scale) / BigInt(l.challenged);
    weights.set(p.nodeKey, weight);
    totalWeight += weight;
  }
  const nodeLiveness = new Map<Hex, bigint>();
  const ownerLiveness = new Map<Hex, bigint>();
  for (const p of providers) {
    const weight = weights.get(p.nodeKey);
    if (!weight) continue;
    const amount = (livenessPool * weight) / totalWeight;
    nodeLiveness.set(p.nodeKey, amount);
    ownerLiveness.set(p.owner, (ownerLiveness.get(p.owner) ?? 0n) + amount);
  }

  // 4–5. Leaves: previous cumulative + this epoch, for every owner ever paid, sorted by address.
  const cumulative = new Map<Hex, bigint>();
  for (const [owner, amount] of inputs.previous) cumulative.set(lower(owner), amount);
  const rewardOwners = new Set<Hex>([...work.keys(), ...ownerLiveness.keys()]);
  let allocated = 0n;
  for (const owner of rewardOwners) {
    const reward = (work.get(owner) ?? 0n) + (ownerLiveness.get(owner) ?? 0n);
    allocated += reward;
    if (reward > 0n || cumulative.has(owner)) cumulative.set(owner, (cumulative.get(owner) ?? 0n) + reward);
  }
  const leaves = [...cumulative.entries()]
    .map(([account, cumulativeAmount]) => ({ account, cumulativeAmount }))
    .sort((a, b) => (a.account < b.account ? -1 : 1));
  const cumulativeTotal = leaves.reduce((sum, l) => sum + l.cumulativeAmount, 0n);
  const earningsRoot = leaves.length > 0 ? buildEarningsTree(leaves).root : zeroRoot;

  const ownerSet = new Set<Hex>([...revenue.keys(), ...rewardOwners]);
  const owners = [...ownerSet].sort().map((owner) => {
    const w = work.get(owner) ?? 0n;
    const l = ownerLiveness.get(owner) ?? 0n;
    return {
      owner,
      revenue: revenue.get(owner) ?? 0n,
      work: w,
      liveness: l,
      reward: w + l,
      cumulative: cumulative.get(owner) ?? 0n,
    };
  });
  const nodes = providers.map((p) => {
    const l = liveness.get(p.nodeKey);
    return {
      nodeKey: p.nodeKey,
      owner: p.owner,
      uptimeBps: l && l.challenged > 0 ? Math.floor((l.answered * 10_000) / l.challenged) : 0,
      liveness: nodeLiveness.get(p.nodeKey) ?? 0n,
      jailed: jailed.has(p.nodeKey),
      slashed: slashes.find((s) => s.nodeKey === p.nodeKey)?.amount ?? 0n,
      fraudJobs: fraudJobs.get(p.nodeKey)?.size ?? 0,
    };
  });
  return {
    epoch: inputs.epoch,
    earningsRoot,
    cumulativeTotal,
    leaves,
    jailed: [...jailed].sort(),
    slashes,
    owners,
    nodes,
    unallocated: inputs.emission - allocated,
  };
}
