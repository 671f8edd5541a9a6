// The Semtech UDP packet-forwarder protocol: the host-side radio driver and the GWMP codec.
export {
  decodeGwmp,
  encodeGwmp,
  formatLoraDatr,
  type GatewayStat,
  GPS_EPOCH_UNIX_MS,
  GPS_LEAP_SECONDS,
  GwmpDecodeError,
  type GwmpPacket,
  gpsMsToUnixNs,
  parseLoraDatr,
  type Rxpk,
  rxpkArrivalNs,
  type Txpk,
  unixNsToGpsMs,
} from "./gwmp-packet.ts";
export {
  createSemtechUdpRadio,
  type ForwarderState,
  type RadioLog,
  type SemtechRadioStats,
  type SemtechUdpRadio,
  type SemtechUdpRadioOptions,
  type TxTiming,
} from "./semtech-udp-radio.ts";
export { createUdpPacketForwarder, rxpkFor, type UdpPacketForwarder } from "./udp-packet-forwarder.ts";
