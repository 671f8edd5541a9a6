// Ed25519 node keys through node:crypto (native, ~12k verifies/s per core): raw 32-byte keys as 0x-hex, the form
// the ProviderRegistry stores. Used for every off-chain message a provider, gateway or oracle signs.
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify } from "node:crypto";
import type { Hex } from "viem";
import { InvalidInputError } from "../core/errors.ts";

// DER prefixes that wrap a raw 32-byte Ed25519 seed (PKCS#8) or public key (SPKI) for node:crypto.
const pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");
const spkiPrefix = Buffer.from("302a300506032b6570032100", "hex");

export interface NodeKey {
  /** The raw public key, 0x + 64 hex: the node's identity on chain and off. */
  publicKey: Hex;
  sign(message: Uint8Array): Hex;
}

function rawBytes(hex: string, what: string, length: number): Buffer {
  if (!/^0x[0-9a-fA-F]*$/.test(hex) || hex.length !== 2 + length * 2) {
    throw new InvalidInputError(`invalid ${what}`, { details: { expected: `0x + ${length * 2} hex digits` } });
  }
  return Buffer.from(hex.slice(2), "hex");
}

export function nodeKeyFromSeed(seed: Uint8Array): NodeKey {
  if (seed.length !== 32) throw new InvalidInputError("an Ed25519 seed is 32 bytes");
  const privateKey = createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const publicKey = `0x${spki.subarray(spkiPrefix.length).toString("hex")}` as Hex;
  return {
    publicKey,
    sign: (message) => `0x${sign(null, message, privateKey).toString("hex")}` as Hex,
  };
}

export function generateNodeKeySeed(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

// Parsing a public key costs more than verifying with it: keep the recent ones.
const publicKeyCache = new Map<string, KeyObject>();

/** A node public key (0x + 64 hex) as a node:crypto KeyObject, for callers that keep their own key cache. */
export function nodePublicKeyObject(publicKey: Hex): KeyObject {
  return createPublicKey({
    key: Buffer.concat([spkiPrefix, rawBytes(publicKey, "node public key", 32)]),
    format: "der",
    type: "spki",
  });
}

function publicKeyObject(publicKey: Hex): KeyObject {
  let key = publicKeyCache.get(publicKey);
  if (!key) {
    key = nodePublicKeyObject(publicKey);
    if (publicKeyCache.size > 10_000) publicKeyCache.clear();
    publicKeyCache.set(publicKey, key);
  }
  return key;
}

export function verifyNodeSignature(publicKey: Hex, message: Uint8Array, signature: Hex): boolean {
  let sig: Buffer;
  let key: KeyObject;
  try {
    sig = rawBytes(signature, "signature", 64);
    key = publicKeyObject(publicKey.toLowerCase() as Hex);
  } catch {
    return false;
  }
  return verify(null, message, key, sig);
}
