// The coverage scenario's report as text for `gw sim --coverage`: caught versus penalised, then the details.
import type { CoverageScenarioReport } from "./run-coverage-scenario.ts";

const pct = (part: number, whole: number) => (whole === 0 ? "-" : `${((100 * part) / whole).toFixed(2)} %`);

export function formatCoverageReport(r: CoverageScenarioReport): string {
  const rejected = Object.entries(r.rejected)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  return [
    `coverage epoch: ${r.hotspots} hotspots over a ${r.regionKm} km square (seed ${r.seed}), ${r.beacons} beacons, ${r.reports} witness reports (${r.witnessesPerBeacon} per beacon)`,
    `location spoofers caught  ${r.spoofersCaught}/${r.spoofers} (${pct(r.spoofersCaught, r.spoofers)})`,
    `witness-ring members caught  ${r.ringMembersCaught}/${r.ringMembers} (${pct(r.ringMembersCaught, r.ringMembers)})`,
    `replayed reports rejected  ${r.replayedCaught}/${r.replayedSent}; forged reports rejected  ${r.forgedCaught}/${r.forgedSent}`,
    `honest penalised  ${r.honestPenalized}/${r.honest} (${pct(r.honestPenalized, r.honest)}); honest unpaid (heard by nobody)  ${r.honestUnpaid}`,
    `stacked (ten to a roof) penalised  ${r.stackedPenalized}/${r.stacked}; a stacked hotspot earns ${r.stackedRewardRatio} of an honest one`,
    `adversaries' share of the coverage reward  ${(r.adversaryWeightShare * 100).toFixed(3)} %`,
    `rejected: ${rejected}`,
    `flagged hotspots: location ${r.flagged.location}, relay ${r.flagged.relay}, ring ${r.flagged.ring}`,
    `${r.signaturesVerified} signatures verified at ${r.witnessesVerifiedPerSec}/s; epoch judged in ${r.epochSeconds} s (simulation ${r.simulateSeconds} s)`,
  ].join("\n");
}
