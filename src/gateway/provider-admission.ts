// Provider admission (docs/protocol.md, "Provider ⇄ gateway"): challenge the socket, open the signed hello, and check
// the node key against the chain — registered to the named owner, binding signature valid, active, and every
// offered type known, well-formed and registered. Throws AdmissionRejectedError naming what failed.
import { randomBytes } from "node:crypto";
import type { Hex, PublicClient } from "viem";
import type { WebSocket } from "ws";
import { getRegisteredProvider, resourceTypeId } from "../chain/index.ts";
import {
  MessageRejectedError,
  type MessageSigner,
  messageTypes,
  openEnvelope,
  providerHelloBody,
  type ReplayGuard,
  signEnvelope,
} from "../protocol/index.ts";
import { getResourceType } from "../resources/index.ts";
import { AdmissionRejectedError } from "./errors.ts";
import type { AdmittedProvider } from "./provider-session.ts";

export interface AdmissionContext {
  signer: MessageSigner;
  chainId: number;
  registry: Hex;
  publicClient: PublicClient;
  guard: ReplayGuard;
  helloTimeoutMs: number;
  now: () => number;
}

/** Reads the socket's first text frame as JSON, or rejects after `timeoutMs`. */
function firstMessage(socket: WebSocket, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      socket.off("message", onMessage);
      socket.off("close", onClose);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new AdmissionRejectedError("hello-timeout", "no provider.hello in time", { timeoutMs }));
    }, timeoutMs);
    const onMessage = (data: Buffer, isBinary: boolean) => {
      cleanup();
      if (isBinary) return reject(new AdmissionRejectedError("protocol", "expected a JSON text frame"));
      try {
        resolve(JSON.parse(data.toString()));
      } catch {
        reject(new AdmissionRejectedError("bad-hello", "malformed: the hello is not JSON"));
      }
    };
    const onClose = () => {
      cleanup();
      reject(new AdmissionRejectedError("protocol", "closed before hello"));
    };
    socket.on("message", onMessage);
    socket.on("close", onClose);
  });
}

/**
 * Checks a node key's registration for the offered types: registered, owned by `owner`, binding valid, active, and
 * each type registered. Used at admission and by the periodic registry re-check.
 */
export async function checkProviderRegistration(
  publicClient: PublicClient,
  params: { chainId: number; registry: Hex; nodeKey: Hex; owner: Hex; types: Iterable<string> },
): Promise<void> {
  const registered = await getRegisteredProvider(publicClient, {
    chainId: params.chainId,
    registry: params.registry,
    nodeKey: params.nodeKey,
  });
  if (!registered) {
    throw new AdmissionRejectedError("not-registered", "node key is not registered on chain", {
      nodeKey: params.nodeKey,
    });
  }
  if (registered.owner.toLowerCase() !== params.owner.toLowerCase()) {
    throw new AdmissionRejectedError("owner-mismatch", "node key is registered to another owner", {
      claimed: params.owner,
      registered: registered.owner,
    });
  }
  if (!registered.bindingValid) {
    throw new AdmissionRejectedError("bad-binding", "the registered binding signature does not verify");
  }
  if (!registered.active) {
    throw new AdmissionRejectedError("inactive", "provider is not active (stake below minimum or jailed)");
  }
  const onChain = new Set(registered.resourceTypes.map((t) => t.toLowerCase()));
  for (const name of params.types) {
    if (!onChain.has(resourceTypeId(name).toLowerCase())) {
      throw new AdmissionRejectedError("type-not-registered", `resource type ${name} is not registered on chain`, {
        type: name,
      });
    }
  }
}

/** Runs the handshake on a fresh socket; resolves with the admitted provider or throws AdmissionRejectedError. */
export async function admitProvider(socket: WebSocket, context: AdmissionContext): Promise<AdmittedProvider> {
  const challenge = `0x${randomBytes(32).toString("hex")}` as Hex;
  const hello = firstMessage(socket, context.helloTimeoutMs);
  hello.catch(() => {}); // handled below; avoids an unhandled rejection while the challenge is signed
  const challengeEnvelope = await signEnvelope(
    context.signer,
    {
      type: messageTypes.gatewayChallenge,
      body: { challenge, gateway: context.signer.id, chainId: context.chainId, registry: context.registry },
    },
    context.now,
  );
  socket.send(JSON.stringify(challengeEnvelope));

  let envelope: Awaited<ReturnType<typeof openEnvelope<typeof providerHelloBody>>>;
  try {
    envelope = await openEnvelope(await hello, {
      type: messageTypes.providerHello,
      body: providerHelloBody,
      guard: context.guard,
      recipient: context.signer.id,
      now: context.now,
    });
  } catch (error) {
    if (error instanceof MessageRejectedError) {
      throw new AdmissionRejectedError("bad-hello", `${error.reason}: ${error.message}`, { reason: error.reason });
    }
    throw error;
  }
  const nodeKey = envelope.from as Hex;
  if (nodeKey.length !== 66) throw new AdmissionRejectedError("bad-hello", "a hello must be signed by a node key");
  const body = envelope.body;
  if (body.challenge !== challenge)
    throw new AdmissionRejectedError("challenge-mismatch", "hello answers another challenge");

  const offers = new Map<string, unknown>();
  for (const [name, raw] of Object.entries(body.offers)) {
    const type = getResourceType(name);
    if (!type) throw new AdmissionRejectedError("unknown-type", `unknown resource type ${name}`, { type: name });
    const offer = type.offerSchema.safeParse(raw);
    if (!offer.success) {
      throw new AdmissionRejectedError("invalid-offer", `invalid ${name} offer`, {
        type: name,
        issues: offer.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`),
      });
    }
    offers.set(name, offer.data);
  }
  if (offers.size === 0) throw new AdmissionRejectedError("no-offers", "hello offers no resource type");

  await checkProviderRegistration(context.publicClient, {
    chainId: context.chainId,
    registry: context.registry,
    nodeKey,
    owner: body.owner,
    types: offers.keys(),
  });
  return {
    nodeKey,
    owner: body.owner,
    offers,
    capacity: body.capacity,
    version: body.version,
    cached: body.cached as Hex[],
  };
}
