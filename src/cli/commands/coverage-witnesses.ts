// `gw coverage witnesses [--hotspot NODE_KEY] [--limit N] [--epoch E]`: recent witness reports with their verdict:
// valid and rewarded, or the rule that rejected them and why.
import { defineCommand } from "../command.ts";
import { coverageClient, coverageOptions, parseEpochFlag, parseHotspot } from "../coverage-options.ts";
import { formatTable } from "../economics-options.ts";
import { parseIntegerFlag } from "../format.ts";

const short = (key: string) => `${key.slice(0, 10)}…`;

export const coverageWitnessesCommand = defineCommand({
  words: ["coverage", "witnesses"],
  summary: "recent witness reports with validity and reasons",
  usage: "[--hotspot NODE_KEY] [--limit 50] [--epoch E] [--oracle URL]",
  options: { ...coverageOptions, limit: { type: "string" } },
  async run(ctx, { values }) {
    const limit = parseIntegerFlag(values.limit, "limit", 50, 1, 1000);
    const hotspot = parseHotspot(values.hotspot);
    const epoch = parseEpochFlag(values.epoch);
    const result = await coverageClient(ctx, values.oracle).witnesses({
      limit,
      ...(hotspot ? { hotspot } : {}),
      ...(epoch === undefined ? {} : { epoch }),
    });
    const rows = result.witnesses.map((w) => [
      short(w.witness),
      short(w.beaconer),
      w.distanceM === undefined ? "-" : String(w.distanceM),
      String(w.rssiDbm),
      String(w.snrDb),
      w.rewarded ? "rewarded" : w.valid ? "valid" : "rejected",
      w.reason ? `${w.reason}${w.detail ? ` ${JSON.stringify(w.detail)}` : ""}` : "",
    ]);
    return {
      json: result,
      text: [
        `epoch ${result.epoch}: ${result.witnesses.length} of ${result.total} reports`,
        formatTable(["witness", "beaconer", "metres", "rssi", "snr", "verdict", "reason"], rows),
      ].join("\n"),
    };
  },
});
