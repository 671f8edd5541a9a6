// IoT data, the primary coverage reward: device frames, the packet router that dedups and pays, the hotspot relay.

export { iotDataPaths } from "./data-paths.ts";
export {
  type DeviceCredentials,
  nextUplink,
  readDeviceCredentials,
  writeDeviceCredentials,
} from "./device-credentials.ts";
export { type DeviceRegistry, deviceIdSchema, openDeviceRegistry, type RegisteredDevice } from "./device-registry.ts";
export { chainHotspotLookup, coverageResourceTypeName } from "./hotspot-lookup.ts";
export { createHotspotRelay, type HotspotRelay, type RelayStats } from "./hotspot-relay.ts";
export {
  type PacketDeliverBody,
  type PacketOutcome,
  packetDeliverBody,
  packetMessageTypes,
  packetOutcomeSchema,
  type RouterInfo,
  routerInfoSchema,
} from "./packet-messages.ts";
export { createPacketPayer, type PacketPayer, type PaymentFlush } from "./packet-payer.ts";
export {
  createPacketRouter,
  type HotspotLookup,
  PacketRejectedError,
  type PacketRejectReason,
  type PacketRouter,
  type PacketRouterOptions,
  type RouterStats,
} from "./packet-router.ts";
export { openRouterJournal, type RouterJournal, type RouterState } from "./router-journal.ts";
export { publishRouterOffer, type RouterOffer, readRouterOffer, routerOfferSchema } from "./router-offer.ts";
export { type RouterServer, startRouterServer } from "./router-server.ts";
export {
  decodeUplink,
  encodeUplink,
  generateDeviceCredentials,
  maxUplinkPayloadBytes,
  type Uplink,
  UplinkDecodeError,
  verifyUplinkMic,
} from "./uplink-frame.ts";
