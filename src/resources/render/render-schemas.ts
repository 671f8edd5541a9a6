// What a render provider offers and what one unit of render work is: a rectangle (tile) of one frame of a glTF
// scene, at a size and a sample count. The scene travels as a blob addressed by its sha256.
import type { Hex } from "viem";
import { z } from "zod";

const hash = z.string().regex(/^0x[0-9a-f]{64}$/, "a sha256 as 0x + 64 lower-case hex") as unknown as z.ZodType<Hex>;
const amount = z.string().regex(/^\d{1,78}$/, "an integer amount of token base units");
const count = (max: number) => z.number().int().min(1).max(max);

export const renderOfferSchema = z.object({
  /** Price of one million samples (pixels × samples per pixel), in token base units. */
  pricePerMegaSample: amount,
  /** Largest tile, in pixels. */
  maxTilePixels: count(16_777_216),
  maxSpp: count(65_536),
  /** Largest scene file (.glb) this provider parses. */
  maxSceneBytes: count(1024 ** 3),
});
export type RenderOffer = z.infer<typeof renderOfferSchema>;

export const renderSpecSchema = z
  .object({
    /** sha256 of the .glb. */
    scene: hash,
    /** The scene's size, so an offer's scene limit is checked before the scene is sent. */
    sceneBytes: count(1024 ** 3),
    frame: z.number().int().min(0).max(10_000_000),
    fps: count(1000),
    width: count(16_384),
    height: count(16_384),
    spp: count(65_536),
    tile: z.object({
      x: z.number().int().min(0),
      y: z.number().int().min(0),
      w: count(16_384),
      h: count(16_384),
    }),
  })
  .refine((s) => s.tile.x + s.tile.w <= s.width && s.tile.y + s.tile.h <= s.height, {
    message: "the tile lies outside the frame",
    path: ["tile"],
  });
export type RenderSpec = z.infer<typeof renderSpecSchema>;

/** Defaults a newcomer's provider offers (prices in base units of an 18-decimal token). */
export const defaultRenderOffer: RenderOffer = {
  pricePerMegaSample: (10n ** 15n).toString(),
  maxTilePixels: 1024 * 1024,
  maxSpp: 4096,
  maxSceneBytes: 64 * 1024 ** 2,
};

export function tilePixels(spec: RenderSpec): number {
  return spec.tile.w * spec.tile.h;
}

export function tileSamples(spec: RenderSpec): number {
  return tilePixels(spec) * spec.spp;
}
