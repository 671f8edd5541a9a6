// The node key on disk: its 32-byte Ed25519 seed in a v3 keystore (kind "node"), so it is encrypted like a wallet
// and never mistaken for one. Created once; never overwritten, since the registry binds this exact key.
import { existsSync } from "node:fs";
import type { Hex } from "viem";
import { z } from "zod";
import { StateError } from "../core/errors.ts";
import { readJsonFile, writeJsonAtomic } from "../core/json-file.ts";
import { generateNodeKeySeed, type NodeKey, nodeKeyFromSeed } from "../protocol/index.ts";
import { decryptSecret, defaultKdfCost, encryptSecret, type KdfCost } from "./keystore.ts";

export function createNodeKeyFile(path: string, password: string, cost: KdfCost = defaultKdfCost): NodeKey {
  if (existsSync(path)) {
    throw new StateError("a node key already exists here", {
      details: { path },
      hint: "The registry binds this key to your wallet: keep it. Use another --home for a second node.",
    });
  }
  const seed = generateNodeKeySeed();
  const key = nodeKeyFromSeed(seed);
  writeJsonAtomic(path, encryptSecret(seed, password, { kind: "node", name: key.publicKey }, cost), 0o600);
  return key;
}

export function loadNodeKeyFile(path: string, password: string): NodeKey {
  const file = readJsonFile(path, z.unknown());
  if (file === undefined) {
    throw new StateError("no node key in this home", {
      details: { path },
      hint: "Create one first (`gw provider init` for a provider; a gateway creates its own on first start).",
    });
  }
  return nodeKeyFromSeed(decryptSecret(file, password));
}

/** The node's public key without the password (kept beside the encrypted seed); undefined when there is none. */
export function readNodePublicKey(path: string): Hex | undefined {
  const file = readJsonFile(path, z.object({ "x-groundwork": z.object({ name: z.string().optional() }).optional() }));
  const name = file?.["x-groundwork"]?.name;
  return name && /^0x[0-9a-f]{64}$/.test(name) ? (name as Hex) : undefined;
}
