// Frames from tiles: each finished tile is copied into its frame's RGBA buffer, and a frame whose every tile has
// arrived is encoded as a PNG (pngjs, fixed options: the same pixels always give the same file bytes).
import { PNG } from "pngjs";
import { StateError } from "../../core/errors.ts";
import type { TileRect } from "./frame-plan.ts";

export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const png = new PNG({ width, height, colorType: 6, inputColorType: 6, bitDepth: 8, inputHasAlpha: true });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png, { colorType: 6, inputColorType: 6, bitDepth: 8, deflateLevel: 6, filterType: -1 });
}

export interface FrameAssembler {
  /** Adds a tile of `frame`; returns the frame's PNG once its last tile is in, else undefined. */
  add(frame: number, rect: TileRect, rgba: Uint8Array): Buffer | undefined;
}

export function createFrameAssembler(options: {
  width: number;
  height: number;
  tilesPerFrame: number;
}): FrameAssembler {
  const { width, height, tilesPerFrame } = options;
  const open = new Map<number, { rgba: Uint8Array; filled: Set<string> }>();
  return {
    add(frame, rect, rgba) {
      if (rgba.length !== rect.w * rect.h * 4) {
        throw new StateError("a tile's pixels do not fill its rectangle", {
          details: { frame, rect, bytes: rgba.length },
        });
      }
      let entry = open.get(frame);
      if (!entry) {
        entry = { rgba: new Uint8Array(width * height * 4), filled: new Set() };
        open.set(frame, entry);
      }
      for (let row = 0; row < rect.h; row++) {
        const from = row * rect.w * 4;
        entry.rgba.set(rgba.subarray(from, from + rect.w * 4), ((rect.y + row) * width + rect.x) * 4);
      }
      entry.filled.add(`${rect.x},${rect.y}`);
      if (entry.filled.size < tilesPerFrame) return undefined;
      open.delete(frame);
      return encodePng(width, height, entry.rgba);
    },
  };
}
