// The gateway's Prometheus metrics, in a registry of its own (two gateways in one process do not collide).
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface GatewayMetrics {
  registry: Registry;
  jobsTotal: Counter<"status">;
  attemptsTotal: Counter<"outcome">;
  providersConnected: Gauge;
  jobDurationSeconds: Histogram;
}

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  return {
    registry,
    jobsTotal: new Counter({
      name: "jobs_total",
      help: "Jobs settled, by status (ok, failed) or refused before dispatch (rejected)",
      labelNames: ["status"],
      registers: [registry],
    }),
    attemptsTotal: new Counter({
      name: "attempts_total",
      help: "Job attempts by how they ended",
      labelNames: ["outcome"],
      registers: [registry],
    }),
    providersConnected: new Gauge({
      name: "providers_connected",
      help: "Admitted provider sessions",
      registers: [registry],
    }),
    jobDurationSeconds: new Histogram({
      name: "job_duration_seconds",
      help: "From accepting a job to settling it",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
  };
}
