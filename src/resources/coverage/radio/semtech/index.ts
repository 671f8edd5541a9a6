// The Semtech UDP packet-forwarder protocol: the host-side radio driver and the GWMP codec.
export {
  decodeGwmp,
  encodeGwmp,
  formatLoraDatr,
  type GatewayStat,
  GwmpDecodeError,
  type GwmpPacket,
  parseLoraDatr,
  type Rxpk,
  rxpkArrivalNs,
  type Txpk,
} from "./gwmp-packet.ts";
export {
  createSemtechUdpRadio,
  type ForwarderState,
  type RadioLog,
  type SemtechRadioStats,
  type SemtechUdpRadio,
  type SemtechUdpRadioOptions,
} from "./semtech-udp-radio.ts";
export { createUdpPacketForwarder, rxpkFor, type UdpPacketForwarder } from "./udp-packet-forwarder.ts";
