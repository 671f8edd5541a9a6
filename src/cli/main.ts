// The `gw` entry: finds the command from its words, parses flags strictly, runs it, prints text or --json,
// and maps errors to exit codes (2 bad input, 3 wrong state, 4 remote failure, 5 timeout, 1 anything else).
import { parseArgs } from "node:util";
import { asGroundworkError, exitCodeFor, InvalidInputError } from "../core/errors.ts";
import type { Command } from "./command.ts";
import { commandLoaders } from "./commands/index.ts";
import { createCliContext, globalOptionSpec, resolveGlobalOptions } from "./context.ts";
import { toJsonLine } from "./format.ts";

/** The command named by the leading words of argv (the longest match), loaded, and the arguments left. */
async function findCommand(argv: string[]): Promise<{ command: Command; rest: string[] } | undefined> {
  const words = argv.filter((a) => !a.startsWith("-"));
  let best: string[] | undefined;
  for (const key of Object.keys(commandLoaders)) {
    const keyWords = key.split(" ");
    if (keyWords.every((w, i) => words[i] === w) && keyWords.length > (best?.length ?? 0)) best = keyWords;
  }
  if (!best) return undefined;
  const command = await (commandLoaders[best.join(" ")] as () => Promise<Command>)();
  // Drop the command's own words (the first occurrences) and keep everything else in order.
  const rest = [...argv];
  for (const word of best) rest.splice(rest.indexOf(word), 1);
  return { command, rest };
}

async function helpText(): Promise<string> {
  const commands = await Promise.all(Object.values(commandLoaders).map((load) => load()));
  const lines = commands.map((c) => `  gw ${[...c.words, c.usage].join(" ").padEnd(46)} ${c.summary}`);
  return [
    "gw: the Groundwork command line",
    "",
    ...lines,
    "",
    "Global flags: --json  --home DIR (GW_HOME)  --rpc-url URL (GW_RPC_URL)  --account NAME (GW_ACCOUNT)",
    "              --password-file FILE (GW_PASSWORD_FILE, or GW_PASSWORD)",
  ].join("\n");
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const json = argv.includes("--json");
  try {
    const found = await findCommand(argv);
    if (!found) {
      if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
        process.stdout.write(`${await helpText()}\n`);
        return 0;
      }
      throw new InvalidInputError(`unknown command: ${argv.filter((a) => !a.startsWith("-")).join(" ")}`, {
        hint: "`gw --help` lists the commands.",
      });
    }
    const { command, rest } = found;
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...globalOptionSpec, ...command.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (cause) {
      throw new InvalidInputError((cause as Error).message, {
        hint: `Usage: gw ${command.words.join(" ")} ${command.usage}`,
      });
    }
    if (parsed.values.help) {
      process.stdout.write(`gw ${command.words.join(" ")} ${command.usage}\n  ${command.summary}\n`);
      return 0;
    }
    const options = resolveGlobalOptions(parsed.values, env);
    const ctx = createCliContext(options, env);
    const result = await command.run(ctx, { values: parsed.values, positionals: parsed.positionals });
    if (options.json) {
      process.stdout.write(`${toJsonLine(result.json)}\n`);
    } else if (result.stdout || result.stderr) {
      if (result.stderr) process.stderr.write(result.stderr);
      if (result.stdout) process.stdout.write(result.stdout);
    } else {
      process.stdout.write(`${result.text}\n`);
    }
    return result.exitCode ?? 0;
  } catch (raw) {
    const error = asGroundworkError(raw);
    if (json) {
      process.stderr.write(`${toJsonLine(error.toJSON())}\n`);
    } else {
      const detail = Object.entries(error.details)
        .map(([k, v]) => `  ${k}: ${typeof v === "string" ? v : toJsonLine(v)}`)
        .join("\n");
      process.stderr.write(
        `error: ${error.message}\n${detail ? `${detail}\n` : ""}${error.hint ? `hint: ${error.hint}\n` : ""}`,
      );
      if (error.kind === "internal" && error.cause instanceof Error && env.GW_DEBUG) {
        process.stderr.write(`${error.cause.stack}\n`);
      }
    }
    return exitCodeFor[error.kind];
  }
}

// A reader that stops early (`gw … | head`) is not an error worth a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2), process.env);
