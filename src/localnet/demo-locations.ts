// Where the local network's demo providers say they are: real cities, so the dashboard's map and coverage density
// have something to show. Asserted on chain as the registry's H3 cell, like a real provider's `--h3-cell`. The first
// three are Berlin neighbourhoods about 2 km apart, so their coverage hotspots hear and witness each other.
import { latLngToCell } from "h3-js";

/** H3 resolution of the demo cells: about 10 m across, precise enough for proof-of-coverage physics. */
export const demoCellResolution = 12;

const cities: readonly (readonly [string, number, number])[] = [
  ["Berlin", 52.52, 13.405],
  ["Berlin", 52.505, 13.41],
  ["Berlin", 52.515, 13.435],
  ["Lagos", 6.5244, 3.3792],
  ["São Paulo", -23.5505, -46.6333],
  ["Tokyo", 35.6762, 139.6503],
  ["San Francisco", 37.7749, -122.4194],
  ["Mumbai", 19.076, 72.8777],
  ["Sydney", -33.8688, 151.2093],
  ["Toronto", 43.6532, -79.3832],
  ["Nairobi", -1.2921, 36.8219],
  ["Madrid", 40.4168, -3.7038],
];

/** The demo location of local provider `i` (0-based): a city, then the same cities again a few cells apart. */
export function demoProviderLocation(i: number): { city: string; lat: number; lng: number; h3Cell: bigint } {
  const [city, lat, lng] = cities[i % cities.length] as (typeof cities)[number];
  // Later rounds sit ~10 km east of the previous one: distinct cells in the same city.
  const round = Math.floor(i / cities.length);
  const east = lng + (round * 0.1) / Math.cos((lat * Math.PI) / 180);
  return { city, lat, lng: east, h3Cell: BigInt(`0x${latLngToCell(lat, east, demoCellResolution)}`) };
}
