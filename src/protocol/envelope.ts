// The signed envelope every message between roles travels in: who sent it, to whom, when, a one-time nonce, the
// body, and a signature over the canonical JSON of all of that. Node keys sign with Ed25519; customer wallets with
// secp256k1 (EIP-191), or through a session key the wallet authorized (session-key.ts, carried in `auth`), so a
// customer needs no key besides the wallet that pays.
import { randomBytes } from "node:crypto";
import { type Account, type Hex, recoverMessageAddress } from "viem";
import { z } from "zod";
import { InvalidInputError } from "../core/errors.ts";
import { canonicalJson } from "./canonical-json.ts";
import { type NodeKey, nodeHexBytes, verifyNodeSignatureBytes } from "./node-key.ts";
import type { ReplayGuard } from "./replay-guard.ts";
import { type SessionAuth, type SessionSigner, sessionAuthSchema, verifySessionSignature } from "./session-key.ts";

export const envelopeSchema = z.object({
  v: z.literal(1),
  type: z.string().regex(/^[a-z][a-z0-9.-]{0,63}$/),
  from: z.string().regex(/^0x([0-9a-f]{40}|[0-9a-f]{64})$/, "a lower-case wallet address or node key"),
  to: z
    .string()
    .regex(/^0x([0-9a-f]{40}|[0-9a-f]{64})$/)
    .optional(),
  ts: z.number().int().positive(),
  nonce: z.string().regex(/^[0-9a-f]{32}$/),
  body: z.unknown(),
  /** A wallet sender's session-key authorization: then `sig` is that session key's Ed25519 signature. */
  auth: sessionAuthSchema.optional(),
  sig: z.string().regex(/^0x[0-9a-f]{128}([0-9a-f]{2})?$/),
});

export type Envelope<T = unknown> = Omit<z.infer<typeof envelopeSchema>, "body"> & { body: T };

export type RejectReason =
  | "malformed"
  | "bad-signature"
  | "stale"
  | "replayed"
  | "wrong-recipient"
  | "unexpected-type"
  | "invalid-body";

export class MessageRejectedError extends InvalidInputError {
  override name = "MessageRejectedError";
  readonly reason: RejectReason;

  constructor(reason: RejectReason, message: string, details: Record<string, unknown> = {}) {
    super(message, { details: { reason, ...details } });
    this.reason = reason;
  }
}

/** Signs each payload with the sender's own key. */
export interface KeySigner {
  /** The sender id: a node public key (0x + 64 hex) or a wallet address (0x + 40 hex), lower case. */
  readonly id: Hex;
  sign(payload: Uint8Array): Promise<Hex>;
}

export type MessageSigner = KeySigner | SessionSigner;

export function nodeKeySigner(key: NodeKey): KeySigner {
  return { id: key.publicKey.toLowerCase() as Hex, sign: async (payload) => key.sign(payload) };
}

export function walletSigner(account: Account): KeySigner {
  const signMessage = account.signMessage;
  if (!signMessage) throw new InvalidInputError("this account cannot sign messages");
  return {
    id: account.address.toLowerCase() as Hex,
    sign: (payload) => signMessage({ message: { raw: payload } }),
  };
}

/** The bytes an envelope's signature covers: the canonical JSON of everything in it but the signature. */
export function envelopeSigningPayload(e: Omit<Envelope, "sig">): Uint8Array {
  return Buffer.from(
    canonicalJson({
      v: e.v,
      type: e.type,
      from: e.from,
      to: e.to,
      ts: e.ts,
      nonce: e.nonce,
      body: e.body,
      auth: e.auth,
    }),
  );
}

// Nonces need to be unique, not secret: one call to the OS's random source serves 1,024 of them.
let nonceBytes = Buffer.alloc(0);
let nonceAt = 0;
function freshNonce(): string {
  if (nonceAt + 16 > nonceBytes.length) {
    nonceBytes = randomBytes(16 * 1024);
    nonceAt = 0;
  }
  nonceAt += 16;
  return nonceBytes.toString("hex", nonceAt - 16, nonceAt);
}

function unsignedEnvelope<T>(from: Hex, message: { type: string; body: T; to?: Hex }, ts: number, auth?: SessionAuth) {
  const to = message.to?.toLowerCase() as Hex | undefined;
  return {
    v: 1 as const,
    type: message.type,
    from,
    ...(to ? { to } : {}),
    ts,
    nonce: freshNonce(),
    body: message.body,
    ...(auth ? { auth } : {}),
  };
}

export async function signEnvelope<T>(
  signer: MessageSigner,
  message: { type: string; body: T; to?: Hex },
  now: () => number = Date.now,
): Promise<Envelope<T>> {
  const grant = "session" in signer ? await signer.session(message.to?.toLowerCase() as Hex | undefined) : undefined;
  const unsigned = unsignedEnvelope(signer.id, message, now(), grant?.auth);
  // The body is signed as canonical JSON: encoding it once here guarantees it survives the wire unchanged.
  const roundTripped = JSON.parse(JSON.stringify(unsigned)) as typeof unsigned & { auth?: SessionAuth };
  const payload = envelopeSigningPayload(roundTripped);
  const sig = grant ? grant.sign(payload) : await (signer as KeySigner).sign(payload);
  return { ...roundTripped, sig: sig.toLowerCase() as Hex };
}

/**
 * Signs with a node key on this thread, no promise and no JSON round trip: for a simulation signing a million
 * reports. The body must be plain JSON data (canonicalJson refuses class instances such as Date), so the bytes
 * signed are the bytes the wire carries; strings are kept, not copied.
 */
export function signEnvelopeSync<T>(
  key: NodeKey,
  message: { type: string; body: T; to?: Hex },
  ts: number,
): Envelope<T> {
  const lower = key.publicKey.toLowerCase();
  const unsigned = unsignedEnvelope((lower === key.publicKey ? key.publicKey : lower) as Hex, message, ts);
  return { ...unsigned, sig: key.sign(envelopeSigningPayload(unsigned)).toLowerCase() as Hex };
}

export interface NodeSignedParts {
  publicKey: Buffer;
  payload: Uint8Array;
  signature: Buffer;
}

/**
 * What checking a node-key envelope's signature takes, as bytes (for verifiers on other threads): undefined for a
 * wallet sender, "invalid" when no signature could make it valid (a session grant or a wallet-sized signature on a
 * node key, malformed hex).
 */
export function nodeSignedParts(envelope: Envelope): NodeSignedParts | "invalid" | undefined {
  if (envelope.from.length !== 66) return undefined;
  if (envelope.auth !== undefined || envelope.sig.length !== 130) return "invalid";
  const publicKey = nodeHexBytes(envelope.from.toLowerCase(), 32);
  const signature = nodeHexBytes(envelope.sig, 64);
  if (!publicKey || !signature) return "invalid";
  return { publicKey, payload: envelopeSigningPayload(envelope), signature };
}

export async function verifyEnvelopeSignature(envelope: Envelope): Promise<boolean> {
  const parts = nodeSignedParts(envelope);
  if (parts === "invalid") return false;
  if (parts) return verifyNodeSignatureBytes(parts.publicKey, parts.payload, parts.signature);
  const payload = envelopeSigningPayload(envelope);
  if (envelope.auth) {
    return verifySessionSignature({
      auth: envelope.auth,
      from: envelope.from as Hex,
      to: envelope.to as Hex | undefined,
      ts: envelope.ts,
      payload,
      signature: envelope.sig as Hex,
    });
  }
  if (envelope.sig.length !== 132) return false;
  try {
    const signer = await recoverMessageAddress({ message: { raw: payload }, signature: envelope.sig as Hex });
    return signer.toLowerCase() === envelope.from;
  } catch {
    return false;
  }
}

export interface OpenOptions<S extends z.ZodType> {
  type: string;
  body: S;
  guard: ReplayGuard;
  /** Who must be named in `to`; undefined accepts messages to anyone. */
  recipient?: Hex;
  /** Accepted difference between the sender's clock and ours. */
  maxSkewMs?: number;
  now?: () => number;
}

/**
 * Checks everything about a received message, cheapest first (shape, type, recipient, freshness, signature,
 * replay, body), and returns it typed. Throws MessageRejectedError naming the reason; records nothing on failure,
 * so a rejected message cannot burn a nonce.
 */
export async function openEnvelope<S extends z.ZodType>(
  raw: unknown,
  options: OpenOptions<S>,
): Promise<Envelope<z.infer<S>>> {
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) {
    throw new MessageRejectedError("malformed", "malformed message", {
      issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`),
    });
  }
  const envelope = parsed.data as Envelope;
  if (envelope.type !== options.type) {
    throw new MessageRejectedError("unexpected-type", `expected a ${options.type} message`, { got: envelope.type });
  }
  if (options.recipient && envelope.to !== options.recipient.toLowerCase()) {
    throw new MessageRejectedError("wrong-recipient", "message is addressed to someone else", { to: envelope.to });
  }
  const now = (options.now ?? Date.now)();
  const skew = options.maxSkewMs ?? 60_000;
  if (Math.abs(now - envelope.ts) > skew) {
    throw new MessageRejectedError("stale", "message timestamp outside the accepted window", {
      ts: envelope.ts,
      now,
      maxSkewMs: skew,
    });
  }
  if (!(await verifyEnvelopeSignature(envelope))) {
    throw new MessageRejectedError("bad-signature", "signature does not match the sender", { from: envelope.from });
  }
  const body = options.body.safeParse(envelope.body);
  if (!body.success) {
    throw new MessageRejectedError("invalid-body", `invalid ${options.type} body`, {
      issues: body.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`),
    });
  }
  if (!options.guard.accept(envelope.from, envelope.nonce, envelope.ts)) {
    throw new MessageRejectedError("replayed", "message already received", { nonce: envelope.nonce });
  }
  return { ...envelope, body: body.data };
}
