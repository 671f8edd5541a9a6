// Content-addressed bytes kept by hash, least recently used first out once over a byte budget: what a provider keeps of
// the modules and inputs it was sent, and what a gateway keeps of the blobs customers sent it.
import type { Hex } from "viem";

export interface BlobCache {
  get(hash: Hex): Uint8Array | undefined;
  /** Stores bytes already checked against `hash`. */
  put(hash: Hex, bytes: Uint8Array): void;
  hashes(limit?: number): Hex[];
  readonly bytes: number;
}

export function createBlobCache(options: { maxBytes: number }): BlobCache {
  const entries = new Map<Hex, Uint8Array>();
  let total = 0;
  return {
    get(hash) {
      const bytes = entries.get(hash);
      if (bytes) {
        entries.delete(hash);
        entries.set(hash, bytes);
      }
      return bytes;
    },
    put(hash, bytes) {
      if (bytes.length > options.maxBytes) return;
      const old = entries.get(hash);
      if (old) {
        total -= old.length;
        entries.delete(hash);
      }
      entries.set(hash, bytes);
      total += bytes.length;
      for (const [key, value] of entries) {
        if (total <= options.maxBytes) break;
        entries.delete(key);
        total -= value.length;
      }
    },
    hashes(limit = 10_000) {
      return [...entries.keys()].reverse().slice(0, limit);
    },
    get bytes() {
      return total;
    },
  };
}
