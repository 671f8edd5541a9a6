// The deterministic path tracer behind the render resource: glTF in, bit-identical RGBA8 pixels out on every machine.
//
// API (stable; render-net codes against it):
//   prepareScene(glb, { limits? }): Promise<PreparedScene>      parse + validate a .glb (SceneError on bad input)
//   frameBuffer(scene, frame, fps?): Uint8Array                 the flattened scene for one frame (what WASM reads)
//   createTracer(): Promise<Tracer>                             one WASM instance for this thread
//     tracer.renderTile({ scene, frame, fps?, width, height, spp, x, y, w, h }) -> RGBA8 w*h*4
//     tracer.renderPixels({ scene, frame, fps?, width, height, spp, pixels }) -> RGBA8 per listed pixel
//   renderFrameLocal(scene, { frame, fps?, width, height, spp }): Promise<Uint8Array>   whole frame, this thread
//   measureSamplesPerSecond(options?): Promise<SpeedResult>                            single-thread speed
export { createTracer, TRACER_WASM_URL } from "./create-tracer.ts";
export { frameBuffer } from "./frame-buffer.ts";
export {
  measureSamplesPerSecond,
  SAMPLE_SCENES_URL,
  type SpeedOptions,
  type SpeedResult,
} from "./measure-samples-per-second.ts";
export { type PrepareSceneOptions, prepareScene } from "./prepare-scene.ts";
export { type LocalFrameOptions, renderFrameLocal } from "./render-frame-local.ts";
export { frameSettingsSchema, MAX_FRAME_SIDE, MAX_SPP } from "./render-request.ts";
export { buildCornellBox, buildTurntable } from "./sample-scenes.ts";
export { SceneError } from "./scene-error.ts";
export { defaultSceneLimits, sceneLimitsSchema } from "./scene-limits.ts";
export {
  DEFAULT_FPS,
  type FrameRequest,
  type PixelsRequest,
  type PreparedScene,
  type SceneLimits,
  type SceneStats,
  type TileRequest,
  type Tracer,
} from "./types.ts";
