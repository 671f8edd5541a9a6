// Size limits for scenes, with defaults large enough for real scenes and small enough to keep a provider alive.
import { z } from "zod";
import type { SceneLimits } from "./types.ts";

export const defaultSceneLimits: SceneLimits = {
  maxBytes: 64 * 1024 * 1024,
  maxTriangles: 2_000_000,
  maxNodes: 20_000,
  maxTextures: 64,
  maxTexturePixels: 32 * 1024 * 1024,
  maxKeyframes: 1_000_000,
  maxAccessors: 100_000,
  maxLights: 256,
};

const count = z.number().int().nonnegative();

export const sceneLimitsSchema = z
  .object({
    maxBytes: count,
    maxTriangles: count.max(16_000_000),
    maxNodes: count,
    maxTextures: count.max(65_536),
    maxTexturePixels: count.max(256 * 1024 * 1024),
    maxKeyframes: count,
    maxAccessors: count,
    maxLights: count.max(65_536),
  })
  .partial();

/** Defaults overridden by the caller's (validated) limits. */
export function resolveSceneLimits(limits: unknown): SceneLimits {
  return { ...defaultSceneLimits, ...sceneLimitsSchema.parse(limits ?? {}) };
}
