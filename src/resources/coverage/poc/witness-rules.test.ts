// Every validation rule with an accepted and a rejected example.
import assert from "node:assert/strict";
import { test } from "node:test";
import { latLngToCell } from "h3-js";
import type { Hex } from "viem";
import { LIGHT_M_PER_NS } from "../radio/index.ts";
import { assertedLocation } from "./asserted-location.ts";
import type { ScheduledBeacon } from "./beacon-schedule.ts";
import type { WitnessReport } from "./messages.ts";
import { defaultPocParams as params } from "./poc-params.ts";
import { relayedWitnesses } from "./relay-fingerprints.ts";
import { capWitnesses } from "./witness-caps.ts";
import { findWitnessRings } from "./witness-rings.ts";
import {
  distanceRule,
  freshnessRule,
  locationRule,
  powerRule,
  scheduledRule,
  signatureRule,
  timingRule,
} from "./witness-rules.ts";

const key = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const beacon: ScheduledBeacon = {
  beaconId: "ab".repeat(16),
  beaconer: key(1),
  slotMs: 1_000_000,
  payload: new Uint8Array(32),
  payloadHash: key(99),
};
const report: WitnessReport = {
  epoch: 3,
  beaconId: beacon.beaconId,
  beaconer: beacon.beaconer,
  payloadHash: beacon.payloadHash,
  rssiDbm: -110,
  snrDb: 7,
  timeOfArrivalNs: "0",
  frequencyHz: params.beacon.frequencyHz,
  spreadingFactor: params.beacon.spreadingFactor,
};
const receipt = { epoch: 3, beaconId: beacon.beaconId, payloadHash: beacon.payloadHash, txTimeNs: "0" };

test("signature: a verified envelope passes, an unverified one is rejected", () => {
  assert.equal(signatureRule(true), undefined);
  assert.equal(signatureRule(false)?.reason, "bad-signature");
});

test("freshness: signed inside the report window passes; before the beacon or after the window is stale", () => {
  assert.equal(freshnessRule(beacon.slotMs + 5_000, beacon.slotMs, params), undefined);
  assert.equal(freshnessRule(beacon.slotMs - 1, beacon.slotMs, params)?.reason, "stale");
  assert.equal(freshnessRule(beacon.slotMs + params.maxReportDelayMs + 1, beacon.slotMs, params)?.reason, "stale");
});

test("scheduled: the scheduled, transmitted beacon passes; unknown, wrong beaconer, wrong payload, untransmitted fail", () => {
  assert.equal(scheduledRule(report, 3, beacon, receipt, params), undefined);
  assert.equal(scheduledRule(report, 3, undefined, receipt, params)?.reason, "not-scheduled");
  assert.equal(scheduledRule(report, 4, beacon, receipt, params)?.reason, "not-scheduled");
  assert.equal(scheduledRule({ ...report, beaconer: key(2) }, 3, beacon, receipt, params)?.reason, "wrong-beaconer");
  assert.equal(scheduledRule({ ...report, payloadHash: key(7) }, 3, beacon, receipt, params)?.reason, "wrong-payload");
  assert.equal(scheduledRule({ ...report, spreadingFactor: 7 }, 3, beacon, receipt, params)?.reason, "wrong-channel");
  assert.equal(scheduledRule(report, 3, beacon, undefined, params)?.reason, "not-transmitted");
});

test("location: two fine cells pass; a missing or coarse cell, or witnessing oneself, fail", () => {
  const fine = assertedLocation(latLngToCell(52.5, 13.4, 12));
  const coarse = assertedLocation(latLngToCell(52.5, 13.4, 6));
  assert.equal(locationRule(key(2), key(1), fine, fine, params.minAssertResolution), undefined);
  assert.equal(locationRule(key(2), key(1), undefined, fine, params.minAssertResolution)?.reason, "no-location");
  assert.equal(locationRule(key(2), key(1), coarse, fine, params.minAssertResolution)?.reason, "no-location");
  assert.equal(locationRule(key(1), key(1), fine, fine, params.minAssertResolution)?.reason, "self-witness");
});

test("distance: 2 km passes; 50 m is too close; 80 km is too far", () => {
  assert.equal(distanceRule(2_000, 20, params), undefined);
  assert.equal(distanceRule(50, 20, params)?.reason, "too-close");
  assert.equal(distanceRule(80_000, 20, params)?.reason, "too-far");
});

test("power: a plausible RSSI passes; above free space, below sensitivity or an impossible SNR fail", () => {
  // 16 dBm over 2 km: free space allows at most about −81 dBm + 6 dB fading + 3 dB margin.
  assert.equal(powerRule({ ...report, rssiDbm: -110, snrDb: 7 }, 2_000, 20, params), undefined);
  assert.equal(powerRule({ ...report, rssiDbm: -60, snrDb: 10 }, 2_000, 20, params)?.reason, "impossible-power");
  assert.equal(powerRule({ ...report, rssiDbm: -140, snrDb: -23 }, 2_000, 20, params)?.reason, "below-sensitivity");
  // Noise floor at 125 kHz is about −117 dBm: −110 dBm cannot come with 20 dB SNR.
  assert.equal(powerRule({ ...report, rssiDbm: -110, snrDb: 20 }, 2_000, 20, params)?.reason, "impossible-snr");
});

test("timing: arrival at distance / c passes; 10 µs late (3 km farther) fails", () => {
  const d = 5_000;
  const onTime = BigInt(Math.round(d / LIGHT_M_PER_NS) + 300);
  assert.equal(timingRule(onTime, 0n, d, 20, params), undefined);
  assert.equal(timingRule(onTime + 10_000n, 0n, d, 20, params)?.reason, "timing");
  assert.equal(timingRule(0n, 0n, d, 20, params)?.reason, "timing"); // arrived before it could have
});

test("relay: independent receptions pass; identical copies reported from far apart are relayed", () => {
  const at = (lat: number) =>
    assertedLocation(latLngToCell(lat, 13.4, 12)) as NonNullable<ReturnType<typeof assertedLocation>>;
  const r = (toa: string, rssi: number) => ({ ...report, timeOfArrivalNs: toa, rssiDbm: rssi });
  const honest = [
    { at: at(52.5), report: r("1000016677", -101) },
    { at: at(52.51), report: r("1000020012", -104) },
  ];
  assert.equal(relayedWitnesses(honest, params).size, 0);
  const copies = [...honest, { at: at(52.53), report: r("1000016677", -101) }];
  assert.deepEqual([...relayedWitnesses(copies, params)].sort(), [0, 2]);
});

test("cell cap: two witnesses per res-8 cell count, the third in that cell does not; spread witnesses all count", () => {
  const spread = [0, 1, 2].map((i) => ({ witness: key(10 + i), cell: latLngToCell(52.5 + i * 0.05, 13.4, 12) }));
  assert.equal(capWitnesses(beacon.beaconId, spread, params).size, 0);
  const stacked = [0, 1, 2].map((i) => ({ witness: key(20 + i), cell: latLngToCell(52.5 + i * 0.0001, 13.4, 12) }));
  const capped = capWitnesses(beacon.beaconId, stacked, params);
  assert.equal(capped.size, 1);
  assert.deepEqual([...capped.values()], ["cell-cap"]);
  const many = Array.from({ length: 20 }, (_, i) => ({
    witness: key(40 + i),
    cell: latLngToCell(52 + i * 0.05, 13.4, 12),
  }));
  assert.equal(capWitnesses(beacon.beaconId, many, params).size, 20 - params.maxWitnessesPerBeacon);
});

test("rings: a closed group asserted next to a bigger group is a ring; an isolated village is not", () => {
  const loc = (lat: number, lng: number) =>
    assertedLocation(latLngToCell(lat, lng, 12)) as NonNullable<ReturnType<typeof assertedLocation>>;
  const locations = new Map<Hex, ReturnType<typeof loc>>();
  const links: [Hex, Hex][] = [];
  // A town of 6 hotspots 1 km apart, all hearing each other.
  for (let i = 0; i < 6; i++) locations.set(key(100 + i), loc(48.0 + i * 0.009, 11.0));
  for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) links.push([key(100 + i), key(100 + j)]);
  // A ring of 3 asserted 500 m from the town, linked only among themselves.
  for (let i = 0; i < 3; i++) locations.set(key(200 + i), loc(48.0 + i * 0.003, 11.007));
  links.push([key(200), key(201)], [key(201), key(202)], [key(202), key(200)]);
  // A village of 3, 30 km away: linked only among themselves too, but nobody else is near.
  for (let i = 0; i < 3; i++) locations.set(key(300 + i), loc(48.3 + i * 0.005, 11.0));
  links.push([key(300), key(301)], [key(301), key(302)]);
  const ring = findWitnessRings(locations, links, params);
  assert.deepEqual([...ring].sort(), [key(200), key(201), key(202)]);
});
