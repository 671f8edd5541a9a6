// Web3 Secret Storage v3 (the geth / Foundry keystore format): scrypt + AES-128-CTR + keccak MAC, so keys move
// between `gw`, `cast wallet` and geth. The same container holds Ed25519 node keys (32-byte seeds).
import { createCipheriv, createDecipheriv, randomBytes, randomUUID, scryptSync, timingSafeEqual } from "node:crypto";
import { scrypt } from "@noble/hashes/scrypt.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { z } from "zod";
import { InvalidInputError } from "../core/errors.ts";

export interface KdfCost {
  /** scrypt N (a power of two). geth uses 2^18; we default to 2^17 to keep the CLI responsive. */
  n: number;
  r: number;
  p: number;
}

export const defaultKdfCost: KdfCost = { n: 2 ** 17, r: 8, p: 1 };
// Files from elsewhere may ask for any cost; bound it so a hostile file cannot exhaust memory.
const maxScryptMemory = 1024 * 1024 * 1024;

const hex = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^(0x)?[0-9a-fA-F]{${bytes * 2}}$`), `expected ${bytes} bytes of hex`)
    .transform((s) => Buffer.from(s.replace(/^0x/, ""), "hex"));

export const keystoreFileSchema = z.object({
  version: z.literal(3),
  id: z.string(),
  address: z.string().optional(),
  crypto: z.object({
    cipher: z.literal("aes-128-ctr"),
    ciphertext: z
      .string()
      .regex(/^(0x)?([0-9a-fA-F]{2})+$/)
      .transform((s) => Buffer.from(s.replace(/^0x/, ""), "hex")),
    cipherparams: z.object({ iv: hex(16) }),
    kdf: z.literal("scrypt"),
    kdfparams: z.object({
      dklen: z.literal(32),
      n: z
        .number()
        .int()
        .refine((n) => n > 1 && (n & (n - 1)) === 0, "n must be a power of two"),
      r: z.number().int().positive(),
      p: z.number().int().positive(),
      salt: z
        .string()
        .regex(/^(0x)?([0-9a-fA-F]{2}){16,64}$/)
        .transform((s) => Buffer.from(s.replace(/^0x/, ""), "hex")),
    }),
    mac: hex(32),
  }),
  // Groundwork's own fields: what the secret is, so a node key is never mistaken for a wallet.
  "x-groundwork": z.object({ kind: z.enum(["wallet", "node"]), name: z.string().optional() }).optional(),
});

export type KeystoreFile = z.input<typeof keystoreFileSchema>;
export type SecretKind = "wallet" | "node";

export class WrongPasswordError extends InvalidInputError {
  override name = "WrongPasswordError";
}

function deriveKey(password: string, salt: Buffer, cost: KdfCost): Buffer {
  // OpenSSL's scrypt needs 128·r·(N + 2) bytes for V plus 128·r·p for B.
  const memory = 128 * cost.r * (cost.n + 2 + cost.p);
  if (memory > maxScryptMemory) {
    throw new InvalidInputError("keystore asks for too much scrypt memory", {
      details: { n: cost.n, r: cost.r, p: cost.p },
    });
  }
  const secret = password.normalize("NFKC");
  // OpenSSL refuses N >= 2^(16·r) (RFC 7914's bound), which some older keystores use (r = 1): noble's scrypt
  // computes those instead, more slowly.
  if (cost.r * 16 < 53 && cost.n >= 2 ** (16 * cost.r)) {
    return Buffer.from(scrypt(secret, salt, { N: cost.n, r: cost.r, p: cost.p, dkLen: 32, maxmem: memory + 2 ** 24 }));
  }
  return scryptSync(secret, salt, 32, { N: cost.n, r: cost.r, p: cost.p, maxmem: memory + 2 ** 24 });
}

function mac(derived: Buffer, ciphertext: Buffer): Buffer {
  return Buffer.from(keccak_256(Buffer.concat([derived.subarray(16, 32), ciphertext])));
}

export function encryptSecret(
  secret: Uint8Array,
  password: string,
  meta: { kind: SecretKind; address?: string; name?: string },
  cost: KdfCost = defaultKdfCost,
): KeystoreFile {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const derived = deriveKey(password, salt, cost);
  const cipher = createCipheriv("aes-128-ctr", derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
  return {
    version: 3,
    id: randomUUID(),
    ...(meta.address ? { address: meta.address.replace(/^0x/, "").toLowerCase() } : {}),
    crypto: {
      cipher: "aes-128-ctr",
      ciphertext: ciphertext.toString("hex"),
      cipherparams: { iv: iv.toString("hex") },
      kdf: "scrypt",
      kdfparams: { dklen: 32, n: cost.n, r: cost.r, p: cost.p, salt: salt.toString("hex") },
      mac: mac(derived, ciphertext).toString("hex"),
    },
    "x-groundwork": { kind: meta.kind, ...(meta.name ? { name: meta.name } : {}) },
  };
}

export function decryptSecret(file: unknown, password: string): Uint8Array {
  const parsed = keystoreFileSchema.safeParse(file);
  if (!parsed.success) {
    throw new InvalidInputError("not a version 3 scrypt keystore", {
      details: { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
    });
  }
  const { crypto } = parsed.data;
  const derived = deriveKey(password, crypto.kdfparams.salt, crypto.kdfparams);
  if (!timingSafeEqual(mac(derived, crypto.ciphertext), crypto.mac)) {
    throw new WrongPasswordError("wrong password for this keystore", {
      hint: "Check the password (or the file given by --password-file / GW_PASSWORD).",
    });
  }
  const decipher = createDecipheriv("aes-128-ctr", derived.subarray(0, 16), crypto.cipherparams.iv);
  return new Uint8Array(Buffer.concat([decipher.update(crypto.ciphertext), decipher.final()]));
}
