// `gw coverage status [--hotspot NODE_KEY]`: the network's proof of coverage now (current epoch, reports received)
// and the last judged epoch (valid, rewarded, rejected by reason, hotspots flagged), or one hotspot's verdict.
import { defineCommand } from "../command.ts";
import { coverageClient, coverageOptions, parseHotspot } from "../coverage-options.ts";
import { formatTable } from "../economics-options.ts";

export const coverageStatusCommand = defineCommand({
  words: ["coverage", "status"],
  summary: "proof of coverage: this epoch's reports and the last judged epoch (or one hotspot's verdict)",
  usage: "[--hotspot NODE_KEY] [--oracle URL]",
  options: { oracle: coverageOptions.oracle, hotspot: coverageOptions.hotspot },
  async run(ctx, { values }) {
    const status = await coverageClient(ctx, values.oracle).status(parseHotspot(values.hotspot));
    const lines = [
      `epoch ${status.epoch}: ${status.receivedThisEpoch.beacons} beacons and ${status.receivedThisEpoch.witnesses} witness reports received so far`,
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
