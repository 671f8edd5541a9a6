// Bench support: a local network started as real processes (`gw start --json` in a temporary home) and an SDK client
// for its demo customer. gw start runs in a process group of its own, which its children (anvil, gateway, providers)
// share: stop() sends SIGTERM to gw start, then SIGKILL to whatever of that group is left, and removes the home. It is
// safe to call twice, and a failed or timed-out start cleans up the same way.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { createChainPublicClient, type Deployment, readDeployment } from "../../src/chain/index.ts";
import { devAccountRoles, devPrivateKey } from "../../src/localnet/index.ts";
import { createGroundworkClient, createPaymentStore, type GroundworkClient } from "../../src/sdk/index.ts";
import { freePort, localNetworkArgs, tempHome } from "../../src/testing/index.ts";

const gwBin = join(import.meta.dirname, "..", "..", "bin", "gw.js");

export interface BenchService {
  name: string;
  url: string;
  pid: number;
  nodeKey?: string;
}

export interface BenchNetwork {
  home: string;
  gatewayUrl: string;
  deployment: Deployment;
  services: BenchService[];
  providers: BenchService[];
  /** A new SDK client for the demo customer (its own payment store under the home). */
  client(): GroundworkClient;
  stop(): Promise<void>;
}

/** What a market bench leaves out of gw start: the oracles and the indexer only observe the work measured. */
export const marketOnly = ["oracles", "indexer"] as const;

export const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Process groups started here and not yet stopped. */
const groups = new Set<number>();
const live = new Set<BenchNetwork>();
let hooked = false;

/** Stops every network still running when the bench process is told to stop (Ctrl-C) or exits. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = () => {
    for (const network of live) void network.stop();
  };
  process.once("SIGINT", () => {
    killAll();
    setTimeout(() => process.exit(130), 3000).unref();
  });
  process.once("SIGTERM", () => {
    killAll();
    setTimeout(() => process.exit(143), 3000).unref();
  });
  process.once("exit", () => {
    // Last resort, synchronous: SIGKILL whatever is left.
    for (const group of groups) kill(-group, "SIGKILL");
  });
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitExit(child: ChildProcess, exited: Promise<unknown>, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}

/** Ends gw start (SIGTERM: it stops its children in order), then anything of its group still there. */
async function stopGroup(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  const group = child.pid;
  if (group === undefined) return;
  kill(-group, "SIGCONT");
  child.kill("SIGTERM");
  if (!(await waitExit(child, exited, 20_000))) child.kill("SIGKILL");
  for (let i = 0; i < 20 && groupAlive(group); i++) {
    if (i === 0) kill(-group, "SIGTERM");
    await new Promise((r) => setTimeout(r, 250));
  }
  if (groupAlive(group)) kill(-group, "SIGKILL");
  groups.delete(group);
}

/** Starts `gw ARGS` in a new process group and resolves with its first stdout line as JSON. */
async function startGroup(
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ child: ChildProcess; exited: Promise<unknown>; first: unknown }> {
  const child = spawn(process.execPath, [gwBin, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  if (child.pid !== undefined) groups.add(child.pid);
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once("close", resolve));
  try {
    const first = await new Promise<unknown>((resolve, reject) => {
      let buffer = "";
      const timer = setTimeout(
        () => reject(new Error(`gw ${args[0]} printed nothing in ${timeoutMs} ms: ${stderr}`)),
        timeoutMs,
      );
      child.stdout?.on("data", (c: Buffer) => {
        buffer += c.toString();
        const newline = buffer.indexOf("\n");
        if (newline < 0) return;
        clearTimeout(timer);
        try {
          resolve(JSON.parse(buffer.slice(0, newline)));
        } catch (error) {
          reject(error);
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`gw ${args[0]} exited during start: ${stderr}`));
      });
    });
    return { child, exited, first };
  } catch (error) {
    await stopGroup(child, exited);
    throw error;
  }
}

export async function startBenchNetwork(params: {
  providers: number;
  auditShareBps?: number;
  maxAttempts?: number;
  /** Jobs each provider runs at once; default gw start's. */
  providerCapacity?: number;
  /** Roles left out (gw start --without): a market bench runs without oracles and indexer competing for cores. */
  without?: readonly ("oracles" | "indexer")[];
}): Promise<BenchNetwork> {
  hookExit();
  const home = tempHome("gw-bench-");
  const args = localNetworkArgs({
    home: home.path,
    chainPort: await freePort(),
    providers: params.providers,
    ...(params.without ? { without: params.without } : {}),
    extra: [
      ...(params.auditShareBps === undefined ? [] : ["--audit-share-bps", String(params.auditShareBps)]),
      ...(params.maxAttempts === undefined ? [] : ["--max-attempts", String(params.maxAttempts)]),
      ...(params.providerCapacity === undefined ? [] : ["--provider-capacity", String(params.providerCapacity)]),
    ],
  });
  const started = performance.now();
  let gw: Awaited<ReturnType<typeof startGroup>>;
  try {
    gw = await startGroup(args, { GW_HOME: home.path }, 300_000);
  } catch (error) {
    home.remove();
    throw error;
  }
  const first = gw.first as { services: BenchService[] };
  const services = first.services.map((s) => ({ ...s, pid: Number(s.pid) }));
  let stopping: Promise<void> | undefined;
  const network: BenchNetwork = {
    home: home.path,
    gatewayUrl: services.find((s) => s.name === "gateway")?.url ?? "",
    deployment: readDeployment(home.path),
    services,
    providers: services.filter((s) => s.name.startsWith("provider-")),
    client() {
      const deployment = network.deployment;
      return createGroundworkClient({
        gatewayUrl: network.gatewayUrl,
        account: privateKeyToAccount(devPrivateKey(devAccountRoles.customer) as `0x${string}`),
        deployment,
        publicClient: createChainPublicClient({ rpcUrl: deployment.rpcUrl, chainId: deployment.chainId }),
        paymentStore: createPaymentStore(join(home.path, "bench-payments")),
      });
    },
    stop() {
      stopping ??= (async () => {
        await stopGroup(gw.child, gw.exited);
        live.delete(network);
        home.remove();
      })();
      return stopping;
    },
  };
  live.add(network);
  log(
    `network up in ${((performance.now() - started) / 1000).toFixed(1)} s: ${network.providers.length} providers, gateway ${network.gatewayUrl}`,
  );
  return network;
}

/** Median of a sample (NaN when empty). */
export function median(values: number[]): number {
  return quantile(values, 0.5);
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
