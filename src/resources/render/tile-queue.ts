// The order tiles go out in: longest first within a window of consecutive frames, so a render does not end with one
// provider still on an expensive tile while the others sit idle; windows of frames, not the whole job, so frames are
// finished (and written) as the render goes and only a window's frames are held in memory at once.
import type { PlannedTile } from "./render-plan.ts";

/** Estimated relative costs of some tiles (any unit, higher is dearer), in their order. */
export type EstimateTileCosts = (tiles: readonly PlannedTile[]) => Promise<number[]>;

export interface TileQueue {
  /** The next tile to send, or undefined when every tile was handed out. */
  next(): Promise<PlannedTile | undefined>;
}

/** Frames per window: enough tiles to keep `parallel` lanes busy several times over, at most `maxFrames` frames. */
export function windowFrames(params: { tilesPerFrame: number; parallel: number; maxFrames?: number }): number {
  const wanted = Math.ceil((4 * params.parallel) / Math.max(1, params.tilesPerFrame));
  return Math.max(1, Math.min(params.maxFrames ?? 16, wanted));
}

/**
 * Cuts the frames (in the order the tiles list them) into windows of at most `framesPerWindow` frames, as even as
 * possible so the last window is not a stub, and hands out each window's tiles dearest first (ties in plan order).
 * A window is estimated while the one before it is handed out; an estimate that fails leaves that window in plan
 * order: the order only balances the providers' load, it never changes what is rendered.
 */
export function createTileQueue(params: {
  tiles: readonly PlannedTile[];
  framesPerWindow: number;
  estimate: EstimateTileCosts;
}): TileQueue {
  const windows = cutWindows(params.tiles, Math.max(1, params.framesPerWindow));
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

function cutWindows(tiles: readonly PlannedTile[], framesPerWindow: number): PlannedTile[][] {
  const frames: PlannedTile[][] = [];
  for (const tile of tiles) {
    const last = frames.at(-1);
    if (last && last[0]?.frame === tile.frame) last.push(tile);
    else frames.push([tile]);
  }
  const count = Math.ceil(frames.length / framesPerWindow);
  const windows: PlannedTile[][] = [];
  for (let w = 0, start = 0; w < count; w++) {
    // Sizes differ by at most one frame, the larger windows first.
    const size = Math.ceil((frames.length - start) / (count - w));
    windows.push(frames.slice(start, start + size).flat());
    start += size;
  }
  return windows;
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
