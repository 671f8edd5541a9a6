// The shared simulated air: a loopback service running one RF world, and the radio driver that reaches it.
export * from "./air-messages.ts";
export { type AirRadio, type AirRadioOptions, createAirRadio } from "./air-radio.ts";
export { type AirServer, startAirServer } from "./air-server.ts";
