// The liveness challenger: challenges every provider the oracle knows of — connected at a gateway (GET /v1/providers)
// or registered and active on chain — at random times (uniform in [0.5, 1.5] × the mean interval), through the
// gateway it is connected to, and records {nodeKey, nonce, sentAt, pong | null} append-only. A gateway that says
// "not connected" (404) or "no answer in time" (504) makes an unanswered challenge; a gateway that cannot be reached
// records nothing (the oracle could not ask, so the node is not blamed).
import { randomBytes } from "node:crypto";
import type { Hex, PublicClient } from "viem";
import { type Deployment, providerRegistryAbi } from "../../chain/index.ts";
import { type Envelope, type MessageSigner, messageTypes, signEnvelope } from "../../protocol/index.ts";
import { type ChallengeRecord, verifyPong } from "./bundle-evidence.ts";
import { requestJson } from "./http-client.ts";
import type { OracleStore } from "./oracle-store.ts";

export interface ChallengerOptions {
  gateways: readonly string[];
  signer: MessageSigner;
  store: OracleStore;
  publicClient: PublicClient;
  deployment: Deployment;
  /** Mean milliseconds between two challenges to one provider. */
  intervalMs: () => number;
  /** HTTP deadline of one challenge (the gateway's own timeout is shorter). */
  requestTimeoutMs?: number;
  now: () => number;
  random: () => number;
  log: (line: string) => void;
  onRecorded?: (record: ChallengeRecord) => void;
}

export interface Challenger {
  start(): void;
  stop(): Promise<void>;
  /** Whether a challenge sent before `ms` is still waiting for its answer. */
  pendingBefore(ms: number): boolean;
}

export function createChallenger(options: ChallengerOptions): Challenger {
  const { store, log, now, random } = options;
  const gatewayKeys = new Map<string, Hex>();
  /** nodeKey → gateway URL it is connected to (or the first gateway for registered nodes seen nowhere). */
  let targets = new Map<Hex, string>();
  const nextAt = new Map<Hex, number>();
  const inFlight = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let refreshTimer: NodeJS.Timeout | undefined;
  let stopped = true;
  const running = new Set<Promise<void>>();

  async function gatewayKey(url: string): Promise<Hex | undefined> {
    const known = gatewayKeys.get(url);
    if (known) return known;
    const info = await requestJson(`${url}/v1/info`, { timeoutMs: 3000 });
    const key = (info.json as { gateway?: unknown } | undefined)?.gateway;
    if (info.status !== 200 || typeof key !== "string") return undefined;
    gatewayKeys.set(url, key as Hex);
    return key as Hex;
  }

  async function activeOnChain(): Promise<Hex[]> {
    const at = { address: options.deployment.contracts.registry, abi: providerRegistryAbi } as const;
    const count = Number(await options.publicClient.readContract({ ...at, functionName: "providerCount" }));
    const keys = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        options.publicClient.readContract({ ...at, functionName: "providerAt", args: [BigInt(i)] }),
      ),
    );
    const active = await Promise.all(
      keys.map((k) => options.publicClient.readContract({ ...at, functionName: "isActive", args: [k] })),
    );
    return keys.filter((_, i) => active[i]).map((k) => k.toLowerCase() as Hex);
  }

  async function refresh(): Promise<void> {
    const found = new Map<Hex, string>();
    for (const url of options.gateways) {
      try {
        const listed = await requestJson(`${url}/v1/providers`, { timeoutMs: 3000 });
        const providers = (listed.json as { providers?: { nodeKey?: unknown }[] } | undefined)?.providers ?? [];
        for (const p of providers) {
          if (typeof p.nodeKey === "string" && !found.has(p.nodeKey as Hex)) found.set(p.nodeKey as Hex, url);
        }
      } catch (error) {
        log(`cannot list providers at ${url}: ${(error as Error).message}`);
      }
    }
    const fallback = options.gateways[0];
    if (fallback) {
      try {
        for (const key of await activeOnChain()) if (!found.has(key)) found.set(key, fallback);
      } catch (error) {
        log(`cannot read the registry: ${(error as Error).message}`);
      }
    }
    targets = found;
    const t = now();
    for (const key of found.keys()) {
      if (!nextAt.has(key)) nextAt.set(key, t + random() * options.intervalMs());
    }
    for (const key of [...nextAt.keys()]) if (!found.has(key)) nextAt.delete(key);
  }

  async function challenge(nodeKey: Hex, url: string): Promise<void> {
    const key = await gatewayKey(url);
    if (!key) return;
    const nonce: Hex = `0x${randomBytes(32).toString("hex")}`;
    const request = await signEnvelope(
      options.signer,
      { type: messageTypes.challengeRequest, to: key, body: { nodeKey, nonce } },
      now,
    );
    const sentAt = now();
    inFlight.set(nonce, sentAt);
    try {
      const response = await requestJson(`${url}/v1/challenges`, {
        method: "POST",
        body: request,
        timeoutMs: options.requestTimeoutMs ?? 8000,
      });
      let pong: Envelope | null = null;
      if (response.status === 200) {
        const candidate: ChallengeRecord = { nodeKey, nonce, sentAt, pong: response.json as Envelope };
        if (await verifyPong(candidate, options.signer.id)) pong = candidate.pong;
        else log(`invalid pong from ${nodeKey.slice(0, 10)} via ${url}: counted as unanswered`);
      } else if (response.status !== 404 && response.status !== 504) {
        log(`challenge of ${nodeKey.slice(0, 10)} refused by ${url} (${response.status}): not recorded`);
        if (response.status === 400) gatewayKeys.delete(url);
        return;
      }
      const record: ChallengeRecord = { nodeKey, nonce, sentAt, pong };
      store.appendChallenge(record);
      options.onRecorded?.(record);
    } catch (error) {
      log(`challenge of ${nodeKey.slice(0, 10)} via ${url} failed: ${(error as Error).message}`);
      gatewayKeys.delete(url);
    } finally {
      inFlight.delete(nonce);
    }
  }

  function tick(): void {
    const t = now();
    for (const [nodeKey, at] of nextAt) {
      if (at > t) continue;
      const url = targets.get(nodeKey);
      nextAt.set(nodeKey, t + (0.5 + random()) * options.intervalMs());
      if (!url) continue;
      const work = challenge(nodeKey, url).catch((error: Error) => log(`challenge failed: ${error.message}`));
      running.add(work);
      void work.finally(() => running.delete(work));
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      const loopRefresh = async () => {
        await refresh().catch((error: Error) => log(`refresh failed: ${error.message}`));
        if (!stopped) refreshTimer = setTimeout(loopRefresh, 3000);
      };
      void loopRefresh();
      timer = setInterval(tick, 200);
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(refreshTimer);
      await Promise.allSettled([...running]);
    },
    pendingBefore(ms) {
      for (const sentAt of inFlight.values()) if (sentAt < ms) return true;
      return false;
    },
  };
}
