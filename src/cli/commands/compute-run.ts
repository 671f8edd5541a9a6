// `gw compute run job.wasm`: run a WASI job on the network, verified and paid by the SDK. The job's stdout goes to
// stdout byte for byte, its stderr to stderr, and gw exits with the job's exit code; --json prints one line instead.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Deployment } from "../../chain/index.ts";
import { InvalidInputError, StateError, TimeoutError } from "../../core/errors.ts";
import { readJsonFile } from "../../core/json-file.ts";
import { localnetStatePath } from "../../localnet/index.ts";
import {
  createGroundworkClient,
  createPaymentStore,
  type GroundworkClient,
  JobFailedError,
  type JobProgressEvent,
  type PaymentStore,
  runCompute,
} from "../../sdk/index.ts";
import { defineCommand } from "../command.ts";
import type { CliContext } from "../context.ts";
import { formatToken, parseTokenAmount } from "../format.ts";

const localnetSchema = z.object({
  services: z.array(z.object({ name: z.string(), url: z.string() }).passthrough()),
});

/** The SDK client of this home's account (it signs requests and vouchers) for `gatewayUrl`. */
export async function createCustomerClient(ctx: CliContext, gatewayUrl: string): Promise<GroundworkClient> {
  const deployment = ctx.deployment();
  const { wallet } = await ctx.wallet();
  if (wallet.account.type !== "local") throw new StateError("this account cannot sign locally");
  return createGroundworkClient({
    gatewayUrl,
    account: wallet.account,
    deployment,
    publicClient: ctx.publicClient(),
    paymentStore: customerPaymentStore(ctx.options.home, deployment),
  });
}

/** --gateway > GW_GATEWAY_URL > the gateway of the local network started from this home. */
export function resolveGatewayUrl(flag: string | undefined, ctx: Pick<CliContext, "env" | "options">): string {
  if (flag) return flag;
  if (ctx.env.GW_GATEWAY_URL) return ctx.env.GW_GATEWAY_URL;
  const path = localnetStatePath(ctx.options.home);
  let local: z.infer<typeof localnetSchema> | undefined;
  try {
    local = readJsonFile(path, localnetSchema);
  } catch {
    local = undefined;
  }
  const gateway = local?.services.find((s) => s.name === "gateway");
  if (!gateway) {
    throw new StateError("no gateway to send the job to", {
      details: { localnet: path },
      hint: "Pass --gateway URL, set GW_GATEWAY_URL, or start a local network with `npm start`.",
    });
  }
  return gateway.url;
}

/** This home's payment channels on this deployment, shared by everything the customer pays from this home. */
export function customerPaymentStore(home: string, deployment: Deployment): PaymentStore {
  // Channels belong to one escrow on one chain: a new local chain must not inherit the old one's amounts.
  return createPaymentStore(
    join(home, "payments", `${deployment.chainId}-${deployment.contracts.escrow.toLowerCase()}`),
  );
}

function readBytes(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path === "-" ? 0 : path));
  } catch (cause) {
    throw new InvalidInputError(`cannot read the ${what} ${path === "-" ? "from stdin" : path}`, { cause });
  }
}

function positiveInt(value: unknown, what: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || n < 1 || n > max) {
    throw new InvalidInputError(`invalid ${what}: ${String(value)}`, { hint: `A whole number from 1 to ${max}.` });
  }
  return n;
}

export const computeRunCommand = defineCommand({
  words: ["compute", "run"],
  summary: "run a WASI job on the network; its stdout/stderr and exit code become gw's",
  usage:
    "JOB.wasm [--input FILE|-] [--args ARG]... [--replicas K] [--max-price GWK] [--timeout S] [--memory-mb N] [--output-mb N] [--gateway URL] [-- ARG...]",
  options: {
    input: { type: "string" },
    args: { type: "string", multiple: true },
    replicas: { type: "string" },
    "max-price": { type: "string" },
    timeout: { type: "string" },
    "memory-mb": { type: "string" },
    "output-mb": { type: "string" },
    gateway: { type: "string" },
  },
  async run(ctx, { values, positionals }) {
    const [modulePath, ...trailing] = positionals;
    if (!modulePath) {
      throw new InvalidInputError("which module?", { hint: "gw compute run job.wasm [--input FILE]" });
    }
    const module = readBytes(modulePath, "module");
    const input = typeof values.input === "string" ? readBytes(values.input, "input") : new Uint8Array();
    const args = [...((values.args as string[] | undefined) ?? []), ...trailing];
    const replicas = positiveInt(values.replicas, "--replicas", 1, 9);
    const timeoutS = positiveInt(values.timeout, "--timeout", 60, 3600);
    const memoryMb =
      values["memory-mb"] === undefined ? undefined : positiveInt(values["memory-mb"], "--memory-mb", 256, 4096);
    const outputMb =
      values["output-mb"] === undefined ? undefined : positiveInt(values["output-mb"], "--output-mb", 64, 1024);
    const maxPrice = parseTokenAmount((values["max-price"] as string | undefined) ?? "1", "--max-price");
    const gatewayUrl = resolveGatewayUrl(values.gateway as string | undefined, ctx);

    const client = await createCustomerClient(ctx, gatewayUrl);
    const tty = !ctx.options.json && process.stderr.isTTY === true;
    const progress = (event: JobProgressEvent) => {
      if (!tty) return;
      const line =
        event.type === "JobSubmitted"
          ? `job ${event.jobId} sent to ${gatewayUrl}`
          : event.type === "ResultsVerified"
            ? `verified: ${event.accepted} agreeing, ${event.dissenters} dissenting, ${event.rejected} rejected`
            : event.type === "ResultRefuted"
              ? `a result from ${event.provider.slice(0, 10)} failed the recomputation check`
              : `paid ${formatToken(event.cost)} GWK (${event.count} voucher${event.count === 1 ? "" : "s"})`;
      process.stderr.write(`gw: ${line}\n`);
    };
    const result = await runCompute(client, {
      module,
      input,
      args,
      replicas,
      maxPrice,
      timeoutMs: timeoutS * 1000,
      limits: {
        ...(memoryMb ? { memoryBytes: memoryMb * 1024 * 1024 } : {}),
        ...(outputMb ? { outputBytes: outputMb * 1024 * 1024 } : {}),
      },
      onProgress: progress,
      // One job and then exit: pay before reporting, so the answer says whether the vouchers were delivered.
      payment: "await",
    }).catch((error: unknown) => {
      // A job that ran out of time on every provider is a timeout (exit 5), not a remote failure (exit 4).
      const attempts = error instanceof JobFailedError ? error.details.attempts : undefined;
      const timedOut = (a: { outcome?: string; detail?: string }) =>
        a.outcome === "timeout" || (a.outcome === "failed" && a.detail?.startsWith("SandboxTimeoutError") === true);
      if (Array.isArray(attempts) && attempts.length > 0 && attempts.every(timedOut)) {
        const failed = error as JobFailedError;
        throw new TimeoutError(failed.message, {
          details: failed.details,
          hint: `The job ran longer than --timeout ${timeoutS} s on every provider that tried it; raise --timeout if it needs more time.`,
        });
      }
      throw error;
    });
    const payment = await result.payment;
    if (tty && !payment.delivered) {
      process.stderr.write(`gw: warning: the gateway did not take the vouchers (${payment.error?.message})\n`);
    }
    const json = {
      jobId: result.jobId,
      exitCode: result.exitCode,
      stdout: Buffer.from(result.stdout).toString("base64"),
      stderr: Buffer.from(result.stderr).toString("base64"),
      ...(result.error ? { error: result.error } : {}),
      providers: result.providers.map((p) => ({ nodeKey: p.nodeKey, owner: p.owner, price: formatToken(p.price) })),
      cost: formatToken(result.cost),
      timings: { totalMs: Math.round(result.timings.totalMs), gatewayMs: Math.round(result.timings.gatewayMs) },
      reroutes: result.reroutes,
      dissenters: result.dissenters,
      verification: result.verification,
      audited: result.audited,
      vouchersDelivered: payment.delivered,
    };
    // A trap or a limit ends the program like an abort: say why after its own stderr (as a shell reports a signal).
    const stderr = result.error
      ? Buffer.concat([
          result.stderr,
          Buffer.from(`${result.stderr.length > 0 && result.stderr.at(-1) !== 10 ? "\n" : ""}gw: ${result.error}\n`),
        ])
      : result.stderr;
    return {
      json,
      text: "",
      stdout: result.stdout,
      stderr,
      // A process exit status is one byte; a WASI exit code is a u32.
      exitCode: result.exitCode & 0xff,
    };
  },
});
