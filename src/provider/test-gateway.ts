// Test support (not part of the daemon): a minimal gateway that speaks the provider side of docs/protocol.md with a
// real node key over a real WebSocket server, so the daemon's tests need nothing from src/gateway.
import { randomBytes } from "node:crypto";
import type { Hex } from "viem";
import { type WebSocket, WebSocketServer } from "ws";
import type { z } from "zod";
import {
  createReplayGuard,
  type Envelope,
  generateNodeKeySeed,
  messageTypes,
  type NodeKey,
  nodeKeyFromSeed,
  nodeKeySigner,
  openEnvelope,
  providerHelloBody,
  signEnvelope,
} from "../protocol/index.ts";

export type Hello = Envelope<z.infer<typeof providerHelloBody>>;

export interface TestGateway {
  key: NodeKey;
  url: string;
  port: number;
  /** Every hello that opened and answered the current challenge, in order. */
  hellos: Hello[];
  /** Resolves with the next admitted provider's hello (or one already received since the last call). */
  nextHello(timeoutMs?: number): Promise<Hello>;
  /** Signs `body` with the gateway key (or `signer`) and sends it to the admitted provider. */
  send(type: string, body: unknown, options?: { to?: Hex; key?: NodeKey }): Promise<Envelope>;
  sendRaw(frame: unknown): void;
  /** Next frame from the provider that matches, or undefined after `timeoutMs`. */
  nextMessage(match: (e: Envelope) => boolean, timeoutMs?: number): Promise<Envelope | undefined>;
  /** Closes the server and every connection. */
  close(): Promise<void>;
  /** Closes and listens again on the same port with the same key. */
  restart(): Promise<void>;
}

export async function startTestGateway(options: {
  chainId: number;
  registry: Hex;
  port?: number;
  key?: NodeKey;
}): Promise<TestGateway> {
  const key = options.key ?? nodeKeyFromSeed(generateNodeKeySeed());
  const self = key.publicKey.toLowerCase() as Hex;
  const signer = nodeKeySigner(key);
  const guard = createReplayGuard({ windowMs: 60_000 });
  const hellos: Hello[] = [];
  let helloCursor = 0;
  const helloWaiters: (() => void)[] = [];
  const frames: Envelope[] = [];
  const frameWaiters: (() => void)[] = [];
  let server: WebSocketServer;
  let current: { ws: WebSocket; provider: Hex } | undefined;
  let port = options.port ?? 0;

  function listen(): Promise<void> {
    server = new WebSocketServer({ host: "127.0.0.1", port, path: "/v1/providers" });
    server.on("connection", (ws) => {
      const challenge = `0x${randomBytes(32).toString("hex")}` as Hex;
      let admitted: Hex | undefined;
      ws.on("message", async (data) => {
        const raw = JSON.parse(data.toString());
        if (!admitted) {
          try {
            const hello = await openEnvelope(raw, {
              type: messageTypes.providerHello,
              body: providerHelloBody,
              guard,
              recipient: self,
            });
            if (hello.body.challenge !== challenge) throw new Error("challenge mismatch");
            admitted = hello.from as Hex;
            current = { ws, provider: admitted };
            ws.send(
              JSON.stringify(
                await signEnvelope(signer, { type: messageTypes.gatewayWelcome, to: admitted, body: { session: "t" } }),
              ),
            );
            hellos.push(hello as Hello);
            for (const w of helloWaiters.splice(0)) w();
          } catch (error) {
            ws.close(4401, (error as Error).message.slice(0, 100));
          }
          return;
        }
        frames.push(raw as Envelope);
        for (const w of frameWaiters.splice(0)) w();
      });
      void signEnvelope(signer, {
        type: messageTypes.gatewayChallenge,
        body: { challenge, gateway: self, chainId: options.chainId, registry: options.registry.toLowerCase() },
      }).then((e) => ws.send(JSON.stringify(e)));
    });
    return new Promise((resolve, reject) => {
      server.once("listening", () => {
        const address = server.address();
        if (typeof address === "object" && address) port = address.port;
        resolve();
      });
      server.once("error", reject);
    });
  }

  function close(): Promise<void> {
    current = undefined;
    for (const client of server.clients) client.terminate();
    return new Promise((resolve) => server.close(() => resolve()));
  }

  await listen();
  const gateway: TestGateway = {
    key,
    get url() {
      return `ws://127.0.0.1:${port}/v1/providers`;
    },
    get port() {
      return port;
    },
    hellos,
    async nextHello(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (helloCursor >= hellos.length) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error("no provider hello in time");
        await new Promise<void>((resolve) => {
          helloWaiters.push(resolve);
          setTimeout(resolve, left);
        });
      }
      const hello = hellos[helloCursor++];
      if (!hello) throw new Error("unreachable");
      return hello;
    },
    async send(type, body, sendOptions = {}) {
      if (!current) throw new Error("no provider connected");
      const envelope = await signEnvelope(sendOptions.key ? nodeKeySigner(sendOptions.key) : signer, {
        type,
        body,
        to: sendOptions.to ?? current.provider,
      });
      current.ws.send(JSON.stringify(envelope));
      return envelope;
    },
    sendRaw(frame) {
      if (!current) throw new Error("no provider connected");
      current.ws.send(JSON.stringify(frame));
    },
    async nextMessage(match, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = frames.findIndex(match);
        if (index >= 0) return frames.splice(index, 1)[0];
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        await new Promise<void>((resolve) => {
          frameWaiters.push(resolve);
          setTimeout(resolve, left);
        });
      }
    },
    close,
    async restart() {
      await close();
      await listen();
    },
  };
  return gateway;
}
