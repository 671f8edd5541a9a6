// One role of the local network as its own `gw` process: started, awaited until it prints its JSON status line,
// its stderr kept in a log file, stopped with SIGTERM (SIGKILL if it lingers).
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import { GroundworkError, TimeoutError } from "../core/errors.ts";

const gwBin = join(import.meta.dirname, "..", "..", "bin", "gw.js");

export interface RoleProcess {
  name: string;
  pid: number;
  /** The JSON line the role printed once it was up. */
  status: Record<string, unknown>;
  child: ChildProcess;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function startRoleProcess(params: {
  name: string;
  args: string[];
  env: Record<string, string>;
  logFile: string;
  startTimeoutMs?: number;
}): Promise<RoleProcess> {
  mkdirSync(dirname(params.logFile), { recursive: true });
  // The role writes its stderr straight into its log file: relaying it through a pipe would wake this process for
  // every line a busy provider or gateway logs (two per job), on the cores the jobs need.
  const log = openSync(params.logFile, "a");
  // The parent's GW_* settings (account, password, gateway) belong to the parent's user, not to this role.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("GW_")));
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [gwBin, ...params.args, "--json"], {
      env: { ...inherited, ...params.env },
      stdio: ["ignore", "pipe", log],
    });
  } finally {
    closeSync(log); // the child has its own copy
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const status = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new TimeoutError(`${params.name} did not start in time`, { details: { log: params.logFile } }));
    }, params.startTimeoutMs ?? 60_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf("\n");
      if (newline < 0) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>);
      } catch (cause) {
        reject(new GroundworkError(`${params.name} printed something unexpected`, { cause }));
      }
      buffer = "";
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new GroundworkError(`${params.name} exited during start (code ${code})`, {
          details: { log: params.logFile },
          hint: `Its log is in ${params.logFile}.`,
        }),
      );
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    name: params.name,
    pid: child.pid ?? 0,
    status,
    child,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const killer = setTimeout(() => child.kill("SIGKILL"), 8000);
        child.kill("SIGTERM");
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}
