// The adversarial suite's fraud numbers (DESIGN.md section 8: cheaters caught ≥ 99 %, honest providers wrongly
// penalised ≤ 0.1 %): `gw sim` with 5 % cheaters (each lying on a share of its jobs drawn from 30–100 %), 5 % flaky,
// 2 % offline and 1 % self-dealing providers over 10 epochs, on a fresh anvil with the real contracts, the real job
// engine and the real oracle engine. `npm run bench -- fraud [PROVIDERS] [EPOCHS] [JOBS_PER_PROVIDER]`.
import { runSim } from "../src/sim/index.ts";

const log = (line: string) => process.stderr.write(`${line}\n`);

export default async function fraudBench(args: string[]): Promise<Record<string, unknown>> {
  const providers = Number(args[0] ?? 1000);
  const epochs = Number(args[1] ?? 10);
  const jobsPerProvider = Number(args[2] ?? 10);
  const report = await runSim(
    {
      providers,
      epochs,
      cheaters: 0.05,
      flaky: 0.05,
      offline: 0.02,
      selfDealers: 0.01,
      jobsPerEpoch: providers * jobsPerProvider,
      cheatProbability: [0.3, 1],
      seed: "bench-fraud",
    },
    {
      log,
      onEpoch: (e) =>
        log(
          `epoch ${e.epoch}: ${e.jobs.audited}/${e.jobs.total} audited, ${e.fraudReports.accepted} fraud reports, ` +
            `caught ${e.cheatersCaught}, honest penalised ${e.honestPenalized} (${e.seconds.toFixed(1)} s)`,
        ),
    },
  );
  const t = report.totals;
  return {
    providers,
    epochs,
    jobsPerEpoch: report.jobsPerEpoch,
    auditShareBps: report.parameters.auditShareBps,
    cheatProbability: "0.3-1.0",
    cheaters: t.cheaters,
    caught: t.caught,
    caughtRate: t.caughtRate,
    honest: t.honest,
    honestPenalized: t.honestPenalized,
    honestPenalizedRate: t.honestPenalizedRate,
    offline: t.offline,
    offlineJailed: t.offlineJailed,
    audits: t.audits,
    fraudReports: t.fraudReports,
    fraudReportsRejected: t.fraudReportsRejected,
    wrongResultsAccepted: t.wrongAccepted,
    selfDealWashNet: report.selfDealers.washNet,
    revenueShare: t.revenueShare,
    setupSeconds: Number(t.setupSeconds.toFixed(2)),
    secondsPerEpoch: Number(t.secondsPerEpoch.toFixed(2)),
    seconds: Number(t.seconds.toFixed(1)),
    targets: { caughtRate: 0.99, honestPenalizedRate: 0.001 },
    met: t.caughtRate >= 0.99 && t.honestPenalizedRate <= 0.001,
  };
}
