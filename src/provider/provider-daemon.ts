// The provider daemon: the process a person leaves running. Keeps an outbound link to each gateway, runs what they
// assign, keeps and redeems the customers' vouchers, and serves /status and /metrics on loopback. Everything that
// matters survives kill -9: results are journaled as they are sent, vouchers before they are counted, and what
// was redeemed is read back from the chain.
import type { Hex, PublicClient } from "viem";
import { type ChainWallet, type Deployment, getRegisteredProvider } from "../chain/index.ts";
import { createBlobCache } from "../core/blob-cache.ts";
import { StateError } from "../core/errors.ts";
import {
  challengePingBody,
  createReplayGuard,
  type Envelope,
  jobAssignBody,
  jobCancelBody,
  jobIdSchema,
  MessageRejectedError,
  messageTypes,
  type NodeKey,
  nodeKeySigner,
  openEnvelope,
  signEnvelope,
  voucherDeliverBody,
} from "../protocol/index.ts";
import {
  type AnyResourceType,
  getResourceType,
  type ProviderService,
  startProviderServices,
} from "../resources/index.ts";
import { type ControlServer, startControlServer } from "./control-server.ts";
import { createGatewayLink, type GatewayLink, type GatewayLinkOptions } from "./gateway-link.ts";
import { createJobJournal } from "./job-journal.ts";
import { createJobRunner, type JobReply, type RunningJob } from "./job-runner.ts";
import type { Logger } from "./logger.ts";
import { type ProviderConfig, providerPaths, redeemMinAmount } from "./provider-config.ts";
import { createProviderMetrics, type ProviderMetrics } from "./provider-metrics.ts";
import { createVoucherBook, type LastRedeem, VoucherRejectedError } from "./voucher-book.ts";
import { createVoucherRedeemer } from "./voucher-redeemer.ts";

export const providerVersion = "groundwork-provider/0.1.0";

export interface ProviderDaemonOptions {
  config: ProviderConfig;
  nodeKey: NodeKey;
  /** The owner wallet: signs redemptions. Must be config.owner. */
  ownerWallet: ChainWallet;
  deployment: Deployment;
  publicClient: PublicClient;
  home: string;
  log: Logger;
  now?: () => number;
  /** Randomness for backoff jitter and fault injection (tests make it deterministic). */
  random?: () => number;
  /** Reconnect and heartbeat timings (tests shorten them). */
  link?: Pick<GatewayLinkOptions, "backoff" | "heartbeatMs" | "handshakeTimeoutMs">;
}

export interface ProviderStatus {
  nodeKey: Hex;
  owner: Hex;
  version: string;
  control: string | undefined;
  gateways: { url: string; connected: boolean; since: number | undefined; gateway: Hex | undefined }[];
  running: number;
  runningJobs: RunningJob[];
  completed: number;
  failed: number;
  rejected: number;
  vouchers: number;
  /** Customer → unredeemed token base units, as of the last look at the chain. */
  unredeemed: Record<string, string>;
  lastRedeem: LastRedeem | undefined;
}

export interface ProviderDaemon {
  /** Starts the control server, the gateway links and the redeem loop. */
  start(): Promise<{ control: string }>;
  stop(): Promise<void>;
  status(): ProviderStatus;
  /** Redeems everything owed now (what the interval would do). */
  redeemNow(): Promise<LastRedeem | undefined>;
  readonly metrics: ProviderMetrics;
}

export function createProviderDaemon(options: ProviderDaemonOptions): ProviderDaemon {
  const { config, nodeKey, deployment, log } = options;
  const now = options.now ?? Date.now;
  const self = nodeKey.publicKey.toLowerCase() as Hex;
  const owner = config.owner;
  if (options.ownerWallet.account.address.toLowerCase() !== owner) {
    throw new StateError("the wallet given is not this provider's owner", {
      details: { wallet: options.ownerWallet.account.address, owner },
      hint: "Start with --account naming the owner account of `gw provider init`.",
    });
  }
  const offers: Record<string, unknown> = {};
  const offered = new Map<AnyResourceType, unknown>();
  for (const [name, offer] of Object.entries(config.offers)) {
    const type = getResourceType(name);
    if (!type) throw new StateError(`unknown resource type ${name} in the provider config`);
    offers[name] = type.offerSchema.parse(offer);
    offered.set(type, offers[name]);
  }
  let services: ProviderService[] = [];
  const paths = providerPaths(options.home);
  const metrics = createProviderMetrics();
  const signer = nodeKeySigner(nodeKey);
  const guard = createReplayGuard({ windowMs: 60_000, now });
  const blobs = createBlobCache({ maxBytes: config.blobCacheMb * 1024 ** 2 });
  const journal = createJobJournal({ dir: paths.journal, now });
  const runner = createJobRunner({
    nodeKey: self,
    owner,
    offers,
    capacity: config.capacity,
    journal,
    blobs,
    log,
    metrics,
    faults: config.faults,
    now,
    ...(options.random ? { random: options.random } : {}),
  });
  const book = createVoucherBook({
    path: paths.vouchers,
    owner,
    domain: { chainId: deployment.chainId, escrow: deployment.contracts.escrow },
    now,
  });
  const redeemer = createVoucherRedeemer({
    book,
    publicClient: options.publicClient,
    wallet: options.ownerWallet,
    escrow: deployment.contracts.escrow,
    minAmount: redeemMinAmount(config),
    intervalMs: config.redeem.intervalSeconds * 1000,
    log,
    metrics,
    now,
  });
  let control: ControlServer | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<unknown>>();

  const links: GatewayLink[] = config.gateways.map((url) =>
    createGatewayLink({
      url,
      nodeKey,
      network: { chainId: deployment.chainId, registry: deployment.contracts.registry },
      hello: () => ({ owner, offers, capacity: config.capacity, version: providerVersion, cached: blobs.hashes() }),
      guard,
      log,
      onMessage: (link, raw) => track(handleMessage(link, raw)),
      onStateChanged: () => metrics.gatewaysConnected.set(links.filter((l) => l.connected).length),
      ...options.link,
      ...(options.now ? { now: options.now } : {}),
      ...(options.random ? { random: options.random } : {}),
    }),
  );

  function track(work: Promise<void>): void {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }

  async function reply(link: GatewayLink, gateway: Hex, message: JobReply): Promise<void> {
    const envelope = await signEnvelope(signer, { type: message.type, to: gateway, body: message.body }, now);
    const delivered = link.send(envelope as Envelope);
    // Journaled even when the gateway is gone: if it asks again, the journal answers.
    if ("sent" in message) message.sent?.();
    if (!delivered) {
      log("warn", "gateway gone before the reply could be sent", {
        url: link.url,
        type: message.type,
        jobId: "receipt" in message.body ? message.body.receipt.jobId : message.body.jobId,
      });
    }
  }

  async function handleMessage(link: GatewayLink, raw: unknown): Promise<void> {
    const gateway = link.gatewayKey;
    if (!gateway) return;
    const claimed = raw as { type?: unknown; from?: unknown; body?: unknown } | null;
    if (claimed === null || typeof claimed !== "object" || claimed.from !== gateway) {
      log("warn", "message not from this link's gateway ignored", { url: link.url });
      return;
    }
    const open = <S extends Parameters<typeof openEnvelope>[1]["body"]>(type: string, body: S) =>
      openEnvelope(raw, { type, body, guard, recipient: self, now });
    try {
      switch (claimed.type) {
        case messageTypes.jobAssign: {
          const assign = await open(messageTypes.jobAssign, jobAssignBody);
          let result: JobReply | undefined;
          try {
            result = await runner.handle(gateway, assign.body);
          } catch (error) {
            const e = error instanceof Error ? error : new Error(String(error));
            log("error", "job handling failed", { jobId: assign.body.jobId, error: e.message });
            result = {
              type: messageTypes.jobFailed,
              body: {
                jobId: assign.body.jobId,
                attempt: assign.body.attempt,
                error: { name: e.name.slice(0, 100), message: e.message.slice(0, 2000) },
              },
            };
          }
          if (result) await reply(link, gateway, result);
          return;
        }
        case messageTypes.challengePing: {
          // Liveness: answered at once, whatever runs, so the round trip measures the node and not its queue.
          const ping = await open(messageTypes.challengePing, challengePingBody);
          if (ping.body.nodeKey !== self) {
            log("warn", "challenge for another node ignored", { url: link.url, nodeKey: ping.body.nodeKey });
            return;
          }
          const pong = await signEnvelope(
            signer,
            {
              type: messageTypes.challengePong,
              to: ping.body.oracle,
              body: { nonce: ping.body.nonce, oracle: ping.body.oracle },
            },
            now,
          );
          if (!link.send(pong as Envelope))
            log("warn", "gateway gone before the pong could be sent", { url: link.url });
          metrics.challengesAnswered.inc();
          return;
        }
        case messageTypes.jobCancel: {
          const cancel = await open(messageTypes.jobCancel, jobCancelBody);
          const found = runner.cancel(cancel.body.jobId, cancel.body.attempt);
          log("info", "job cancelled by the gateway", { ...cancel.body, running: found });
          return;
        }
        case messageTypes.voucherDeliver: {
          const delivery = await open(messageTypes.voucherDeliver, voucherDeliverBody);
          let kept = 0;
          for (const signed of delivery.body.vouchers) {
            try {
              const outcome = await book.accept(signed);
              metrics.vouchersReceived.inc({ result: outcome });
              if (outcome === "kept") kept++;
            } catch (error) {
              if (!(error instanceof VoucherRejectedError)) throw error;
              metrics.vouchersReceived.inc({ result: "refused" });
              log("warn", "voucher refused", { reason: error.message, ...error.details });
            }
          }
          log("info", "vouchers delivered", { received: delivery.body.vouchers.length, kept });
          if (kept > 0) redeemer.nudge();
          return;
        }
        default:
          log("warn", "unknown message type ignored", { url: link.url, type: String(claimed.type).slice(0, 64) });
      }
    } catch (error) {
      if (!(error instanceof MessageRejectedError)) {
        log("error", "message handling failed", { url: link.url, error: (error as Error).message });
        return;
      }
      log("warn", "message rejected", {
        url: link.url,
        type: String(claimed.type).slice(0, 64),
        reason: error.reason,
        msg: error.message,
      });
      // A job.assign the gateway really signed but whose body is wrong still deserves an answer, if it names a job.
      const body = claimed.body as { jobId?: unknown; attempt?: unknown } | undefined;
      if (
        error.reason === "invalid-body" &&
        claimed.type === messageTypes.jobAssign &&
        jobIdSchema.safeParse(body?.jobId).success &&
        Number.isInteger(body?.attempt)
      ) {
        await reply(link, gateway, {
          type: messageTypes.jobFailed,
          body: {
            jobId: body?.jobId as string,
            attempt: body?.attempt as number,
            error: { name: "invalid-assign", message: error.message },
          },
        });
      }
    }
  }

  const daemon: ProviderDaemon = {
    metrics,
    async start() {
      const pruned = journal.prune(config.journalDays * 86_400_000);
      pruneTimer = setInterval(() => journal.prune(config.journalDays * 86_400_000), 3_600_000);
      pruneTimer.unref();
      control = await startControlServer({
        host: config.control.host,
        port: config.control.port,
        metrics: metrics.registry,
        status: () => daemon.status(),
        log,
      });
      try {
        const registered = await getRegisteredProvider(options.publicClient, {
          chainId: deployment.chainId,
          registry: deployment.contracts.registry,
          nodeKey: self,
        });
        if (!registered) log("warn", "node key not registered: gateways will refuse it", { hint: "gw provider stake" });
        else if (registered.owner.toLowerCase() !== owner)
          log("error", "node key registered to another owner", { registeredOwner: registered.owner });
        else if (!registered.active)
          log("warn", "provider not active (stake too low or jailed)", {
            stake: registered.stake,
            jailedUntil: registered.jailedUntil,
          });
      } catch (error) {
        log("warn", "cannot read the registry", { error: (error as Error).message });
      }
      if (links.length === 0)
        log("warn", "no gateways configured: only redeeming vouchers", { hint: "gw provider init --gateway URL" });
      for (const link of links) link.start();
      redeemer.start();
      // Resource types' own services (a coverage hotspot's radio loop), beside the gateway links.
      services = await startProviderServices(offered, {
        nodeKey,
        deployment,
        publicClient: options.publicClient,
        log,
      });
      log("info", "provider started", {
        nodeKey: self,
        owner,
        gateways: config.gateways,
        capacity: config.capacity,
        control: control.url,
        journalPruned: pruned,
      });
      return { control: control.url };
    },
    async stop() {
      if (pruneTimer) clearInterval(pruneTimer);
      await Promise.all(services.map((s) => s.close()));
      await Promise.all(links.map((l) => l.stop()));
      await redeemer.stop();
      // Closing the runtimes ends running work; its replies have nowhere to go, and the gateway reroutes it.
      await runner.close();
      await Promise.allSettled([...inFlight]);
      await control?.close();
      log("info", "provider stopped", {});
    },
    status() {
      const counts = runner.counts();
      const running = runner.running();
      return {
        nodeKey: self,
        owner,
        version: providerVersion,
        control: control?.url,
        gateways: links.map((l) => ({ url: l.url, connected: l.connected, since: l.since, gateway: l.gatewayKey })),
        running: running.length,
        runningJobs: running,
        ...counts,
        vouchers: book.list().length,
        unredeemed: Object.fromEntries(Object.entries(redeemer.unredeemed()).map(([k, v]) => [k, v.toString()])),
        lastRedeem: book.lastRedeem(),
      };
    },
    redeemNow: () => redeemer.run({ force: true }),
  };
  return daemon;
}
