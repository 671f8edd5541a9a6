// The numbers proof of coverage runs on: the beacon's radio settings, how often hotspots beacon, and every
// validation threshold (docs/coverage.md explains each one's physics). One object, so oracles, hotspots, the sim
// and the bench agree, and a network can govern them as a whole.
import { z } from "zod";

export const densityTargetSchema = z.object({
  resolution: z.number().int().min(0).max(15),
  /** Occupied child hexes a hex may count fully. */
  target: z.number().int().min(1),
  /** The most a hex ever counts, however dense. */
  max: z.number().int().min(1),
});
export type DensityTarget = z.infer<typeof densityTargetSchema>;

export const pocParamsSchema = z.object({
  beacon: z.object({
    frequencyHz: z.number().positive(),
    spreadingFactor: z.number().int().min(7).max(12),
    bandwidthHz: z.number().positive(),
    /** EIRP every beacon is sent at, dBm: the validators' power bound assumes it. */
    powerDbm: z.number().max(36),
  }),
  /** Chance that a hotspot is scheduled to beacon in an epoch. */
  beaconProbability: z.number().min(0).max(1),
  /** Asserted cells coarser than this resolution are too vague to check physics against. */
  minAssertResolution: z.number().int().min(0).max(15),
  /** A witness report must reach the oracles within this long after the beacon's slot. */
  maxReportDelayMs: z.number().int().positive(),
  /** Witnesses closer than this to the beaconer (asserted locations) prove no coverage. */
  minWitnessDistanceM: z.number().nonnegative(),
  /** Farther than this, a beacon at `beacon.powerDbm` is not heard over terrain (the sim's bound is about 21 km). */
  maxWitnessDistanceM: z.number().positive(),
  /** Calibration allowance on top of free space plus the largest fading gain, dB. */
  powerMarginDb: z.number().nonnegative(),
  /** Receiver noise figure assumed when checking that a claimed SNR matches the claimed RSSI, dB. */
  noiseFigureDb: z.number(),
  /** Allowed |SNR − (RSSI − noise floor)|, dB: interference lowers SNR, nothing raises it. */
  snrMarginDb: z.number().nonnegative(),
  /** Allowed timing error between two GPS-disciplined radios, ns, before the asserted cells' size is added. */
  timingToleranceNs: z.number().nonnegative(),
  /** H3 resolution of the per-beacon witness cap, and how many witnesses one such cell may contribute. */
  witnessCellResolution: z.number().int().min(0).max(15),
  maxWitnessesPerCell: z.number().int().min(1),
  /** Witnesses rewarded per beacon at most (the first by a hash of beacon and witness, so no one picks them). */
  maxWitnessesPerBeacon: z.number().int().min(1),
  /** Relayed copies: witnesses at least this far apart reporting identical arrival time, RSSI and SNR. */
  relayMinSeparationM: z.number().nonnegative(),
  /** Rings: a closed witness group is suspect when a bigger group's hotspot is asserted within this distance. */
  ringNeighbourRangeM: z.number().positive(),
  /** Reward units: a beacon with at least one valid witness, and each valid witness (before density scaling). */
  beaconUnits: z.number().int().nonnegative(),
  witnessUnits: z.number().int().nonnegative(),
  /** HIP-17-style density targets, coarse to fine. */
  density: z.array(densityTargetSchema).min(1),
});
export type PocParams = z.infer<typeof pocParamsSchema>;

export const defaultPocParams: PocParams = {
  // EU868: 25 mW ERP ≈ 16 dBm EIRP, SF9 on 125 kHz.
  beacon: { frequencyHz: 868_100_000, spreadingFactor: 9, bandwidthHz: 125_000, powerDbm: 16 },
  beaconProbability: 1,
  minAssertResolution: 10,
  maxReportDelayMs: 120_000,
  minWitnessDistanceM: 300,
  maxWitnessDistanceM: 40_000,
  powerMarginDb: 3,
  noiseFigureDb: 6,
  snrMarginDb: 3,
  timingToleranceNs: 2_000,
  witnessCellResolution: 8,
  maxWitnessesPerCell: 2,
  maxWitnessesPerBeacon: 14,
  relayMinSeparationM: 100,
  ringNeighbourRangeM: 1_000,
  beaconUnits: 2,
  witnessUnits: 1,
  // Helium HIP-17's table in spirit: at most one hotspot per res-10 hex, two per res-9, four per res-8, …
  density: [
    { resolution: 4, target: 250, max: 800 },
    { resolution: 5, target: 100, max: 400 },
    { resolution: 6, target: 25, max: 100 },
    { resolution: 7, target: 5, max: 20 },
    { resolution: 8, target: 1, max: 4 },
    { resolution: 9, target: 1, max: 2 },
    { resolution: 10, target: 1, max: 1 },
  ],
};
