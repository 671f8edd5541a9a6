// One outbound WebSocket to a gateway (home machines sit behind NAT, so the provider dials). Answers the gateway's
// signed challenge with provider.hello, then hands every later frame to the daemon. Reconnects forever with
// exponential backoff and jitter; a ping that goes unanswered for two intervals counts as a dead connection.
import type { Hex } from "viem";
import WebSocket from "ws";
import {
  type Envelope,
  gatewayChallengeBody,
  gatewayWelcomeBody,
  MessageRejectedError,
  messageTypes,
  type NodeKey,
  nodeKeySigner,
  openEnvelope,
  type ReplayGuard,
  signEnvelope,
} from "../protocol/index.ts";
import type { Logger } from "./logger.ts";

export interface HelloContent {
  owner: Hex;
  offers: Record<string, unknown>;
  capacity: number;
  version: string;
  cached: Hex[];
}

export interface GatewayLinkOptions {
  url: string;
  nodeKey: NodeKey;
  /** The network this provider belongs to: a gateway of another chain or registry is refused. */
  network: { chainId: number; registry: Hex };
  hello: () => HelloContent;
  guard: ReplayGuard;
  log: Logger;
  /** Every frame after the hello, with the gateway key that signed the challenge. */
  onMessage: (link: GatewayLink, raw: unknown) => void;
  /** Called when the link is admitted (welcome) or lost. */
  onStateChanged?: (link: GatewayLink) => void;
  backoff?: { initialMs?: number; maxMs?: number };
  heartbeatMs?: number;
  handshakeTimeoutMs?: number;
  now?: () => number;
  random?: () => number;
}

export interface GatewayLink {
  readonly url: string;
  /** The key that signed the current connection's challenge. */
  readonly gatewayKey: Hex | undefined;
  /** Admitted (welcomed) right now. */
  readonly connected: boolean;
  /** When the current admission began, or the link was lost. */
  readonly since: number | undefined;
  /** Sends a signed message to the gateway; false when not connected. */
  send(envelope: Envelope): boolean;
  start(): void;
  stop(): Promise<void>;
}

export function createGatewayLink(options: GatewayLinkOptions): GatewayLink {
  const { url, nodeKey, log } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const initialMs = options.backoff?.initialMs ?? 500;
  const maxMs = options.backoff?.maxMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  const signer = nodeKeySigner(nodeKey);
  const self = nodeKey.publicKey.toLowerCase() as Hex;

  let socket: WebSocket | undefined;
  let gatewayKey: Hex | undefined;
  let connected = false;
  let since: number | undefined;
  let failures = 0;
  let stopped = true;
  let retryTimer: NodeJS.Timeout | undefined;

  const link: GatewayLink = {
    url,
    get gatewayKey() {
      return gatewayKey;
    },
    get connected() {
      return connected;
    },
    get since() {
      return since;
    },
    send(envelope) {
      if (!socket || socket.readyState !== WebSocket.OPEN || !gatewayKey) return false;
      socket.send(JSON.stringify(envelope));
      return true;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      connect();
    },
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      const current = socket;
      if (!current || current.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        current.once("close", () => resolve());
        current.close(1001, "provider stopping");
        setTimeout(() => {
          current.terminate();
          resolve();
        }, 2000).unref();
      });
    },
  };

  function setConnected(value: boolean): void {
    if (connected === value) return;
    connected = value;
    since = now();
    options.onStateChanged?.(link);
  }

  function scheduleReconnect(): void {
    if (stopped) return;
    const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(failures, 16));
    const delay = Math.round(ceiling * (0.5 + random() * 0.5));
    failures++;
    log("debug", "gateway reconnect scheduled", { url, delayMs: delay, failures });
    retryTimer = setTimeout(connect, delay);
  }

  function connect(): void {
    if (stopped) return;
    const ws = new WebSocket(url, { handshakeTimeout: handshakeTimeoutMs, maxPayload: 256 * 1024 ** 2 });
    socket = ws;
    gatewayKey = undefined;
    let helloSent = false;
    let alive = true;
    const handshakeTimer = setTimeout(() => {
      log("warn", "gateway sent no challenge in time", { url });
      ws.terminate();
    }, handshakeTimeoutMs);
    const heartbeat = setInterval(() => {
      if (!alive) {
        log("warn", "gateway stopped answering pings", { url });
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    }, heartbeatMs);
    ws.on("pong", () => {
      alive = true;
    });
    ws.on("ping", () => {
      alive = true;
    });
    ws.on("error", (error) => log("debug", "gateway socket error", { url, error: error.message }));
    ws.on("close", (code, reason) => {
      clearTimeout(handshakeTimer);
      clearInterval(heartbeat);
      if (socket === ws) socket = undefined;
      const wasConnected = connected;
      setConnected(false);
      const fields = { url, code, reason: reason.toString() };
      if (code === 4401) log("error", "gateway refused this provider", fields);
      else if (wasConnected) log("warn", "gateway connection lost", fields);
      scheduleReconnect();
    });
    ws.on("message", (data, isBinary) => {
      alive = true;
      let raw: unknown;
      try {
        raw = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString("utf8") : data.toString());
      } catch {
        log("warn", "gateway sent a frame that is not JSON", { url });
        return;
      }
      if (!helloSent) {
        // The first frame must be the challenge; anything before the hello goes out is the gateway's mistake.
        helloSent = true;
        void answerChallenge(ws, raw).then(
          () => clearTimeout(handshakeTimer),
          (error: Error) => {
            log("error", "gateway challenge refused", {
              url,
              error: error.message,
              ...(error instanceof MessageRejectedError ? { reason: error.reason } : {}),
            });
            ws.close(4400, "bad challenge");
          },
        );
        return;
      }
      const type = (raw as { type?: unknown } | null)?.type;
      if (type === messageTypes.gatewayWelcome && !connected) {
        void acceptWelcome(raw);
        return;
      }
      options.onMessage(link, raw);
    });
  }

  async function answerChallenge(ws: WebSocket, raw: unknown): Promise<void> {
    const challenge = await openEnvelope(raw, {
      type: messageTypes.gatewayChallenge,
      body: gatewayChallengeBody,
      guard: options.guard,
      ...(options.now ? { now: options.now } : {}),
    });
    const body = challenge.body;
    if (body.gateway.toLowerCase() !== challenge.from) {
      throw new MessageRejectedError("bad-signature", "challenge not signed by the gateway it names", {
        gateway: body.gateway,
        from: challenge.from,
      });
    }
    if (body.chainId !== options.network.chainId || body.registry !== options.network.registry.toLowerCase()) {
      throw new MessageRejectedError("invalid-body", "gateway belongs to another network", {
        chainId: body.chainId,
        registry: body.registry,
      });
    }
    gatewayKey = challenge.from as Hex;
    const hello = options.hello();
    const envelope = await signEnvelope(
      signer,
      { type: messageTypes.providerHello, to: gatewayKey, body: { challenge: body.challenge, ...hello } },
      options.now,
    );
    ws.send(JSON.stringify(envelope));
    log("debug", "hello sent", { url, gateway: gatewayKey });
  }

  async function acceptWelcome(raw: unknown): Promise<void> {
    try {
      const welcome = await openEnvelope(raw, {
        type: messageTypes.gatewayWelcome,
        body: gatewayWelcomeBody,
        guard: options.guard,
        ...(options.now ? { now: options.now } : {}),
      });
      if (welcome.from !== gatewayKey || (welcome.to !== undefined && welcome.to !== self)) {
        log("warn", "welcome from the wrong key ignored", { url, from: welcome.from });
        return;
      }
      failures = 0;
      setConnected(true);
      log("info", "gateway admitted this provider", { url, gateway: gatewayKey, session: welcome.body.session });
    } catch (error) {
      log("warn", "invalid welcome ignored", { url, error: (error as Error).message });
    }
  }

  return link;
}
