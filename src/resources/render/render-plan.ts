// One render, described once for both ways of running it (on the network or on this machine): the scene, the
// frames, their size, the samples per pixel and the tiling; and the tile specs it cuts into.
import { InvalidInputError } from "../../core/errors.ts";
import { planTiles, type TileRect } from "./frame-plan.ts";
import { sceneHashOf } from "./render-resource.ts";
import type { RenderSpec } from "./render-schemas.ts";
// The default alone, from the tracer's plain types: the plan is loaded by every process, the tracer only by workers.
import { DEFAULT_FPS } from "./tracer/types.ts";

export interface RenderPlan {
  scene: Uint8Array;
  frames: number[];
  width: number;
  height: number;
  spp: number;
  /** Frames per second for animation time; default the tracer's. */
  fps?: number;
  /** Largest tile side in pixels. */
  tile: number;
}

export interface PlannedTile {
  frame: number;
  rect: TileRect;
  spec: RenderSpec;
}

/** Every tile of every frame, frame by frame, each with the spec a provider renders it from. */
export function planRender(plan: RenderPlan): { tiles: PlannedTile[]; tilesPerFrame: number } {
  if (plan.frames.length === 0) throw new InvalidInputError("no frames to render");
  if (!Number.isSafeInteger(plan.spp) || plan.spp < 1 || plan.spp > 65_536) {
    throw new InvalidInputError("spp is a whole number from 1 to 65536");
  }
  const rects = planTiles(plan.width, plan.height, plan.tile);
  const scene = sceneHashOf(plan.scene);
  const fps = plan.fps ?? DEFAULT_FPS;
  const tiles: PlannedTile[] = [];
  for (const frame of plan.frames) {
    for (const rect of rects) {
      tiles.push({
        frame,
        rect,
        spec: {
          scene,
          sceneBytes: plan.scene.length,
          frame,
          fps,
          width: plan.width,
          height: plan.height,
          spp: plan.spp,
          tile: rect,
        },
      });
    }
  }
  return { tiles, tilesPerFrame: rects.length };
}
