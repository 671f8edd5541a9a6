// One coverage hex as every reader shows it (the oracle's /v1/coverage/map, the indexer's /v1/coverage/hexes):
// its centre and the share of its hotspots' rewards that hex-density scaling left, rounded the same way for both.
import { cellToLatLng } from "h3-js";
import type { HexDensity } from "../poc/index.ts";

export interface CoverageHexView {
  cell: string;
  hotspots: number;
  densityScale: number;
  lat: number;
  lng: number;
}

export function coverageHexView(h: HexDensity): CoverageHexView {
  const [lat, lng] = cellToLatLng(h.cell);
  return {
    cell: h.cell,
    hotspots: h.hotspots,
    densityScale: h.unclipped > 0 ? Math.round((h.clipped / h.unclipped) * 1e4) / 1e4 : 0,
    lat: Math.round(lat * 1e6) / 1e6,
    lng: Math.round(lng * 1e6) / 1e6,
  };
}
