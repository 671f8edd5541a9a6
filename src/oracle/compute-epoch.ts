// One epoch's rewards, penalties and earnings root from its evidence (docs/oracle.md, "Epoch computation"). A pure,
// deterministic function: integers only (bigint, floor), no clock, no randomness, and nothing depends on the order
// of the inputs, so every oracle that holds the same evidence computes the same root.
//
// Rules, as implemented:
// 1. Penalties. A node with proven fraud is slashed `slashAmount` per distinct fraudulent job (the registry caps the
//    slash at its stake; the list carries the uncapped amount) and jailed. A node is jailed for downtime when its
//    `longestSilenceSeconds` reaches `downtimeJailSeconds` (0 disables this rule), or when it was challenged and
//    answered nothing. A penalised node earns no liveness reward, and its owner earns no work reward this epoch:
//    revenue is paid per owner, so it cannot be attributed to one node of an owner.
// 2. Work pool = emission × workShareBps / 10⁴. Eligible owners (at least one node in the registry snapshot, none
//    penalised) share it by revenue: work = min(pool × revenue / eligibleRevenue,
//    revenue × burnBps × workEmissionCapBps / 10⁸).
// 3. Liveness pool = emission − work pool. Each unpenalised node with stake and at least one challenge weighs
//    stake × uptimeBps, uptimeBps = ⌊answered × 10⁴ / challenged⌋; liveness = pool × weight / Σ weights.
// 3b. Reward components (resource types' own evidence, e.g. proofs of coverage): each takes
//    emission × shareBps / 10⁴ out of the liveness pool and splits it over unpenalised nodes by its weights;
//    Σ shareBps + workShareBps ≤ 10⁴.
// 4. unallocated = emission − Σ work − Σ liveness − Σ components (caps, floors, nobody eligible): it stays in Rewards.
// 5. Leaves: every owner in `previous` or paid now, sorted by address (lower-case), cumulative = previous + reward;
//    no leaves gives the zero root. Jail and slash lists are sorted by node key.
import type { Hex } from "viem";
import { buildEarningsTree } from "../chain/earnings-tree.ts";
import { InvalidInputError } from "../core/errors.ts";
import type { EpochInputs, EpochResult, NodeBreakdown, OwnerBreakdown } from "./epoch-types.ts";
import { findHexKey, isHexString, sortHexKeys } from "./sort-hex-keys.ts";

export type EpochInputProblem =
  | "invalid-window"
  | "invalid-parameter"
  | "invalid-amount"
  | "invalid-node-key"
  | "invalid-address"
  | "duplicate-node"
  | "duplicate-owner"
  | "duplicate-liveness"
  | "unknown-node"
  | "invalid-liveness"
  | "invalid-fraud"
  | "invalid-component";

/** The epoch's inputs are inconsistent or out of range; nothing was computed. `reason` names the problem. */
export class EpochInputError extends InvalidInputError {
  override name = "EpochInputError";
  readonly reason: EpochInputProblem;

  constructor(reason: EpochInputProblem, message: string, details: Record<string, unknown> = {}) {
    super(message, { details: { reason, ...details } });
    this.reason = reason;
  }
}

export const ZERO_ROOT = `0x${"0".repeat(64)}` as Hex;

const BPS = 10_000n;
const MAX_UINT256 = (1n << 256n) - 1n;

function checkAmount(value: unknown, what: string, details: Record<string, unknown> = {}): bigint {
  if (typeof value !== "bigint" || value < 0n || value > MAX_UINT256) {
    throw new EpochInputError("invalid-amount", `${what} must be a uint256 bigint`, {
      ...details,
      value: String(value),
    });
  }
  return value;
}

function checkAddress(value: unknown, what: string): string {
  if (!isHexString(value, 40, true)) {
    throw new EpochInputError("invalid-address", `${what} is not an address`, { value: String(value) });
  }
  return value.toLowerCase();
}

function checkCount(value: unknown, what: string, nodeKey: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new EpochInputError("invalid-liveness", `${what} must be a non-negative integer`, {
      nodeKey,
      value: String(value),
    });
  }
  return value;
}

function checkParams(inputs: EpochInputs): void {
  if (!Number.isSafeInteger(inputs.epoch) || inputs.epoch < 0) {
    throw new EpochInputError("invalid-window", "epoch must be a non-negative integer", { epoch: inputs.epoch });
  }
  if (!Number.isFinite(inputs.startTime) || !Number.isFinite(inputs.endTime) || inputs.endTime < inputs.startTime) {
    throw new EpochInputError("invalid-window", "the epoch window must end after it starts", {
      startTime: inputs.startTime,
      endTime: inputs.endTime,
    });
  }
  checkAmount(inputs.emission, "emission");
  const p = inputs.params;
  for (const name of ["workShareBps", "workEmissionCapBps", "downtimeJailSeconds", "slashAmount", "burnBps"] as const) {
    const value = p[name];
    if (typeof value !== "bigint" || value < 0n || value > MAX_UINT256) {
      throw new EpochInputError("invalid-parameter", `parameter ${name} must be a uint256 bigint`, {
        value: String(value),
      });
    }
  }
  for (const name of ["workShareBps", "workEmissionCapBps", "burnBps"] as const) {
    if (p[name] > BPS) {
      throw new EpochInputError("invalid-parameter", `parameter ${name} is in basis points (at most 10,000)`, {
        value: String(p[name]),
      });
    }
  }
}

/** `previous` as sorted, checked arrays. A map already in address order (the usual case) is not re-sorted. */
function previousLeaves(previous: ReadonlyMap<Hex, bigint>): { accounts: string[]; amounts: bigint[] } {
  let accounts: string[] = new Array(previous.size);
  let amounts: bigint[] = new Array(previous.size);
  let i = 0;
  let sorted = true;
  let last = "";
  for (const [account, amount] of previous) {
    const a = checkAddress(account, "previous leaf account");
    checkAmount(amount, "previous cumulative amount", { account: a });
    if (a <= last) sorted = false;
    accounts[i] = a;
    amounts[i] = amount;
    last = a;
    i++;
  }
  if (!sorted) {
    const order = sortHexKeys(accounts);
    accounts = Array.from(order, (k) => accounts[k] as string);
    amounts = Array.from(order, (k) => amounts[k] as bigint);
    for (let k = 1; k < accounts.length; k++) {
      if (accounts[k] === accounts[k - 1]) {
        throw new EpochInputError("duplicate-owner", "previous leaves name an account twice", { account: accounts[k] });
      }
    }
  }
  return { accounts, amounts };
}

/**
 * Computes one epoch (see the rules at the top of this file). Throws EpochInputError on inconsistent inputs.
 * Built for a million providers: identities are sorted once (packed native sort) instead of hashed into maps, and
 * per-node state lives in typed arrays.
 */
export function computeEpoch(inputs: EpochInputs): EpochResult {
  checkParams(inputs);
  const { emission, params, providers, revenue: revenueIn } = inputs;

  // ---- registry snapshot: node keys in sorted order (duplicates are then adjacent)
  const n = providers.length;
  const nodeKeys: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const key = (providers[i] as (typeof providers)[number]).nodeKey;
    if (!isHexString(key, 64)) {
      throw new EpochInputError("invalid-node-key", "node keys are 0x + 64 lower-case hex", { value: String(key) });
    }
    nodeKeys[i] = key;
  }
  const nodeOrder = sortHexKeys(nodeKeys);
  for (let k = 1; k < n; k++) {
    if (nodeKeys[nodeOrder[k] as number] === nodeKeys[nodeOrder[k - 1] as number]) {
      throw new EpochInputError("duplicate-node", "a node key appears twice in the registry snapshot", {
        nodeKey: nodeKeys[nodeOrder[k] as number],
      });
    }
  }
  const findNode = (key: string, hint: number): number =>
    hint >= 0 && hint < n && nodeKeys[hint] === key ? hint : findHexKey(nodeKeys, nodeOrder, key);

  // ---- owners: every provider's owner and every revenue owner, sorted once; owner ids follow address order
  const r = revenueIn.length;
  const ownerOf: string[] = new Array(n + r);
  for (let i = 0; i < n; i++) {
    ownerOf[i] = checkAddress((providers[i] as (typeof providers)[number]).owner, "provider owner");
  }
  for (let j = 0; j < r; j++)
    ownerOf[n + j] = checkAddress((revenueIn[j] as (typeof revenueIn)[number]).owner, "revenue owner");
  const ownerSlots = sortHexKeys(ownerOf);
  const owners: string[] = [];
  const nodeOwner = new Int32Array(n);
  const ownerHasNode: number[] = [];
  const revenue: bigint[] = [];
  const hasRevenue: number[] = [];
  for (let k = 0; k < ownerSlots.length; k++) {
    const slot = ownerSlots[k] as number;
    const address = ownerOf[slot] as string;
    if (owners.length === 0 || owners[owners.length - 1] !== address) {
      owners.push(address);
      ownerHasNode.push(0);
      revenue.push(0n);
      hasRevenue.push(0);
    }
    const o = owners.length - 1;
    if (slot < n) {
      nodeOwner[slot] = o;
      ownerHasNode[o] = 1;
    } else {
      if (hasRevenue[o])
        throw new EpochInputError("duplicate-owner", "revenue names an owner twice", { owner: address });
      hasRevenue[o] = 1;
      revenue[o] = checkAmount((revenueIn[slot - n] as (typeof revenueIn)[number]).amount, "revenue", {
        owner: address,
      });
    }
  }
  const m = owners.length;

  // ---- penalties: fraud (distinct jobs per node), then downtime
  const fraudJobs = new Map<number, Set<string>>();
  for (const f of inputs.fraud) {
    const i = findNode(f.nodeKey, -1);
    if (i < 0) {
      throw new EpochInputError("unknown-node", "fraud names a node not in the registry snapshot", {
        nodeKey: f.nodeKey,
      });
    }
    if (typeof f.jobId !== "string" || f.jobId.length === 0) {
      throw new EpochInputError("invalid-fraud", "proven fraud needs a job id", { nodeKey: f.nodeKey });
    }
    let jobs = fraudJobs.get(i);
    if (!jobs) {
      jobs = new Set();
      fraudJobs.set(i, jobs);
    }
    jobs.add(f.jobId);
  }

  const jailed = new Uint8Array(n);
  const seen = new Uint8Array(n);
  const uptime = new Int32Array(n);
  const silenceLimit =
    params.downtimeJailSeconds === 0n ? Number.POSITIVE_INFINITY : Number(params.downtimeJailSeconds);
  const liveness = inputs.liveness;
  for (let j = 0; j < liveness.length; j++) {
    const l = liveness[j] as (typeof liveness)[number];
    const i = findNode(l.nodeKey, j);
    if (i < 0) {
      throw new EpochInputError("unknown-node", "liveness names a node not in the registry snapshot", {
        nodeKey: l.nodeKey,
      });
    }
    if (seen[i]) {
      throw new EpochInputError("duplicate-liveness", "liveness is given twice for a node", { nodeKey: l.nodeKey });
    }
    seen[i] = 1;
    const c = checkCount(l.challenged, "challenged", l.nodeKey);
    const a = checkCount(l.answered, "answered", l.nodeKey);
    const s = l.longestSilenceSeconds;
    if (a > c) throw new EpochInputError("invalid-liveness", "answered exceeds challenged", { nodeKey: l.nodeKey });
    if (typeof s !== "number" || !Number.isFinite(s) || s < 0) {
      throw new EpochInputError("invalid-liveness", "longestSilenceSeconds must be a non-negative number", {
        nodeKey: l.nodeKey,
        value: String(s),
      });
    }
    uptime[i] = c > 0 ? Math.floor((a * 10_000) / c) : 0;
    if (s >= silenceLimit || (c > 0 && a === 0)) jailed[i] = 1;
  }
  for (const i of fraudJobs.keys()) jailed[i] = 1;
  const ownerPenalised = new Uint8Array(m);
  for (let i = 0; i < n; i++) if (jailed[i]) ownerPenalised[nodeOwner[i] as number] = 1;

  // ---- work rewards: by revenue among eligible owners, each capped below the burn its revenue caused
  const work: bigint[] = new Array(m).fill(0n);
  const workPool = (emission * params.workShareBps) / BPS;
  let eligibleRevenue = 0n;
  for (let o = 0; o < m; o++) {
    if (hasRevenue[o] && ownerHasNode[o] && !ownerPenalised[o]) eligibleRevenue += revenue[o] as bigint;
  }
  let workPaid = 0n;
  if (eligibleRevenue > 0n) {
    const capFactor = params.burnBps * params.workEmissionCapBps;
    for (let o = 0; o < m; o++) {
      if (!hasRevenue[o] || !ownerHasNode[o] || ownerPenalised[o]) continue;
      const rev = revenue[o] as bigint;
      const share = (workPool * rev) / eligibleRevenue;
      const cap = (rev * capFactor) / 100_000_000n;
      const w = share < cap ? share : cap;
      work[o] = w;
      workPaid += w;
    }
  }

  // ---- liveness rewards: stake × uptimeBps over unpenalised, challenged nodes
  // ---- resource types' reward components: their pools come out of what would go to liveness
  const components = inputs.components ?? [];
  const componentRewards = new Map<string, bigint[]>();
  let componentPools = 0n;
  let componentPaid = 0n;
  const names = new Set<string>();
  for (const component of components) {
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(component.name) || names.has(component.name)) {
      throw new EpochInputError("invalid-component", "reward components need distinct lower-case names", {
        name: component.name,
      });
    }
    names.add(component.name);
    const share = component.shareBps;
    if (typeof share !== "bigint" || share < 0n) {
      throw new EpochInputError("invalid-component", "a component's shareBps is a non-negative bigint", {
        name: component.name,
      });
    }
    componentPools += share;
    const weightOf: bigint[] = new Array(n).fill(0n);
    let total = 0n;
    for (const entry of component.weights) {
      const i = findNode(entry.nodeKey, -1);
      if (i < 0) {
        throw new EpochInputError("unknown-node", "a reward component names a node not in the registry snapshot", {
          name: component.name,
          nodeKey: entry.nodeKey,
        });
      }
      const w = checkAmount(entry.weight, "component weight", { name: component.name, nodeKey: entry.nodeKey });
      if (jailed[i]) continue;
      weightOf[i] = (weightOf[i] as bigint) + w;
      total += w;
    }
    const pool = (emission * share) / BPS;
    const rewards: bigint[] = new Array(n).fill(0n);
    if (total > 0n) {
      for (let i = 0; i < n; i++) {
        const w = weightOf[i] as bigint;
        if (w === 0n) continue;
        const r = (pool * w) / total;
        rewards[i] = r;
        componentPaid += r;
      }
    }
    componentRewards.set(component.name, rewards);
  }
  if (componentPools + params.workShareBps > BPS) {
    throw new EpochInputError("invalid-component", "reward components and work share exceed the emission", {
      workShareBps: String(params.workShareBps),
      componentShareBps: String(componentPools),
    });
  }
  const livenessPool = emission - workPool - (emission * componentPools) / BPS;
  const weights: bigint[] = new Array(n);
  const bpsBig: bigint[] = [];
  let totalWeight = 0n;
  for (let i = 0; i < n; i++) {
    const u = uptime[i] as number;
    const stake = checkAmount((providers[i] as (typeof providers)[number]).stake, "stake", { nodeKey: nodeKeys[i] });
    if (jailed[i] || u === 0 || stake === 0n) {
      weights[i] = 0n;
      continue;
    }
    let ub = bpsBig[u];
    if (ub === undefined) {
      ub = BigInt(u);
      bpsBig[u] = ub;
    }
    const w = stake * ub;
    weights[i] = w;
    totalWeight += w;
  }
  const nodeLiveness: bigint[] = new Array(n);
  const ownerLiveness: bigint[] = new Array(m).fill(0n);
  let livenessPaid = 0n;
  for (let i = 0; i < n; i++) {
    const w = weights[i] as bigint;
    if (w === 0n) {
      nodeLiveness[i] = 0n;
      continue;
    }
    const reward = (livenessPool * w) / totalWeight;
    nodeLiveness[i] = reward;
    const o = nodeOwner[i] as number;
    ownerLiveness[o] = (ownerLiveness[o] as bigint) + reward;
    livenessPaid += reward;
  }

  // ---- components per owner (only when the epoch has components, so other epochs' output is unchanged)
  const ownerComponents: (Record<string, bigint> | undefined)[] = new Array(m);
  if (components.length > 0) {
    for (let o = 0; o < m; o++) {
      ownerComponents[o] = Object.fromEntries(components.map((component) => [component.name, 0n]));
    }
    for (const [name, rewards] of componentRewards) {
      for (let i = 0; i < n; i++) {
        const r = rewards[i] as bigint;
        if (r === 0n) continue;
        const row = ownerComponents[nodeOwner[i] as number] as Record<string, bigint>;
        row[name] = (row[name] as bigint) + r;
      }
    }
  }

  // ---- leaves: merge the sorted previous leaves with this epoch's (sorted) owners
  const prev = previousLeaves(inputs.previous);
  const leaves: EpochResult["leaves"] = [];
  const ownerRows: OwnerBreakdown[] = new Array(m);
  let cumulativeTotal = 0n;
  let p = 0;
  for (let o = 0; o < m; o++) {
    const account = owners[o] as Hex;
    while (p < prev.accounts.length && (prev.accounts[p] as string) < account) {
      const amount = prev.amounts[p] as bigint;
      leaves.push({ account: prev.accounts[p] as Hex, cumulativeAmount: amount });
      cumulativeTotal += amount;
      p++;
    }
    let before = 0n;
    let paidBefore = false;
    if (p < prev.accounts.length && prev.accounts[p] === account) {
      before = prev.amounts[p] as bigint;
      paidBefore = true;
      p++;
    }
    const w = work[o] as bigint;
    const l = ownerLiveness[o] as bigint;
    const c = ownerComponents[o];
    let reward = w + l;
    if (c) for (const amount of Object.values(c)) reward += amount;
    const cumulative = before + reward;
    if (paidBefore || reward > 0n) {
      leaves.push({ account, cumulativeAmount: cumulative });
      cumulativeTotal += cumulative;
    }
    ownerRows[o] = {
      owner: account,
      revenue: revenue[o] as bigint,
      work: w,
      liveness: l,
      ...(c ? { components: c } : {}),
      reward,
      cumulative,
    };
  }
  for (; p < prev.accounts.length; p++) {
    const amount = prev.amounts[p] as bigint;
    leaves.push({ account: prev.accounts[p] as Hex, cumulativeAmount: amount });
    cumulativeTotal += amount;
  }
  const earningsRoot = leaves.length === 0 ? ZERO_ROOT : buildEarningsTree(leaves).root;

  // ---- per-node breakdown and the penalty lists, by node key
  const nodeRows: NodeBreakdown[] = new Array(n);
  const jailedList: Hex[] = [];
  const slashes: EpochResult["slashes"] = [];
  for (let k = 0; k < n; k++) {
    const i = nodeOrder[k] as number;
    const nodeKey = nodeKeys[i] as Hex;
    const jobs = fraudJobs.get(i)?.size ?? 0;
    const slashed = jobs === 0 ? 0n : params.slashAmount * BigInt(jobs);
    if (jailed[i]) jailedList.push(nodeKey);
    if (slashed > 0n) slashes.push({ nodeKey, amount: slashed });
    nodeRows[k] = {
      nodeKey,
      owner: owners[nodeOwner[i] as number] as Hex,
      uptimeBps: uptime[i] as number,
      liveness: nodeLiveness[i] as bigint,
      jailed: jailed[i] === 1,
      slashed,
      fraudJobs: jobs,
      ...(components.length > 0
        ? {
            components: Object.fromEntries(
              [...componentRewards].map(([name, rewards]) => [name, rewards[i] as bigint]),
            ),
          }
        : {}),
    };
  }

  return {
    epoch: inputs.epoch,
    earningsRoot,
    cumulativeTotal,
    leaves,
    jailed: jailedList,
    slashes,
    owners: ownerRows,
    nodes: nodeRows,
    unallocated: emission - workPaid - livenessPaid - componentPaid,
  };
}
