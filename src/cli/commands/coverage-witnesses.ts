// `gw coverage witnesses [--hotspot NODE_KEY] [--limit N] [--epoch E]`: recent witness reports with their verdict:
// valid and rewarded, or the rule that rejected them and why. From the indexer's API when one is known, else the oracle.

import type { CoverageWitnesses } from "../../resources/coverage/oracle/index.ts";
import { defineCommand } from "../command.ts";
import { coverageOptions, parseEpochFlag, parseHotspot, readCoverage } from "../coverage-options.ts";
import { formatTable } from "../economics-options.ts";
import { parseIntegerFlag } from "../format.ts";

const short = (key: string) => `${key.slice(0, 10)}…`;

export const coverageWitnessesCommand = defineCommand({
  words: ["coverage", "witnesses"],
  summary: "recent witness reports with validity and reasons",
  usage: "[--hotspot NODE_KEY] [--limit 50] [--epoch E] [--api URL] [--oracle URL]",
  options: { ...coverageOptions, limit: { type: "string" } },
  async run(ctx, { values }) {
    const limit = parseIntegerFlag(values.limit, "limit", 50, 1, 1000);
    const hotspot = parseHotspot(values.hotspot);
    const epoch = parseEpochFlag(values.epoch);
    const filter = { ...(hotspot ? { hotspot } : {}), ...(epoch === undefined ? {} : { epoch }) };
    const result = await readCoverage<CoverageWitnesses>(
      ctx,
      values,
      async (api) => {
        // The API pages newest first (at most 500 a page); the oracle lists the latest `limit` in verdict order.
        let page = await api.listCoverageWitnesses({ limit: Math.min(limit, 500), ...filter });
        const judged = page.epoch;
        if (judged === null) return undefined;
        const rows = [...page.witnesses];
        while (page.next && rows.length < limit) {
          page = await api.listCoverageWitnesses({
            limit: Math.min(limit - rows.length, 500),
            cursor: page.next,
            ...filter,
            epoch: judged,
          });
          rows.push(...page.witnesses);
        }
        const witnesses = rows.reverse().map(({ epoch: _e, seq: _s, distanceM, reason, detail, ...w }) => ({
          ...w,
          ...(distanceM === null ? {} : { distanceM }),
          ...(reason === null ? {} : { reason }),
          ...(detail === null ? {} : { detail }),
        }));
        return { epoch: judged, total: page.total, witnesses };
      },
      (oracle) => oracle.witnesses({ limit, ...filter }),
    );
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
