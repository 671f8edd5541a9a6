// From evidence bundles and chain data to one epoch's result: the step every oracle (and `gw oracle verify`) runs
// alike. A bundle is an oracle's signed `oracle.bundle` {epoch, challenges, fraud}; only bundles signed by an oracle
// of the set count; the union of their challenges (each pong checked) gives liveness, their fraud reports (each
// checked) give proven fraud. The engine calls go through bundle-evidence.ts.
import type { Hex } from "viem";
import { z } from "zod";
import { type EpochRoot, type RewardsDomain, recoverEpochRootSigner } from "../../chain/index.ts";
import { InvalidInputError } from "../../core/errors.ts";
import {
  canonicalJson,
  type Envelope,
  envelopeSchema,
  hex32,
  sha256Hex,
  verifyEnvelopeSignature,
} from "../../protocol/index.ts";
import type { EpochInputs, EpochResult, NodeLiveness, ProvenFraud, RewardComponent } from "../epoch-types.ts";
import {
  aggregateLiveness,
  type ChallengeRecord,
  computeEpoch,
  verifyFraudReport,
  verifyPong,
} from "./bundle-evidence.ts";
import type { EpochChainData } from "./epoch-chain.ts";
import type { RewardComponentSource } from "./oracle-extension.ts";

export const oracleMessageTypes = { bundle: "oracle.bundle", proposal: "oracle.proposal" } as const;

export const challengeRecordSchema = z.object({
  nodeKey: hex32,
  nonce: hex32,
  sentAt: z.number().int().nonnegative(),
  pong: envelopeSchema.nullable(),
});

export const bundleBodySchema = z.object({
  epoch: z.number().int().nonnegative(),
  challenges: z.array(challengeRecordSchema).max(1_000_000),
  fraud: z.array(envelopeSchema).max(100_000),
  /** Resource types' own evidence (oracle extensions), by extension name; each extension validates its own. */
  extensions: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), z.unknown()).optional(),
});
export type BundleBody = {
  epoch: number;
  challenges: ChallengeRecord[];
  fraud: Envelope[];
  extensions?: Record<string, unknown>;
};
export type Bundle = Envelope<BundleBody>;

const amount = z.string().regex(/^\d{1,78}$/);
export const proposalBodySchema = z.object({
  epoch: z.number().int().nonnegative(),
  bundleHashes: z.array(hex32).max(255),
  root: z.object({
    earningsRoot: hex32,
    cumulativeTotal: amount,
    jailed: z.array(hex32),
    slashes: z.array(z.object({ nodeKey: hex32, amount })),
  }),
});
export type ProposalBody = z.infer<typeof proposalBodySchema>;

/** A bundle's name: sha256 of its canonical JSON, signature included. */
export function bundleHash(bundle: Envelope): Hex {
  return sha256Hex(canonicalJson(bundle));
}

export class InvalidBundleError extends InvalidInputError {
  override name = "InvalidBundleError";
}

/** Checks a bundle's shape, signature, epoch and signer (an oracle of `oracles`); returns it typed. */
export async function verifyBundle(raw: unknown, expect: { epoch: number; oracles: readonly Hex[] }): Promise<Bundle> {
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success || parsed.data.type !== oracleMessageTypes.bundle) {
    throw new InvalidBundleError("not an oracle.bundle envelope");
  }
  const body = bundleBodySchema.safeParse(parsed.data.body);
  if (!body.success)
    throw new InvalidBundleError("invalid bundle body", { details: { issue: body.error.issues[0]?.message } });
  if (body.data.epoch !== expect.epoch) {
    throw new InvalidBundleError("bundle for another epoch", { details: { epoch: body.data.epoch } });
  }
  if (!expect.oracles.includes(parsed.data.from as Hex)) {
    throw new InvalidBundleError("bundle not signed by an oracle of the set", { details: { from: parsed.data.from } });
  }
  if (!(await verifyEnvelopeSignature(parsed.data as Envelope))) throw new InvalidBundleError("bad bundle signature");
  return parsed.data as Bundle;
}

/** EpochInputs from chain data, the union of verified bundles, and the previous epoch's leaves. */
export async function buildEpochInputs(params: {
  chain: EpochChainData;
  bundles: readonly Bundle[];
  previous: ReadonlyMap<Hex, bigint>;
  /** Resource types' reward components, each computed from its evidence in every bundle. */
  components?: readonly RewardComponentSource[];
}): Promise<EpochInputs> {
  const { chain } = params;
  const startMs = chain.window.startTime * 1000;
  const endMs = chain.window.endTime * 1000;
  const samples: { nodeKey: Hex; sentAt: number; answered: boolean }[] = [];
  const seen = new Set<string>();
  const fraudSeen = new Set<string>();
  const fraud: ProvenFraud[] = [];
  const owners = new Map(chain.providers.map((p) => [p.nodeKey, p.owner]));
  const bundles = [...params.bundles].sort((a, b) => (a.from < b.from ? -1 : 1));
  for (const bundle of bundles) {
    const oracle = bundle.from as Hex;
    for (const record of bundle.body.challenges) {
      if (record.sentAt < startMs || record.sentAt >= endMs) continue;
      const id = `${oracle}/${record.nonce}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const answered = record.pong !== null && (await verifyPong(record, oracle));
      // A pong that does not verify discredits the record, not the node: it is left out.
      if (record.pong !== null && !answered) continue;
      samples.push({ nodeKey: record.nodeKey, sentAt: record.sentAt, answered });
    }
    for (const report of bundle.body.fraud) {
      if (report.ts < startMs || report.ts >= endMs || fraudSeen.has(report.sig)) continue;
      fraudSeen.add(report.sig);
      fraud.push(...(await verifyFraudReport(report, { providers: owners })));
    }
  }
  const liveness: NodeLiveness[] = aggregateLiveness(samples, chain.window);
  const unique = new Map(fraud.map((f) => [`${f.nodeKey}/${f.jobId}`, f]));
  const components: RewardComponent[] = [];
  for (const source of params.components ?? []) {
    const evidence = bundles.flatMap((b) => {
      const data = b.body.extensions?.[source.name];
      return data === undefined ? [] : [{ oracle: b.from as Hex, data }];
    });
    const component = await source.component({ chain, evidence });
    if (component) components.push(component);
  }
  return {
    epoch: chain.window.epoch,
    startTime: chain.window.startTime,
    endTime: chain.window.endTime,
    emission: chain.emission,
    params: chain.params,
    providers: chain.providers,
    revenue: chain.revenue,
    liveness,
    fraud: [...unique.values()].sort((a, b) =>
      a.nodeKey < b.nodeKey ? -1 : a.nodeKey > b.nodeKey ? 1 : a.jobId < b.jobId ? -1 : 1,
    ),
    previous: params.previous,
    ...(components.length > 0 ? { components } : {}),
  };
}

export function computeEpochResult(inputs: EpochInputs): EpochResult {
  return computeEpoch(inputs);
}

/** The EIP-712 root the oracles sign for a result. */
export function epochRootOf(
  result: Pick<EpochResult, "epoch" | "earningsRoot" | "cumulativeTotal" | "jailed" | "slashes">,
): EpochRoot {
  return {
    epoch: BigInt(result.epoch),
    earningsRoot: result.earningsRoot,
    cumulativeTotal: result.cumulativeTotal,
    jailed: result.jailed,
    slashes: result.slashes,
  };
}

export function proposalRootOf(result: EpochResult): ProposalBody["root"] {
  return {
    earningsRoot: result.earningsRoot,
    cumulativeTotal: result.cumulativeTotal.toString(),
    jailed: result.jailed,
    slashes: result.slashes.map((s) => ({ nodeKey: s.nodeKey, amount: s.amount.toString() })),
  };
}

export interface ComparableRoot {
  earningsRoot: Hex;
  cumulativeTotal: bigint;
  jailed: readonly Hex[];
  slashes: readonly { nodeKey: Hex; amount: bigint }[];
}

/** What differs between two roots, one line per field; empty when they are the same. */
export function diffRoots(expected: ComparableRoot, got: ComparableRoot): string[] {
  const out: string[] = [];
  if (expected.earningsRoot.toLowerCase() !== got.earningsRoot.toLowerCase()) {
    out.push(`earningsRoot: expected ${expected.earningsRoot}, got ${got.earningsRoot}`);
  }
  if (expected.cumulativeTotal !== got.cumulativeTotal) {
    out.push(`cumulativeTotal: expected ${expected.cumulativeTotal}, got ${got.cumulativeTotal}`);
  }
  const jailed = (l: readonly Hex[]) => l.map((k) => k.toLowerCase()).join(",");
  if (jailed(expected.jailed) !== jailed(got.jailed)) {
    out.push(`jailed: expected [${jailed(expected.jailed)}], got [${jailed(got.jailed)}]`);
  }
  const slashes = (l: ComparableRoot["slashes"]) => l.map((s) => `${s.nodeKey.toLowerCase()}:${s.amount}`).join(",");
  if (slashes(expected.slashes) !== slashes(got.slashes)) {
    out.push(`slashes: expected [${slashes(expected.slashes)}], got [${slashes(got.slashes)}]`);
  }
  return out;
}

export function parseProposalRoot(root: ProposalBody["root"]): ComparableRoot {
  return {
    earningsRoot: root.earningsRoot,
    cumulativeTotal: BigInt(root.cumulativeTotal),
    jailed: root.jailed,
    slashes: root.slashes.map((s) => ({ nodeKey: s.nodeKey, amount: BigInt(s.amount) })),
  };
}

/** Checks an oracle's EIP-712 signature over `root`; returns the signer (lower case). */
export async function recoverRootSigner(domain: RewardsDomain, root: EpochRoot, signature: Hex): Promise<Hex> {
  return (await recoverEpochRootSigner(domain, root, signature)).toLowerCase() as Hex;
}

// ------------------------------------------------------------------ JSON forms (bigints as decimal strings)

export type SerializedResult = ReturnType<typeof serializeResult>;

/** Reward components' amounts as decimal strings (present only in epochs that have components). */
const componentsJson = (c: Record<string, bigint> | undefined) =>
  c ? { components: Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.toString()])) } : {};

export function serializeResult(result: EpochResult) {
  return {
    epoch: result.epoch,
    earningsRoot: result.earningsRoot,
    cumulativeTotal: result.cumulativeTotal.toString(),
    leaves: result.leaves.map((l) => ({ account: l.account, cumulativeAmount: l.cumulativeAmount.toString() })),
    jailed: result.jailed,
    slashes: result.slashes.map((s) => ({ nodeKey: s.nodeKey, amount: s.amount.toString() })),
    owners: result.owners.map((o) => ({
      owner: o.owner,
      revenue: o.revenue.toString(),
      work: o.work.toString(),
      liveness: o.liveness.toString(),
      ...componentsJson(o.components),
      reward: o.reward.toString(),
      cumulative: o.cumulative.toString(),
    })),
    nodes: result.nodes.map((n) => ({
      ...n,
      liveness: n.liveness.toString(),
      slashed: n.slashed.toString(),
      ...componentsJson(n.components),
    })),
    unallocated: result.unallocated.toString(),
  };
}

export const serializedResultSchema = z.object({
  epoch: z.number().int(),
  earningsRoot: hex32,
  cumulativeTotal: amount,
  leaves: z.array(z.object({ account: z.string(), cumulativeAmount: amount })),
  jailed: z.array(hex32),
  slashes: z.array(z.object({ nodeKey: hex32, amount })),
  owners: z.array(z.record(z.string(), z.unknown())),
  nodes: z.array(z.record(z.string(), z.unknown())),
  unallocated: amount,
});

/** The leaves of a serialized result as the previous-epoch map of the next computation. */
export function leavesMap(leaves: readonly { account: string; cumulativeAmount: string }[]): Map<Hex, bigint> {
  return new Map(leaves.map((l) => [l.account.toLowerCase() as Hex, BigInt(l.cumulativeAmount)]));
}
