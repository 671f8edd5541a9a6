// The hashes every role must compute alike: blob addresses (sha256 of the bytes) and the spec hash a receipt names
// (sha256 of the canonical JSON of the spec exactly as the customer signed it).
import { createHash } from "node:crypto";
import type { Hex } from "viem";
import { canonicalJson } from "./canonical-json.ts";

export function sha256Hex(bytes: Uint8Array | string): Hex {
  return `0x${createHash("sha256").update(bytes).digest("hex")}`;
}

export function hashSpec(spec: unknown): Hex {
  return sha256Hex(canonicalJson(spec));
}
