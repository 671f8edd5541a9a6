// Customer session keys: the wallet signs one EIP-191 statement that lets an Ed25519 key speak for it to one gateway
// until an expiry; every envelope then carries that authorization and an Ed25519 signature (native, ~50x cheaper
// than secp256k1 in JS). Verifiers recover the wallet from a statement once and remember it.
import { generateKeyPairSync, sign } from "node:crypto";
import { type Account, type Hex, recoverMessageAddress } from "viem";
import { z } from "zod";
import { InvalidInputError } from "../core/errors.ts";
import { verifyNodeSignature } from "./node-key.ts";

export const sessionAuthSchema = z.strictObject({
  /** The Ed25519 session public key, 0x + 64 hex. */
  key: z.string().regex(/^0x[0-9a-f]{64}$/),
  /** The only recipient (a gateway's node key) that messages signed with this key may be addressed to. */
  gateway: z.string().regex(/^0x[0-9a-f]{64}$/),
  /** Messages timestamped at or after this instant (ms since the epoch) are refused. */
  expires: z.number().int().positive(),
  /** The wallet's EIP-191 signature over sessionStatement(...). */
  sig: z.string().regex(/^0x[0-9a-f]{130}$/),
});
export type SessionAuth = z.infer<typeof sessionAuthSchema>;

/** What the wallet signs: plain text, so a wallet UI shows the person what they grant. */
export function sessionStatement(auth: Pick<SessionAuth, "key" | "gateway" | "expires">): string {
  return [
    "Groundwork session key",
    `key: ${auth.key}`,
    `gateway: ${auth.gateway}`,
    `expires: ${new Date(auth.expires).toISOString()} (${auth.expires})`,
  ].join("\n");
}

// Recovering a wallet from a statement costs milliseconds; the same authorization arrives with every message of a
// session. Only successful recoveries are kept (a forged statement recovers to some other address, which is kept too,
// harmlessly: it never matches the sender it claims).
const recovered = new Map<string, Promise<Hex | undefined>>();
const recoveredLimit = 10_000;

function walletOf(auth: SessionAuth): Promise<Hex | undefined> {
  const cacheKey = `${auth.key}/${auth.gateway}/${auth.expires}/${auth.sig}`;
  let entry = recovered.get(cacheKey);
  if (!entry) {
    entry = recoverMessageAddress({ message: sessionStatement(auth), signature: auth.sig as Hex }).then(
      (address) => address.toLowerCase() as Hex,
      () => undefined,
    );
    if (recovered.size >= recoveredLimit) recovered.delete(recovered.keys().next().value as string);
    recovered.set(cacheKey, entry);
  }
  return entry;
}

/**
 * Whether `signature` over `payload` was made by a session key that `from` authorized for a message to `to`,
 * timestamped `ts`. Never throws.
 */
export async function verifySessionSignature(params: {
  auth: SessionAuth;
  from: Hex;
  to: Hex | undefined;
  ts: number;
  payload: Uint8Array;
  signature: Hex;
}): Promise<boolean> {
  const { auth } = params;
  if (params.to !== auth.gateway || params.ts >= auth.expires || params.signature.length !== 130) return false;
  if (!verifyNodeSignature(auth.key as Hex, params.payload, params.signature)) return false;
  return (await walletOf(auth)) === params.from;
}

export interface SessionSignerOptions {
  account: Account;
  /** The gateway (node key) the session is bound to. */
  gateway: Hex;
  /** How long one authorization lasts. Default one hour. */
  ttlMs?: number;
  now?: () => number;
}

/** One session's authorization and the key that signs under it, taken together so a renewal cannot split them. */
export interface SessionGrant {
  auth: SessionAuth;
  sign(payload: Uint8Array): Hex;
}

/**
 * A message signer (envelope.ts) for a wallet that speaks through session keys: an Ed25519 key pair held in memory
 * only, authorized by the wallet once and renewed before it runs out.
 */
export interface SessionSigner {
  readonly id: Hex;
  session(to: Hex | undefined): Promise<SessionGrant>;
}

export function createSessionSigner(options: SessionSignerOptions): SessionSigner {
  const signMessage = options.account.signMessage;
  if (!signMessage) throw new InvalidInputError("this account cannot sign messages");
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? 3_600_000;
  if (!Number.isInteger(ttlMs) || ttlMs < 60_000 || ttlMs > 30 * 86_400_000) {
    throw new InvalidInputError("a session lasts from one minute to 30 days", { details: { ttlMs } });
  }
  const gateway = options.gateway.toLowerCase() as Hex;
  // A fresh key per authorization: an old key's messages stop verifying when its authorization expires.
  let current: { grant: Promise<SessionGrant>; expires: number } | undefined;
  // Renew while a quarter of the lifetime is left, so a message signed now is still fresh when it is checked.
  const renewAt = (expires: number) => expires - Math.max(30_000, ttlMs / 4);

  function session(): Promise<SessionGrant> {
    if (current && now() < renewAt(current.expires)) return current.grant;
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
    const unsigned = { key: `0x${raw.toString("hex")}`, gateway, expires: now() + ttlMs };
    const grant = (signMessage as NonNullable<Account["signMessage"]>)({ message: sessionStatement(unsigned) }).then(
      (sig): SessionGrant => ({
        auth: { ...unsigned, sig: sig.toLowerCase() },
        sign: (payload) => `0x${sign(null, payload, privateKey).toString("hex")}` as Hex,
      }),
    );
    const next = { grant, expires: unsigned.expires };
    grant.catch(() => {
      if (current === next) current = undefined;
    });
    current = next;
    return grant;
  }

  return {
    id: options.account.address.toLowerCase() as Hex,
    async session(to) {
      if (to?.toLowerCase() !== gateway) {
        throw new InvalidInputError("a session key signs only messages to the gateway it is bound to", {
          details: { gateway, to },
        });
      }
      return session();
    },
  };
}
