// How a render is cut up: which frames (`1-24`, `1,5,9-12`), what size (`640x360`), and the tiles of each frame in
// row-major order, every tile a rectangle of at most `tile`×`tile` pixels.
import { InvalidInputError } from "../../core/errors.ts";

export interface TileRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Most frames one render may name. */
export const maxFrames = 100_000;

/** Frame numbers from a list of numbers and inclusive ranges: "1-24", "0,5,10-12". Sorted, each once. */
export function parseFrames(text: string): number[] {
  const frames = new Set<number>();
  for (const part of text.split(",")) {
    const match = /^\s*(\d{1,7})(?:\s*-\s*(\d{1,7}))?\s*$/.exec(part);
    if (!match) {
      throw new InvalidInputError(`invalid frame list ${JSON.stringify(text)}`, {
        hint: "Frames are numbers and ranges: 1-24, or 0,5,10-12.",
      });
    }
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) throw new InvalidInputError(`frame range ${part.trim()} runs backwards`);
    if (frames.size + (last - first + 1) > maxFrames) {
      throw new InvalidInputError(`more than ${maxFrames} frames`, { details: { frames: text } });
    }
    for (let f = first; f <= last; f++) frames.add(f);
  }
  return [...frames].sort((a, b) => a - b);
}

/** "640x360" → { width: 640, height: 360 }; each side 1 to 16384. */
export function parseSize(text: string): { width: number; height: number } {
  const match = /^(\d{1,5})[xX](\d{1,5})$/.exec(text.trim());
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!match || width < 1 || height < 1 || width > 16_384 || height > 16_384) {
    throw new InvalidInputError(`invalid size ${JSON.stringify(text)}`, { hint: "WIDTHxHEIGHT, e.g. 640x360." });
  }
  return { width, height };
}

/** The tiles of one frame, row-major; edge tiles are smaller when the size is not a multiple of `tile`. */
export function planTiles(width: number, height: number, tile: number): TileRect[] {
  if (!Number.isSafeInteger(tile) || tile < 1) throw new InvalidInputError("the tile size is a whole number ≥ 1");
  const tiles: TileRect[] = [];
  for (let y = 0; y < height; y += tile) {
    for (let x = 0; x < width; x += tile) {
      tiles.push({ x, y, w: Math.min(tile, width - x), h: Math.min(tile, height - y) });
    }
  }
  return tiles;
}
