// `gw sim`: runs a whole network in one process — thousands of simulated providers, a gateway running the real job
// engine, three oracles running the real intake and epoch engine — against a fresh anvil with the real contracts,
// and reports per epoch and in total what was caught, penalised, emitted and earned.
import { InvalidInputError } from "../../core/errors.ts";
import { formatSimReport, parseRange, parseShare, runSim } from "../../sim/index.ts";
import { defineCommand } from "../command.ts";
import { parseIntegerFlag, parseTokenAmount } from "../format.ts";
import { coverageSimOptions, runCoverageSim } from "./sim-coverage.ts";

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

export const simCommand = defineCommand({
  words: ["sim"],
  summary: "simulate a network of honest and adversarial providers against the real oracle and contracts",
  usage:
    "[--providers 5000] [--epochs 20] [--cheaters 2%] [--flaky 5%] [--offline 2%] [--self-dealers 1%] " +
    "[--jobs-per-epoch N] [--audit-share-bps BPS] [--cheat-p 0.3-1] [--job-price GWK] [--self-deal GWK] " +
    "[--epoch-seconds 60] [--seed S] [--rpc-url URL] | --coverage [--hotspots 10000] [--spoofers 1%] [--rings 1%] " +
    "[--stacked 1%] [--density 0.08] [--replayed N] [--forged N] [--seed S]",
  options: {
    providers: { type: "string" },
    epochs: { type: "string" },
    cheaters: { type: "string" },
    flaky: { type: "string" },
    offline: { type: "string" },
    "self-dealers": { type: "string" },
    "jobs-per-epoch": { type: "string" },
    "audit-share-bps": { type: "string" },
    "cheat-p": { type: "string" },
    "job-price": { type: "string" },
    "self-deal": { type: "string" },
    "epoch-seconds": { type: "string" },
    seed: { type: "string" },
    ...coverageSimOptions,
  },
  async run(ctx, { values, positionals }) {
    if (positionals.length > 0) throw new InvalidInputError(`unexpected argument: ${positionals[0]}`);
    if (values.coverage) return runCoverageSim(ctx, values);
    const share = (flag: string) => {
      const v = str(values[flag]);
      return v === undefined ? undefined : parseShare(v, `--${flag}`);
    };
    const providers = parseIntegerFlag(values.providers, "providers", 5000, 1, 1_000_000);
    const optional = (flag: string, min: number, max: number) =>
      values[flag] === undefined ? undefined : parseIntegerFlag(values[flag], flag, 0, min, max);
    const epochs = parseIntegerFlag(values.epochs, "epochs", 20, 1, 100_000);
    const report = await runSim(
      {
        providers,
        epochs,
        cheaters: share("cheaters"),
        flaky: share("flaky"),
        offline: share("offline"),
        selfDealers: share("self-dealers"),
        jobsPerEpoch: optional("jobs-per-epoch", 0, 100_000_000),
        auditShareBps: optional("audit-share-bps", 0, 10_000),
        cheatProbability:
          str(values["cheat-p"]) === undefined ? undefined : parseRange(str(values["cheat-p"]) as string, "--cheat-p"),
        jobPrice:
          str(values["job-price"]) === undefined
            ? undefined
            : parseTokenAmount(str(values["job-price"]), "--job-price"),
        selfDealVolume:
          str(values["self-deal"]) === undefined
            ? undefined
            : parseTokenAmount(str(values["self-deal"]), "--self-deal"),
        epochSeconds: optional("epoch-seconds", 10, 86_400),
        seed: str(values.seed),
        rpcUrl: ctx.options.rpcUrl,
      },
      {
        log: (line) => ctx.log(line),
        onEpoch: (epoch) =>
          ctx.log(
            `epoch ${epoch.epoch + 1}/${epochs} posted (${epoch.seconds.toFixed(1)} s): ${epoch.cheatersCaught} cheaters caught so far`,
          ),
      },
    );
    return { json: report, text: formatSimReport(report) };
  },
});
