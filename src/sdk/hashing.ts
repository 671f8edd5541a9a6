// The hashes a customer and a provider must compute alike: blob addresses and the spec hash a receipt names.
import { createHash } from "node:crypto";
import type { Hex } from "viem";
import { canonicalJson } from "../protocol/index.ts";

export function sha256Bytes(bytes: Uint8Array | string): Hex {
  return `0x${createHash("sha256").update(bytes).digest("hex")}`;
}

/** sha256 of the canonical JSON of a spec: what `receipt.specHash` names. */
export function hashSpec(spec: unknown): Hex {
  return sha256Bytes(canonicalJson(spec));
}
