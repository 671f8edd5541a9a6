// Renders a whole frame in this thread: what `gw render --local` does per frame, and the reference that network
// renders must equal byte for byte.
import { createTracer } from "./create-tracer.ts";
import type { PreparedScene, Tracer } from "./types.ts";

export interface LocalFrameOptions {
  frame: number;
  fps?: number;
  width: number;
  height: number;
  spp: number;
  /** Reuse a tracer across frames; a new one is created otherwise. */
  tracer?: Tracer;
}

/** RGBA8 pixels of the full frame, rows top to bottom (width·height·4 bytes). */
export async function renderFrameLocal(scene: PreparedScene, options: LocalFrameOptions): Promise<Uint8Array> {
  const tracer = options.tracer ?? (await createTracer());
  const { tracer: _, ...frame } = options;
  return tracer.renderTile({ ...frame, scene, x: 0, y: 0, w: options.width, h: options.height });
}
