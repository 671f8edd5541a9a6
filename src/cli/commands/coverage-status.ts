// `gw coverage status [--hotspot NODE_KEY]`: the network's proof of coverage now (current epoch, reports received)
// and the last judged epoch (valid, rewarded, rejected by reason, hotspots flagged), or one hotspot's verdict. From the
// indexer's API when one is known (the last judged epoch it indexed; reports received so far only the oracle knows).

import type { CoverageStatus } from "../../resources/coverage/oracle/index.ts";
import { defineCommand } from "../command.ts";
import { coverageOptions, parseHotspot, readCoverage } from "../coverage-options.ts";
import { formatTable } from "../economics-options.ts";

export const coverageStatusCommand = defineCommand({
  words: ["coverage", "status"],
  summary: "proof of coverage: this epoch's reports and the last judged epoch (or one hotspot's verdict)",
  usage: "[--hotspot NODE_KEY] [--api URL] [--oracle URL]",
  options: { oracle: coverageOptions.oracle, api: coverageOptions.api, hotspot: coverageOptions.hotspot },
  async run(ctx, { values }) {
    const hotspot = parseHotspot(values.hotspot);
    const status = await readCoverage<
      Omit<CoverageStatus, "epoch" | "receivedThisEpoch"> & {
        epoch: number | null;
        receivedThisEpoch: CoverageStatus["receivedThisEpoch"] | null;
      }
    >(
      ctx,
      values,
      async (api) => {
        const s = await api.getCoverageStatus(hotspot ? { hotspot } : {});
        if (!s.latestJudged) return undefined;
        const h = s.hotspot;
        return {
          epoch: null,
          receivedThisEpoch: null,
          latestJudged: { epoch: s.latestJudged.epoch, stats: s.latestJudged.stats },
          ...(hotspot
            ? {
                hotspot: h
                  ? {
                      nodeKey: h.nodeKey,
                      owner: h.owner,
                      ...(h.cell === null ? {} : { cell: h.cell }),
                      beaconed: h.beaconed,
                      beaconWitnesses: h.beaconWitnesses,
                      witnessed: h.witnessed,
                      locationVerified: h.locationVerified,
                      ...(h.flag === null ? {} : { flag: h.flag }),
                      densityScalePpm: h.densityScalePpm,
                      weight: h.weight,
                    }
                  : { nodeKey: hotspot },
              }
            : {}),
        };
      },
      (oracle) => oracle.status(hotspot),
    );
    const received = status.receivedThisEpoch;
    const lines = [
      received
        ? `epoch ${status.epoch}: ${received.beacons} beacons and ${received.witnesses} witness reports received so far`
        : `from the indexer at ${status.apiUrl} (reports of the running epoch: ask the oracle with --oracle URL)`,
    ];
    const judged = status.latestJudged;
    if (!judged) lines.push("no epoch judged yet");
    else {
      const s = judged.stats;
      lines.push(
        `epoch ${judged.epoch} judged: ${s.reports} reports, ${s.valid} valid, ${s.rewarded} rewarded, ${s.signaturesVerified} signatures verified`,
      );
      const rejected = Object.entries(s.rejected).sort((a, b) => b[1] - a[1]);
      if (rejected.length > 0)
        lines.push(
          formatTable(
            ["rejected", "reports"],
            rejected.map(([r, n]) => [r, String(n)]),
          ),
        );
      lines.push(
        `hotspots flagged: ${Object.entries(s.flagged)
          .map(([f, n]) => `${f} ${n}`)
          .join(", ")}`,
      );
    }
    const h = status.hotspot;
    if (h) {
      lines.push(
        h.cell === undefined
          ? `hotspot ${h.nodeKey}: took no part in the last judged epoch`
          : `hotspot ${h.nodeKey} (cell ${h.cell}): ${h.flag ? `FLAGGED (${h.flag})` : "not flagged"}, location ${h.locationVerified ? "verified" : "unverified"}, beacon witnesses ${h.beaconWitnesses}, witnessed ${h.witnessed}, density scale ${((h.densityScalePpm ?? 0) / 1e6).toFixed(3)}, weight ${h.weight}`,
      );
    }
    return { json: status, text: lines.join("\n") };
  },
});
