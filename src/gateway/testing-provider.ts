import type { Hex } from "viem";
import { WebSocket } from "ws";
import {
  createReplayGuard,
  type Envelope,
  hashSpec,
  jobAssignBody,
  type MessageSigner,
  messageTypes,
  type NodeKey,
  nodeKeySigner,
  openEnvelope,
  type SignedVoucher,
  sha256Hex,
  signEnvelope,
} from "../protocol/index.ts";
import { type AnyResourceType, getResourceType, type ResourceRuntime } from "../resources/index.ts";

export type TestProviderBehavior =
  | "honest"
  | "corrupt"
  | "hang"
  | "fail"
  | "bad-signature"
  | "wrong-output-hash"
  | "disconnect";

export const testComputeOffer = {
  pricePerJob: "1000",
  pricePerSecond: "10",
  maxMemoryBytes: 64 * 1024 * 1024,
  maxWallMs: 60_000,
  maxOutputBytes: 16 * 1024 * 1024,
};

export interface TestProviderOptions {
  wsUrl: string;
  nodeKey: NodeKey;
  owner: Hex;
  offers?: Record<string, unknown>;
  capacity?: number;
  cached?: Hex[];
  behavior?: TestProviderBehavior;
  /** Waits this long before answering an assignment. */
  delayMs?: number;
  /** false: never answer pings (a dead peer whose socket stays open). */
  autoPong?: boolean;
  /** Changes the hello body before signing. */
  helloBody?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** Signs the hello with this signer instead of the node key. */
  helloSigner?: MessageSigner;
  /** Sends this instead of a freshly signed hello (e.g. a captured one, to test replay). */
  replayHello?: unknown;
  /** false: never answer oracle liveness challenges (challenge.ping). Default true. */
  answerChallenges?: boolean;
}

export type Admission = { admitted: true; session: string } | { admitted: false; code: number; reason: string };

export interface TestProvider {
  nodeKey: Hex;
  admission: Admission;
  /** The hello as sent. */
  hello: unknown;
  assignments: Envelope<{ jobId: string; attempt: number; blobs: Record<string, string>; deadline: number }>[];
  cancels: { jobId: string; attempt: number }[];
  vouchers: SignedVoucher[];
  closed: Promise<{ code: number; reason: string }>;
  behavior: TestProviderBehavior;
  close(): Promise<void>;
  terminate(): void;
}

export async function connectTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  const nodeKey = options.nodeKey.publicKey.toLowerCase() as Hex;
  const signer = nodeKeySigner(options.nodeKey);
  const guard = createReplayGuard({ windowMs: 120_000 });
  const offers = options.offers ?? { compute: testComputeOffer };
  const capacity = options.capacity ?? 2;
  const blobCache = new Map<Hex, Uint8Array>();
  const runtimes = new Map<string, ResourceRuntime<unknown>>();
  const socket = new WebSocket(options.wsUrl, { autoPong: options.autoPong ?? true, maxPayload: 256 * 1024 ** 2 });
  let gateway: Hex | undefined;

  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  socket.on("error", () => {});

  const provider: TestProvider = {
    nodeKey,
    admission: { admitted: false, code: 0, reason: "pending" },
    hello: undefined,
    assignments: [],
    cancels: [],
    vouchers: [],
    closed,
    behavior: options.behavior ?? "honest",
    async close() {
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, "bye");
      await closed;
      for (const runtime of runtimes.values()) await runtime.close();
    },
    terminate: () => socket.terminate(),
  };

  const runtimeFor = (type: AnyResourceType) => {
    let runtime = runtimes.get(type.name);
    if (!runtime) {
      runtime = type.createRuntime({ concurrency: capacity });
      runtimes.set(type.name, runtime);
    }
    return runtime;
  };

  const send = (envelope: unknown) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(envelope));
  };

  async function onAssign(raw: unknown) {
    const assign = await openEnvelope(raw, {
      type: messageTypes.jobAssign,
      body: jobAssignBody,
      guard,
      recipient: nodeKey,
    });
    if (assign.from !== gateway) throw new Error("job.assign not from the gateway that challenged us");
    provider.assignments.push(assign as TestProvider["assignments"][number]);
    for (const [hash, data] of Object.entries(assign.body.blobs)) {
      blobCache.set(hash as Hex, new Uint8Array(Buffer.from(data, "base64")));
    }
    const { jobId, attempt, request } = assign.body;
    const requestBody = request.body as { resourceType: string; spec: unknown };
    const behavior = provider.behavior;
    if (behavior === "disconnect") return socket.terminate();
    if (behavior === "hang") return;
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    if (behavior === "fail") {
      return send(
        await signEnvelope(signer, {
          type: messageTypes.jobFailed,
          to: gateway as Hex,
          body: { jobId, attempt, error: { name: "TestFailure", message: "this provider fails on purpose" } },
        }),
      );
    }
    const type = getResourceType(requestBody.resourceType);
    if (!type) throw new Error(`unknown type ${requestBody.resourceType}`);
    const spec = type.specSchema.parse(requestBody.spec);
    const startedAt = Date.now();
    const work = await runtimeFor(type).run({ spec, blobs: blobCache });
    let output = work.output;
    if (behavior === "corrupt") {
      output = new Uint8Array([...work.output, 0x21]); // a consistent lie: hashes computed over the wrong bytes
    }
    const result = { output, outcome: work.outcome, metering: work.metering };
    const offer = type.offerSchema.parse(offers[type.name]);
    const receipt = {
      jobId,
      attempt,
      customer: request.from,
      gateway: gateway as Hex,
      provider: nodeKey,
      owner: options.owner.toLowerCase(),
      resourceType: type.name,
      specHash: hashSpec(requestBody.spec),
      outputHash: behavior === "wrong-output-hash" ? sha256Hex(Buffer.from("something else")) : sha256Hex(output),
      resultDigest: type.resultDigest(result),
      deterministic: type.deterministic(result),
      price: type.price(offer, spec, work.metering).toString(),
      metering: work.metering,
      startedAt,
      finishedAt: Date.now(),
    };
    const envelope = await signEnvelope(signer, {
      type: messageTypes.jobResult,
      to: gateway as Hex,
      body: { receipt, output: Buffer.from(output).toString("base64"), outcome: work.outcome },
    });
    if (behavior === "bad-signature") {
      const flipped = envelope.sig.endsWith("0") ? "1" : "0";
      envelope.sig = `${envelope.sig.slice(0, -1)}${flipped}`;
    }
    send(envelope);
  }

  await new Promise<void>((resolve) => {
    let admittedOrClosed = false;
    socket.on("message", async (data) => {
      let message: Envelope<Record<string, unknown>>;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (message.type === messageTypes.gatewayChallenge) {
        gateway = message.from as Hex;
        const body = {
          challenge: message.body.challenge,
          owner: options.owner.toLowerCase(),
          offers,
          capacity,
          version: "test/1",
          cached: options.cached ?? [],
        };
        const hello =
          options.replayHello ??
          (await signEnvelope(options.helloSigner ?? signer, {
            type: messageTypes.providerHello,
            to: gateway,
            body: options.helloBody ? options.helloBody(body) : body,
          }));
        if (options.helloSigner) (hello as { from: string }).from = nodeKey;
        provider.hello = hello;
        send(hello);
      } else if (message.type === messageTypes.gatewayWelcome) {
        provider.admission = { admitted: true, session: String(message.body.session) };
        admittedOrClosed = true;
        resolve();
      } else if (message.type === messageTypes.jobAssign) {
        onAssign(message).catch(() => {});
      } else if (message.type === messageTypes.challengePing) {
        if (options.answerChallenges === false || message.from !== gateway) return;
        const ping = message.body as { nonce: string; oracle: Hex };
        send(
          await signEnvelope(signer, {
            type: messageTypes.challengePong,
            to: ping.oracle,
            body: { nonce: ping.nonce, oracle: ping.oracle },
          }),
        );
      } else if (message.type === messageTypes.jobCancel) {
        provider.cancels.push(message.body as { jobId: string; attempt: number });
      } else if (message.type === messageTypes.voucherDeliver) {
        provider.vouchers.push(...(message.body.vouchers as SignedVoucher[]));
      }
    });
    void closed.then(({ code, reason }) => {
      if (!admittedOrClosed) {
        provider.admission = { admitted: false, code, reason };
        resolve();
      }
    });
  });
  return provider;
}
