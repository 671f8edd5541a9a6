// Test support: real `gw` processes on loopback, free ports, and temporary home folders. Used by end-to-end tests only.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const gwBin = join(import.meta.dirname, "..", "..", "bin", "gw.js");

export { freeLocalPort as freePort } from "../core/free-port.ts";

export function tempHome(prefix = "gw-test-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface GwResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The same output as bytes, exactly as the process wrote them. */
  stdoutBytes: Buffer;
  stderrBytes: Buffer;
  /** stdout parsed as JSON when the command was given --json and printed one line. */
  json: unknown;
}

export async function runGw(
  args: string[],
  options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<GwResult> {
  const child = spawn(process.execPath, [gwBin, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (c: Buffer) => out.push(c));
  child.stderr.on("data", (c: Buffer) => err.push(c));
  child.stdin.on("error", () => {}); // a command that never reads stdin may exit before we finish writing it
  child.stdin.end(options.input ?? "");
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  const code = await new Promise<number>((resolve) => child.once("close", (c) => resolve(c ?? 128)));
  clearTimeout(timer);
  const stdoutBytes = Buffer.concat(out);
  const stderrBytes = Buffer.concat(err);
  const stdout = stdoutBytes.toString();
  const stderr = stderrBytes.toString();
  let json: unknown;
  try {
    json = JSON.parse(stdout.trim());
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, stdoutBytes, stderrBytes, json };
}

/** Starts a long-running `gw` command and resolves with its first --json line once it prints one. */
export async function startGw(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ child: ChildProcess; first: unknown; stderr: () => string; exited: Promise<number> }> {
  const child = spawn(process.execPath, [gwBin, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number>((resolve) => child.once("close", (c) => resolve(c ?? 128)));
  const first = await new Promise<unknown>((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`gw ${args.join(" ")} printed nothing in time; stderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.stdout?.on("data", (c: Buffer) => {
      buffer += c.toString();
      const newline = buffer.indexOf("\n");
      if (newline >= 0) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(buffer.slice(0, newline)));
        } catch (error) {
          reject(error);
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gw ${args.join(" ")} exited with ${code}; stderr: ${stderr}`));
    });
  });
  return { child, first, stderr: () => stderr, exited };
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
