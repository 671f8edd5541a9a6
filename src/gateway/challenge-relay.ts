// Liveness challenges relayed for the oracles (docs/oracle.md, "Evidence"): an oracle posts a `challenge.request`
// signed by its wallet; if the wallet is in Rewards.oracles() (read from chain, cached briefly) and the node is
// connected here, the gateway sends `challenge.ping` (signed by the gateway key) on that provider's socket and
// answers with the provider's own `challenge.pong` envelope as received: the oracle verifies it, the gateway only
// routes it. Not connected: ProviderNotConnectedError (404); no answer in time: TimeoutError (504).
import type { Hex, PublicClient } from "viem";
import { rewardsAbi, wrapChainError } from "../chain/index.ts";
import { TimeoutError } from "../core/errors.ts";
import {
  challengePingBody,
  challengeRequestBody,
  messageTypes,
  openEnvelope,
  type ReplayGuard,
} from "../protocol/index.ts";
import { NotAnOracleError, ProviderNotConnectedError } from "./errors.ts";
import type { ProviderPool } from "./provider-pool.ts";

export interface ChallengeRelayOptions {
  pool: ProviderPool;
  /** The gateway key: requests must be addressed to it. */
  gateway: Hex;
  guard: ReplayGuard;
  publicClient: PublicClient;
  rewards: Hex;
  /** How long the provider has to answer. Default 3000 ms. */
  timeoutMs?: number;
  /** How long the oracle set read from chain is trusted. Default 30000 ms. */
  oracleCacheMs?: number;
  now: () => number;
}

export interface ChallengeRelay {
  /** Opens a challenge.request, challenges the node and resolves with its raw challenge.pong envelope. */
  relay(raw: unknown): Promise<unknown>;
}

export function createChallengeRelay(options: ChallengeRelayOptions): ChallengeRelay {
  const timeoutMs = options.timeoutMs ?? 3000;
  const cacheMs = options.oracleCacheMs ?? 30_000;
  let oracles: { set: Set<string>; readAt: number } | undefined;

  async function oracleSet(): Promise<Set<string>> {
    if (oracles && options.now() - oracles.readAt < cacheMs) return oracles.set;
    try {
      const list = await options.publicClient.readContract({
        address: options.rewards,
        abi: rewardsAbi,
        functionName: "oracles",
      });
      oracles = { set: new Set(list.map((a) => a.toLowerCase())), readAt: options.now() };
      return oracles.set;
    } catch (error) {
      throw wrapChainError(error, "reading the oracle set");
    }
  }

  return {
    async relay(raw) {
      const request = await openEnvelope(raw, {
        type: messageTypes.challengeRequest,
        body: challengeRequestBody,
        guard: options.guard,
        recipient: options.gateway,
        now: options.now,
      });
      if (request.from.length !== 42 || !(await oracleSet()).has(request.from)) {
        throw new NotAnOracleError("only an oracle of the set may challenge providers", {
          details: { from: request.from },
        });
      }
      const { nodeKey, nonce } = request.body;
      const session = options.pool.get(nodeKey);
      if (!session?.open) {
        throw new ProviderNotConnectedError("this node is not connected to this gateway", { details: { nodeKey } });
      }
      const ping = challengePingBody.parse({ nonce, oracle: request.from, nodeKey });
      let timer: NodeJS.Timeout | undefined;
      const answered = new Promise<unknown>((resolve, reject) => {
        session.expectPong(nonce, resolve);
        timer = setTimeout(
          () =>
            reject(new TimeoutError("the provider did not answer the challenge in time", { details: { timeoutMs } })),
          timeoutMs,
        );
      });
      try {
        if (!(await session.send(messageTypes.challengePing, ping))) {
          throw new ProviderNotConnectedError("this node disconnected", { details: { nodeKey } });
        }
        return await answered;
      } finally {
        clearTimeout(timer);
        session.cancelPong(nonce);
        answered.catch(() => {});
      }
    },
  };
}
