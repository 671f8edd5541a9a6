// One epoch of proof of coverage over a simulated population: beacons go out on the simulated RF world, every radio
// in range hears them, hotspots sign witness reports (honest ones with what they measured, adversaries with what
// suits them), adversaries add replayed and forged reports, and the real validator judges the lot. Reports what
// was caught and whom it penalised. Used by `gw sim --coverage`, the coverage bench and the tests.
import { performance } from "node:perf_hooks";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Envelope } from "../../../protocol/index.ts";
import { createSeededRandom, deriveBytes } from "../../../sim/index.ts";
import {
  beaconSchedule,
  type CoverageEpoch,
  type CoverageEvidence,
  coverageMessageTypes,
  defaultPocParams,
  type PocParams,
  type ScheduledBeacon,
  type SignatureBatchVerifier,
  scheduleSecretFrom,
  scheduleSeed,
  validateCoverageEpoch,
  verifySignaturesInline,
  type WitnessReport,
} from "../poc/index.ts";
import {
  createRfWorld,
  distanceMeters,
  freeSpacePathLossDb,
  LIGHT_M_PER_NS,
  logDistancePathLossDb,
  noiseFloorDbm,
  type RadioFrame,
  type Reception,
  type RfModel,
  sensitivityDbm,
} from "../radio/index.ts";
import {
  createHotspotPopulation,
  type HotspotKind,
  type HotspotPopulation,
  type PopulationOptions,
  type SimHotspot,
} from "./hotspot-population.ts";
import { createReportSigner } from "./report-signer.ts";

export interface CoverageScenarioOptions extends PopulationOptions {
  /** Exact copies of honest reports sent again, and reports forged in honest hotspots' names. */
  replayed: number;
  forged: number;
  epochSeconds: number;
  params?: PocParams;
  rfModel?: Partial<RfModel>;
  verifySignatures?: SignatureBatchVerifier;
  /** Worker threads that sign the hotspots' reports during the simulation; 0 (the default) signs inline. */
  signThreads?: number;
  progress?: (line: string) => void;
}

export interface CoverageScenarioReport {
  seed: string;
  hotspots: number;
  counts: Record<HotspotKind, number>;
  regionKm: number;
  beacons: number;
  reports: number;
  witnessesPerBeacon: number;
  spoofers: number;
  spoofersCaught: number;
  ringMembers: number;
  ringMembersCaught: number;
  honest: number;
  honestPenalized: number;
  /** Honest hotspots that earned nothing without being penalised (nobody heard them, they heard nobody). */
  honestUnpaid: number;
  stacked: number;
  stackedPenalized: number;
  /** A stacked hotspot's average reward weight over an honest one's. */
  stackedRewardRatio: number;
  replayedSent: number;
  replayedCaught: number;
  forgedSent: number;
  forgedCaught: number;
  /** Adversaries' share of the coverage reward weight. */
  adversaryWeightShare: number;
  rejected: CoverageEpoch["stats"]["rejected"];
  flagged: CoverageEpoch["stats"]["flagged"];
  signaturesVerified: number;
  witnessesVerifiedPerSec: number;
  /** Oracle-side: validating the epoch's evidence, signatures included. */
  epochSeconds: number;
  /** Simulation-side: propagating beacons and hotspots signing their reports. */
  simulateSeconds: number;
}

const adversaryKinds: ReadonlySet<HotspotKind> = new Set(["spoofer", "careful-spoofer", "ring", "relay-ring"]);

export interface SimulatedCoverageEpoch {
  population: HotspotPopulation;
  evidence: CoverageEvidence;
  replayedSent: number;
  forgedSent: number;
  simulateSeconds: number;
}

/** Simulates one epoch on air and returns its evidence as the oracles would receive it. */
export async function simulateCoverageEpoch(options: CoverageScenarioOptions): Promise<SimulatedCoverageEpoch> {
  const params = options.params ?? defaultPocParams;
  const progress = options.progress ?? (() => {});
  const random = createSeededRandom(options.seed);
  const t0 = performance.now();
  const population = createHotspotPopulation(options, random.fork("population"));
  const { hotspots } = population;
  const byKey = new Map(hotspots.map((h) => [h.nodeKey, h]));
  const world = createRfWorld({ seed: options.seed, model: options.rfModel ?? {} });
  for (const h of hotspots) if (h.radio) world.addRadio({ id: h.nodeKey, ...h.radio });
  for (const hub of population.hubs) world.addRadio({ id: `hub/${hub.ring}`, lat: hub.lat, lng: hub.lng });
  progress(`population: ${JSON.stringify(population.counts)} over ${population.regionKm.toFixed(0)} km square`);

  // ---- the schedule: public seed from the previous root, secret from the scheduling oracle's signature
  const oracle = privateKeyToAccount(`0x${deriveBytes(options.seed, "oracle").toString("hex")}`);
  const epoch = 1;
  const seed = scheduleSeed({ epoch, previousRoot: random.hex(32), oracles: [oracle.address] });
  const secret = scheduleSecretFrom(await oracle.signMessage({ message: { raw: seed } }));
  const startMs = 1_800_000_000_000;
  const endMs = startMs + options.epochSeconds * 1000;
  const beacons = beaconSchedule({ seed, secret, hotspots: hotspots.map((h) => h.nodeKey), startMs, endMs, params });
  const frame = (payload: Uint8Array): RadioFrame => ({ payload, ...params.beacon });

  // ---- beacons on air, receptions turned into signed reports as they happen (a million envelopes: no copies)
  const receipts: Envelope[] = [];
  const witnesses: Envelope[] = [];
  const signer = createReportSigner(hotspots, options.signThreads ?? 0);
  const reportRandom = random.fork("reports");
  const noise = noiseFloorDbm(params.beacon.bandwidthHz, params.noiseFigureDb);
  const floor = sensitivityDbm(params.beacon.spreadingFactor, params.beacon.bandwidthHz, params.noiseFigureDb);
  const model = world.model;
  const witness = (
    w: SimHotspot,
    beacon: ScheduledBeacon,
    reception: Pick<Reception, "rssiDbm" | "snrDb" | "timeOfArrivalNs">,
  ) => {
    const body: WitnessReport = {
      epoch,
      beaconId: beacon.beaconId,
      beaconer: beacon.beaconer,
      payloadHash: beacon.payloadHash,
      rssiDbm: reception.rssiDbm,
      snrDb: reception.snrDb,
      timeOfArrivalNs: reception.timeOfArrivalNs.toString(),
      frequencyHz: params.beacon.frequencyHz,
      spreadingFactor: params.beacon.spreadingFactor,
    };
    const ts = beacon.slotMs + 1000 + reportRandom.int(30_000);
    witnesses.push(signer.sign(w, coverageMessageTypes.witness, body, ts));
  };
  /** What a liar fills in to fit its asserted location: the model's mean signal and a clean arrival time. */
  const fabricate = (w: SimHotspot, b: SimHotspot, beacon: ScheduledBeacon, txNs: bigint) => {
    const d = distanceMeters(w.asserted, b.asserted);
    if (d > params.maxWitnessDistanceM) return;
    const lossDb = Math.max(
      freeSpacePathLossDb(d, params.beacon.frequencyHz),
      logDistancePathLossDb(d, model.pathLossExponent, model.referenceM, model.referenceLossDb),
    );
    const rssi = Math.round(params.beacon.powerDbm - lossDb + reportRandom.between(-4, 4));
    if (rssi < floor) return;
    const toa = txNs + BigInt(Math.round(d / LIGHT_M_PER_NS + reportRandom.between(-150, 150)));
    witness(w, beacon, {
      rssiDbm: rssi,
      snrDb: Math.round(Math.min(rssi - noise, model.maxReportedSnrDb) * 4) / 4,
      timeOfArrivalNs: toa,
    });
  };
  try {
    await simulateOnAir();
    await signer.flush();
  } finally {
    await signer.close();
  }
  async function simulateOnAir() {
    const tenth = Math.max(1, Math.ceil(beacons.length / 10));
    for (const [n, beacon] of beacons.entries()) {
      if (n > 0 && n % tenth === 0) progress(`on air: ${n} of ${beacons.length} beacons, ${witnesses.length} reports`);
      const b = byKey.get(beacon.beaconer) as SimHotspot;
      const txNs = BigInt(beacon.slotMs) * 1_000_000n;
      const receipt = { epoch, beaconId: beacon.beaconId, payloadHash: beacon.payloadHash, txTimeNs: txNs.toString() };
      receipts.push(signer.sign(b, coverageMessageTypes.beacon, receipt, beacon.slotMs + 500));
      await signer.backpressure();
      if (b.ring !== undefined) {
        // Ring beacons never go on air: the other members fabricate witnesses that fit their asserted locations.
        for (const m of population.rings[b.ring] ?? []) if (m !== b) fabricate(m, b, beacon, txNs);
        continue;
      }
      for (const delivery of world.transmit(b.nodeKey, frame(beacon.payload), txNs)) {
        if (delivery.receiverId.startsWith("hub/")) {
          for (const m of population.rings[Number(delivery.receiverId.slice(4))] ?? [])
            witness(m, beacon, delivery.reception);
          continue;
        }
        const w = byKey.get(delivery.receiverId as Hex) as SimHotspot;
        if (w.kind === "careful-spoofer") fabricate(w, b, beacon, txNs);
        else witness(w, beacon, delivery.reception);
      }
    }
  }

  // ---- the adversaries' extras: exact replays and forgeries in honest names
  const honestReports = witnesses.filter((e) => byKey.get(e.from as Hex)?.kind === "honest");
  const replayedSent = Math.min(options.replayed, honestReports.length);
  for (let i = 0; i < replayedSent; i++)
    witnesses.push(structuredClone(honestReports[reportRandom.int(honestReports.length)] as Envelope));
  const forgedSent = Math.min(options.forged, honestReports.length);
  for (let i = 0; i < forgedSent; i++) {
    const original = honestReports[reportRandom.int(honestReports.length)] as Envelope<WitnessReport>;
    // A better signal claimed in the honest hotspot's name, without its key: the old signature no longer fits.
    witnesses.push({
      ...original,
      nonce: reportRandom.hex(16).slice(2),
      body: { ...original.body, rssiDbm: original.body.rssiDbm + 10 },
    });
  }
  const simulateSeconds = (performance.now() - t0) / 1000;
  progress(`${beacons.length} beacons, ${witnesses.length} witness reports signed in ${simulateSeconds.toFixed(1)} s`);

  return {
    population,
    evidence: {
      epoch,
      params,
      beacons,
      hotspots: hotspots.map((h) => ({ nodeKey: h.nodeKey, owner: h.owner, cell: h.cell })),
      receipts,
      witnesses,
    },
    replayedSent,
    forgedSent,
    simulateSeconds,
  };
}

export async function runCoverageScenario(options: CoverageScenarioOptions): Promise<CoverageScenarioReport> {
  const progress = options.progress ?? (() => {});
  const { population, evidence, replayedSent, forgedSent, simulateSeconds } = await simulateCoverageEpoch(options);
  const { hotspots } = population;
  const byKey = new Map(hotspots.map((h) => [h.nodeKey, h]));
  let verifySeconds = 0;
  const verify = options.verifySignatures ?? verifySignaturesInline;
  const timedVerify: SignatureBatchVerifier = async (envelopes) => {
    const v0 = performance.now();
    const result = await verify(envelopes);
    verifySeconds += (performance.now() - v0) / 1000;
    return result;
  };
  const v0 = performance.now();
  const result = await validateCoverageEpoch(evidence, timedVerify);
  const epochSeconds = (performance.now() - v0) / 1000;
  progress(`validated in ${epochSeconds.toFixed(1)} s (${verifySeconds.toFixed(1)} s verifying signatures)`);
  return score(options, population.counts, population.regionKm, evidence.beacons.length, result, {
    replayedSent,
    forgedSent,
    epochSeconds,
    simulateSeconds,
    verifySeconds,
    byKey,
  });
}

function score(
  options: CoverageScenarioOptions,
  counts: Record<HotspotKind, number>,
  regionKm: number,
  beacons: number,
  result: CoverageEpoch,
  extra: {
    replayedSent: number;
    forgedSent: number;
    epochSeconds: number;
    simulateSeconds: number;
    verifySeconds: number;
    byKey: Map<Hex, SimHotspot>;
  },
): CoverageScenarioReport {
  const coverage = new Map(result.hotspots.map((h) => [h.nodeKey, h]));
  let spoofersCaught = 0;
  let ringCaught = 0;
  let honestPenalized = 0;
  let honestUnpaid = 0;
  let stackedPenalized = 0;
  let honestWeight = 0n;
  let stackedWeight = 0n;
  let adversaryWeight = 0n;
  let totalWeight = 0n;
  for (const h of extra.byKey.values()) {
    const c = coverage.get(h.nodeKey);
    const penalized = c?.flag !== undefined;
    const weight = c?.weight ?? 0n;
    totalWeight += weight;
    if (adversaryKinds.has(h.kind)) adversaryWeight += weight;
    if (h.kind === "spoofer" || h.kind === "careful-spoofer") spoofersCaught += penalized ? 1 : 0;
    else if (h.kind === "ring" || h.kind === "relay-ring") ringCaught += penalized ? 1 : 0;
    else if (h.kind === "stacked") {
      stackedPenalized += penalized ? 1 : 0;
      stackedWeight += weight;
    } else {
      if (penalized) honestPenalized++;
      else if (weight === 0n) honestUnpaid++;
      honestWeight += weight;
    }
  }
  const rejected = result.stats.rejected;
  const perHonest = counts.honest > 0 ? Number(honestWeight) / counts.honest : 0;
  const perStacked = counts.stacked > 0 ? Number(stackedWeight) / counts.stacked : 0;
  return {
    seed: options.seed,
    hotspots: options.hotspots,
    counts,
    regionKm: Math.round(regionKm),
    beacons,
    reports: result.stats.reports,
    witnessesPerBeacon: beacons > 0 ? Math.round((result.stats.reports / beacons) * 10) / 10 : 0,
    spoofers: counts.spoofer + counts["careful-spoofer"],
    spoofersCaught,
    ringMembers: counts.ring + counts["relay-ring"],
    ringMembersCaught: ringCaught,
    honest: counts.honest,
    honestPenalized,
    honestUnpaid,
    stacked: counts.stacked,
    stackedPenalized,
    stackedRewardRatio: perHonest > 0 ? Math.round((perStacked / perHonest) * 1000) / 1000 : 0,
    replayedSent: extra.replayedSent,
    replayedCaught: rejected.replayed ?? 0,
    forgedSent: extra.forgedSent,
    forgedCaught: rejected["bad-signature"] ?? 0,
    adversaryWeightShare: totalWeight > 0n ? Number((adversaryWeight * 1_000_000n) / totalWeight) / 1_000_000 : 0,
    rejected,
    flagged: result.stats.flagged,
    signaturesVerified: result.stats.signaturesVerified,
    witnessesVerifiedPerSec:
      extra.verifySeconds > 0 ? Math.round(result.stats.signaturesVerified / extra.verifySeconds) : 0,
    epochSeconds: Math.round(extra.epochSeconds * 100) / 100,
    simulateSeconds: Math.round(extra.simulateSeconds * 100) / 100,
  };
}
