// Single-thread tracer speed on a sample scene: the `samplesPerSecPerCore` figure of the render benchmark.
import { readFileSync } from "node:fs";
import { createTracer } from "./create-tracer.ts";
import { prepareScene } from "./prepare-scene.ts";
import type { PreparedScene } from "./types.ts";

export const SAMPLE_SCENES_URL = new URL("../../../../examples/scenes/", import.meta.url);

export interface SpeedOptions {
  /** Scene to render; the Cornell box sample scene by default. */
  scene?: PreparedScene;
  width?: number;
  height?: number;
  spp?: number;
  frame?: number;
}

export interface SpeedResult {
  samplesPerSec: number;
  samples: number;
  seconds: number;
  width: number;
  height: number;
  spp: number;
  sceneHash: string;
}

/** Renders one frame in this thread (after a warm-up tile that also builds the BVH) and reports samples per second. */
export async function measureSamplesPerSecond(
  options: SpeedOptions = {},
  now: () => number = performance.now.bind(performance),
): Promise<SpeedResult> {
  const scene = options.scene ?? (await prepareScene(readFileSync(new URL("cornell-box.glb", SAMPLE_SCENES_URL))));
  const { width = 96, height = 96, spp = 16, frame = 0 } = options;
  const tracer = await createTracer();
  tracer.renderTile({ scene, frame, width, height, spp: 1, x: 0, y: 0, w: Math.min(8, width), h: Math.min(8, height) });
  const start = now();
  tracer.renderTile({ scene, frame, width, height, spp, x: 0, y: 0, w: width, h: height });
  const seconds = (now() - start) / 1000;
  const samples = width * height * spp;
  return { samplesPerSec: samples / seconds, samples, seconds, width, height, spp, sceneHash: scene.sceneHash };
}
