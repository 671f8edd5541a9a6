// Resolves the CLI's shared options once (flag > environment > default) and builds what commands need from them:
// the home folder, the deployment, chain clients and the unlocked account. Nothing else reads process.env.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Hex, PublicClient } from "viem";
import {
  type ChainWallet,
  createChainPublicClient,
  createChainWallet,
  type Deployment,
  readDeployment,
} from "../chain/index.ts";
import { InvalidInputError } from "../core/errors.ts";
import { findAccount, type StoredAccount, unlockAccount } from "../wallet/index.ts";

export interface GlobalOptions {
  json: boolean;
  home: string;
  rpcUrl: string | undefined;
  account: string | undefined;
  passwordFile: string | undefined;
}

export interface CliContext {
  options: GlobalOptions;
  env: NodeJS.ProcessEnv;
  deployment(): Deployment;
  publicClient(): PublicClient;
  wallet(): Promise<{ account: StoredAccount; wallet: ChainWallet }>;
  /** The password from --password-file, GW_PASSWORD, or a prompt on a terminal. */
  password(purpose: { confirm: boolean; prompt: string }): Promise<string>;
  /** Reads a secret (private key) from a file, stdin ("-") or a prompt. */
  readSecret(source: string | undefined, prompt: string): Promise<string>;
  log(line: string): void;
}

export const globalOptionSpec = {
  json: { type: "boolean" },
  home: { type: "string" },
  "rpc-url": { type: "string" },
  account: { type: "string" },
  "password-file": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export function resolveGlobalOptions(values: Record<string, unknown>, env: NodeJS.ProcessEnv): GlobalOptions {
  const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
  return {
    json: values.json === true,
    home: resolve(str(values.home) ?? str(env.GW_HOME) ?? join(homedir(), ".groundwork")),
    rpcUrl: str(values["rpc-url"]) ?? str(env.GW_RPC_URL),
    account: str(values.account) ?? str(env.GW_ACCOUNT),
    passwordFile: str(values["password-file"]) ?? str(env.GW_PASSWORD_FILE),
  };
}

async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new InvalidInputError("a password is needed and there is no terminal to ask on", {
      hint: "Pass --password-file FILE or set GW_PASSWORD.",
    });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // Echo nothing while the user types the secret.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  process.stderr.write(question);
  const answer = await new Promise<string>((r) => rl.question("", r));
  rl.close();
  process.stderr.write("\n");
  return answer;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function createCliContext(options: GlobalOptions, env: NodeJS.ProcessEnv): CliContext {
  let deployment: Deployment | undefined;
  let publicClient: PublicClient | undefined;
  const getDeployment = () => {
    deployment ??= readDeployment(options.home);
    return options.rpcUrl ? { ...deployment, rpcUrl: options.rpcUrl } : deployment;
  };
  const ctx: CliContext = {
    options,
    env,
    deployment: getDeployment,
    publicClient() {
      publicClient ??= createChainPublicClient(getDeployment());
      return publicClient;
    },
    async password({ confirm, prompt }) {
      if (options.passwordFile) {
        try {
          return readFileSync(options.passwordFile, "utf8").replace(/\r?\n$/, "");
        } catch (cause) {
          throw new InvalidInputError(`cannot read the password file ${options.passwordFile}`, { cause });
        }
      }
      if (env.GW_PASSWORD !== undefined) return env.GW_PASSWORD;
      const first = await promptHidden(`${prompt}: `);
      if (confirm && (await promptHidden("Repeat it: ")) !== first) {
        throw new InvalidInputError("the two passwords differ");
      }
      return first;
    },
    async readSecret(source, prompt) {
      if (source === "-") return (await readStdin()).trim();
      if (source !== undefined) {
        try {
          return readFileSync(source, "utf8").trim();
        } catch (cause) {
          throw new InvalidInputError(`cannot read ${source}`, { cause });
        }
      }
      return (await promptHidden(`${prompt}: `)).trim();
    },
    async wallet() {
      const account = findAccount(options.home, options.account);
      const privateKey: Hex = unlockAccount(
        account,
        await ctx.password({ confirm: false, prompt: `Password for ${account.name}` }),
      );
      const d = getDeployment();
      return { account, wallet: createChainWallet({ rpcUrl: d.rpcUrl, chainId: d.chainId, privateKey }) };
    },
    log(line) {
      if (!options.json) process.stderr.write(`${line}\n`);
    },
  };
  return ctx;
}
