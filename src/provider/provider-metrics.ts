// The daemon's Prometheus metrics, in a registry of its own (no global state: two daemons in one process stay apart).
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface ProviderMetrics {
  registry: Registry;
  /** status: ok | failed (the work failed) | rejected (refused before running) | busy | journal (resent). */
  jobs: Counter<"resource" | "status">;
  jobSeconds: Histogram<"resource">;
  gatewaysConnected: Gauge;
  vouchersUnredeemedTokens: Gauge;
  /** result: the book's outcome (kept, or why not) | refused (failed a check). */
  vouchersReceived: Counter<"result">;
  redeemedTokens: Counter;
  challengesAnswered: Counter;
}

export function createProviderMetrics(): ProviderMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    jobs: new Counter({
      name: "jobs_total",
      help: "Job attempts handled, by resource type and status",
      labelNames: ["resource", "status"],
      registers,
    }),
    jobSeconds: new Histogram({
      name: "job_seconds",
      help: "Run time of completed jobs",
      labelNames: ["resource"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    gatewaysConnected: new Gauge({ name: "gateways_connected", help: "Gateways admitting this node", registers }),
    vouchersUnredeemedTokens: new Gauge({
      name: "vouchers_unredeemed_tokens",
      help: "Tokens owed by held vouchers and not yet redeemed (gross)",
      registers,
    }),
    vouchersReceived: new Counter({
      name: "vouchers_received_total",
      help: "Vouchers delivered by gateways, by what became of them",
      labelNames: ["result"],
      registers,
    }),
    redeemedTokens: new Counter({
      name: "redeemed_tokens_total",
      help: "Tokens redeemed from vouchers by this daemon (gross, before the escrow split)",
      registers,
    }),
    challengesAnswered: new Counter({
      name: "challenges_answered_total",
      help: "Oracle liveness challenges answered (challenge.pong sent)",
      registers,
    }),
  };
}
