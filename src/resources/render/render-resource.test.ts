// The render type against the real tracer: tiles from the runtime compose the frame, the spot re-render passes
// honest tiles and catches altered pixels, fewer samples and wrong sizes, claims prove exactly what they name, and
// hostile scenes are refused by the precheck.
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Hex } from "viem";
import { InvalidInputError } from "../../core/errors.ts";
import type { RecomputePolicy, ResourceRuntime } from "../resource-type.ts";
import { planRender } from "./render-plan.ts";
import { renderResource } from "./render-resource.ts";
import type { RenderSpec } from "./render-schemas.ts";

const scene = new Uint8Array(
  readFileSync(join(import.meta.dirname, "..", "..", "..", "examples", "scenes", "cornell-box.glb")),
);
const policy: RecomputePolicy = { detectionTarget: 0.99, minFraudShare: 0.01 };
const verifier = renderResource.recompute as NonNullable<typeof renderResource.recompute>;
const plan = { scene, frames: [2], width: 40, height: 24, spp: 4, tile: 16 };
const { tiles } = planRender(plan);
const blobs = new Map<Hex, Uint8Array>([[tiles[0]?.spec.scene as Hex, scene]]);
let runtime: ResourceRuntime<RenderSpec>;

before(() => {
  runtime = renderResource.createRuntime({ concurrency: 2 });
});
after(async () => {
  await runtime.close();
});

const render = async (spec: RenderSpec) => (await runtime.run({ spec, blobs })).output;

test("tiles rendered separately compose the frame rendered as one tile, pixel for pixel", async () => {
  const whole = planRender({ ...plan, tile: 64 }).tiles[0]?.spec as RenderSpec;
  const frame = await render(whole);
  assert.equal(frame.length, 40 * 24 * 4);
  for (const { spec, rect } of tiles) {
    const tile = await render(spec);
    assert.equal(tile.length, rect.w * rect.h * 4);
    for (let row = 0; row < rect.h; row++) {
      const at = ((rect.y + row) * 40 + rect.x) * 4;
      assert.deepEqual(tile.subarray(row * rect.w * 4, (row + 1) * rect.w * 4), frame.subarray(at, at + rect.w * 4));
    }
  }
});

test("the spot re-render passes an honest tile and catches 1 % altered pixels, fewer samples and a wrong size", async () => {
  const spec = tiles[0]?.spec as RenderSpec;
  const honest = await render(spec);
  const ok = await verifier.check({ spec, blobs, output: honest }, policy, randomInt);
  assert.equal(ok.ok, true);
  assert.equal(ok.checked, 256, "a 16×16 tile is smaller than 459 pixels: all of it is checked");

  const altered = new Uint8Array(honest);
  for (const pixel of [3, 100, 200]) altered[pixel * 4] = (altered[pixel * 4] ?? 0) ^ 0x5a;
  const caught = await verifier.check({ spec, blobs, output: altered }, policy, randomInt);
  assert.equal(caught.ok, false);
  const claim = (caught as { claim: { kind: string; pixels: number[] } }).claim;
  assert.deepEqual(claim.pixels.length / 2, 3, "the claim names exactly the altered pixels");
  assert.equal(await verifier.refute({ spec, blobs, output: altered }, claim), true);
  assert.equal(await verifier.refute({ spec, blobs, output: honest }, claim), false, "an honest tile is never refuted");

  const lazy = await render(renderResource.underwork?.(spec) as RenderSpec);
  assert.notDeepEqual(lazy, honest);
  assert.equal((await verifier.check({ spec, blobs, output: lazy }, policy, randomInt)).ok, false);

  const short = honest.subarray(0, honest.length - 4);
  const sized = await verifier.check({ spec, blobs, output: short }, policy, randomInt);
  assert.deepEqual(sized.ok ? undefined : sized.claim, { kind: "size" });
  assert.equal(await verifier.refute({ spec, blobs, output: short }, { kind: "size" }), true);
  assert.equal(await verifier.refute({ spec, blobs, output: honest }, { kind: "size" }), false);
});

test("on a big tile the check draws the policy's 459 pixels, and a claim outside the tile or malformed proves nothing", async () => {
  const [big] = planRender({ ...plan, width: 64, height: 64, tile: 64 }).tiles;
  const spec = big?.spec as RenderSpec;
  const honest = await render(spec);
  const check = await verifier.check({ spec, blobs, output: honest }, policy, randomInt);
  assert.deepEqual([check.ok, check.checked], [true, 459]);
  const altered = new Uint8Array(honest);
  altered[0] = (altered[0] ?? 0) ^ 1;
  for (const claim of [
    { kind: "pixels", pixels: [64, 0] },
    { kind: "pixels", pixels: [0] },
    { kind: "pixels", pixels: [] },
    { kind: "other" },
    "nonsense",
    null,
  ]) {
    assert.equal(await verifier.refute({ spec, blobs, output: altered }, claim), false, JSON.stringify(claim));
  }
  assert.equal(await verifier.refute({ spec, blobs, output: altered }, { kind: "pixels", pixels: [0, 0] }), true);
});

test("offers, quotes and the precheck", async () => {
  const spec = tiles[0]?.spec as RenderSpec;
  const offer = { pricePerMegaSample: "1000000", maxTilePixels: 256, maxSpp: 4, maxSceneBytes: scene.length };
  assert.equal(renderResource.accepts(offer, spec), true);
  assert.equal(renderResource.accepts({ ...offer, maxSpp: 3 }, spec), false);
  assert.equal(renderResource.accepts({ ...offer, maxTilePixels: 255 }, spec), false);
  assert.equal(renderResource.accepts({ ...offer, maxSceneBytes: scene.length - 1 }, spec), false);
  assert.equal(renderResource.quote(offer, spec), 1024n, "256 pixels × 4 samples at 1 per sample");
  await renderResource.precheck(spec, blobs);
  const junk = new Uint8Array(Buffer.from("glTF but not really"));
  const [junkTile] = planRender({ ...plan, scene: junk }).tiles;
  await assert.rejects(
    renderResource.precheck(junkTile?.spec as RenderSpec, new Map([[junkTile?.spec.scene as Hex, junk]])),
    InvalidInputError,
  );
  await assert.rejects(renderResource.precheck(spec, new Map([[spec.scene, junk]])), InvalidInputError);
});
