// An oracle's evidence intake: batches of pongs and fraud reports in, verified facts out, every rejection counted
// by reason. Registration answers are cached (with the signer's parsed public key, so a verify costs no key
// parsing), so a busy oracle asks the chain about each node key once per `registrationTtlMs`.
import type { KeyObject } from "node:crypto";
import type { Hex } from "viem";
import { nodePublicKeyObject, type ReplayGuard } from "../../protocol/index.ts";
import { EvidenceRejectedError, type EvidenceRejectReason } from "./evidence-error.ts";
import type { VerifiedFraud } from "./verify-fraud-report.ts";
import { pongSignatureValid, readPong, type VerifiedPong } from "./verify-pong.ts";
import { verifyAnyFraudReport } from "./verify-recompute-fraud.ts";

export interface IntakeOptions {
  /** This oracle's address: pongs must name it. */
  oracle: Hex;
  /** Remembers (sender, nonce) for the freshness window. */
  guard: ReplayGuard;
  /** Whether a node key is registered with a valid binding (e.g. getRegisteredProvider). Cached here. */
  isRegistered(nodeKey: Hex): boolean | Promise<boolean>;
  /** Gateway keys whose fraud reports are accepted. */
  gatewayKeys?: Iterable<Hex>;
  /** Whether this oracle has an outstanding challenge (nodeKey, nonce); when absent any challenge nonce is accepted. */
  matchChallenge?(nodeKey: Hex, nonce: Hex): boolean;
  now?: () => number;
  /** Accepted clock difference for pongs (default 60 s). */
  maxSkewMs?: number;
  /** How long a registration answer is trusted (default 60 s). */
  registrationTtlMs?: number;
  /** Registration cache entries kept before the oldest are dropped (default 1,100,000). */
  registrationCacheSize?: number;
}

export interface IntakeRejection {
  /** Position in the batch. */
  index: number;
  reason: EvidenceRejectReason;
  message: string;
}

export interface IntakeBatch<T> {
  accepted: T[];
  rejected: IntakeRejection[];
}

export interface IntakeStats {
  acceptedPongs: number;
  acceptedFraudReports: number;
  rejected: Partial<Record<EvidenceRejectReason, number>>;
}

export interface Intake {
  /** Verifies pongs (envelope objects or their JSON text): shape, recipient, freshness, body, oracle, challenge, signature, registration, replay. */
  acceptPongs(envelopes: readonly unknown[]): Promise<IntakeBatch<VerifiedPong>>;
  /** Verifies fraud reports (by majority or by recomputation), that every dissenter is registered, and counts each report once. */
  acceptFraudReports(envelopes: readonly unknown[]): Promise<IntakeBatch<VerifiedFraud>>;
  /** Totals since the intake was created. */
  stats(): IntakeStats;
}

interface Registration {
  registered: boolean;
  expires: number;
  key: KeyObject | undefined;
}

export function createIntake(options: IntakeOptions): Intake {
  const now = options.now ?? Date.now;
  const ttl = options.registrationTtlMs ?? 60_000;
  const cacheSize = options.registrationCacheSize ?? 1_100_000;
  const gatewayKeys = new Set<string>([...(options.gatewayKeys ?? [])].map((k) => k.toLowerCase()));
  const oracle = options.oracle.toLowerCase();
  const registrations = new Map<string, Registration>();
  // Reports are pulled long after they were signed, beyond any freshness window: remembered for the intake's life.
  const seenReports = new Set<string>();
  const stats: IntakeStats = { acceptedPongs: 0, acceptedFraudReports: 0, rejected: {} };

  function reject(batch: IntakeRejection[], index: number, error: unknown): void {
    const reason: EvidenceRejectReason = error instanceof EvidenceRejectedError ? error.reason : "malformed";
    batch.push({ index, reason, message: error instanceof Error ? error.message : String(error) });
    stats.rejected[reason] = (stats.rejected[reason] ?? 0) + 1;
  }

  /** The cached registration of `nodeKey`, asking `isRegistered` on a miss or after the TTL. */
  async function registration(nodeKey: Hex, at: number): Promise<Registration> {
    const cached = registrations.get(nodeKey);
    if (cached && cached.expires > at) return cached;
    const registered = await options.isRegistered(nodeKey);
    let key: KeyObject | undefined;
    if (registered) {
      try {
        key = cached?.key ?? nodePublicKeyObject(nodeKey);
      } catch {
        key = undefined;
      }
    }
    const entry: Registration = { registered, expires: at + ttl, key };
    if (registrations.size >= cacheSize) {
      const oldest = registrations.keys().next().value;
      if (oldest !== undefined) registrations.delete(oldest);
    }
    registrations.delete(nodeKey);
    registrations.set(nodeKey, entry);
    return entry;
  }

  return {
    async acceptPongs(envelopes) {
      const accepted: VerifiedPong[] = [];
      const rejected: IntakeRejection[] = [];
      const at = now();
      for (let index = 0; index < envelopes.length; index++) {
        try {
          const pong = readPong(envelopes[index], { oracle, now: at, maxSkewMs: options.maxSkewMs });
          if (options.matchChallenge && !options.matchChallenge(pong.nodeKey, pong.nonce)) {
            throw new EvidenceRejectedError("unknown-challenge", "pong answers no outstanding challenge", {
              nodeKey: pong.nodeKey,
              nonce: pong.nonce,
            });
          }
          // Registration before the signature only when cached; an unknown key is verified first, so forged keys
          // cost a verify and never a registry lookup.
          const cached = registrations.get(pong.nodeKey);
          const fresh = cached && cached.expires > at ? cached : undefined;
          if (fresh && !fresh.registered) {
            throw new EvidenceRejectedError("not-registered", "node key is not registered", { nodeKey: pong.nodeKey });
          }
          let key = fresh?.key;
          if (!key) {
            try {
              key = nodePublicKeyObject(pong.nodeKey);
            } catch {
              key = undefined;
            }
          }
          if (!key || !pongSignatureValid(pong, key)) {
            throw new EvidenceRejectedError("bad-signature", "signature does not match the sender", {
              from: pong.nodeKey,
            });
          }
          if (!fresh && !(await registration(pong.nodeKey, at)).registered) {
            throw new EvidenceRejectedError("not-registered", "node key is not registered", { nodeKey: pong.nodeKey });
          }
          if (!options.guard.accept(pong.nodeKey, pong.envelopeNonce, pong.answeredAt)) {
            throw new EvidenceRejectedError("replayed", "message already received", { nonce: pong.envelopeNonce });
          }
          accepted.push({ nodeKey: pong.nodeKey, nonce: pong.nonce, oracle: pong.oracle, answeredAt: pong.answeredAt });
        } catch (error) {
          reject(rejected, index, error);
        }
      }
      stats.acceptedPongs += accepted.length;
      return { accepted, rejected };
    },

    async acceptFraudReports(envelopes) {
      const accepted: VerifiedFraud[] = [];
      const rejected: IntakeRejection[] = [];
      const at = now();
      for (let index = 0; index < envelopes.length; index++) {
        try {
          // Replay last: a report whose dissenters are unknown must not burn its nonce.
          const fraud = await verifyAnyFraudReport(envelopes[index], { gatewayKeys });
          for (const nodeKey of fraud.dissenters) {
            if (!(await registration(nodeKey, at)).registered) {
              throw new EvidenceRejectedError("not-registered", "a dissenter's node key is not registered", {
                nodeKey,
              });
            }
          }
          const e = (
            typeof envelopes[index] === "string" ? JSON.parse(envelopes[index] as string) : envelopes[index]
          ) as {
            nonce: string;
          };
          const id = `${fraud.gateway}/${e.nonce}`;
          if (seenReports.has(id)) {
            throw new EvidenceRejectedError("replayed", "report already received", { nonce: e.nonce });
          }
          seenReports.add(id);
          accepted.push(fraud);
        } catch (error) {
          reject(rejected, index, error);
        }
      }
      stats.acceptedFraudReports += accepted.length;
      return { accepted, rejected };
    },

    stats() {
      return { ...stats, rejected: { ...stats.rejected } };
    },
  };
}
