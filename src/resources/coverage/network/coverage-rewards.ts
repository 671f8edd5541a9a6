// The coverage reward component every oracle and `gw oracle verify` compute alike: the union of the oracles'
// coverage evidence (deduplicated by signature), each oracle's revealed schedule signature checked against the
// public seed, the schedule rebuilt from chain, every report judged by validateCoverageEpoch, and the weights of
// hotspots still in the registry snapshot. Nothing in it depends on which oracle runs it or in which order the
// evidence arrived.
import type { Hex, PublicClient } from "viem";
import { z } from "zod";
import { type Deployment, readParameterOr } from "../../../chain/index.ts";
import type {
  EpochChainData,
  EpochChainReader,
  ExtensionEvidence,
  RewardComponentSource,
} from "../../../oracle/daemon/index.ts";
import type { RewardComponent } from "../../../oracle/index.ts";
import { type Envelope, envelopeSchema, verifyEnvelopeSignature } from "../../../protocol/index.ts";
import {
  beaconReceiptBody,
  beaconSchedule,
  type CoverageEpoch,
  coverageMessageTypes,
  type ScheduledBeacon,
  type SignatureBatchVerifier,
  scheduleSecretFrom,
  validateCoverageEpoch,
  verifyScheduleSignature,
} from "../poc/index.ts";
import { type CoverageEpochContext, readCoverageEpochContext } from "./epoch-context.ts";
import {
  coverageParamsFor,
  coverageShareFor,
  coverageShareParameter,
  coverageTypeName,
  defaultCoverageShareBps,
} from "./network-params.ts";

/** One oracle's coverage evidence in its bundle. */
export const coverageBundleEvidenceSchema = z.object({
  scheduleSignature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte signature"),
  receipts: z.array(envelopeSchema).max(1_000_000),
  witnesses: z.array(envelopeSchema).max(10_000_000),
});
export type CoverageBundleEvidence = z.infer<typeof coverageBundleEvidenceSchema>;

export interface CoverageRewardsOptions {
  /** The epoch's hotspots, seed and oracle set (from chain: `chainCoverageContext`). */
  context: (chain: EpochChainData) => Promise<CoverageEpochContext>;
  /** Checks the epoch's report signatures (default: one by one on this thread; an oracle passes a worker pool). */
  verifySignatures?: SignatureBatchVerifier;
  /** The epoch's coverage share, basis points (default: defaultCoverageShareBps). */
  shareBps?: (chain: EpochChainData) => Promise<bigint>;
  /** Told every epoch judged (the oracle serves the verdicts on its routes). */
  onJudged?: (result: CoverageEpoch) => void;
}

/** The context of the epoch being computed, read from chain. */
export function chainCoverageContext(params: {
  client: PublicClient;
  deployment: Deployment;
  reader: EpochChainReader;
}): CoverageRewardsOptions["context"] {
  return (chain) =>
    readCoverageEpochContext({
      client: params.client,
      deployment: params.deployment,
      reader: params.reader,
      epoch: chain.window.epoch,
      // The epoch is over when its component is computed.
      now: () => chain.window.endTime * 1000,
    });
}

/** The governed coverage share as of the epoch's last block (the default while governance has not set it). */
export function chainCoverageShare(params: {
  client: PublicClient;
  deployment: Deployment;
}): NonNullable<CoverageRewardsOptions["shareBps"]> {
  return (chain) =>
    readParameterOr(
      params.client,
      params.deployment.contracts.parameters,
      coverageShareParameter,
      defaultCoverageShareBps,
      chain.toBlock >= params.deployment.deployBlock ? BigInt(chain.toBlock) : undefined,
    );
}

function unionBySignature(lists: readonly (readonly Envelope[])[]): Envelope[] {
  const seen = new Map<string, Envelope>();
  for (const list of lists) for (const e of list) if (!seen.has(e.sig)) seen.set(e.sig, e);
  return [...seen.values()].sort((a, b) => (a.sig < b.sig ? -1 : a.sig > b.sig ? 1 : 0));
}

/**
 * Each beacon's payload comes from the schedule secret of the oracle that assigned it; the beaconer's signed
 * receipt names its hash. Among the revealed secrets' payloads, the one its earliest valid receipt names is the
 * beacon (the first oracle's when no receipt names one: then nobody transmitted it anyway).
 */
async function pickPayloads(
  candidates: readonly ScheduledBeacon[][],
  receipts: readonly Envelope[],
): Promise<ScheduledBeacon[]> {
  const first = candidates[0] ?? [];
  const named = new Map<string, Hex>();
  const ordered = [...receipts].sort((a, b) => a.ts - b.ts || (a.nonce < b.nonce ? -1 : 1));
  for (const receipt of ordered) {
    if (receipt.type !== coverageMessageTypes.beacon) continue;
    const body = beaconReceiptBody.safeParse(receipt.body);
    if (!body.success || named.has(body.data.beaconId)) continue;
    if (!(await verifyEnvelopeSignature(receipt))) continue;
    const beacon = first.find((b) => b.beaconId === body.data.beaconId);
    if (!beacon || beacon.beaconer !== receipt.from) continue;
    named.set(body.data.beaconId, body.data.payloadHash);
  }
  return first.map((beacon, i) => {
    const hash = named.get(beacon.beaconId);
    if (!hash) return beacon;
    return candidates.map((c) => c[i] as ScheduledBeacon).find((b) => b.payloadHash === hash) ?? beacon;
  });
}

export function createCoverageRewards(options: CoverageRewardsOptions): RewardComponentSource {
  return {
    name: coverageTypeName,
    async component({ chain, evidence }): Promise<RewardComponent | undefined> {
      const epoch = chain.window.epoch;
      const context = await options.context(chain);
      if (context.hotspots.length === 0) return undefined;
      // Only evidence an oracle of the set signed the seed for counts; its secret rebuilds the payloads it assigned.
      const accepted: { oracle: Hex; data: CoverageBundleEvidence }[] = [];
      for (const item of [...evidence].sort((a: ExtensionEvidence, b) => (a.oracle < b.oracle ? -1 : 1))) {
        const parsed = coverageBundleEvidenceSchema.safeParse(item.data);
        if (!parsed.success || !context.oracles.includes(item.oracle.toLowerCase() as Hex)) continue;
        if (!(await verifyScheduleSignature(context.seed, parsed.data.scheduleSignature as Hex, item.oracle))) continue;
        accepted.push({ oracle: item.oracle, data: parsed.data });
      }
      if (accepted.length === 0) return undefined;
      const params = coverageParamsFor(context.epochMs);
      const startMs = context.genesisMs + epoch * context.epochMs;
      const located = context.hotspots.filter((h) => h.cell !== undefined).map((h) => h.nodeKey);
      const candidates = accepted.map(({ data }) =>
        beaconSchedule({
          seed: context.seed,
          secret: scheduleSecretFrom(data.scheduleSignature as Hex),
          hotspots: located,
          startMs,
          endMs: startMs + context.epochMs,
          params,
        }),
      );
      const receipts = unionBySignature(accepted.map((a) => a.data.receipts as Envelope[]));
      const witnesses = unionBySignature(accepted.map((a) => a.data.witnesses as Envelope[]));
      const result = await validateCoverageEpoch(
        {
          epoch,
          params,
          beacons: await pickPayloads(candidates, receipts),
          hotspots: context.hotspots,
          receipts,
          witnesses,
        },
        options.verifySignatures,
      );
      options.onJudged?.(result);
      const registered = new Set(chain.providers.map((p) => p.nodeKey.toLowerCase()));
      const weights = result.hotspots
        .filter((h) => h.weight > 0n && registered.has(h.nodeKey))
        .map((h) => ({ nodeKey: h.nodeKey, weight: h.weight }));
      // Nobody earned coverage: its share stays with liveness rather than going unallocated.
      if (weights.length === 0) return undefined;
      const shareBps = (await options.shareBps?.(chain)) ?? defaultCoverageShareBps;
      return { name: coverageTypeName, shareBps: coverageShareFor(chain.params.workShareBps, shareBps), weights };
    },
  };
}
