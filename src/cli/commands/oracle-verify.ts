// `gw oracle verify EPOCH`: recomputes a posted epoch from chain data and the evidence an oracle publishes, and
// compares it with the root on chain. Exit 0 when they are equal, 3 when not (with the differences).
import { InvalidInputError } from "../../core/errors.ts";
import { verifyPublishedEpoch } from "../../oracle/daemon/index.ts";
import { resourceTypes, rewardComponentSourcesOf } from "../../resources/index.ts";
import { defineCommand } from "../command.ts";
import { parseIntegerFlag } from "../format.ts";

export const oracleVerifyCommand = defineCommand({
  words: ["oracle", "verify"],
  summary: "recompute a posted epoch root from the published evidence and compare",
  usage: "EPOCH [--oracle http://127.0.0.1:8610]",
  options: { oracle: { type: "string" } },
  async run(ctx, { values, positionals }) {
    if (positionals.length !== 1) throw new InvalidInputError("give exactly one EPOCH");
    const epoch = parseIntegerFlag(positionals[0], "EPOCH", 0, 0, Number.MAX_SAFE_INTEGER);
    const oracleUrl = typeof values.oracle === "string" ? values.oracle : "http://127.0.0.1:8610";
    const chain = { publicClient: ctx.publicClient(), deployment: ctx.deployment() };
    const v = await verifyPublishedEpoch({
      ...chain,
      oracleUrl,
      epoch,
      components: await rewardComponentSourcesOf(resourceTypes.values(), chain),
    });
    const lines = v.equal
      ? [
          `epoch ${epoch}: the posted root ${v.posted.earningsRoot} is what the evidence gives.`,
          `  cumulative total ${v.posted.cumulativeTotal}; jailed ${v.posted.jailed.length}; slashed ${v.posted.slashes.length}`,
          `  signed by ${v.posted.signers.join(", ")}; ${v.bundles.length} bundles checked`,
          ...Object.entries(v.components).map(
            ([name, c]) => `  ${name} rewards ${c.total} to ${Object.keys(c.owners).length} owners`,
          ),
        ]
      : [`epoch ${epoch}: the posted root does NOT match the recomputation:`, ...v.diff.map((d) => `  ${d}`)];
    return { json: v, text: lines.join("\n"), exitCode: v.equal ? 0 : 3 };
  },
});
