// The liveness challenge messages (docs/oracle.md, "Evidence"): an oracle asks a gateway to challenge a provider
// (`challenge.request`, signed by the oracle's wallet), the gateway relays `challenge.ping` over the provider's socket
// (signed by the gateway key), and the provider answers `challenge.pong` (signed by its node key, naming the oracle
// and the nonce), which the gateway hands back unchanged. The pong is the evidence; it outlives the request.
// TEMPORARY home: these schemas move to src/protocol/messages.ts when the oracle-engine branch is merged.
import { z } from "zod";
import { addressSchema, hex32 } from "../../protocol/index.ts";

export const challengeMessageTypes = {
  request: "challenge.request",
  ping: "challenge.ping",
  pong: "challenge.pong",
} as const;

/** 16 random bytes as 32 lower-case hex digits. */
export const challengeNonceSchema = z.string().regex(/^[0-9a-f]{32}$/, "32 lower-case hex digits");

/** Oracle → gateway (HTTP `POST /v1/challenges`): challenge this node now. */
export const challengeRequestBody = z.object({ nodeKey: hex32, nonce: challengeNonceSchema });

/** Gateway → provider (WebSocket): answer this nonce for this oracle. */
export const challengePingBody = z.object({ nonce: challengeNonceSchema, oracle: addressSchema, nodeKey: hex32 });

/** Provider → gateway → oracle: the node was up and answered. */
export const challengePongBody = z.object({ nonce: challengeNonceSchema, oracle: addressSchema });

export type ChallengePingBody = z.infer<typeof challengePingBody>;
export type ChallengePongBody = z.infer<typeof challengePongBody>;
