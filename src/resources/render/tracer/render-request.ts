// Validation of render requests: frame size, samples, tile rectangle and pixel lists, with typed errors.
import { z } from "zod";
import { InvalidInputError } from "../../../core/errors.ts";
import { DEFAULT_FPS } from "./types.ts";

/** Largest frame side in pixels; pixel indices (y·width + x) stay below 2^28. */
export const MAX_FRAME_SIDE = 16_384;
/** Most samples per pixel one request may ask for. */
export const MAX_SPP = 65_536;

export const frameSettingsSchema = z.object({
  frame: z.number().int().min(0).max(10_000_000),
  fps: z.number().positive().max(1000).default(DEFAULT_FPS),
  width: z.number().int().min(1).max(MAX_FRAME_SIDE),
  height: z.number().int().min(1).max(MAX_FRAME_SIDE),
  spp: z.number().int().min(1).max(MAX_SPP),
});

export type FrameSettings = z.infer<typeof frameSettingsSchema>;

export function parseFrameSettings(request: unknown): FrameSettings {
  const parsed = frameSettingsSchema.safeParse(request);
  if (!parsed.success)
    throw new InvalidInputError("invalid render request", {
      details: { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
    });
  return parsed.data;
}

const tileSchema = z.object({
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  w: z.number().int().min(1),
  h: z.number().int().min(1),
});

/** The tile rectangle, checked to lie inside the frame. */
export function parseTile(request: unknown, frame: FrameSettings): z.infer<typeof tileSchema> {
  const parsed = tileSchema.safeParse(request);
  if (!parsed.success || parsed.data.x + parsed.data.w > frame.width || parsed.data.y + parsed.data.h > frame.height)
    throw new InvalidInputError("tile is outside the frame", { details: { width: frame.width, height: frame.height } });
  return parsed.data;
}

/** The (x, y) pair list, checked to be whole pairs inside the frame. */
export function checkPixels(pixels: unknown, frame: FrameSettings): Uint32Array {
  if (!(pixels instanceof Uint32Array) || pixels.length % 2 !== 0)
    throw new InvalidInputError("pixels must be a Uint32Array of x, y pairs");
  for (let i = 0; i < pixels.length; i += 2) {
    if ((pixels[i] as number) >= frame.width || (pixels[i + 1] as number) >= frame.height)
      throw new InvalidInputError("pixel is outside the frame", { details: { x: pixels[i], y: pixels[i + 1] } });
  }
  return pixels;
}
