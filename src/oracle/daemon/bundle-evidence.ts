// The seam between the daemon's stored evidence and the oracle engine: challenge records as the challenger keeps
// them (milliseconds, the pong envelope or null), turned into what the engine's verifiers and aggregation take.
import type { Hex } from "viem";
import type { Envelope } from "../../protocol/index.ts";
import { aggregateLiveness as aggregateRecords } from "../aggregate-liveness.ts";
import type { NodeLiveness, ProvenFraud } from "../epoch-types.ts";
import { verifyPong as verifyPongEnvelope, verifyAnyFraudReport as verifyReport } from "../evidence/index.ts";

export { computeEpoch } from "../compute-epoch.ts";

/** One liveness challenge as an oracle recorded it: the pong is the provider's signed answer, or null. */
export interface ChallengeRecord {
  nodeKey: Hex;
  nonce: Hex;
  /** Unix milliseconds. */
  sentAt: number;
  pong: Envelope | null;
}

/** How far a pong's timestamp may be from when the challenge was sent. */
const pongSkewMs = 60_000;

/** Whether `record.pong` is `record.nodeKey`'s signed answer to `oracle`'s challenge `record.nonce`, sent in time. */
export async function verifyPong(record: ChallengeRecord, oracle: Hex): Promise<boolean> {
  if (!record.pong) return false;
  try {
    const pong = verifyPongEnvelope(record.pong, {
      oracle,
      challenge: { nodeKey: record.nodeKey, nonce: record.nonce },
    });
    return Math.abs(pong.answeredAt - record.sentAt) <= pongSkewMs;
  } catch {
    return false;
  }
}

/** Per node liveness over the epoch window, from challenge samples timed in milliseconds. */
export function aggregateLiveness(
  records: readonly { nodeKey: Hex; sentAt: number; answered: boolean }[],
  window: { startTime: number; endTime: number },
): NodeLiveness[] {
  return aggregateRecords(
    records.map((r) => {
      const at = Math.floor(r.sentAt / 1000);
      return { nodeKey: r.nodeKey, sentAt: at, answeredAt: r.answered ? at : null };
    }),
    window,
  );
}

/**
 * The fraud a gateway's signed report proves: its dissenters, when the evidence holds (provider signatures, one job,
 * a deterministic signed majority, or a claim that recomputing disproves). Dissenters not in the registry snapshot cannot be penalised and are left out.
 */
export async function verifyFraudReport(
  report: Envelope,
  context: { providers: ReadonlyMap<Hex, Hex> },
): Promise<ProvenFraud[]> {
  try {
    // Any gateway's signature counts here: the proof is the providers' own signed, contradicting results.
    const verified = await verifyReport(report, { gatewayKeys: [report.from] });
    return verified.dissenters
      .filter((nodeKey) => context.providers.has(nodeKey))
      .map((nodeKey) => ({ nodeKey, jobId: verified.jobId }));
  } catch {
    return [];
  }
}
