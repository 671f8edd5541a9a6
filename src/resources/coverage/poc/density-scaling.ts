// Hex-density scaling in the spirit of Helium's HIP-17: a hex at each resolution counts at most
// min(max, target × max(1, children at or above their own target)); whatever its children add beyond that is
// clipped, and a hotspot's scale is the product over its ancestors of clipped ÷ unclipped. Ten hotspots stacked
// in one hex earn together what the hex's target allows; hotspots spread out earn in full.
import { cellToParent, getResolution } from "h3-js";
import type { Hex } from "viem";
import type { DensityTarget } from "./poc-params.ts";

export interface HexDensity {
  cell: string;
  resolution: number;
  hotspots: number;
  unclipped: number;
  clipped: number;
}

export interface DensityResult {
  /** Each hotspot's reward scale, parts per million (1,000,000 = full). */
  scalePpm: Map<Hex, number>;
  /** Every hex at every density resolution that holds a hotspot. */
  hexes: Map<string, HexDensity>;
}

/** Scales for hotspots at `cells` (asserted at a resolution at least as fine as the finest target). */
export function densityScale(cells: ReadonlyMap<Hex, string>, targets: readonly DensityTarget[]): DensityResult {
  const levels = [...targets].sort((a, b) => b.resolution - a.resolution); // fine → coarse
  const finest = levels[0] as DensityTarget;
  const hexes = new Map<string, HexDensity>();
  const ancestors = new Map<Hex, string[]>();
  const children = new Map<string, Set<string>>();
  const hexAt = (cell: string, resolution: number): HexDensity => {
    let hex = hexes.get(cell);
    if (!hex) {
      hex = { cell, resolution, hotspots: 0, unclipped: 0, clipped: 0 };
      hexes.set(cell, hex);
    }
    return hex;
  };
  for (const [nodeKey, cell] of cells) {
    if (getResolution(cell) < finest.resolution) continue;
    const chain: string[] = [];
    let child: string | undefined;
    for (const level of levels) {
      const h = getResolution(cell) === level.resolution ? cell : cellToParent(cell, level.resolution);
      hexAt(h, level.resolution).hotspots++;
      if (child !== undefined) {
        let set = children.get(h);
        if (!set) {
          set = new Set();
          children.set(h, set);
        }
        set.add(child);
      }
      chain.push(h);
      child = h;
    }
    ancestors.set(nodeKey, chain);
  }
  levels.forEach((level, li) => {
    for (const hex of hexes.values()) {
      if (hex.resolution !== level.resolution) continue;
      let occupied = 1;
      if (li === 0) {
        hex.unclipped = hex.hotspots;
      } else {
        const childTarget = (levels[li - 1] as DensityTarget).target;
        let sum = 0;
        let dense = 0;
        for (const c of children.get(hex.cell) ?? []) {
          const ch = hexes.get(c) as HexDensity;
          sum += ch.clipped;
          if (ch.clipped >= childTarget) dense++;
        }
        hex.unclipped = sum;
        occupied = Math.max(1, dense);
      }
      hex.clipped = Math.min(hex.unclipped, level.max, level.target * occupied);
    }
  });
  const scalePpm = new Map<Hex, number>();
  for (const [nodeKey, chain] of ancestors) {
    let scale = 1;
    for (const h of chain) {
      const hex = hexes.get(h) as HexDensity;
      if (hex.unclipped > 0) scale *= hex.clipped / hex.unclipped;
    }
    scalePpm.set(nodeKey, Math.floor(scale * 1_000_000 + 1e-6));
  }
  return { scalePpm, hexes };
}
