// One epoch of proof of coverage from its evidence: every witness report through the rules (witness-rules.ts), the
// collusion checks (relays, rings), location verdicts from whole-epoch majorities, density caps, and each hotspot's
// reward units scaled by hex density. Deterministic: the same evidence in any order gives the same result.
import type { Hex } from "viem";
import { type Envelope, envelopeSchema, verifyEnvelopeSignature } from "../../../protocol/index.ts";
import { distanceMeters } from "../radio/index.ts";
import { type AssertedLocation, assertedLocation } from "./asserted-location.ts";
import type { ScheduledBeacon } from "./beacon-schedule.ts";
import { densityScale, type HexDensity } from "./density-scaling.ts";
import {
  type BeaconReceipt,
  beaconReceiptBody,
  coverageMessageTypes,
  type WitnessReport,
  witnessReportBody,
} from "./messages.ts";
import type { PocParams } from "./poc-params.ts";
import { relayedWitnesses } from "./relay-fingerprints.ts";
import { capWitnesses } from "./witness-caps.ts";
import { findWitnessRings } from "./witness-rings.ts";
import {
  distanceRule,
  freshnessRule,
  locationRule,
  physicsReasons,
  powerRule,
  type Rejection,
  scheduledRule,
  signatureRule,
  timingRule,
  type WitnessRejectReason,
} from "./witness-rules.ts";

export interface CoverageHotspot {
  nodeKey: Hex;
  owner: Hex;
  /** The asserted H3 cell from the registry; undefined when none was given. */
  cell: string | undefined;
}

export interface CoverageEvidence {
  epoch: number;
  params: PocParams;
  beacons: readonly ScheduledBeacon[];
  hotspots: readonly CoverageHotspot[];
  /** Signed `coverage.beacon` envelopes, as received. */
  receipts: readonly unknown[];
  /** Signed `coverage.witness` envelopes, as received. */
  witnesses: readonly unknown[];
}

/** Verifies many envelope signatures at once; the default checks them one by one on this thread. */
export type SignatureBatchVerifier = (envelopes: readonly Envelope[]) => Promise<boolean[]>;

export const verifySignaturesInline: SignatureBatchVerifier = (envelopes) =>
  Promise.all(envelopes.map((e) => verifyEnvelopeSignature(e)));

export type HotspotFlag = "location" | "relay" | "ring";

export interface WitnessVerdict {
  witness: Hex;
  beaconId: string;
  beaconer: Hex;
  signedAtMs: number;
  rssiDbm: number;
  snrDb: number;
  distanceM?: number;
  valid: boolean;
  rewarded: boolean;
  reason?: WitnessRejectReason;
  detail?: Rejection["detail"];
}

export interface HotspotCoverage {
  nodeKey: Hex;
  owner: Hex;
  cell?: string;
  beaconed: boolean;
  /** Rewarded witnesses of this hotspot's beacon. */
  beaconWitnesses: number;
  /** Rewarded witness reports by this hotspot. */
  witnessed: number;
  locationVerified: boolean;
  flag?: HotspotFlag;
  densityScalePpm: number;
  /** The hotspot's share weight of the coverage emission: units × density scale (ppm). */
  weight: bigint;
}

export interface CoverageEpoch {
  epoch: number;
  witnesses: WitnessVerdict[];
  /** Every registry hotspot that beaconed or witnessed, sorted by node key. */
  hotspots: HotspotCoverage[];
  hexes: HexDensity[];
  stats: {
    reports: number;
    valid: number;
    rewarded: number;
    signaturesVerified: number;
    rejected: Partial<Record<WitnessRejectReason, number>>;
    flagged: Record<HotspotFlag, number>;
  };
}

interface Item {
  envelope?: Envelope<WitnessReport>;
  verdict: WitnessVerdict;
  beacon?: ScheduledBeacon;
  witnessAt?: AssertedLocation;
  beaconerAt?: AssertedLocation;
  /** Passed every report and physics rule (too-close included: consistent, just not coverage). */
  consistent: boolean;
  /** Failed a physics or relay rule: evidence that a location or measurement is false. */
  inconsistent: boolean;
}

function parseWitness(raw: unknown): Envelope<WitnessReport> | undefined {
  const e = envelopeSchema.safeParse(raw);
  if (!e.success || e.data.type !== coverageMessageTypes.witness || e.data.from.length !== 66) return undefined;
  const body = witnessReportBody.safeParse(e.data.body);
  return body.success ? { ...(e.data as Envelope), body: body.data } : undefined;
}

function parseReceipt(raw: unknown): Envelope<BeaconReceipt> | undefined {
  const e = envelopeSchema.safeParse(raw);
  if (!e.success || e.data.type !== coverageMessageTypes.beacon) return undefined;
  const body = beaconReceiptBody.safeParse(e.data.body);
  return body.success ? { ...(e.data as Envelope), body: body.data } : undefined;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function setReject(item: Item, rejection: Rejection): void {
  item.verdict.valid = false;
  item.verdict.reason = rejection.reason;
  if (rejection.detail) item.verdict.detail = rejection.detail;
}

export async function validateCoverageEpoch(
  evidence: CoverageEvidence,
  verifySignatures: SignatureBatchVerifier = verifySignaturesInline,
): Promise<CoverageEpoch> {
  const { epoch, params } = evidence;
  const beacons = new Map(evidence.beacons.map((b) => [b.beaconId, b]));
  const registry = new Map(evidence.hotspots.map((h) => [h.nodeKey.toLowerCase() as Hex, h]));
  const locate = (nodeKey: Hex) => {
    const cell = registry.get(nodeKey)?.cell;
    return cell === undefined ? undefined : assertedLocation(cell);
  };

  // ---- parse, then verify every signature in one batch
  const receipts = evidence.receipts.map(parseReceipt).filter((e): e is Envelope<BeaconReceipt> => e !== undefined);
  const parsed = evidence.witnesses.map(parseWitness);
  const witnesses = parsed.filter((e): e is Envelope<WitnessReport> => e !== undefined);
  const valid = await verifySignatures([...receipts, ...witnesses] as Envelope[]);
  const signaturesVerified = valid.length;

  const receiptOf = new Map<string, BeaconReceipt>();
  receipts
    .map((r, i) => ({ r, ok: valid[i] === true }))
    .filter(({ r, ok }) => {
      const beacon = beacons.get(r.body.beaconId);
      return ok && beacon !== undefined && r.from === beacon.beaconer && r.body.epoch === epoch;
    })
    .sort((a, b) => a.r.ts - b.r.ts || byString(a.r.nonce, b.r.nonce))
    .forEach(({ r }) => {
      const beacon = beacons.get(r.body.beaconId) as ScheduledBeacon;
      if (freshnessRule(r.ts, beacon.slotMs, params) === undefined && !receiptOf.has(r.body.beaconId)) {
        receiptOf.set(r.body.beaconId, r.body);
      }
    });

  // ---- per report: the report rules, then physics between the asserted locations
  const items: Item[] = witnesses.map((envelope, i) => ({
    envelope,
    verdict: {
      witness: envelope.from as Hex,
      beaconId: envelope.body.beaconId,
      beaconer: envelope.body.beaconer,
      signedAtMs: envelope.ts,
      rssiDbm: envelope.body.rssiDbm,
      snrDb: envelope.body.snrDb,
      valid: valid[receipts.length + i] === true,
      rewarded: false,
    },
    consistent: false,
    inconsistent: false,
  }));
  const malformed = parsed.length - witnesses.length;
  // Order: beacon, witness, signing time, nonce. Grouping by beacon first and sorting each group's dozen reports
  // gives the same order as one sort of all of them, without a million comparisons of 64-digit beacon ids.
  const byBeaconId = new Map<string, Item[]>();
  for (const item of items) {
    const group = byBeaconId.get(item.verdict.beaconId);
    if (group) group.push(item);
    else byBeaconId.set(item.verdict.beaconId, [item]);
  }
  items.length = 0;
  for (const beaconId of [...byBeaconId.keys()].sort(byString)) {
    const group = (byBeaconId.get(beaconId) as Item[]).sort(
      (a, b) =>
        byString(a.verdict.witness, b.verdict.witness) ||
        a.verdict.signedAtMs - b.verdict.signedAtMs ||
        byString(a.envelope?.nonce ?? "", b.envelope?.nonce ?? ""),
    );
    for (const item of group) items.push(item);
  }
  byBeaconId.clear();
  const noncesOf = new Map<Hex, Set<string>>();
  // One witness's reports on one beacon are adjacent in this order, so the last accepted report is the only one a
  // duplicate can repeat.
  let lastAccepted: { witness: Hex; beaconId: string } | undefined;
  for (const item of items) {
    const e = item.envelope as Envelope<WitnessReport>;
    const report = e.body;
    const witness = item.verdict.witness;
    const beacon = beacons.get(report.beaconId);
    let nonces = noncesOf.get(witness);
    if (!nonces) {
      nonces = new Set();
      noncesOf.set(witness, nonces);
    }
    const rejection =
      signatureRule(item.verdict.valid) ??
      (nonces.has(e.nonce) ? { reason: "replayed" as const } : undefined) ??
      scheduledRule(report, epoch, beacon, receiptOf.get(report.beaconId), params) ??
      freshnessRule(e.ts, (beacon as ScheduledBeacon).slotMs, params) ??
      (lastAccepted?.witness === witness && lastAccepted.beaconId === report.beaconId
        ? { reason: "duplicate" as const }
        : undefined);
    nonces.add(e.nonce);
    if (rejection) {
      setReject(item, rejection);
      continue;
    }
    lastAccepted = { witness, beaconId: report.beaconId };
    item.beacon = beacon;
    item.witnessAt = locate(witness);
    item.beaconerAt = locate(report.beaconer);
    const noLocation = locationRule(
      witness,
      report.beaconer,
      item.witnessAt,
      item.beaconerAt,
      params.minAssertResolution,
    );
    if (noLocation) {
      setReject(item, noLocation);
      continue;
    }
    const wAt = item.witnessAt as AssertedLocation;
    const bAt = item.beaconerAt as AssertedLocation;
    const d = distanceMeters(wAt, bAt);
    const u = wAt.uncertaintyM + bAt.uncertaintyM;
    item.verdict.distanceM = Math.round(d);
    const receipt = receiptOf.get(report.beaconId) as BeaconReceipt;
    const physics =
      distanceRule(d, u, params) ??
      powerRule(report, d, u, params) ??
      timingRule(BigInt(report.timeOfArrivalNs), BigInt(receipt.txTimeNs), d, u, params);
    if (physics && physicsReasons.has(physics.reason)) {
      setReject(item, physics);
      item.inconsistent = true;
      continue;
    }
    item.consistent = true;
    if (physics) setReject(item, physics); // too close: consistent, but no coverage
  }

  // ---- relayed copies among each beacon's located witnesses (a copy usually fails physics too; relay is the cause)
  const byBeacon = new Map<string, Item[]>();
  for (const item of items) {
    if (!item.consistent && !item.inconsistent) continue;
    const list = byBeacon.get(item.verdict.beaconId);
    if (list) list.push(item);
    else byBeacon.set(item.verdict.beaconId, [item]);
  }
  const relayed = new Set<Item>();
  for (const list of byBeacon.values()) {
    const hits = relayedWitnesses(
      list.map((it) => ({
        at: it.witnessAt as AssertedLocation,
        report: (it.envelope as Envelope<WitnessReport>).body,
      })),
      params,
    );
    for (const i of hits) {
      const item = list[i] as Item;
      relayed.add(item);
      item.consistent = false;
      item.inconsistent = true;
      delete item.verdict.detail;
      setReject(item, { reason: "relayed" });
    }
  }

  // ---- location verdicts: a hotspot's beacons judged by independent witnesses, its reports by verified beacons
  const linked = items.filter((it) => it.consistent || it.inconsistent);
  const tally = (side: "beaconer" | "witness", exclude: ReadonlySet<Hex>) => {
    const counts = new Map<Hex, { good: number; bad: number; relayed: number }>();
    for (const it of linked) {
      const subject = side === "beaconer" ? it.verdict.beaconer : it.verdict.witness;
      const other = side === "beaconer" ? it.verdict.witness : it.verdict.beaconer;
      if (exclude.has(other)) continue;
      let c = counts.get(subject);
      if (!c) {
        c = { good: 0, bad: 0, relayed: 0 };
        counts.set(subject, c);
      }
      if (it.consistent) c.good++;
      else if (relayed.has(it)) {
        // A relayed copy says nothing about where the beaconer is.
        if (side === "witness") c.relayed++;
      } else c.bad++;
    }
    return counts;
  };
  const flagged = new Map<Hex, HotspotFlag>();
  const beaconSuspects = new Set<Hex>();
  for (const [h, c] of tally("beaconer", new Set())) if (c.bad > c.good) beaconSuspects.add(h);
  for (const [h, c] of tally("witness", beaconSuspects)) {
    if (c.bad + c.relayed > c.good) flagged.set(h, c.relayed > c.bad ? "relay" : "location");
  }
  const witnessFlagged = new Set(flagged.keys());
  const beaconTally = tally("beaconer", witnessFlagged);
  for (const [h, c] of beaconTally) if (c.bad > c.good && !flagged.has(h)) flagged.set(h, "location");

  // ---- rings among the consistent links of unflagged hotspots
  const ringLinks: (readonly [Hex, Hex])[] = [];
  const participants = new Map<Hex, AssertedLocation>();
  for (const it of linked) {
    if (!it.consistent || flagged.has(it.verdict.witness) || flagged.has(it.verdict.beaconer)) continue;
    ringLinks.push([it.verdict.beaconer, it.verdict.witness]);
    participants.set(it.verdict.witness, it.witnessAt as AssertedLocation);
    participants.set(it.verdict.beaconer, it.beaconerAt as AssertedLocation);
  }
  for (const h of findWitnessRings(participants, ringLinks, params)) flagged.set(h, "ring");

  // ---- flags and unverified locations void otherwise valid reports; then the caps pick who is paid
  const verified = new Set<Hex>();
  for (const it of linked) {
    if (it.consistent && !flagged.has(it.verdict.witness) && !flagged.has(it.verdict.beaconer)) {
      verified.add(it.verdict.beaconer);
    }
  }
  const beaconOf = new Map(evidence.beacons.map((b) => [b.beaconer, b.beaconId]));
  const scheduled = new Set(beaconOf.keys());
  const eligible = new Map<string, Item[]>();
  for (const it of items) {
    if (!it.consistent) continue;
    const { witness, beaconer } = it.verdict;
    if (flagged.has(witness)) setReject(it, { reason: flagged.get(witness) === "ring" ? "ring" : "location-flagged" });
    else if (flagged.has(beaconer)) setReject(it, { reason: "beaconer-flagged" });
    else if (scheduled.has(witness) && !verified.has(witness)) setReject(it, { reason: "unverified-location" });
    if (it.verdict.reason !== undefined) continue;
    it.verdict.valid = true;
    const list = eligible.get(it.verdict.beaconId);
    if (list) list.push(it);
    else eligible.set(it.verdict.beaconId, [it]);
  }
  for (const [beaconId, list] of eligible) {
    const capped = capWitnesses(
      beaconId,
      list.map((it) => ({ witness: it.verdict.witness, cell: (it.witnessAt as AssertedLocation).cell })),
      params,
    );
    list.forEach((it, i) => {
      const cap = capped.get(i);
      if (cap) {
        it.verdict.valid = false;
        it.verdict.reason = cap;
      } else it.verdict.rewarded = true;
    });
  }

  // ---- reward units, scaled by the density of the hotspots that took part
  const beaconWitnesses = new Map<Hex, number>();
  const witnessed = new Map<Hex, number>();
  for (const it of items) {
    if (!it.verdict.rewarded) continue;
    beaconWitnesses.set(it.verdict.beaconer, (beaconWitnesses.get(it.verdict.beaconer) ?? 0) + 1);
    witnessed.set(it.verdict.witness, (witnessed.get(it.verdict.witness) ?? 0) + 1);
  }
  const involved = new Set<Hex>([...scheduled, ...items.map((it) => it.verdict.witness)]);
  const interactive = new Map<Hex, string>();
  for (const h of involved) {
    const cell = registry.get(h)?.cell;
    if (cell && (beaconWitnesses.has(h) || witnessed.has(h))) interactive.set(h, cell);
  }
  const density = densityScale(interactive, params.density);
  const hotspots: HotspotCoverage[] = [];
  for (const nodeKey of [...involved].sort()) {
    const record = registry.get(nodeKey);
    if (!record) continue;
    const bw = beaconWitnesses.get(nodeKey) ?? 0;
    const w = witnessed.get(nodeKey) ?? 0;
    const scale = density.scalePpm.get(nodeKey) ?? 0;
    const units = (bw > 0 ? params.beaconUnits : 0) + w * params.witnessUnits;
    const flag = flagged.get(nodeKey);
    hotspots.push({
      nodeKey,
      owner: record.owner,
      ...(record.cell ? { cell: record.cell } : {}),
      beaconed: receiptOf.has(beaconOf.get(nodeKey) ?? ""),
      beaconWitnesses: bw,
      witnessed: w,
      locationVerified: verified.has(nodeKey),
      ...(flag ? { flag } : {}),
      densityScalePpm: scale,
      weight: flag ? 0n : BigInt(units) * BigInt(scale),
    });
  }

  const rejected: CoverageEpoch["stats"]["rejected"] = malformed > 0 ? { malformed } : {};
  let validCount = 0;
  let rewarded = 0;
  for (const it of items) {
    if (it.verdict.valid) validCount++;
    if (it.verdict.rewarded) rewarded++;
    const reason = it.verdict.reason;
    if (reason) rejected[reason] = (rejected[reason] ?? 0) + 1;
  }
  const flaggedCounts: Record<HotspotFlag, number> = { location: 0, relay: 0, ring: 0 };
  for (const f of flagged.values()) flaggedCounts[f]++;
  return {
    epoch,
    witnesses: items.map((it) => it.verdict),
    hotspots,
    hexes: [...density.hexes.values()].sort((a, b) => a.resolution - b.resolution || byString(a.cell, b.cell)),
    stats: {
      reports: evidence.witnesses.length,
      valid: validCount,
      rewarded,
      signaturesVerified,
      rejected,
      flagged: flaggedCounts,
    },
  };
}
