// Relayed beacons: a ring member that really heard a beacon passes its reception to members elsewhere, who report
// it as their own. Copies carry the same arrival time, RSSI and SNR, which radios hundreds of metres apart never
// measure alike (their distances differ, their clocks jitter independently).
import { distanceMeters } from "../radio/index.ts";
import type { AssertedLocation } from "./asserted-location.ts";
import type { WitnessReport } from "./messages.ts";
import type { PocParams } from "./poc-params.ts";

export interface RelayCandidate {
  at: AssertedLocation;
  report: WitnessReport;
}

/** Indexes of one beacon's witnesses that are copies of a reception heard by a witness far from them. */
export function relayedWitnesses(witnesses: readonly RelayCandidate[], params: PocParams): Set<number> {
  const byFingerprint = new Map<string, number[]>();
  witnesses.forEach((w, i) => {
    const key = `${w.report.timeOfArrivalNs}/${w.report.rssiDbm}/${w.report.snrDb}`;
    const group = byFingerprint.get(key);
    if (group) group.push(i);
    else byFingerprint.set(key, [i]);
  });
  const relayed = new Set<number>();
  for (const group of byFingerprint.values()) {
    if (group.length < 2) continue;
    for (let a = 0; a < group.length; a++) {
      for (let b = a + 1; b < group.length; b++) {
        const i = group[a] as number;
        const j = group[b] as number;
        const wi = witnesses[i] as RelayCandidate;
        const wj = witnesses[j] as RelayCandidate;
        if (distanceMeters(wi.at, wj.at) >= params.relayMinSeparationM) {
          relayed.add(i);
          relayed.add(j);
        }
      }
    }
  }
  return relayed;
}
