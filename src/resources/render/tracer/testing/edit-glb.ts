// Test helper: rewrites the JSON (and optionally the BIN chunk) of a .glb, for building hostile scenes from good ones.

export interface GlbParts {
  // biome-ignore lint/suspicious/noExplicitAny: tests reach into arbitrary (often deliberately broken) glTF JSON
  json: any;
  bin: Uint8Array;
}

export function splitGlb(glb: Uint8Array): GlbParts {
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  const jsonLength = view.getUint32(12, true);
  const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + jsonLength)));
  const binLength = 20 + jsonLength + 8 <= glb.byteLength ? view.getUint32(20 + jsonLength, true) : 0;
  const bin = glb.slice(28 + jsonLength, 28 + jsonLength + binLength);
  return { json, bin };
}

function pad(bytes: Uint8Array, fill: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4).fill(fill);
  out.set(bytes);
  return out;
}

export function joinGlb({ json, bin }: GlbParts): Uint8Array {
  const jsonBytes = pad(new TextEncoder().encode(JSON.stringify(json)), 0x20);
  const binBytes = pad(bin, 0);
  const total = 12 + 8 + jsonBytes.byteLength + (binBytes.byteLength > 0 ? 8 + binBytes.byteLength : 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x46546c67, true);
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonBytes.byteLength, true);
  view.setUint32(16, 0x4e4f534a, true);
  out.set(jsonBytes, 20);
  if (binBytes.byteLength > 0) {
    const at = 20 + jsonBytes.byteLength;
    view.setUint32(at, binBytes.byteLength, true);
    view.setUint32(at + 4, 0x004e4942, true);
    out.set(binBytes, at + 8);
  }
  return out;
}

/** A copy of `glb` with `edit` applied to its parsed JSON and BIN chunk. */
export function editGlb(glb: Uint8Array, edit: (parts: GlbParts) => void): Uint8Array {
  const parts = splitGlb(glb);
  edit(parts);
  return joinGlb(parts);
}
