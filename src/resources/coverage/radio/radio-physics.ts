// The radio physics both the simulated RF world and the proof-of-coverage validators rely on: free-space and
// log-distance path loss, thermal noise, LoRa demodulation limits per spreading factor and great-circle distance.

/** Speed of light in vacuum, metres per nanosecond. */
export const LIGHT_M_PER_NS = 0.299_792_458;

export const EARTH_RADIUS_M = 6_371_008.8;

/**
 * The most small-scale fading can add to a signal, dB: two equal paths in phase double the amplitude (+6 dB).
 * The RF world never fades a signal up by more, and the validators allow this much above free space.
 */
export const MAX_FADING_GAIN_DB = 6;

/** Great-circle (haversine) distance between two points, metres. */
export function distanceMeters(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  return metersFromHaversine(haversine(a, b, cosLatitude(a.lat), cosLatitude(b.lat)));
}

const RAD = Math.PI / 180;

/** cos(latitude), for callers that measure from one point many times (`haversine`). */
export function cosLatitude(lat: number): number {
  return Math.cos(lat * RAD);
}

/** The haversine of the central angle between two points (their latitudes' cosines given): monotone in distance. */
export function haversine(
  a: { lat: number; lng: number },
  b: { lat: number; lng: number },
  cosLatA: number,
  cosLatB: number,
): number {
  return Math.sin(((b.lat - a.lat) * RAD) / 2) ** 2 + cosLatA * cosLatB * Math.sin(((b.lng - a.lng) * RAD) / 2) ** 2;
}

export function metersFromHaversine(h: number): number {
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The haversine of a distance: a point farther than `meters` has a larger one. */
export function haversineOfMeters(meters: number): number {
  return Math.sin(meters / (2 * EARTH_RADIUS_M)) ** 2;
}

/**
 * Free-space path loss (Friis), dB, for a distance in metres and a frequency in Hz. Nothing passive propagates
 * better than free space, which is why the validators use it as the bound on received power.
 */
export function freeSpacePathLossDb(distanceM: number, frequencyHz: number): number {
  const d = Math.max(distanceM, 1);
  return 20 * Math.log10(d) + 20 * Math.log10(frequencyHz) - 147.552_216_8;
}

/**
 * Mean log-distance path loss, dB: `referenceLossDb` at `referenceM` (measured, or from Okumura–Hata for the
 * terrain and antenna heights), `exponent` × 10 dB per decade of distance around it.
 */
export function logDistancePathLossDb(
  distanceM: number,
  exponent: number,
  referenceM: number,
  referenceLossDb: number,
): number {
  return referenceLossDb + 10 * exponent * Math.log10(Math.max(distanceM, 1) / referenceM);
}

/** Thermal noise floor of a receiver, dBm: kTB at 290 K plus the receiver's noise figure. */
export function noiseFloorDbm(bandwidthHz: number, noiseFigureDb: number): number {
  return -174 + 10 * Math.log10(bandwidthHz) + noiseFigureDb;
}

// LoRa demodulator SNR limits (Semtech SX1276/SX1301 datasheets): below these a frame cannot be decoded.
const demodulationFloorDb: Record<number, number> = { 7: -7.5, 8: -10, 9: -12.5, 10: -15, 11: -17.5, 12: -20 };

/** The lowest SNR at which a LoRa receiver decodes a frame with this spreading factor. */
export function demodulationFloorSnrDb(spreadingFactor: number): number {
  const floor = demodulationFloorDb[spreadingFactor];
  if (floor === undefined) throw new RangeError(`spreading factor ${spreadingFactor} is not 7–12`);
  return floor;
}

/** Receiver sensitivity, dBm: the weakest signal this spreading factor and bandwidth can still decode. */
export function sensitivityDbm(spreadingFactor: number, bandwidthHz: number, noiseFigureDb: number): number {
  return noiseFloorDbm(bandwidthHz, noiseFigureDb) + demodulationFloorSnrDb(spreadingFactor);
}

/** Distance, metres, at which the mean log-distance loss reaches `lossDb`: the inverse of logDistancePathLossDb. */
export function logDistanceRangeM(
  lossDb: number,
  exponent: number,
  referenceM: number,
  referenceLossDb: number,
): number {
  return referenceM * 10 ** ((lossDb - referenceLossDb) / (10 * exponent));
}

/** Distance, metres, at which free-space loss reaches `lossDb`: the farthest anything with that budget is heard. */
export function freeSpaceRangeM(lossDb: number, frequencyHz: number): number {
  return 10 ** ((lossDb - 20 * Math.log10(frequencyHz) + 147.552_216_8) / 20);
}
