// CPU time per role of a bench network, from /proc: it holds on a loaded or shared machine where wall-clock figures
// do not, so benches report it beside their timings.
import { readFileSync } from "node:fs";
import type { BenchNetwork } from "./network.ts";

/** CPU time (user + system, all threads) a process has used, in ms; undefined where /proc is not there. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** CPU ms per role (the bench process is the customer), summed over its processes. */
export function cpuByRole(network: BenchNetwork): Record<string, number> {
  const usage = process.cpuUsage();
  const totals: Record<string, number> = { customer: (usage.user + usage.system) / 1000 };
  for (const service of network.services) {
    const ms = processCpuMs(service.pid);
    if (ms === undefined) continue;
    const role = service.name.replace(/-\d+$/, "");
    totals[role] = (totals[role] ?? 0) + ms;
  }
  return totals;
}

/** What each role spent between two readings of cpuByRole, rounded to whole ms. */
export function cpuSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([role, ms]) => [role, Math.round(ms - (before[role] ?? 0))]));
}
