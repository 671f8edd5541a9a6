// A hotspot's asserted location: the H3 cell it registered on chain, as the centre of that cell and how far from
// the centre the hotspot may really be (the cell's circumradius). Validators allow for that uncertainty.
import { cellToBoundary, cellToLatLng, getResolution, isValidCell } from "h3-js";
import { distanceMeters } from "../radio/index.ts";

export interface AssertedLocation {
  cell: string;
  resolution: number;
  lat: number;
  lng: number;
  /** The farthest point of the cell from its centre, metres. */
  uncertaintyM: number;
}

/** The registry's uint64 H3 index as h3-js's hex string; undefined for 0 (no location). */
export function cellFromChain(h3Cell: bigint): string | undefined {
  return h3Cell === 0n ? undefined : h3Cell.toString(16);
}

/** The registry's form of a cell. */
export function cellToChain(cell: string): bigint {
  return BigInt(`0x${cell}`);
}

const cache = new Map<string, AssertedLocation | undefined>();

/** The asserted location of an H3 cell; undefined when it is not a valid cell. */
export function assertedLocation(cell: string): AssertedLocation | undefined {
  if (cache.has(cell)) return cache.get(cell);
  let location: AssertedLocation | undefined;
  if (isValidCell(cell)) {
    const [lat, lng] = cellToLatLng(cell);
    let uncertaintyM = 0;
    for (const [vLat, vLng] of cellToBoundary(cell)) {
      uncertaintyM = Math.max(uncertaintyM, distanceMeters({ lat, lng }, { lat: vLat, lng: vLng }));
    }
    location = { cell, resolution: getResolution(cell), lat, lng, uncertaintyM };
  }
  if (cache.size > 500_000) cache.clear();
  cache.set(cell, location);
  return location;
}
