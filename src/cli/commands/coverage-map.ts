// `gw coverage map [--resolution 8] [--epoch E]`: the coverage map of a judged epoch as H3 hexes: cell, hotspots,
// density scale (what hex-density scaling left of each hotspot's reward there), and the hex centre. From the
// indexer's API when one is known (with each hex's reward weight), else from the oracle.

import type { CoverageMap } from "../../resources/coverage/oracle/index.ts";
import { defineCommand } from "../command.ts";
import { coverageOptions, parseEpochFlag, readCoverage } from "../coverage-options.ts";
import { formatTable } from "../economics-options.ts";
import { parseIntegerFlag } from "../format.ts";

export const coverageMapCommand = defineCommand({
  words: ["coverage", "map"],
  summary: "coverage as H3 hexes: hotspots, density scale, centre",
  usage: "[--resolution 8] [--epoch E] [--api URL] [--oracle URL]",
  options: {
    oracle: coverageOptions.oracle,
    api: coverageOptions.api,
    epoch: coverageOptions.epoch,
    resolution: { type: "string" },
  },
  async run(ctx, { values }) {
    const resolution = parseIntegerFlag(values.resolution, "resolution", 8, 0, 15);
    const epoch = parseEpochFlag(values.epoch);
    const map = await readCoverage<CoverageMap & { hexes: { rewardWeight?: string }[] }>(
      ctx,
      values,
      async (api) => {
        const hexes = [];
        let cursor: string | undefined;
        let judged: number | null = null;
        do {
          const page = await api.listCoverageHexes({
            resolution,
            limit: 500,
            ...(epoch === undefined ? {} : { epoch }),
            ...(cursor ? { cursor } : {}),
          });
          judged = page.epoch;
          hexes.push(
            ...page.hexes.map(({ cell, hotspots, densityScale, lat, lng, rewardWeight }) => ({
              cell,
              hotspots,
              densityScale,
              lat,
              lng,
              rewardWeight,
            })),
          );
          cursor = page.next ?? undefined;
        } while (cursor);
        return judged === null ? undefined : { epoch: judged, resolution, hexes };
      },
      (oracle) => oracle.map({ resolution, ...(epoch === undefined ? {} : { epoch }) }),
    );
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
