// A blob's sha256 and base64, computed once per byte array for as long as it lives: both cost as much as the blob is
// large, and a render sends the same scene with every tile. A byte array given as a blob must not change afterwards.
import { sha256Hex } from "../protocol/index.ts";

const encodedBlobs = new WeakMap<Uint8Array, { hash: string; base64: string }>();

export function encodeBlob(bytes: Uint8Array): { hash: string; base64: string } {
  let encoded = encodedBlobs.get(bytes);
  if (!encoded) {
    encoded = {
      hash: sha256Hex(bytes),
      base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"),
    };
    encodedBlobs.set(bytes, encoded);
  }
  return encoded;
}
