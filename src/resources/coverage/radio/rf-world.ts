// The simulated RF world: radios at real coordinates sharing one medium. A transmission is heard by every radio in
// range with a received power from log-distance path loss, log-normal shadowing (fixed per link) and fast fading
// (fresh per transmission), an SNR against the thermal noise floor, and a time of arrival of distance / c plus
// the receiver's clock jitter. Deterministic given the seed and the order of transmissions; radios are indexed
// by H3 cell, so a transmission looks only at the cells within its maximum range (h3 gridDisk), never at all radios.
import { getHexagonEdgeLengthAvg, gridDisk, latLngToCell } from "h3-js";
import { InvalidInputError } from "../../../core/errors.ts";
import type { RadioFrame, Reception } from "./radio-driver.ts";
import {
  cosLatitude,
  demodulationFloorSnrDb,
  EARTH_RADIUS_M,
  freeSpacePathLossDb,
  freeSpaceRangeM,
  haversine,
  haversineOfMeters,
  LIGHT_M_PER_NS,
  logDistancePathLossDb,
  logDistanceRangeM,
  MAX_FADING_GAIN_DB,
  metersFromHaversine,
  noiseFloorDbm,
} from "./radio-physics.ts";

export interface RfModel {
  /** Log-distance path-loss exponent (2 = free space; Okumura–Hata gives 3.5–3.7 for 15–30 m masts). */
  pathLossExponent: number;
  /** Reference distance of the log-distance model, metres. */
  referenceM: number;
  /** Mean path loss at the reference distance, dB (Hata, 868 MHz, 15 m mast, suburban: about 120 dB at 1 km). */
  referenceLossDb: number;
  /** Standard deviation of log-normal shadowing, dB; fixed per pair of radios (the terrain between them). */
  shadowingSigmaDb: number;
  /** Shadowing and fading are normals truncated at this many sigmas, so a transmission's range has a hard bound. */
  sigmaLimit: number;
  /** Standard deviation of fast fading, dB; fresh for every transmission and receiver. */
  fastFadingSigmaDb: number;
  /** Receiver noise figure, dB. */
  noiseFigureDb: number;
  /** Standard deviation of a receiver's GPS-disciplined timestamp error, nanoseconds. */
  clockJitterNs: number;
  /** Antenna gain of every receiver, dBi. */
  receiverGainDbi: number;
  /** LoRa concentrators report SNR up to about +15 dB however strong the signal. */
  maxReportedSnrDb: number;
  /** H3 resolution of the spatial index (coarser than the range: cells of a few km). */
  indexResolution: number;
}

export const defaultRfModel: RfModel = {
  pathLossExponent: 3.5,
  referenceM: 1000,
  referenceLossDb: 120,
  shadowingSigmaDb: 6,
  sigmaLimit: 2.5,
  fastFadingSigmaDb: 2,
  noiseFigureDb: 6,
  clockJitterNs: 200,
  receiverGainDbi: 0,
  maxReportedSnrDb: 15,
  indexResolution: 6,
};

export interface RadioSite {
  id: string;
  lat: number;
  lng: number;
}

export interface Delivery {
  receiverId: string;
  distanceM: number;
  reception: Reception;
}

export type DeliveryListener = (reception: Reception) => void;

export interface RfWorld {
  readonly model: RfModel;
  addRadio(site: RadioSite): void;
  removeRadio(id: string): void;
  has(id: string): boolean;
  site(id: string): RadioSite | undefined;
  /**
   * Puts `frame` on air from radio `fromId` at `txTimeNs` (its own GPS time) and returns what every other radio
   * heard, in no particular order. Listeners registered with `listen` are called too.
   */
  transmit(fromId: string, frame: RadioFrame, txTimeNs: bigint): Delivery[];
  /** Calls `listener` with every reception at radio `id`; returns the function that stops it. */
  listen(id: string, listener: DeliveryListener): () => void;
  readonly size: number;
}

// ---- deterministic randomness without state: a 32-bit integer hash of (seed, link or transmission, salt)

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(a: number, b: number, c: number): number {
  let h = (a ^ Math.imul(b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A standard normal from three hash inputs (Box–Muller), truncated to ±limit. */
function normal(a: number, b: number, c: number, limit: number): number {
  const u1 = (mix(a, b, c) + 1) / 4_294_967_297;
  const u2 = mix(c, a, b ^ 0x5bd1e995) / 4_294_967_296;
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.max(-limit, Math.min(limit, z));
}

interface Radio extends RadioSite {
  hash: number;
  cosLat: number;
  cell: string;
  listeners: Set<DeliveryListener>;
}

function checkSite(site: RadioSite): void {
  if (
    typeof site.id !== "string" ||
    site.id.length === 0 ||
    !Number.isFinite(site.lat) ||
    !Number.isFinite(site.lng) ||
    Math.abs(site.lat) > 90 ||
    Math.abs(site.lng) > 180
  ) {
    throw new InvalidInputError("a radio needs an id and a latitude/longitude in range", {
      details: { id: site.id, lat: site.lat, lng: site.lng },
    });
  }
}

function checkFrame(frame: RadioFrame): void {
  const ok =
    frame.payload instanceof Uint8Array &&
    Number.isInteger(frame.spreadingFactor) &&
    frame.spreadingFactor >= 7 &&
    frame.spreadingFactor <= 12 &&
    frame.bandwidthHz > 0 &&
    frame.frequencyHz > 0 &&
    Number.isFinite(frame.powerDbm) &&
    frame.powerDbm <= 40;
  if (!ok) {
    throw new InvalidInputError("invalid radio frame", {
      details: { spreadingFactor: frame.spreadingFactor, bandwidthHz: frame.bandwidthHz, powerDbm: frame.powerDbm },
    });
  }
}

export function createRfWorld(options: { seed: string; model?: Partial<RfModel> }): RfWorld {
  const model: RfModel = { ...defaultRfModel, ...options.model };
  const seedHash = fnv1a(`gw-rf/${options.seed}`);
  const radios = new Map<string, Radio>();
  const cells = new Map<string, Radio[]>();
  const edgeM = getHexagonEdgeLengthAvg(model.indexResolution, "m");
  const bounds = new Map<string, { rangeM: number; rings: number }>();
  const neighbourCells = new Map<string, Radio[][]>();
  let transmissions = 0;

  /** The farthest this frame can be heard over the best-case channel, and the index rings that distance spans. */
  function boundFor(frame: RadioFrame): { rangeM: number; rings: number } {
    const key = `${frame.powerDbm}/${frame.spreadingFactor}/${frame.bandwidthHz}/${frame.frequencyHz}`;
    let bound = bounds.get(key);
    if (bound === undefined) {
      const floor =
        noiseFloorDbm(frame.bandwidthHz, model.noiseFigureDb) + demodulationFloorSnrDb(frame.spreadingFactor);
      const budget = frame.powerDbm + model.receiverGainDbi + MAX_FADING_GAIN_DB - floor;
      const rangeM = Math.min(
        freeSpaceRangeM(budget, frame.frequencyHz),
        logDistanceRangeM(
          budget + model.sigmaLimit * model.shadowingSigmaDb,
          model.pathLossExponent,
          model.referenceM,
          model.referenceLossDb,
        ),
      );
      // Cell centres k rings apart are at least k·√3·edge apart; a radio lies within one edge of its centre.
      bound = { rangeM, rings: Math.ceil((rangeM + 2 * edgeM) / (Math.sqrt(3) * edgeM)) + 1 };
      bounds.set(key, bound);
    }
    return bound;
  }

  /** The radio lists of the occupied cells within `rings` of `cell`; cached until a radio moves in or out. */
  function occupiedAround(cell: string, rings: number): Radio[][] {
    const key = `${cell}/${rings}`;
    let lists = neighbourCells.get(key);
    if (!lists) {
      lists = [];
      for (const c of gridDisk(cell, rings)) {
        const list = cells.get(c);
        if (list) lists.push(list);
      }
      neighbourCells.set(key, lists);
    }
    return lists;
  }

  function receive(
    tx: Radio,
    rx: Radio,
    d: number,
    frame: RadioFrame,
    txTimeNs: bigint,
    serial: number,
  ): Delivery | undefined {
    const link = tx.hash < rx.hash ? mix(tx.hash, rx.hash, seedHash) : mix(rx.hash, tx.hash, seedHash);
    const shadowDb = model.shadowingSigmaDb * normal(link, seedHash, 0x51ed, model.sigmaLimit);
    // Nothing propagates better than free space: shadowing can only add loss beyond it.
    const lossDb = Math.max(
      freeSpacePathLossDb(d, frame.frequencyHz),
      logDistancePathLossDb(d, model.pathLossExponent, model.referenceM, model.referenceLossDb) + shadowDb,
    );
    const fadeDb = Math.min(
      MAX_FADING_GAIN_DB,
      model.fastFadingSigmaDb * normal(serial, rx.hash, seedHash ^ 0xfade, model.sigmaLimit),
    );
    const rssiDbm = frame.powerDbm + model.receiverGainDbi - lossDb + fadeDb;
    const snrDb = rssiDbm - noiseFloorDbm(frame.bandwidthHz, model.noiseFigureDb);
    if (snrDb < demodulationFloorSnrDb(frame.spreadingFactor)) return undefined;
    const jitterNs = model.clockJitterNs * normal(serial, rx.hash ^ 0x7157, seedHash, model.sigmaLimit);
    const timeOfArrivalNs = txTimeNs + BigInt(Math.round(d / LIGHT_M_PER_NS + jitterNs));
    return {
      receiverId: rx.id,
      distanceM: d,
      // Receivers report RSSI in whole dB and SNR in quarter dB, as LoRa concentrators do.
      reception: {
        frame,
        rssiDbm: Math.round(rssiDbm),
        snrDb: Math.round(Math.min(snrDb, model.maxReportedSnrDb) * 4) / 4,
        timeOfArrivalNs,
      },
    };
  }

  return {
    model,
    get size() {
      return radios.size;
    },
    addRadio(site) {
      checkSite(site);
      if (radios.has(site.id))
        throw new InvalidInputError("a radio with this id is already in the world", { details: { id: site.id } });
      const radio: Radio = {
        id: site.id,
        lat: site.lat,
        lng: site.lng,
        hash: fnv1a(site.id),
        cosLat: cosLatitude(site.lat),
        cell: latLngToCell(site.lat, site.lng, model.indexResolution),
        listeners: new Set(),
      };
      radios.set(site.id, radio);
      const list = cells.get(radio.cell);
      if (list) list.push(radio);
      else {
        cells.set(radio.cell, [radio]);
        neighbourCells.clear();
      }
    },
    removeRadio(id) {
      const radio = radios.get(id);
      if (!radio) return;
      radios.delete(id);
      const list = cells.get(radio.cell) ?? [];
      const at = list.indexOf(radio);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) {
        cells.delete(radio.cell);
        neighbourCells.clear();
      }
    },
    has: (id) => radios.has(id),
    site(id) {
      const r = radios.get(id);
      return r ? { id: r.id, lat: r.lat, lng: r.lng } : undefined;
    },
    transmit(fromId, frame, txTimeNs) {
      const tx = radios.get(fromId);
      if (!tx) throw new InvalidInputError("no radio with this id in the world", { details: { id: fromId } });
      checkFrame(frame);
      const serial = mix(seedHash, transmissions++, 0x7a11);
      const deliveries: Delivery[] = [];
      const bound = boundFor(frame);
      // No path between two parallels is shorter than the meridian between them: a cheap test before the haversine.
      // And a haversine beyond the range's skips the arc sine; the margins keep both tests from rounding a radio out.
      const maxDLat = (bound.rangeM / EARTH_RADIUS_M) * (180 / Math.PI) * (1 + 1e-9);
      const maxHaversine = haversineOfMeters(bound.rangeM) * (1 + 1e-9);
      for (const list of occupiedAround(tx.cell, bound.rings)) {
        for (const rx of list) {
          if (rx === tx || Math.abs(rx.lat - tx.lat) > maxDLat) continue;
          const h = haversine(tx, rx, tx.cosLat, rx.cosLat);
          if (h > maxHaversine) continue;
          const d = metersFromHaversine(h);
          if (d > bound.rangeM) continue;
          const delivery = receive(tx, rx, d, frame, txTimeNs, serial);
          if (!delivery) continue;
          deliveries.push(delivery);
          for (const listener of rx.listeners) listener(delivery.reception);
        }
      }
      return deliveries;
    },
    listen(id, listener) {
      const radio = radios.get(id);
      if (!radio) throw new InvalidInputError("no radio with this id in the world", { details: { id } });
      radio.listeners.add(listener);
      return () => radio.listeners.delete(listener);
    },
  };
}
