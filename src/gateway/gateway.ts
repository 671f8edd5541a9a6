// createGateway: the gateway role as one service. HTTP (hono on node:http) for customers; a WebSocket endpoint
// (`ws`, on the same server's upgrade at /v1/providers) for providers. Wires admission, the provider pool, the job
// engine, the voucher relay, the store and the metrics together, and closes them in order.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";
import type { Hex, PublicClient } from "viem";
import { type WebSocket, WebSocketServer } from "ws";
import type { Deployment } from "../chain/index.ts";
import { createBlobCache } from "../core/blob-cache.ts";
import { InvalidInputError } from "../core/errors.ts";
import { nextTurn } from "../core/next-turn.ts";
import { createReplayGuard, messageTypes, type NodeKey, nodeKeySigner } from "../protocol/index.ts";
import { resourceTypes } from "../resources/index.ts";
import { createChallengeRelay } from "./challenge-relay.ts";
import { createDepositReader } from "./deposit-reader.ts";
import { AdmissionRejectedError, admissionCloseCode, DuplicateJobError, NoProvidersError } from "./errors.ts";
import { acceptFraudClaim } from "./fraud-claim.ts";
import { type JobRecord, openGatewayStore } from "./gateway-store.ts";
import { createHttpApi } from "./http-api.ts";
import { type JobHooks, type JobOutcome, runJob } from "./job-engine.ts";
import { acceptJobRequest } from "./job-request.ts";
import { createGatewayMetrics } from "./metrics.ts";
import { admitProvider, checkProviderRegistration } from "./provider-admission.ts";
import { createProviderPool } from "./provider-pool.ts";
import { createProviderSession, type ProviderSession } from "./provider-session.ts";
import { createReputationBook } from "./reputation-book.ts";
import { createVoucherRelay } from "./voucher-relay.ts";

export const gatewayVersion = "0.1.0";
export const providersPath = "/v1/providers";

export interface GatewayOptions {
  deployment: Deployment;
  publicClient: PublicClient;
  /** The gateway's own Ed25519 key: signs challenges, assignments and reports; customers address it. */
  nodeKey: NodeKey;
  /** Where reports, the job log and queued vouchers are kept. */
  storeDir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Share of replicas = 1 jobs silently run twice, in basis points. Default 1000 (10 %). */
  auditShareBps?: number;
  /** Attempts per job beyond its initial replicas, plus one. Default 4. */
  maxAttempts?: number;
  /** WebSocket ping interval; a provider that misses one pong is dropped. Default 5000. */
  pingIntervalMs?: number;
  /** How long a challenged provider has to answer an oracle's liveness challenge. Default 3000. */
  challengeTimeoutMs?: number;
  /** How often admitted providers are re-checked on chain (jailed, unstaked). Default 30000. */
  registryCheckIntervalMs?: number;
  /** How long a new socket may take to send its hello. Default 10000. */
  helloTimeoutMs?: number;
  /** How long one read of a customer's escrow deposit is reused (0: every request reads it). Default 1000. */
  depositCacheMs?: number;
  /** Largest accepted request body (and WebSocket frame). Default 64 MiB. */
  maxBodyBytes?: number;
  /** Bytes of customers' blobs (modules, inputs, scenes) kept so requests can name them instead of sending them. */
  blobCacheBytes?: number;
  log?: (line: string) => void;
  now?: () => number;
  random?: () => number;
}

export interface Gateway {
  /** http://host:port */
  url: string;
  /** ws://host:port/v1/providers */
  wsUrl: string;
  /** The gateway's node public key. */
  key: Hex;
  close(): Promise<void>;
}

/** The WebSocket close reason is at most 123 bytes. */
function closeReason(code: string, message: string): string {
  const reason = `${code}: ${message}`;
  return Buffer.byteLength(reason) <= 123 ? reason : Buffer.from(reason).subarray(0, 120).toString("utf8");
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const log = options.log ?? (() => {});
  const auditShareBps = options.auditShareBps ?? 1000;
  const maxAttempts = options.maxAttempts ?? 4;
  const pingIntervalMs = options.pingIntervalMs ?? 5000;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  if (!Number.isInteger(auditShareBps) || auditShareBps < 0 || auditShareBps > 10_000) {
    throw new InvalidInputError("auditShareBps is an integer from 0 to 10000");
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new InvalidInputError("maxAttempts is an integer from 1 to 100");
  }
  const { deployment, publicClient } = options;
  const signer = nodeKeySigner(options.nodeKey);
  const key = signer.id;
  const guard = createReplayGuard({ windowMs: 120_000, now });
  const store = openGatewayStore(options.storeDir);
  const blobs = createBlobCache({ maxBytes: options.blobCacheBytes ?? 1024 ** 3 });
  const reputations = createReputationBook({ store, log });
  const pool = createProviderPool(reputations);
  const metrics = createGatewayMetrics();
  const reserved = new Set<string>();
  const readDeposit = createDepositReader({
    publicClient,
    escrow: deployment.contracts.escrow,
    maxAgeMs: options.depositCacheMs ?? 1000,
    now,
  });

  const relay = createVoucherRelay({
    domain: { chainId: deployment.chainId, escrow: deployment.contracts.escrow },
    gateway: key,
    guard,
    store,
    sessionsOf: (owner) => pool.list().filter((s) => s.owner === owner.toLowerCase() && s.open),
    now,
    log,
  });

  const challenges = createChallengeRelay({
    pool,
    gateway: key,
    guard,
    publicClient,
    rewards: deployment.contracts.rewards,
    ...(options.challengeTimeoutMs !== undefined ? { timeoutMs: options.challengeTimeoutMs } : {}),
    now,
  });

  const engineContext = {
    pool,
    signer,
    guard,
    store,
    auditShareBps,
    maxAttempts,
    now,
    random,
    log,
    onAttemptFinished: (outcome: string) => metrics.attemptsTotal.inc({ outcome }),
  };

  async function submitJob(raw: unknown, hooks: JobHooks = {}): Promise<JobOutcome> {
    const startedAt = now();
    try {
      const { job, release } = await acceptJobRequest(raw, {
        gateway: key,
        guard,
        now,
        publicClient,
        escrow: deployment.contracts.escrow,
        readDeposit,
        blobs,
        reserveJobId(jobId) {
          if (store.hasJob(jobId) || reserved.has(jobId)) {
            throw new DuplicateJobError("this jobId was already used", {
              details: { jobId },
              hint: "Every job needs a fresh random jobId.",
            });
          }
          reserved.add(jobId);
          return () => reserved.delete(jobId);
        },
      });
      let accepted: Promise<void>;
      try {
        const { free, busy } = pool.findCandidates({
          type: job.type,
          spec: job.spec,
          maxPrice: job.maxPrice,
          exclude: new Set(job.exclude ?? []),
        });
        if (free.length + busy === 0) {
          throw new NoProvidersError(`no connected provider takes this ${job.type.name} job within maxPrice`, {
            details: { resourceType: job.type.name, maxPrice: job.maxPrice.toString() },
            hint: "Try again later, raise maxPrice, or use another gateway.",
          });
        }
        // The job id must be durable before the customer hears anything, not before the providers do: it is written
        // once the assignment is on the wire, and flushed while the job runs. A crash before it lands loses only a
        // job nobody was answered for.
        const record: JobRecord = {
          jobId: job.jobId,
          event: "accepted",
          at: now(),
          customer: job.customer,
          resourceType: job.type.name,
          replicas: job.replicas,
          maxPrice: job.maxPrice.toString(),
          timeoutMs: job.timeoutMs,
        };
        accepted = nextTurn().then(() => store.appendJob(record));
        accepted.catch(() => {}); // awaited below; never unhandled meanwhile
      } catch (error) {
        release();
        throw error;
      }
      const { onFirstResult } = hooks;
      const outcome = await runJob(
        engineContext,
        job,
        onFirstResult
          ? // An early answer is an answer too: only once the job id is durable.
            {
              onFirstResult: (preview) =>
                void accepted.then(
                  () => onFirstResult(preview),
                  () => {},
                ),
            }
          : {},
      );
      await accepted;
      release(); // the job log now remembers the id
      // The settlement record is for operators, not for safety (the id was made durable when accepted): nobody waits
      // for it, and it is written after the answer is on the wire.
      const settlement: JobRecord = {
        jobId: job.jobId,
        event: "settled",
        at: now(),
        status: outcome.status,
        resultDigest: outcome.resultDigest,
        verification: outcome.verification,
        audited: outcome.audited,
        reroutes: outcome.reroutes,
        attempts: outcome.attempts,
        reported: outcome.reported,
        ...(outcome.error ? { error: outcome.error } : {}),
      };
      nextTurn()
        .then(() => store.appendJob(settlement))
        .catch((error: Error) => log(`could not record the settlement of job ${job.jobId}: ${error.message}`));
      metrics.jobsTotal.inc({ status: outcome.status });
      metrics.jobDurationSeconds.observe((now() - startedAt) / 1000);
      return outcome;
    } catch (error) {
      metrics.jobsTotal.inc({ status: "rejected" });
      throw error;
    }
  }

  const app = createHttpApi({
    info: () => ({
      gateway: key,
      chainId: deployment.chainId,
      contracts: deployment.contracts,
      auditShareBps,
      maxAttempts,
      resourceTypes: [...resourceTypes.keys()],
      version: gatewayVersion,
    }),
    providers: () =>
      pool.list().map((s) => ({
        nodeKey: s.nodeKey,
        owner: s.owner,
        offers: Object.fromEntries(s.offers),
        capacity: s.capacity,
        running: s.running,
        version: s.version,
        connectedAt: s.connectedAt,
        reputation: pool.reputation(s.nodeKey),
      })),
    submitJob,
    submitVouchers: (raw) => relay.submit(raw),
    submitClaim: (raw) =>
      acceptFraudClaim(raw, {
        signer,
        guard,
        store,
        now,
        onConvicted: (provider) => {
          pool.recordFailure(provider);
          log(`provider ${provider.slice(0, 10)} convicted by a customer's recompute claim`);
        },
      }),
    relayChallenge: (raw) => challenges.relay(raw),
    listReports: (params) => store.listReports(params),
    listJobRecords: (params) => store.listJobRecords(params),
    metrics,
    maxBodyBytes,
    log,
  });

  // ------------------------------------------------------------------ providers (WebSocket)
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxBodyBytes * 2 });

  function onSessionClosed(session: ProviderSession, code: number, reason: string) {
    pool.remove(session);
    metrics.providersConnected.set(pool.list().length);
    log(`provider ${session.nodeKey.slice(0, 10)} disconnected (${code}${reason ? ` ${reason}` : ""})`);
  }

  async function onConnection(socket: WebSocket) {
    socket.on("error", (error) => log(`provider socket error: ${error.message}`));
    try {
      const provider = await admitProvider(socket, {
        signer,
        chainId: deployment.chainId,
        registry: deployment.contracts.registry,
        publicClient,
        guard,
        helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
        now,
      });
      if (socket.readyState !== socket.OPEN) return;
      const session = createProviderSession({
        socket,
        provider,
        signer,
        pingIntervalMs,
        now,
        log,
        onFreed: () => pool.notifyChange(),
        onClosed: onSessionClosed,
      });
      const replaced = pool.add(session);
      if (replaced) replaced.close(4409, "replaced: a new session for this node key");
      metrics.providersConnected.set(pool.list().length);
      await session.send(messageTypes.gatewayWelcome, { session: session.id });
      log(`provider ${provider.nodeKey.slice(0, 10)} admitted (owner ${provider.owner})`);
      await relay.deliverQueued(session);
    } catch (error) {
      if (error instanceof AdmissionRejectedError) {
        log(`provider refused: ${error.code}: ${error.message}`);
        socket.close(admissionCloseCode, closeReason(error.code, error.message));
      } else {
        log(`provider admission failed: ${(error as Error).message}`);
        socket.close(1011, closeReason("unavailable", "the gateway cannot check the registry now"));
      }
    }
  }

  // Periodic re-check: jailed or unstaked providers are dropped (their attempts reroute).
  let checking = false;
  const registryCheck = setInterval(async () => {
    if (checking) return;
    checking = true;
    try {
      for (const session of pool.list()) {
        try {
          await checkProviderRegistration(publicClient, {
            chainId: deployment.chainId,
            registry: deployment.contracts.registry,
            nodeKey: session.nodeKey,
            owner: session.owner,
            types: session.offers.keys(),
          });
        } catch (error) {
          if (error instanceof AdmissionRejectedError) {
            log(`provider ${session.nodeKey.slice(0, 10)} dropped: ${error.message}`);
            session.close(admissionCloseCode, closeReason(error.code, error.message));
          } else {
            log(`registry re-check failed: ${(error as Error).message}`);
          }
        }
      }
    } finally {
      checking = false;
    }
  }, options.registryCheckIntervalMs ?? 30_000);
  registryCheck.unref();

  // ------------------------------------------------------------------ server
  const server: Server = createServer(getRequestListener(app.fetch));
  // Clients reuse a kept-alive connection until 1 s before the idle timeout the server announces; a busy client can
  // lag past that and send on a socket being closed. A long idle timeout makes that race rare (the SDK also resends
  // once when a reused connection turns out closed).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? "/", "http://gateway").pathname;
    if (path !== providersPath) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => void onConnection(ws));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  log(`gateway ${key} listening on http://${hostPart}:${port}`);

  let closed: Promise<void> | undefined;
  return {
    url: `http://${hostPart}:${port}`,
    wsUrl: `ws://${hostPart}:${port}${providersPath}`,
    key,
    close() {
      closed ??= (async () => {
        clearInterval(registryCheck);
        for (const session of pool.list()) session.close(1001, "gateway shutting down");
        for (const client of wss.clients) client.terminate();
        wss.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        reputations.close();
        await store.close();
      })();
      return closed;
    },
  };
}
