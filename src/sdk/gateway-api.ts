// The gateway's customer HTTP API (docs/protocol.md, "Customer → gateway") as a small adapter: typed calls, one
// error type per failure, answers checked for shape only. What the answers claim is verified elsewhere
// (verify-results.ts); nothing here is trusted.
import type { Hex } from "viem";
import { z } from "zod";
import { TimeoutError } from "../core/errors.ts";
import { createHttpTransport, type HttpReply, type HttpTransport } from "../core/http-transport.ts";
import type { Envelope } from "../protocol/index.ts";
import { encodeBlob } from "./blob-encoding.ts";
import { GatewayError, InsufficientDepositError } from "./errors.ts";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);

export const gatewayInfoSchema = z
  .object({
    gateway: hex32.transform((s) => s.toLowerCase() as Hex),
    chainId: z.number().int().positive(),
    contracts: z.record(z.string(), z.string()).optional(),
    auditShareBps: z.number().int().min(0).max(10_000).optional(),
    version: z.string().optional(),
  })
  .passthrough();
export type GatewayInfo = z.infer<typeof gatewayInfoSchema>;

export const jobOutcomeSchema = z.object({
  jobId: z.string(),
  status: z.enum(["ok", "failed"]),
  resultDigest: z.string().optional().nullable(),
  results: z.array(z.unknown()).default([]),
  dissent: z.array(z.unknown()).default([]),
  attempts: z
    .array(
      z
        .object({
          attempt: z.number().int(),
          provider: z.string().optional().nullable(),
          outcome: z.string().optional().nullable(),
        })
        .passthrough(),
    )
    .default([]),
  reroutes: z.number().int().min(0).default(0),
  audited: z.boolean().default(false),
  error: z
    .union([
      z.object({ name: z.string(), message: z.string() }).passthrough(),
      z.string().transform((message) => ({ name: "Error", message })),
    ])
    .optional()
    .nullable(),
});
export type JobOutcome = z.infer<typeof jobOutcomeSchema>;

export const gatewayProvidersSchema = z.object({
  providers: z.array(
    z
      .object({
        nodeKey: z.string(),
        offers: z.record(z.string(), z.unknown()),
        capacity: z.number().int(),
        running: z.number().int(),
      })
      .passthrough(),
  ),
});
export type GatewayProvider = z.infer<typeof gatewayProvidersSchema>["providers"][number];

export interface GatewayApi {
  getInfo(): Promise<GatewayInfo>;
  /** The providers connected now, with their offers, capacity and running attempts. */
  getProviders(): Promise<GatewayProvider[]>;
  /**
   * Sends a signed job.request; resolves with the job's final outcome. With `onPreview`, an audited job's first result
   * is handed over as soon as the gateway has it (its audit replica still running); the final outcome follows.
   */
  postJob(
    request: Envelope,
    options: {
      timeoutMs: number;
      /** Sent beside the signed request (content-addressed, so outside the signature); those the gateway has may be left out. */
      blobs?: ReadonlyMap<Hex, Uint8Array>;
      onPreview?: (preview: JobOutcome) => void;
    },
  ): Promise<JobOutcome>;
  postVouchers(submission: Envelope): Promise<void>;
  /** A claim.fraud: the gateway checks it and answers with the report it signed. */
  postClaim(claim: Envelope): Promise<{ provider: string; jobId: string; seq: number }>;
}

/** The error when the socket was closed or reset under a request that got no response. */
function isStaleConnection(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "EPIPE") return true;
  }
  return false;
}

const ndjson = "application/x-ndjson";

/**
 * Reads a streamed NDJSON answer: the gateway streams only when it has an early answer, so the first line is that one
 * (handed to `onLine` as soon as it is complete, once, if it is the protocol) and the last is the final answer.
 */
function lineReader<S extends z.ZodType>(schema: S, onLine: (line: z.infer<S>) => void) {
  let buffered = Buffer.alloc(0);
  let done = false;
  return (chunk: Buffer, contentType: string) => {
    if (done || !contentType.includes(ndjson)) return;
    buffered = Buffer.concat([buffered, chunk]); // bytes, not text: a chunk may end inside a character
    const newline = buffered.indexOf(10);
    if (newline < 0) return;
    done = true;
    let json: unknown;
    try {
      json = JSON.parse(buffered.subarray(0, newline).toString("utf8"));
    } catch {
      return; // not the protocol: the final answer decides
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) onLine(parsed.data);
  };
}

export function createGatewayApi(params: { url: string; transport?: HttpTransport }): GatewayApi {
  const base = params.url.replace(/\/+$/, "");
  const transport = params.transport ?? createHttpTransport();

  async function call<S extends z.ZodType>(
    path: string,
    init: {
      method: "GET" | "POST";
      body?: unknown;
      timeoutMs: number;
      /** Takes an NDJSON answer: each line but the last goes here as it arrives; the last is the answer. */
      onLine?: (line: z.infer<S>) => void;
    },
    schema: S,
  ): Promise<z.infer<S>> {
    let response: HttpReply;
    try {
      const signal = AbortSignal.timeout(init.timeoutMs);
      const send = () =>
        transport({
          url: `${base}${path}`,
          method: init.method,
          headers: {
            ...(init.body === undefined ? {} : { "content-type": "application/json" }),
            ...(init.onLine ? { accept: `${ndjson}, application/json` } : {}),
          },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
          signal,
          ...(init.onLine ? { onChunk: lineReader(schema, init.onLine) } : {}),
        });
      try {
        response = await send();
      } catch (error) {
        // A kept-alive connection the gateway closed just as we reused it: the request never reached it. Sending the
        // same signed envelope again is safe either way, since the gateway refuses a nonce or jobId it has seen.
        if (signal.aborted || !isStaleConnection(error)) throw error;
        response = await send();
      }
    } catch (cause) {
      if ((cause as Error).name === "TimeoutError" || (cause as Error).name === "AbortError") {
        throw new TimeoutError(`the gateway did not answer ${init.method} ${path} in ${init.timeoutMs} ms`, {
          details: { url: `${base}${path}` },
          cause,
        });
      }
      throw new GatewayError(`cannot reach the gateway at ${base}`, {
        status: 0,
        cause,
        details: { url: `${base}${path}` },
        hint: "Check the gateway URL (--gateway or GW_GATEWAY_URL) and that the gateway is running.",
      });
    }
    // An NDJSON answer's last line is the answer; the lines before it were handed to onLine as they came.
    const text = response.contentType.includes(ndjson)
      ? (response.text.trimEnd().split("\n").at(-1) ?? "")
      : response.text;
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (response.status === 402) {
      throw new InsufficientDepositError("the gateway refused the job: not enough in escrow", { body: json ?? text });
    }
    // A streamed answer's status was sent with its early line: a failure after it comes as an error body instead.
    const failedLate =
      response.contentType.includes(ndjson) && json !== null && typeof json === "object" && "error" in json;
    if (!response.ok || failedLate) {
      const message =
        json && typeof json === "object" && typeof (json as { message?: unknown }).message === "string"
          ? (json as { message: string }).message
          : `HTTP ${response.status}`;
      throw new GatewayError(`the gateway answered ${init.method} ${path} with ${response.status}: ${message}`, {
        status: response.status,
        body: json ?? text.slice(0, 2000),
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new GatewayError(`the gateway's answer to ${init.method} ${path} is not the protocol`, {
        status: response.status,
        details: { issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`) },
      });
    }
    return parsed.data;
  }

  return {
    getInfo: () => call("/v1/info", { method: "GET", timeoutMs: 15_000 }, gatewayInfoSchema),
    getProviders: async () =>
      (await call("/v1/providers", { method: "GET", timeoutMs: 15_000 }, gatewayProvidersSchema)).providers,
    postJob: (request, { timeoutMs, blobs, onPreview }) =>
      call(
        "/v1/jobs",
        {
          method: "POST",
          body: blobs
            ? {
                request,
                blobs: Object.fromEntries([...blobs].map(([hash, bytes]) => [hash, encodeBlob(bytes).base64])),
              }
            : request,
          timeoutMs,
          ...(onPreview ? { onLine: onPreview } : {}),
        },
        jobOutcomeSchema,
      ),
    async postVouchers(submission) {
      await call("/v1/vouchers", { method: "POST", body: submission, timeoutMs: 15_000 }, z.unknown());
    },
    postClaim: (claim) =>
      call(
        "/v1/claims",
        { method: "POST", body: claim, timeoutMs: 60_000 },
        z.object({ provider: z.string(), jobId: z.string(), seq: z.number() }),
      ),
  };
}
