// busy.wat's iteration count for a wanted run time, found on this machine now: the benches that compare a network
// job with a local run need jobs of a known length, and this VM's speed moves from run to run.
import { log, median } from "./network.ts";

/** Runs busy.wat locally with `n` iterations; resolves with the time it took in ms. */
export type LocalRun = (n: number) => Promise<number>;

/** For each target (ms), the iteration count whose local median comes nearest to it (within 3 % when it can). */
export async function calibrateBusy<K extends string>(
  runLocal: LocalRun,
  targets: readonly { name: K; targetMs: number }[],
): Promise<Record<K, number>> {
  const localMedian = async (n: number, count: number) => {
    const samples: number[] = [];
    for (let i = 0; i < count; i++) samples.push(await runLocal(n));
    return median(samples);
  };
  const probe = 20_000_000;
  const probeMs = await localMedian(probe, 3);
  const fixedMs = await localMedian(0, 21);
  const nsPerRound = ((probeMs - fixedMs) * 1e6) / probe;
  log(`calibration: ${nsPerRound.toFixed(2)} ns/round, ${fixedMs.toFixed(3)} ms fixed`);
  const iterations = {} as Record<K, number>;
  for (const size of targets) {
    let n = Math.max(0, Math.round(((size.targetMs - fixedMs) * 1e6) / nsPerRound));
    let best = { n, error: Number.POSITIVE_INFINITY };
    const samples = size.targetMs >= 1000 ? 1 : size.targetMs >= 100 ? 3 : 21;
    for (let round = 0; round < 6; round++) {
      const ms = await localMedian(n, samples);
      const error = Math.abs(ms - size.targetMs) / size.targetMs;
      if (error < best.error) best = { n, error };
      if (error < 0.03) break;
      // Scale the variable part: time ≈ fixed + n × slope.
      const variable = Math.max(ms - fixedMs, 1e-3);
      n = Math.max(0, Math.round((n * Math.max(size.targetMs - fixedMs, 0.05)) / variable));
    }
    iterations[size.name] = best.n;
    log(`calibration: ${size.name} → N = ${best.n} (${(best.error * 100).toFixed(1)} % off)`);
  }
  return iterations;
}
