// Extra map layers: each reads H3 cells from an API route and draws them under the providers. A route that does not
// exist (404) simply leaves its layer out, so a layer can ship before the feature that serves it.
// To add one: append { name, label, className, load(api) → [{ cell, label? }] | undefined } and style its class.

export const mapLayers = [
  {
    name: "coverage",
    label: "Coverage",
    className: "coverage",
    async load(api) {
      const body = await api.coverageHexes();
      if (!body) return undefined;
      const hexes = body.items ?? body.hexes ?? body.cells ?? [];
      return hexes.map((h) => ({
        cell: h.cell ?? h.h3Cell ?? h.h3,
        label:
          h.label ??
          `coverage ${h.cell ?? h.h3Cell ?? h.h3}${h.hotspots === undefined ? "" : `: ${h.hotspots} hotspot(s)`}`,
      }));
    },
  },
];
