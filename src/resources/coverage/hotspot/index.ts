// The provider side of proof of coverage.
export { type Hotspot, type HotspotOptions, type HotspotStats, startHotspot } from "./hotspot.ts";
