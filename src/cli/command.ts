// What a CLI command is: its words, its flags, and a run function that returns a result for people and for --json.
import type { ParseArgsConfig } from "node:util";
import type { CliContext } from "./context.ts";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface CommandInput {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface CommandResult {
  /** What `--json` prints (one line). bigint values are printed as decimal strings. */
  json: unknown;
  /** What a person sees. */
  text: string;
  exitCode?: number;
  /** Bytes written to stdout exactly as they are, instead of `text` (a job's output); --json still prints `json`. */
  stdout?: Uint8Array;
  /** Bytes written to stderr exactly as they are, without --json (a job's stderr). */
  stderr?: Uint8Array;
}

export interface Command {
  words: string[];
  summary: string;
  /** Positional arguments and flags, shown in help. */
  usage: string;
  options: OptionSpec;
  /** Long-running commands (start) print and exit on their own instead of returning a result. */
  run(ctx: CliContext, input: CommandInput): Promise<CommandResult>;
}

export function defineCommand(command: Command): Command {
  return command;
}
