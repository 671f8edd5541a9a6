// Density caps on one beacon's witnesses: at most `maxWitnessesPerCell` from one H3 cell (stacked hotspots add
// no coverage), at most `maxWitnessesPerBeacon` in all. Which ones count is fixed by a hash of beacon and witness,
// so neither the witnesses nor the oracle choose.
import { createHash } from "node:crypto";
import { cellToParent, getResolution } from "h3-js";
import type { Hex } from "viem";
import type { PocParams } from "./poc-params.ts";

export interface CapCandidate {
  witness: Hex;
  cell: string;
}

// A hotspot witnesses a dozen beacons an epoch: its cap cell is looked up once, not per report (h3 calls are dear).
const capCells = new Map<string, string>();

function capCell(cell: string, resolution: number): string {
  const key = `${resolution}/${cell}`;
  let parent = capCells.get(key);
  if (parent === undefined) {
    parent = getResolution(cell) > resolution ? cellToParent(cell, resolution) : cell;
    if (capCells.size >= 500_000) capCells.clear();
    capCells.set(key, parent);
  }
  return parent;
}

/** For each candidate index over a cap, which cap it hit. */
export function capWitnesses(
  beaconId: string,
  candidates: readonly CapCandidate[],
  params: PocParams,
): Map<number, "cell-cap" | "beacon-cap"> {
  const order = candidates
    .map((c, i) => ({ i, rank: createHash("sha256").update(`${beaconId}/${c.witness}`).digest("hex") }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  const perCell = new Map<string, number>();
  const capped = new Map<number, "cell-cap" | "beacon-cap">();
  let kept = 0;
  for (const { i } of order) {
    const parent = capCell((candidates[i] as CapCandidate).cell, params.witnessCellResolution);
    const inCell = perCell.get(parent) ?? 0;
    if (inCell >= params.maxWitnessesPerCell) {
      capped.set(i, "cell-cap");
      continue;
    }
    if (kept >= params.maxWitnessesPerBeacon) {
      capped.set(i, "beacon-cap");
      continue;
    }
    perCell.set(parent, inCell + 1);
    kept++;
  }
  return capped;
}
