// What a simulation reports: per epoch and in total, and which parts of it were real and which simulated.
import { formatUnits, type Hex } from "viem";
import type { ProviderKind } from "./population.ts";

export interface SimEpochReport {
  epoch: number;
  /** Wall-clock seconds this epoch took to simulate (jobs, liveness, payments, oracle, post). */
  seconds: number;
  /** Where those seconds went. */
  phases: { registry: number; jobs: number; liveness: number; payments: number; oracle: number; post: number };
  /** Providers the gateway admitted (online, registered, active). */
  connected: number;
  /** Nodes jailed on chain during this epoch, by kind. */
  jailed: Record<ProviderKind, number>;
  jobs: { total: number; ok: number; failed: number; audited: number; reroutes: number; wrongAccepted: number };
  challenges: { sent: number; answered: number; rejected: number };
  fraudReports: { filed: number; accepted: number; rejected: Record<string, number> };
  penalties: { jailed: number; slashed: number; slashedAmount: bigint };
  /** Cumulative up to and including this epoch. */
  cheatersCaught: number;
  honestPenalized: number;
  offlineJailed: number;
  emission: bigint;
  /** Gross redemptions in the epoch's window (customers' and self-dealers'). */
  revenue: bigint;
  customerRevenue: bigint;
  selfDealRevenue: bigint;
  burned: bigint;
  /** revenue ÷ (revenue + emission). */
  revenueShare: number;
  /** Emission the engine left unallocated (caps, floors). */
  unallocated: bigint;
  root: Hex;
  cumulativeTotal: bigint;
  postGas: bigint;
}

export interface SelfDealReport {
  owners: number;
  /** The self-dealing owner wallets. */
  addresses: Hex[];
  nodes: number;
  /** Paid into escrow vouchers to themselves. */
  paid: bigint;
  /** Provider share received back. */
  received: bigint;
  /** Treasury share and burn of their payments (paid − received). */
  fees: bigint;
  burned: bigint;
  workRewards: bigint;
  livenessRewards: bigint;
  /** received + work rewards − paid: what the self-dealing round trips earned (negative: a loss). */
  washNet: bigint;
  /** washNet + liveness rewards. */
  net: bigint;
  /** On chain after claiming: wallet + escrow deposit + bonded stake − genesis balance, summed over self-dealers. */
  balanceChange: bigint;
}

export interface SimReport {
  seed: string;
  providers: number;
  epochs: number;
  kinds: Record<ProviderKind, number>;
  owners: number;
  customers: number;
  jobsPerEpoch: number;
  /** Governed values the run used, read from the ParameterStore. */
  parameters: {
    auditShareBps: number;
    challengeIntervalSeconds: number;
    downtimeJailSeconds: number;
    slashAmount: bigint;
    workShareBps: number;
    workEmissionCapBps: number;
  };
  epochSeconds: number;
  stake: bigint;
  jobPrice: bigint;
  perEpoch: SimEpochReport[];
  totals: {
    jobs: number;
    audits: number;
    wrongAccepted: number;
    fraudReports: number;
    fraudReportsRejected: number;
    cheaters: number;
    caught: number;
    caughtRate: number;
    /** Honest and flaky nodes. */
    honest: number;
    honestPenalized: number;
    honestPenalizedRate: number;
    offline: number;
    offlineJailed: number;
    emission: bigint;
    revenue: bigint;
    customerRevenue: bigint;
    revenueShare: number;
    slashed: bigint;
    treasuryBalance: bigint;
    rootsPosted: number;
    setupSeconds: number;
    secondsPerEpoch: number;
    seconds: number;
  };
  selfDealers: SelfDealReport;
  /** Node keys, by outcome, for tests and inspection. */
  nodes: {
    caught: Hex[];
    escaped: Hex[];
    honestPenalized: Hex[];
    offlineNotJailed: Hex[];
    /** Distinct fraudulent jobs proven against each node, over all epochs. */
    fraudJobs: Record<Hex, number>;
  };
  chain: { rpcUrl: string; chainId: number; contracts: Record<string, Hex>; setupTransactions: number };
  real: string[];
  simulated: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const gwk = (x: bigint) => {
  const [whole, frac = ""] = formatUnits(x, 18).split(".");
  return `${whole}${frac ? `.${frac.slice(0, 2)}` : ""}`;
};

export function formatEpochLine(e: SimEpochReport): string {
  return (
    `epoch ${e.epoch}: ${e.jobs.total} jobs (${e.jobs.audited} audited, ${e.jobs.wrongAccepted} wrong accepted), ` +
    `${e.fraudReports.accepted}/${e.fraudReports.filed} fraud reports, jailed ${e.penalties.jailed}, slashed ` +
    `${e.penalties.slashed}; caught ${e.cheatersCaught}, honest penalised ${e.honestPenalized}; emission ` +
    `${gwk(e.emission)} GWK, revenue ${gwk(e.revenue)} GWK (share ${pct(e.revenueShare)}); ${e.seconds.toFixed(1)} s`
  );
}

export function formatSimReport(r: SimReport): string {
  const t = r.totals;
  const s = r.selfDealers;
  return [
    `gw sim: ${r.providers} providers (${Object.entries(r.kinds)
      .map(([k, n]) => `${n} ${k}`)
      .join(
        ", ",
      )}), ${r.owners} owners, ${r.customers} customers, ${r.epochs} epochs of ${r.epochSeconds} s, seed "${r.seed}"`,
    `parameters: auditShareBps ${r.parameters.auditShareBps}, challenge every ${r.parameters.challengeIntervalSeconds} s, ` +
      `slash ${gwk(r.parameters.slashAmount)} GWK, stake ${gwk(r.stake)} GWK, ${r.jobsPerEpoch} jobs/epoch at ${gwk(r.jobPrice)} GWK`,
    "",
    ...r.perEpoch.map(formatEpochLine),
    "",
    `jobs ${t.jobs}, audits ${t.audits}, wrong results accepted unaudited ${t.wrongAccepted}`,
    `fraud reports ${t.fraudReports} accepted, ${t.fraudReportsRejected} rejected by intake`,
    `cheaters caught ${t.caught}/${t.cheaters} (${pct(t.caughtRate)})`,
    `honest penalised ${t.honestPenalized}/${t.honest} (${pct(t.honestPenalizedRate)})`,
    `offline jailed ${t.offlineJailed}/${t.offline}`,
    `self-dealers (${s.nodes} nodes, ${s.owners} owners): paid ${gwk(s.paid)}, got back ${gwk(s.received)}, ` +
      `work rewards ${gwk(s.workRewards)}, liveness ${gwk(s.livenessRewards)} GWK → wash net ${gwk(s.washNet)}, ` +
      `net ${gwk(s.net)}, on-chain balance change ${gwk(s.balanceChange)} GWK`,
    `emission ${gwk(t.emission)} GWK, revenue ${gwk(t.revenue)} GWK (customers ${gwk(t.customerRevenue)}), ` +
      `revenue share ${pct(t.revenueShare)}; slashed ${gwk(t.slashed)} GWK; roots posted ${t.rootsPosted}`,
    `setup ${t.setupSeconds.toFixed(1)} s, ${t.secondsPerEpoch.toFixed(2)} s per epoch, ${t.seconds.toFixed(1)} s in all`,
  ].join("\n");
}
