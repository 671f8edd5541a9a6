// The earnings Merkle tree build (src/chain/earnings-tree.ts) at 100k and 1M providers: seconds per build and
// keccak permutations per second. `npm run bench -- merkle [SIZES...] [--noble]`; --noble also times the old
// noble-only hashing for comparison (slow: about 17 s at 1M on two cores).
import { buildEarningsTree, type EarningsEntry, type Hex } from "../src/chain/earnings-tree.ts";
import { type KeccakBatch, keccakBatch } from "../src/chain/keccak/batch.ts";
import { nobleKeccakBatch } from "../src/chain/keccak/noble.ts";

const log = (line: string) => process.stderr.write(`${line}\n`);

function entries(n: number): EarningsEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    account: `0x${(0xa11ce000 + i).toString(16).padStart(40, "0")}` as Hex,
    cumulativeAmount: BigInt(i) * 10n ** 18n + 7n,
  }));
}

/** Seconds to hash `count` 64-byte inputs with `backend`, for the raw permutation rate. */
function hashSeconds(backend: KeccakBatch, count: number): number {
  const input = new Uint8Array(64 * count);
  const output = new Uint8Array(32 * count);
  const started = performance.now();
  backend.hash64(input, 0, output, 0, count);
  return (performance.now() - started) / 1000;
}

export default async function merkleBench(args: string[]): Promise<Record<string, unknown>> {
  const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const runs = sizes.length > 0 ? sizes : [100_000, 1_000_000];
  const backend = keccakBatch();
  hashSeconds(backend, 50_000); // warm up: lets the engine tier the module up before anything is timed
  const result: Record<string, unknown> = { backend: backend.name };
  for (const n of runs) {
    const list = entries(n);
    buildEarningsTree(list.slice(0, 1000));
    const started = performance.now();
    const tree = buildEarningsTree(list);
    const seconds = (performance.now() - started) / 1000;
    // n leaves take two permutations each and the n - 1 inner nodes one.
    const hashes = 3 * n - 1;
    log(`${n} entries: ${seconds.toFixed(3)} s, root ${tree.root}`);
    result[`seconds_${n}`] = Number(seconds.toFixed(3));
    result[`hashes_per_second_${n}`] = Math.round(hashes / seconds);
  }
  const rawCount = 1_000_000;
  result.raw_hashes_per_second = Math.round(rawCount / hashSeconds(backend, rawCount));
  if (args.includes("--noble")) {
    result.noble_raw_hashes_per_second = Math.round(200_000 / hashSeconds(nobleKeccakBatch, 200_000));
  }
  return result;
}
