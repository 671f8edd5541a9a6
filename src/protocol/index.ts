// The wire protocol between roles: signed envelopes, node keys, replay protection and the message bodies.
export { canonicalJson } from "./canonical-json.ts";
export {
  type Envelope,
  envelopeSchema,
  envelopeSigningPayload,
  type KeySigner,
  MessageRejectedError,
  type MessageSigner,
  type NodeSignedParts,
  nodeKeySigner,
  nodeSignedParts,
  type OpenOptions,
  openEnvelope,
  type RejectReason,
  signEnvelope,
  signEnvelopeSync,
  verifyEnvelopeSignature,
  walletSigner,
} from "./envelope.ts";
export { type GatewayUrls, parseGatewayUrl } from "./gateway-url.ts";
export { hashSpec, sha256Hex } from "./hashing.ts";
export {
  addressSchema,
  amountSchema,
  base64Schema,
  challengePingBody,
  challengePongBody,
  challengeRequestBody,
  failureReportBody,
  fraudClaimBody,
  fraudReportBody,
  gatewayChallengeBody,
  gatewayWelcomeBody,
  hex32,
  type JobRequestBody,
  jobAssignBody,
  jobCancelBody,
  jobFailedBody,
  jobIdSchema,
  jobRequestBody,
  jobResultBody,
  messageTypes,
  providerHelloBody,
  type Receipt,
  receiptSchema,
  recomputeFraudReportBody,
  resourceTypeName,
  type SignedVoucher,
  signedVoucherSchema,
  voucherDeliverBody,
  voucherSchema,
  voucherSubmitBody,
} from "./messages.ts";
export {
  generateNodeKeySeed,
  type NodeKey,
  nodeKeyFromSeed,
  nodePublicKeyObject,
  verifyNodeSignature,
  verifyNodeSignatureBytes,
} from "./node-key.ts";
export { createReplayGuard, type ReplayGuard } from "./replay-guard.ts";
export {
  createSessionSigner,
  type SessionAuth,
  type SessionGrant,
  type SessionSigner,
  type SessionSignerOptions,
  sessionAuthSchema,
  sessionStatement,
  verifySessionSignature,
} from "./session-key.ts";
export { createSignatureVerifyPool, type SignatureVerifyPool } from "./verify-pool.ts";
