// `gw coverage map [--resolution 8] [--epoch E]`: the coverage map of a judged epoch as H3 hexes: cell, hotspots,
// density scale (what hex-density scaling left of each hotspot's reward there), and the hex centre.
import { defineCommand } from "../command.ts";
import { coverageClient, coverageOptions, parseEpochFlag } from "../coverage-options.ts";
import { formatTable } from "../economics-options.ts";
import { parseIntegerFlag } from "../format.ts";

export const coverageMapCommand = defineCommand({
  words: ["coverage", "map"],
  summary: "coverage as H3 hexes: hotspots, density scale, centre",
  usage: "[--resolution 8] [--epoch E] [--oracle URL]",
  options: { oracle: coverageOptions.oracle, epoch: coverageOptions.epoch, resolution: { type: "string" } },
  async run(ctx, { values }) {
    const resolution = parseIntegerFlag(values.resolution, "resolution", 8, 0, 15);
    const epoch = parseEpochFlag(values.epoch);
    const map = await coverageClient(ctx, values.oracle).map({ resolution, ...(epoch === undefined ? {} : { epoch }) });
    if (map.hexes.length === 0) {
      return { json: map, text: `epoch ${map.epoch}: no hotspot took part at resolution ${resolution}` };
    }
    const rows = map.hexes.map((h) => [
      h.cell,
      String(h.hotspots),
      h.densityScale.toFixed(4),
      h.lat.toFixed(5),
      h.lng.toFixed(5),
    ]);
    return {
      json: map,
      text: [
        `epoch ${map.epoch}, resolution ${map.resolution}: ${map.hexes.length} hexes`,
        formatTable(["cell", "hotspots", "density scale", "lat", "lng"], rows),
      ].join("\n"),
    };
  },
});
