// One simulated oracle: its wallet (the address pongs must name and the key that co-signs roots), its REAL evidence
// intake (createIntake: verifyPong / verifyFraudReport, registration and replay checks), the challenges it has
// outstanding, and its evidence bundle for the epoch being collected (challenge records and verified fraud).
import type { Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { type ChallengeRecord, createIntake, type Intake, type VerifiedFraud } from "../oracle/index.ts";
import { createReplayGuard, type Envelope } from "../protocol/index.ts";
import type { SimClock } from "./sim-clock.ts";

export interface SimChallenge {
  nodeKey: Hex;
  nonce: Hex;
  /** Seconds (simulated). */
  sentAt: number;
}

export interface SimOracle {
  account: PrivateKeyAccount;
  /** Lower-case address. */
  address: Hex;
  intake: Intake;
  /** This epoch's bundle so far. */
  bundle: { challenges: ChallengeRecord[]; fraud: VerifiedFraud[] };
  /** Runs intake on the answers to `challenges` (one pong or null each) and records them in the bundle. */
  recordAnswers(challenges: readonly SimChallenge[], pongs: readonly (Envelope | null)[]): Promise<number>;
  /** Pulls the gateway's fraud reports through intake into the bundle. */
  recordFraudReports(reports: readonly Envelope[]): Promise<number>;
  /** Returns this epoch's bundle (and what intake rejected, by reason) and starts the next one. */
  closeBundle(): {
    challenges: ChallengeRecord[];
    fraud: VerifiedFraud[];
    rejectedPongs: Record<string, number>;
    rejectedReports: Record<string, number>;
  };
}

export function createSimOracle(params: {
  account: PrivateKeyAccount;
  clock: SimClock;
  gatewayKeys: Hex[];
  isRegistered(nodeKey: Hex): boolean;
  registrationTtlMs: number;
}): SimOracle {
  const address = params.account.address.toLowerCase() as Hex;
  const outstanding = new Set<string>();
  const intake = createIntake({
    oracle: address,
    guard: createReplayGuard({ windowMs: 120_000, now: params.clock.now }),
    isRegistered: params.isRegistered,
    gatewayKeys: params.gatewayKeys,
    matchChallenge: (nodeKey, nonce) => outstanding.has(`${nodeKey}/${nonce}`),
    now: params.clock.now,
    // The registry is re-read every epoch; the cache must not outlive one.
    registrationTtlMs: params.registrationTtlMs,
  });
  let bundle: SimOracle["bundle"] = { challenges: [], fraud: [] };
  let rejectedPongs: Record<string, number> = {};
  let rejectedReports: Record<string, number> = {};
  const count = (into: Record<string, number>, batch: { rejected: { reason: string }[] }) => {
    for (const r of batch.rejected) into[r.reason] = (into[r.reason] ?? 0) + 1;
  };
  const oracle: SimOracle = {
    account: params.account,
    address,
    intake,
    get bundle() {
      return bundle;
    },
    async recordAnswers(challenges, pongs) {
      for (const c of challenges) outstanding.add(`${c.nodeKey}/${c.nonce}`);
      const answered: Envelope[] = [];
      const of: number[] = [];
      pongs.forEach((pong, i) => {
        if (pong) {
          answered.push(pong);
          of.push(i);
        }
      });
      const batch = await intake.acceptPongs(answered);
      count(rejectedPongs, batch);
      const answeredAt = new Map<string, number>();
      for (const pong of batch.accepted) answeredAt.set(`${pong.nodeKey}/${pong.nonce}`, pong.answeredAt / 1000);
      for (const c of challenges) {
        const key = `${c.nodeKey}/${c.nonce}`;
        bundle.challenges.push({ nodeKey: c.nodeKey, sentAt: c.sentAt, answeredAt: answeredAt.get(key) ?? null });
        outstanding.delete(key);
      }
      return batch.accepted.length;
    },
    async recordFraudReports(reports) {
      const batch = await intake.acceptFraudReports(reports);
      count(rejectedReports, batch);
      bundle.fraud.push(...batch.accepted);
      return batch.accepted.length;
    },
    closeBundle() {
      const closed = { ...bundle, rejectedPongs, rejectedReports };
      bundle = { challenges: [], fraud: [] };
      rejectedPongs = {};
      rejectedReports = {};
      return closed;
    },
  };
  return oracle;
}
