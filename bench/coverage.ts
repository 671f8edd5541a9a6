// Proof of coverage at network scale: `npm run bench -- coverage [HOTSPOTS] [DENSITY_PER_KM2] [THREADS]`. One epoch
// of 100,000 simulated hotspots (1 % location spoofers, 1 % witness-ring members, 1 % stacked ten to a roof) on the
// simulated RF world, every hotspot beaconing once; every witness report a real Ed25519-signed envelope, verified on
// a worker pool, then judged by the real validator. Targets: spoofers caught ≥ 99 %, honest penalised ≤ 0.1 %.
import { availableParallelism } from "node:os";
import { createSignatureVerifyPool } from "../src/protocol/index.ts";
import { runCoverageScenario } from "../src/resources/coverage/sim/index.ts";

const log = (line: string) => process.stderr.write(`${line}\n`);

export default async function coverageBench(args: string[]): Promise<Record<string, unknown>> {
  const hotspots = Number(args[0] ?? 100_000);
  const densityPerKm2 = Number(args[1] ?? 0.08);
  const threads = Number(args[2] ?? availableParallelism());
  const pool = createSignatureVerifyPool({ threads });
  try {
    const r = await runCoverageScenario({
      seed: "bench-coverage",
      hotspots,
      spoofers: 0.01,
      rings: 0.01,
      stacked: 0.01,
      densityPerKm2,
      center: { lat: 48.8, lng: 9.2 },
      replayed: Math.ceil(hotspots / 100),
      forged: Math.ceil(hotspots / 100),
      epochSeconds: 86_400,
      verifySignatures: (envelopes) => pool.verify(envelopes),
      signThreads: threads,
      progress: log,
    });
    return {
      hotspots: r.hotspots,
      witnessesVerifiedPerSec: r.witnessesVerifiedPerSec,
      epochSeconds: r.epochSeconds,
      spoofersCaught: r.spoofersCaught,
      spoofers: r.spoofers,
      honestPenalized: r.honestPenalized,
      honest: r.honest,
      ringMembersCaught: r.ringMembersCaught,
      ringMembers: r.ringMembers,
      stackedPenalized: r.stackedPenalized,
      stacked: r.stacked,
      stackedRewardRatio: r.stackedRewardRatio,
      honestUnpaid: r.honestUnpaid,
      replayedCaught: r.replayedCaught,
      replayedSent: r.replayedSent,
      forgedCaught: r.forgedCaught,
      forgedSent: r.forgedSent,
      adversaryWeightShare: r.adversaryWeightShare,
      beacons: r.beacons,
      reports: r.reports,
      witnessesPerBeacon: r.witnessesPerBeacon,
      signaturesVerified: r.signaturesVerified,
      verifyThreads: threads,
      densityPerKm2,
      regionKm: r.regionKm,
      simulateSeconds: r.simulateSeconds,
      // The whole process's high-water mark, worker threads included (kB on Linux and macOS).
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      rejected: r.rejected,
      flagged: r.flagged,
    };
  } finally {
    await pool.close();
  }
}
