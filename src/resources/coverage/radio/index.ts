// Radios of a coverage hotspot: the driver interface, the simulated RF world behind it, and the physics both the
// world and the proof-of-coverage validators use.

export { type AirRadio, type AirServer, createAirRadio, startAirServer } from "./air/index.ts";
export type { RadioDriver, RadioFrame, Reception, ReceptionListener } from "./radio-driver.ts";
export {
  demodulationFloorSnrDb,
  distanceMeters,
  freeSpacePathLossDb,
  freeSpaceRangeM,
  LIGHT_M_PER_NS,
  logDistancePathLossDb,
  logDistanceRangeM,
  MAX_FADING_GAIN_DB,
  noiseFloorDbm,
  sensitivityDbm,
} from "./radio-physics.ts";
export {
  createRfWorld,
  type Delivery,
  type DeliveryListener,
  defaultRfModel,
  type RadioSite,
  type RfModel,
  type RfWorld,
} from "./rf-world.ts";
export { createSimulatedRadio, type SimulatedRadioOptions, wallClockNs } from "./simulated-radio.ts";
