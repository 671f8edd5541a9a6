// Starts a local anvil node from the npm-installed Foundry binary and waits until it answers JSON-RPC.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { GroundworkError, StateError, TimeoutError } from "../core/errors.ts";

export interface AnvilOptions {
  host?: string;
  port: number;
  chainId?: number;
  /** Seconds between blocks; undefined mines a block per transaction. */
  blockTime?: number;
  /** anvil's --state file: loads it at start and dumps to it on exit and every few seconds. */
  stateFile?: string;
  startTimeoutMs?: number;
  /** Dev accounts anvil derives and funds with ether (its --accounts); anvil's default is 10. */
  accounts?: number;
}

export interface Anvil {
  rpcUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function resolveAnvilBinary(): string {
  const require = createRequire(import.meta.url);
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  try {
    return require.resolve(`${platformPackage}/bin/anvil`);
  } catch (cause) {
    throw new StateError("anvil is not installed for this platform", {
      cause,
      details: { package: platformPackage },
      hint: "Run `npm install` in the Groundwork folder.",
    });
  }
}

async function rpcAnswers(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

export async function startAnvil(options: AnvilOptions): Promise<Anvil> {
  const host = options.host ?? "127.0.0.1";
  const rpcUrl = `http://${host}:${options.port}`;
  if (await rpcAnswers(rpcUrl)) {
    throw new StateError(`something already answers JSON-RPC on ${rpcUrl}`, {
      hint: "Stop it, or pick another port with --chain-port.",
    });
  }
  const args = ["--host", host, "--port", String(options.port), "--chain-id", String(options.chainId ?? 31337)];
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
  if (options.accounts !== undefined) args.push("--accounts", String(options.accounts));
  if (options.stateFile) args.push("--state", options.stateFile, "--state-interval", "5");
  const child = spawn(resolveAnvilBinary(), args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  while (!(await rpcAnswers(rpcUrl))) {
    if (exited) {
      throw new GroundworkError("anvil exited during start", {
        details: { stderr: stderr.trim(), args },
        hint: "Is the port free? Try another with --chain-port.",
      });
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new TimeoutError("anvil did not answer in time", { details: { rpcUrl, stderr: stderr.trim() } });
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    rpcUrl,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}
