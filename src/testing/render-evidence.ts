// Test support: a render tile's signed job.result with the spec and scene behind it, honest or altered, and the claim
// a customer's spot check makes against it: what the fraud-evidence tests of the gateway and the oracles start from.
import { randomBytes, randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Hex } from "viem";
import {
  type Envelope,
  hashSpec,
  messageTypes,
  type NodeKey,
  nodeKeySigner,
  type Receipt,
  sha256Hex,
  signEnvelope,
} from "../protocol/index.ts";
import { planRender, type RenderSpec, renderResource } from "../resources/render/index.ts";

export const sampleScenePath = join(import.meta.dirname, "..", "..", "examples", "scenes", "cornell-box.glb");

export interface RenderEvidence {
  spec: RenderSpec;
  blobs: Record<string, string>;
  honest: Uint8Array;
  altered: Uint8Array;
  /** What the spot check of the altered tile claims. */
  claim: unknown;
}

/** One 16×16 tile of the sample scene, rendered honestly and with three pixels altered, and the claim against it. */
export async function renderTestEvidence(): Promise<RenderEvidence> {
  const scene = new Uint8Array(readFileSync(sampleScenePath));
  const [tile] = planRender({ scene, frames: [1], width: 40, height: 24, spp: 2, tile: 16 }).tiles;
  const spec = tile?.spec as RenderSpec;
  const blobs = new Map<Hex, Uint8Array>([[spec.scene, scene]]);
  const runtime = renderResource.createRuntime({ concurrency: 1 });
  try {
    const honest = (await runtime.run({ spec, blobs })).output;
    const altered = new Uint8Array(honest);
    for (const pixel of [1, 50, 99]) altered[pixel * 4 + 1] = (altered[pixel * 4 + 1] ?? 0) ^ 0x21;
    const policy = { detectionTarget: 0.99, minFraudShare: 0.01 };
    const check = await renderResource.recompute?.check({ spec, blobs, output: altered }, policy, randomInt);
    if (!check || check.ok) throw new Error("the altered tile passed its check");
    return {
      spec,
      blobs: { [spec.scene]: Buffer.from(scene).toString("base64") },
      honest,
      altered,
      claim: check.claim,
    };
  } finally {
    await runtime.close();
  }
}

/** The provider's signed job.result for `output` as the tile of `spec`, to `gateway`, for `customer`. */
export function signTileResult(params: {
  provider: NodeKey;
  gateway: Hex;
  customer: Hex;
  spec: RenderSpec;
  output: Uint8Array;
  resourceType?: string;
  signer?: NodeKey;
}): Promise<Envelope> {
  const receipt: Receipt = {
    jobId: randomBytes(16).toString("hex"),
    attempt: 0,
    customer: params.customer.toLowerCase() as Hex,
    gateway: params.gateway,
    provider: params.provider.publicKey,
    owner: `0x${"0d".repeat(20)}`,
    resourceType: params.resourceType ?? "render",
    specHash: hashSpec(params.spec),
    outputHash: sha256Hex(params.output),
    resultDigest: renderResource.resultDigest({ output: params.output, outcome: {}, metering: {} }),
    deterministic: true,
    price: "1",
    metering: { samples: 512 },
    startedAt: 1,
    finishedAt: 2,
  };
  return signEnvelope(nodeKeySigner(params.signer ?? params.provider), {
    type: messageTypes.jobResult,
    body: { receipt, output: Buffer.from(params.output).toString("base64"), outcome: {} },
    to: params.gateway,
  });
}
