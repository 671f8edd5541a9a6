// Extra map layers: each reads H3 cells from an API route and draws them under the providers, with a legend and a
// toggle on the map. A route that does not exist (404) simply leaves its layer out, so a layer can ship before the
// feature that serves it.
// To add one: append { name, label, className, legend: [{ className, text }], load(api) → [{ cell, label?, data? }]
// | undefined } and style its classes (data → data-* attributes on each hexagon, for styling by value).

/** Density classes for coverage hexes: how much of their hotspots' rewards hex-density scaling left. */
export function densityClass(scale) {
  if (scale >= 0.999) return "full";
  if (scale >= 0.5) return "reduced";
  return "low";
}

export const mapLayers = [
  {
    name: "coverage",
    label: "Coverage",
    className: "coverage",
    legend: [
      { className: "coverage-full", text: "Coverage hex (res. 8): full reward" },
      { className: "coverage-reduced", text: "density-reduced (≥ ½)" },
      { className: "coverage-low", text: "crowded (< ½)" },
    ],
    async load(api) {
      const hexes = [];
      let cursor;
      let epoch;
      do {
        const body = await api.coverageHexes({ limit: 500, cursor });
        if (!body) return undefined;
        epoch = body.epoch;
        hexes.push(...(body.hexes ?? []));
        cursor = body.next ?? undefined;
      } while (cursor && hexes.length < 20_000);
      if (epoch === null || epoch === undefined) return undefined;
      return hexes.map((h) => ({
        cell: h.cell,
        label: `coverage ${h.cell} (epoch ${h.epoch}): ${h.hotspots} hotspot(s), density scale ${h.densityScale}, reward weight ${h.rewardWeight}`,
        data: { density: densityClass(h.densityScale), hotspots: h.hotspots },
      }));
    },
  },
];
