// The hotspots of a coverage simulation: where each one really is, where it says it is, and how it behaves.
// Honest hotspots are spread over a region of real coordinates with towns in it; adversaries are location
// spoofers (naive ones report what their radio measured, careful ones forge measurements that fit their lie),
// witness rings (members asserted side by side near honest hotspots, fabricating each other's witnesses, some
// relaying a hub radio's receptions) and stacks of ten honest hotspots on one roof. Same seed, same population.
import { latLngToCell } from "h3-js";
import type { Hex } from "viem";
import { type NodeKey, nodeKeyFromSeed } from "../../../protocol/index.ts";
import { deriveBytes, type SeededRandom } from "../../../sim/index.ts";

export type HotspotKind = "honest" | "stacked" | "spoofer" | "careful-spoofer" | "ring" | "relay-ring";

export interface SimHotspot {
  index: number;
  kind: HotspotKind;
  key: NodeKey;
  /** The 32-byte Ed25519 seed behind `key`, for signers on other threads. */
  keySeed: Uint8Array;
  nodeKey: Hex;
  owner: Hex;
  /** Where its radio is; undefined for ring members without a radio of their own. */
  radio?: { lat: number; lng: number };
  /** The H3 cell (resolution 12) it asserts on chain. */
  cell: string;
  asserted: { lat: number; lng: number };
  /** Ring members: the index of their ring. */
  ring?: number;
}

export interface PopulationOptions {
  seed: string;
  hotspots: number;
  /** Shares of the population (0–1). */
  spoofers: number;
  rings: number;
  stacked: number;
  /** Honest hotspots per km² on average (the region grows with the population). */
  densityPerKm2: number;
  /** Centre of the region. */
  center: { lat: number; lng: number };
}

export interface HotspotPopulation {
  hotspots: SimHotspot[];
  rings: SimHotspot[][];
  /** Ring hub radios (one per relaying ring), listening where the ring really is. */
  hubs: { ring: number; lat: number; lng: number }[];
  counts: Record<HotspotKind, number>;
  regionKm: number;
}

const KM_PER_DEG_LAT = 111.32;

function offset(from: { lat: number; lng: number }, eastKm: number, northKm: number) {
  const lat = from.lat + northKm / KM_PER_DEG_LAT;
  const lng = from.lng + eastKm / (KM_PER_DEG_LAT * Math.cos((from.lat * Math.PI) / 180));
  return { lat, lng };
}

function gaussian(random: SeededRandom): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

export function createHotspotPopulation(options: PopulationOptions, random: SeededRandom): HotspotPopulation {
  const n = options.hotspots;
  const nSpoof = Math.round(n * options.spoofers);
  const ringSize = 4;
  const nRings = Math.floor((n * options.rings) / ringSize);
  const stackSize = 10;
  const nStacks = Math.floor((n * options.stacked) / stackSize);
  const nHonest = n - nSpoof - nRings * ringSize - nStacks * stackSize;
  const regionKm = Math.sqrt(n / options.densityPerKm2);
  const towns = Array.from({ length: Math.max(1, Math.round(n / 50)) }, () =>
    offset(options.center, random.between(-regionKm / 2, regionKm / 2), random.between(-regionKm / 2, regionKm / 2)),
  );
  // Half the hotspots live in towns (σ 5 km, about fifty hotspots each), half anywhere in the region.
  const place = () => {
    if (random.next() < 0.5) {
      const town = towns[random.int(towns.length)] as { lat: number; lng: number };
      return offset(town, 5 * gaussian(random), 5 * gaussian(random));
    }
    return offset(
      options.center,
      random.between(-regionKm / 2, regionKm / 2),
      random.between(-regionKm / 2, regionKm / 2),
    );
  };
  const hotspots: SimHotspot[] = [];
  const add = (
    kind: HotspotKind,
    radio: { lat: number; lng: number } | undefined,
    asserted: { lat: number; lng: number },
    ring?: number,
  ) => {
    const index = hotspots.length;
    const keySeed = new Uint8Array(deriveBytes(options.seed, `hotspot/${index}`));
    const key = nodeKeyFromSeed(keySeed);
    const cell = latLngToCell(asserted.lat, asserted.lng, 12);
    hotspots.push({
      index,
      kind,
      key,
      keySeed,
      nodeKey: key.publicKey,
      owner: `0x${deriveBytes(options.seed, `owner/${kind}/${Math.floor(index / 100)}`)
        .subarray(0, 20)
        .toString("hex")}`,
      ...(radio ? { radio } : {}),
      cell,
      asserted,
      ...(ring === undefined ? {} : { ring }),
    });
    return hotspots[index] as SimHotspot;
  };
  for (let i = 0; i < nHonest; i++) {
    const at = place();
    add("honest", at, at);
  }
  for (let s = 0; s < nStacks; s++) {
    const at = place();
    for (let k = 0; k < stackSize; k++) {
      const radio = offset(at, random.between(-0.005, 0.005), random.between(-0.005, 0.005));
      add("stacked", radio, radio);
    }
  }
  for (let i = 0; i < nSpoof; i++) {
    const at = place();
    const km = random.between(3, 50);
    const angle = random.between(0, 2 * Math.PI);
    add(i % 2 === 0 ? "spoofer" : "careful-spoofer", at, offset(at, km * Math.cos(angle), km * Math.sin(angle)));
  }
  // Rings assert their members a few hundred metres apart next to an honest hotspot; the relaying ones keep one
  // hub radio 20–40 km away whose receptions every member reports as its own.
  const rings: SimHotspot[][] = [];
  const hubs: HotspotPopulation["hubs"] = [];
  const honestSoFar = hotspots.filter((h) => h.kind === "honest");
  for (let r = 0; r < nRings; r++) {
    const anchor = (honestSoFar[random.int(honestSoFar.length)] as SimHotspot).asserted;
    const relaying = r % 2 === 1;
    if (relaying) {
      const km = random.between(20, 40);
      const angle = random.between(0, 2 * Math.PI);
      hubs.push({ ring: r, ...offset(anchor, km * Math.cos(angle), km * Math.sin(angle)) });
    }
    const members: SimHotspot[] = [];
    for (let k = 0; k < ringSize; k++) {
      const angle = (2 * Math.PI * k) / ringSize;
      members.push(
        add(
          relaying ? "relay-ring" : "ring",
          undefined,
          offset(anchor, 0.4 * Math.cos(angle), 0.4 * Math.sin(angle)),
          r,
        ),
      );
    }
    rings.push(members);
  }
  const counts: Record<HotspotKind, number> = {
    honest: 0,
    stacked: 0,
    spoofer: 0,
    "careful-spoofer": 0,
    ring: 0,
    "relay-ring": 0,
  };
  for (const h of hotspots) counts[h.kind]++;
  return { hotspots, rings, hubs, counts, regionKm };
}
