// Witness rings: hotspots that only ever witness each other. Honest hotspots within a kilometre of one another
// always hear each other, so a group of hotspots linked only among themselves while an active hotspot of a larger
// group is asserted within `ringNeighbourRangeM` of one of them is a ring asserting locations it is not at.
import { gridDisk, latLngToCell } from "h3-js";
import type { Hex } from "viem";
import { distanceMeters } from "../radio/index.ts";
import type { AssertedLocation } from "./asserted-location.ts";
import type { PocParams } from "./poc-params.ts";

const INDEX_RESOLUTION = 7; // cells of about 1.2 km edge: two rings cover the neighbour range

/**
 * Hotspots in suspect closed groups. `links` are the physically consistent beacon–witness pairs of the epoch;
 * `locations` the asserted locations of every hotspot that took part in the epoch.
 */
export function findWitnessRings(
  locations: ReadonlyMap<Hex, AssertedLocation>,
  links: readonly (readonly [Hex, Hex])[],
  params: PocParams,
): Set<Hex> {
  // Union–find over linked hotspots.
  const parent = new Map<Hex, Hex>();
  const find = (x: Hex): Hex => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) as Hex;
    let node = x;
    while (node !== root) {
      const next = parent.get(node) as Hex;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (const [a, b] of links) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    // The smaller key becomes the root, so the grouping never depends on link order.
    if (ra < rb) parent.set(rb, ra);
    else if (rb < ra) parent.set(ra, rb);
  }
  const size = new Map<Hex, number>();
  for (const node of parent.keys()) {
    const r = find(node);
    size.set(r, (size.get(r) ?? 0) + 1);
  }
  const index = new Map<string, Hex[]>();
  for (const node of parent.keys()) {
    const at = locations.get(node);
    if (!at) continue;
    const cell = latLngToCell(at.lat, at.lng, INDEX_RESOLUTION);
    const list = index.get(cell);
    if (list) list.push(node);
    else index.set(cell, [node]);
  }
  const suspectRoots = new Set<Hex>();
  for (const node of parent.keys()) {
    const root = find(node);
    const mySize = size.get(root) as number;
    if (mySize < 2 || suspectRoots.has(root)) continue;
    const at = locations.get(node);
    if (!at) continue;
    search: for (const cell of gridDisk(latLngToCell(at.lat, at.lng, INDEX_RESOLUTION), 2)) {
      for (const other of index.get(cell) ?? []) {
        const otherRoot = find(other);
        if (otherRoot === root || (size.get(otherRoot) as number) <= mySize) continue;
        const otherAt = locations.get(other) as AssertedLocation;
        if (distanceMeters(at, otherAt) <= params.ringNeighbourRangeM) {
          suspectRoots.add(root);
          break search;
        }
      }
    }
  }
  const ring = new Set<Hex>();
  for (const node of parent.keys()) if (suspectRoots.has(find(node))) ring.add(node);
  return ring;
}
