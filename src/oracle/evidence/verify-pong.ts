// A liveness answer: a `challenge.pong` envelope signed by the challenged node key, body {nonce, oracle}. The hot
// path of an oracle's intake, so the envelope is checked by hand (exactly as strict as envelopeSchema plus
// challengePongBody, extra body fields refused) and its signing payload is written directly as canonical JSON
// instead of re-encoding the object.

import type { KeyObject } from "node:crypto";
import { verify } from "node:crypto";
import type { Hex } from "viem";
import { messageTypes, nodePublicKeyObject, type ReplayGuard } from "../../protocol/index.ts";
import { isHexString } from "../sort-hex-keys.ts";
import { EvidenceRejectedError } from "./evidence-error.ts";

export interface VerifiedPong {
  /** The node key that answered (the envelope's signer). */
  nodeKey: Hex;
  /** The challenge nonce it answered. */
  nonce: Hex;
  /** The oracle the answer names (lower case). */
  oracle: Hex;
  /** The answer's own timestamp (ms), signed by the node. */
  answeredAt: number;
}

export interface VerifyPongOptions {
  /** The oracle that challenged: the body must name it, and `to` (when present) must be it. */
  oracle: Hex;
  /** The challenge being answered, when known: signer and nonce must match. */
  challenge?: { nodeKey: Hex; nonce: Hex };
  /**
   * Live intake: with a guard, the pong must be fresh (±maxSkewMs of now) and is accepted once. Bundle verification
   * (pongs recorded by another oracle) passes none and checks the pong's time against the challenge's itself.
   */
  guard?: ReplayGuard;
  now?: () => number;
  /** Default 60 s, as openEnvelope. */
  maxSkewMs?: number;
}

/** A pong whose shape, type, recipient, body and freshness have been checked; the signature not yet. */
export interface PongCandidate extends VerifiedPong {
  sig: string;
  envelopeNonce: string;
  /** The canonical JSON the signature covers. */
  payload: string;
}

const TYPE_PATTERN = /^[a-z][a-z0-9.-]{0,63}$/;
const ENVELOPE_NONCE = /^[0-9a-f]{32}$/;

function malformed(message: string, field: string): EvidenceRejectedError {
  return new EvidenceRejectedError("malformed", message, { field });
}

/**
 * Checks everything but the signature and replay, cheapest first: shape (as envelopeSchema), type, recipient,
 * freshness (when `now` is given), body (as challengePongBody), oracle, and the challenge when given.
 */
export function readPong(
  raw: unknown,
  options: { oracle: string; challenge?: { nodeKey: Hex; nonce: Hex }; now?: number; maxSkewMs?: number },
): PongCandidate {
  const e = (typeof raw === "string" ? parseJson(raw) : raw) as Record<string, unknown> | null;
  if (typeof e !== "object" || e === null || Array.isArray(e)) throw malformed("malformed message", "envelope");
  if (e.v !== 1) throw malformed("malformed message: unknown version", "v");
  const type = e.type;
  if (typeof type !== "string" || !TYPE_PATTERN.test(type)) throw malformed("malformed message", "type");
  const from = e.from;
  if (!isHexString(from, 64)) {
    if (isHexString(from, 40)) throw malformed("a pong is signed by a node key, not a wallet", "from");
    throw malformed("malformed message", "from");
  }
  const to = e.to;
  if (to !== undefined && !isHexString(to, 40) && !isHexString(to, 64)) throw malformed("malformed message", "to");
  const ts = e.ts;
  if (typeof ts !== "number" || !Number.isSafeInteger(ts) || ts <= 0) throw malformed("malformed message", "ts");
  const nonce = e.nonce;
  if (typeof nonce !== "string" || !ENVELOPE_NONCE.test(nonce)) throw malformed("malformed message", "nonce");
  const sig = e.sig;
  if (!isHexString(sig, 128)) throw malformed("malformed message", "sig");
  if (type !== messageTypes.challengePong) {
    throw new EvidenceRejectedError("unexpected-type", `expected a ${messageTypes.challengePong} message`, {
      got: type,
    });
  }
  const oracle = options.oracle.toLowerCase();
  if (to !== undefined && to !== oracle) {
    throw new EvidenceRejectedError("wrong-recipient", "pong is addressed to someone else", { to });
  }
  if (options.now !== undefined) {
    const skew = options.maxSkewMs ?? 60_000;
    if (Math.abs(options.now - ts) > skew) {
      throw new EvidenceRejectedError("stale", "message timestamp outside the accepted window", {
        ts,
        now: options.now,
        maxSkewMs: skew,
      });
    }
  }
  const body = e.body as Record<string, unknown> | null;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new EvidenceRejectedError("invalid-body", "invalid challenge.pong body", { issues: ["body: an object"] });
  }
  let fields = 0;
  for (const _ in body) fields++;
  const challengeNonce = body.nonce;
  const named = body.oracle;
  if (fields !== 2 || !isHexString(challengeNonce, 64) || !isHexString(named, 40, true)) {
    throw new EvidenceRejectedError("invalid-body", "invalid challenge.pong body", {
      issues: ["body: exactly {nonce: 0x + 64 lower-case hex, oracle: address}"],
    });
  }
  const namedOracle = named.toLowerCase() as Hex;
  if (namedOracle !== oracle) {
    throw new EvidenceRejectedError("wrong-oracle", "pong answers another oracle", { oracle: namedOracle });
  }
  if (options.challenge && (options.challenge.nodeKey !== from || options.challenge.nonce !== challengeNonce)) {
    throw new EvidenceRejectedError("unknown-challenge", "pong does not answer this challenge", {
      nodeKey: from,
      nonce: challengeNonce,
    });
  }
  // canonicalJson of {v, type, from, to, ts, nonce, body}: keys sorted, every string already checked to need no
  // escaping, ts a safe integer.
  const payload =
    `{"body":{"nonce":"${challengeNonce}","oracle":"${named}"},"from":"${from}","nonce":"${nonce}",` +
    (to === undefined ? "" : `"to":"${to}",`) +
    `"ts":${ts},"type":"${type}","v":1}`;
  return {
    nodeKey: from,
    nonce: challengeNonce,
    oracle: namedOracle,
    answeredAt: ts,
    sig,
    envelopeNonce: nonce,
    payload,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw malformed("malformed message: not JSON", "envelope");
  }
}

/** Whether the candidate's signature verifies under `key` (its signer's key object). */
export function pongSignatureValid(candidate: PongCandidate, key: KeyObject): boolean {
  return verify(null, Buffer.from(candidate.payload), key, Buffer.from(candidate.sig.slice(2), "hex"));
}

/**
 * Verifies one pong: shape, type, recipient, body, oracle, challenge (when given), signature, and with a guard
 * freshness and replay. Throws EvidenceRejectedError naming the reason; a rejected pong burns no nonce.
 */
export function verifyPong(raw: unknown, options: VerifyPongOptions): VerifiedPong {
  const candidate = readPong(raw, {
    oracle: options.oracle,
    challenge: options.challenge,
    now: options.guard ? (options.now ?? Date.now)() : undefined,
    maxSkewMs: options.maxSkewMs,
  });
  let valid = false;
  try {
    valid = pongSignatureValid(candidate, nodePublicKeyObject(candidate.nodeKey));
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new EvidenceRejectedError("bad-signature", "signature does not match the sender", {
      from: candidate.nodeKey,
    });
  }
  if (options.guard && !options.guard.accept(candidate.nodeKey, candidate.envelopeNonce, candidate.answeredAt)) {
    throw new EvidenceRejectedError("replayed", "message already received", { nonce: candidate.envelopeNonce });
  }
  return {
    nodeKey: candidate.nodeKey,
    nonce: candidate.nonce,
    oracle: candidate.oracle,
    answeredAt: candidate.answeredAt,
  };
}
