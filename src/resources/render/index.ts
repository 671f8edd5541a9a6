// Render (tiles of frames of glTF scenes, spot-checked by re-rendering pixels) as a Groundwork resource type.

export { parseFrames, parseSize, planTiles, type TileRect } from "./frame-plan.ts";
export { createFrameAssembler, encodePng, type FrameAssembler } from "./frame-png.ts";
export { type LocalRenderOptions, type LocalRenderResult, renderLocal } from "./render-local.ts";
export { type PlannedTile, planRender, type RenderPlan } from "./render-plan.ts";
export { precheckScene, type RenderClaim, renderResource, sceneHashOf, sharedRenderPool } from "./render-resource.ts";
export {
  defaultRenderOffer,
  type RenderOffer,
  type RenderSpec,
  renderOfferSchema,
  renderSpecSchema,
  tilePixels,
  tileSamples,
} from "./render-schemas.ts";
export { createTileCostEstimator, probeGrid, probePixels } from "./tile-costs.ts";
export {
  createTilePool,
  type ProbeWork,
  RenderInputError,
  RenderWorkerError,
  type TilePool,
  type TileWork,
} from "./tile-pool.ts";
export { createTileQueue, type EstimateTileCosts, type TileQueue, tailWindowFrames } from "./tile-queue.ts";
