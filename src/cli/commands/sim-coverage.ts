// `gw sim --coverage`: the proof-of-coverage adversarial suite. One epoch of simulated hotspots on the simulated RF
// world (location spoofers, witness rings relaying each other's beacons, replayed and forged reports, hotspots
// stacked in one hex) judged by the real validator; prints what was caught and which honest hotspots were penalised.

import { availableParallelism } from "node:os";
import { InvalidInputError } from "../../core/errors.ts";
import { createSignatureVerifyPool } from "../../protocol/index.ts";
import { formatCoverageReport, runCoverageScenario } from "../../resources/coverage/sim/index.ts";
import { parseShare } from "../../sim/index.ts";
import type { CommandInput, CommandResult } from "../command.ts";
import type { CliContext } from "../context.ts";
import { parseIntegerFlag } from "../format.ts";

export const coverageSimOptions = {
  coverage: { type: "boolean" },
  hotspots: { type: "string" },
  spoofers: { type: "string" },
  rings: { type: "string" },
  stacked: { type: "string" },
  density: { type: "string" },
  replayed: { type: "string" },
  forged: { type: "string" },
} as const;

export async function runCoverageSim(ctx: CliContext, values: CommandInput["values"]): Promise<CommandResult> {
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  const share = (flag: string, fallback: number) => {
    const v = str(values[flag]);
    return v === undefined ? fallback : parseShare(v, `--${flag}`);
  };
  const hotspots = parseIntegerFlag(values.hotspots, "hotspots", 10_000, 10, 1_000_000);
  const density = str(values.density) === undefined ? 0.08 : Number(values.density);
  if (!Number.isFinite(density) || density <= 0 || density > 100) {
    throw new InvalidInputError("--density is hotspots per km², a positive number");
  }
  // Thousands of hotspots sign and verify hundreds of thousands of reports: worth every core; a few hundred are not
  // worth starting threads for.
  const threads = hotspots >= 5_000 ? availableParallelism() : 0;
  const pool = threads > 0 ? createSignatureVerifyPool({ threads }) : undefined;
  const report = await runCoverageScenario({
    seed: str(values.seed) ?? "gw-sim-coverage",
    hotspots,
    spoofers: share("spoofers", 0.01),
    rings: share("rings", 0.01),
    stacked: share("stacked", 0.01),
    densityPerKm2: density,
    center: { lat: 48.8, lng: 9.2 },
    replayed: parseIntegerFlag(values.replayed, "replayed", Math.ceil(hotspots / 100), 0, 10_000_000),
    forged: parseIntegerFlag(values.forged, "forged", Math.ceil(hotspots / 100), 0, 10_000_000),
    epochSeconds: 86_400,
    signThreads: threads,
    ...(pool ? { verifySignatures: (envelopes) => pool.verify(envelopes) } : {}),
    progress: (line) => ctx.log(line),
  }).finally(() => pool?.close());
  return { json: report, text: formatCoverageReport(report) };
}
