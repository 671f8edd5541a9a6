// Ed25519 node keys through node:crypto (native, ~12k verifies/s per core): raw 32-byte keys as 0x-hex, the form
// the ProviderRegistry stores. Used for every off-chain message a provider, gateway or oracle signs.
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign, verify } from "node:crypto";
import type { Hex } from "viem";
import { InvalidInputError } from "../core/errors.ts";

// The DER prefix that wraps a raw 32-byte Ed25519 seed as PKCS#8 for node:crypto.
const pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");

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
  const privateKey = privateKeyObject(Buffer.from(seed));
  const publicKey =
    `0x${Buffer.from(privateKey.export({ format: "jwk" }).x as string, "base64url").toString("hex")}` as Hex;
  return {
    publicKey,
    sign: (message) => `0x${sign(null, message, privateKey).toString("hex")}` as Hex,
  };
}

// A raw key imported as JWK skips OpenSSL's DER decoders: about 7x cheaper than PKCS#8 or SPKI, which matters when
// a simulation makes 100,000 keys or an oracle meets 100,000 senders. Node reads only `d` from a private OKP JWK;
// should a later Node insist on a matching `x`, the DER form below still works.
function privateKeyObject(seed: Buffer): KeyObject {
  try {
    return createPrivateKey({
      key: { kty: "OKP", crv: "Ed25519", d: seed.toString("base64url"), x: "" },
      format: "jwk",
    });
  } catch {
    return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed]), format: "der", type: "pkcs8" });
  }
}

export function generateNodeKeySeed(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

/** A node public key (0x + 64 hex) as a node:crypto KeyObject, for callers that keep their own key cache. */
export function nodePublicKeyObject(publicKey: Hex): KeyObject {
  return publicKeyFromBytes(rawBytes(publicKey, "node public key", 32));
}

function publicKeyFromBytes(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(raw).toString("base64url") },
    format: "jwk",
  });
}

// Parsing a public key costs about as much as verifying with it, so verifiers keep them. The cache holds a whole
// network's senders (an oracle judging 100,000 hotspots' reports meets each many times, in any order); past that it
// drops the least recently used, never everything at once.
const PUBLIC_KEY_CACHE_SIZE = 250_000;
const publicKeyCache = new Map<string, KeyObject>();

function cachedPublicKey(id: string, raw: Uint8Array): KeyObject {
  let key = publicKeyCache.get(id);
  if (key) {
    // Map order is insertion order: moving a hit to the end keeps the oldest unused key first in line to go.
    publicKeyCache.delete(id);
  } else {
    key = publicKeyFromBytes(raw);
    if (publicKeyCache.size >= PUBLIC_KEY_CACHE_SIZE)
      publicKeyCache.delete(publicKeyCache.keys().next().value as string);
  }
  publicKeyCache.set(id, key);
  return key;
}

/** The raw bytes of a node key (32) or signature (64) in 0x-hex; undefined when malformed. */
export function nodeHexBytes(hex: string, length: 32 | 64): Buffer | undefined {
  try {
    return rawBytes(hex, length === 32 ? "node public key" : "signature", length);
  } catch {
    return undefined;
  }
}

export function verifyNodeSignature(publicKey: Hex, message: Uint8Array, signature: Hex): boolean {
  const sig = nodeHexBytes(signature, 64);
  const id = publicKey.toLowerCase();
  const raw = nodeHexBytes(id, 32);
  if (!sig || !raw) return false;
  return verifyWith(id, raw, message, sig);
}

function verifyWith(id: string, raw: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, message, cachedPublicKey(id, raw), signature);
  } catch {
    return false; // bytes that are no Ed25519 key sign nothing
  }
}

/** The same check on raw bytes (32-byte key, 64-byte signature), as the verify workers receive them. */
export function verifyNodeSignatureBytes(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const id = `0x${Buffer.from(publicKey.buffer, publicKey.byteOffset, 32).toString("hex")}`;
  return verifyWith(id, publicKey, message, signature);
}
