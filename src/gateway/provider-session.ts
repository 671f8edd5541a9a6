// One admitted provider's WebSocket: sends it signed messages, routes what it answers to the attempt waiting for
// it, counts its running attempts against its capacity, remembers which blobs it holds, and checks it is alive
// (ping/pong). When the socket dies every attempt still waiting on it hears `disconnected`.
import { randomBytes } from "node:crypto";
import type { Hex } from "viem";
import type { WebSocket } from "ws";
import { type MessageSigner, messageTypes, signEnvelope } from "../protocol/index.ts";

/** What admission established about a provider: identity, payee, parsed offers per resource type. */
export interface AdmittedProvider {
  nodeKey: Hex;
  owner: Hex;
  offers: ReadonlyMap<string, unknown>;
  capacity: number;
  version: string;
  cached: readonly Hex[];
}

/** What happened to one attempt on this session. Envelopes are raw: the job engine verifies them. */
export type AttemptEvent =
  | { kind: "result"; envelope: unknown }
  | { kind: "failed"; envelope: unknown }
  | { kind: "disconnected"; detail: string };

export interface ProviderSession extends AdmittedProvider {
  readonly id: string;
  readonly connectedAt: number;
  /** Attempts assigned and not yet released. */
  readonly running: number;
  readonly open: boolean;
  hasBlob(hash: Hex): boolean;
  addBlobs(hashes: Iterable<Hex>): void;
  /** Signs `body` as `type` with the gateway key, addressed to this provider, and sends it. False if closed. */
  send(type: string, body: unknown): Promise<boolean>;
  /** Reserves a capacity slot for (jobId, attempt) and routes that attempt's answers to `listener`. */
  track(jobId: string, attempt: number, listener: (event: AttemptEvent) => void): void;
  /** Frees the slot; answers arriving later for this attempt are dropped. */
  release(jobId: string, attempt: number): void;
  /**
   * Routes the next `challenge.pong` frame naming `nonce` (unverified: the oracle verifies it) to `listener`, until
   * `cancelPong`. Uses no capacity: liveness challenges are answered even when the provider is busy.
   */
  expectPong(nonce: string, listener: (envelope: unknown) => void): void;
  cancelPong(nonce: string): void;
  close(code: number, reason: string): void;
}

export interface ProviderSessionOptions {
  socket: WebSocket;
  provider: AdmittedProvider;
  signer: MessageSigner;
  pingIntervalMs: number;
  now: () => number;
  log: (line: string) => void;
  onFreed(session: ProviderSession): void;
  onClosed(session: ProviderSession, code: number, reason: string): void;
}

const attemptKey = (jobId: string, attempt: number) => `${jobId}/${attempt}`;

/** Reads (jobId, attempt) from an unverified job.result / job.failed, only to route it; the engine verifies. */
function routeOf(message: Record<string, unknown>): string | undefined {
  const body = message.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== "object") return undefined;
  const source = (message.type === messageTypes.jobResult ? body.receipt : body) as Record<string, unknown> | undefined;
  if (!source || typeof source.jobId !== "string" || typeof source.attempt !== "number") return undefined;
  return attemptKey(source.jobId, source.attempt);
}

export function createProviderSession(options: ProviderSessionOptions): ProviderSession {
  const { socket, provider, signer } = options;
  const blobs = new Set<Hex>(provider.cached);
  const pending = new Map<string, (event: AttemptEvent) => void>();
  const pongs = new Map<string, (envelope: unknown) => void>();
  let open = true;
  let alive = true;

  const ping = setInterval(() => {
    if (!alive) {
      options.log(`provider ${provider.nodeKey.slice(0, 10)} missed a pong: disconnecting`);
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, options.pingIntervalMs);
  ping.unref();

  const session: ProviderSession = {
    ...provider,
    id: randomBytes(8).toString("hex"),
    connectedAt: options.now(),
    get running() {
      return pending.size;
    },
    get open() {
      return open;
    },
    hasBlob: (hash) => blobs.has(hash),
    addBlobs(hashes) {
      for (const hash of hashes) blobs.add(hash);
    },
    async send(type, body) {
      if (!open) return false;
      const envelope = await signEnvelope(signer, { type, body, to: provider.nodeKey }, options.now);
      if (!open || socket.readyState !== socket.OPEN) return false;
      socket.send(JSON.stringify(envelope));
      return true;
    },
    track(jobId, attempt, listener) {
      pending.set(attemptKey(jobId, attempt), listener);
    },
    release(jobId, attempt) {
      if (pending.delete(attemptKey(jobId, attempt))) options.onFreed(session);
    },
    expectPong(nonce, listener) {
      pongs.set(nonce, listener);
    },
    cancelPong(nonce) {
      pongs.delete(nonce);
    },
    close(code, reason) {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
      else socket.terminate();
    },
  };

  socket.on("pong", () => {
    alive = true;
  });
  socket.on("message", (data, isBinary) => {
    alive = true;
    if (isBinary) return;
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      options.log(`provider ${provider.nodeKey.slice(0, 10)} sent a frame that is not JSON`);
      return;
    }
    if (!message || typeof message !== "object") return;
    const type = (message as Record<string, unknown>).type;
    if (type === messageTypes.challengePong) {
      const nonce = (message as { body?: { nonce?: unknown } }).body?.nonce;
      const listener = typeof nonce === "string" ? pongs.get(nonce) : undefined;
      if (listener) {
        pongs.delete(nonce as string);
        listener(message);
      }
      return;
    }
    if (type !== messageTypes.jobResult && type !== messageTypes.jobFailed) return;
    const key = routeOf(message as Record<string, unknown>);
    const listener = key ? pending.get(key) : undefined;
    if (!listener) return; // late, cancelled or unknown attempt
    listener(
      type === messageTypes.jobResult ? { kind: "result", envelope: message } : { kind: "failed", envelope: message },
    );
  });
  socket.on("close", (code, reason) => {
    open = false;
    clearInterval(ping);
    const waiting = [...pending.values()];
    pending.clear();
    pongs.clear();
    const detail = `connection closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ""})`;
    for (const listener of waiting) listener({ kind: "disconnected", detail });
    options.onClosed(session, code, reason.toString());
  });
  socket.on("error", (error) =>
    options.log(`provider ${provider.nodeKey.slice(0, 10)} socket error: ${error.message}`),
  );
  return session;
}
