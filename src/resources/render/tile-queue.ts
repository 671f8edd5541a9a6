// The order tiles go out in: dearest first within a window of frames, so a render does not end with one provider still
// on an expensive tile while the others sit idle. Windows, not the whole job, so frames are finished (and written) as
// the render goes and only a window's frames are held in memory at once.
import type { PlannedTile } from "./render-plan.ts";

/** Estimated relative costs of some tiles (any unit, higher is dearer), in their order. */
export type EstimateTileCosts = (tiles: readonly PlannedTile[]) => Promise<number[]>;

export interface TileQueue {
  /** The next tile to send, or undefined when every tile was handed out. */
  next(): Promise<PlannedTile | undefined>;
}

/** Frames in the last window: enough tiles to keep `parallel` lanes busy several times over, at most `maxFrames`. */
export function tailWindowFrames(params: { tilesPerFrame: number; parallel: number; maxFrames?: number }): number {
  const wanted = Math.ceil((4 * params.parallel) / Math.max(1, params.tilesPerFrame));
  return Math.max(1, Math.min(params.maxFrames ?? 16, wanted));
}

/**
 * Hands out the tiles frame by frame, each frame's dearest first (ties in plan order), and the last
 * `tailFrames` frames as one window sorted across its frames. Only the end of a render can leave a provider
 * idle (before it, another tile is always waiting), and the end is where the cheap tiles of several frames are
 * needed to fill the gaps; before it, mixing frames would only make render workers switch frames more often (each
 * switch rebuilds the frame's acceleration structure, which grows with the scene). A window is estimated while the
 * one before it is handed out; an estimate that fails leaves that window in plan order: the order only balances the
 * providers' load, it never changes what is rendered.
 */
export function createTileQueue(params: {
  tiles: readonly PlannedTile[];
  tailFrames: number;
  estimate: EstimateTileCosts;
}): TileQueue {
  const windows = cutWindows(params.tiles, Math.max(1, params.tailFrames));
  const ordered = windows.map<Promise<PlannedTile[]> | undefined>(() => undefined);
  const order = (index: number): Promise<PlannedTile[]> => {
    const existing = ordered[index];
    if (existing) return existing;
    const window = windows[index] ?? [];
    const sorted = params
      .estimate(window)
      .then((costs) => dearestFirst(window, costs))
      .catch(() => [...window]);
    ordered[index] = sorted;
    return sorted;
  };
  let current = 0;
  let taken = 0;
  return {
    async next() {
      while (current < windows.length) {
        const index = current;
        const tiles = await order(index);
        if (index + 1 < windows.length) void order(index + 1);
        // Another caller may have moved on while this one waited.
        if (index !== current) continue;
        const tile = tiles[taken];
        if (tile) {
          taken++;
          return tile;
        }
        current++;
        taken = 0;
        ordered[index] = undefined;
      }
      return undefined;
    },
  };
}

function cutWindows(tiles: readonly PlannedTile[], lastFrames: number): PlannedTile[][] {
  const frames: PlannedTile[][] = [];
  for (const tile of tiles) {
    const last = frames.at(-1);
    if (last && last[0]?.frame === tile.frame) last.push(tile);
    else frames.push([tile]);
  }
  const tail = Math.max(0, frames.length - lastFrames);
  return [...frames.slice(0, tail), ...(tail < frames.length ? [frames.slice(tail).flat()] : [])];
}

function dearestFirst(tiles: readonly PlannedTile[], costs: readonly number[]): PlannedTile[] {
  const cost = (i: number) => {
    const c = costs[i];
    return typeof c === "number" && Number.isFinite(c) ? c : 0;
  };
  return tiles
    .map((tile, i) => ({ tile, i }))
    .sort((a, b) => cost(b.i) - cost(a.i) || a.i - b.i)
    .map(({ tile }) => tile);
}
