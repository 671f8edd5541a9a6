// Test support: a small gateway speaking the customer HTTP API (docs/protocol.md) whose job answers a test writes,
// made of real job.result envelopes signed by real node keys. Lets SDK and CLI tests inject any fault at the edge
// (a forged signature, a wrong hash, an unregistered key, a dissenter) without a provider fleet.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Hex } from "viem";
import {
  createReplayGuard,
  type Envelope,
  generateNodeKeySeed,
  hashSpec,
  type JobRequestBody,
  jobRequestBody,
  messageTypes,
  type NodeKey,
  nodeKeyFromSeed,
  nodeKeySigner,
  openEnvelope,
  type Receipt,
  type SignedVoucher,
  sha256Hex,
  signEnvelope,
  voucherSubmitBody,
} from "../protocol/index.ts";
import { getResourceType } from "../resources/index.ts";

export interface FakeGatewayReply {
  status?: number;
  body: unknown;
  /**
   * An early answer, as the gateway streams an audited job's first result (NDJSON) to a client that takes it:
   * written at once, and `body` only once `hold` resolves (if it rejects, the connection is cut instead).
   */
  preview?: unknown;
  hold?: Promise<unknown>;
}

export interface FakeGateway {
  url: string;
  key: NodeKey;
  /** The opened job.request envelopes, in arrival order. */
  jobs: Envelope<JobRequestBody>[];
  /** The blobs sent beside each job request (hash → base64), in arrival order. */
  blobSubmissions: Record<string, string>[];
  /** The opened voucher.submit envelopes, in arrival order. */
  voucherSubmissions: Envelope<{ vouchers: SignedVoucher[] }>[];
  close(): Promise<void>;
}

export async function startFakeGateway(options: {
  chainId: number;
  contracts?: Record<string, string>;
  handleJob(request: Envelope<JobRequestBody>, gatewayKey: Hex): Promise<FakeGatewayReply> | FakeGatewayReply;
  /** Status for POST /v1/vouchers (default 200). */
  voucherStatus?: number;
}): Promise<FakeGateway> {
  const key = nodeKeyFromSeed(generateNodeKeySeed());
  const guard = createReplayGuard({ windowMs: 60_000 });
  const jobs: FakeGateway["jobs"] = [];
  const voucherSubmissions: FakeGateway["voucherSubmissions"] = [];
  const blobSubmissions: FakeGateway["blobSubmissions"] = [];
  const readJson = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  };
  const server = createServer((req, res) => {
    const reply = async ({ status, body, preview, hold }: FakeGatewayReply) => {
      const ndjson = "application/x-ndjson";
      if (preview !== undefined && (req.headers.accept ?? "").includes(ndjson)) {
        res.writeHead(200, { "content-type": ndjson });
        res.write(`${JSON.stringify(preview)}\n`);
        try {
          await hold;
        } catch {
          res.destroy(); // the gateway went away before the final line
          return;
        }
        res.end(`${JSON.stringify(body)}\n`);
        return;
      }
      await hold;
      res.writeHead(status ?? 200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      try {
        if (req.method === "GET" && req.url === "/v1/info") {
          return reply({
            body: {
              gateway: key.publicKey,
              chainId: options.chainId,
              contracts: options.contracts ?? {},
              auditShareBps: 0,
              version: "fake",
            },
          });
        }
        if (req.method === "POST" && req.url === "/v1/jobs") {
          // The signed request alone, or beside its blobs ({request, blobs}), as the gateway takes it.
          const submitted = (await readJson(req)) as { request?: unknown; blobs?: Record<string, string> } | null;
          const wrapped = submitted !== null && typeof submitted === "object" && "request" in submitted;
          if (wrapped) blobSubmissions.push(submitted.blobs ?? {});
          const request = await openEnvelope(wrapped ? submitted.request : submitted, {
            type: messageTypes.jobRequest,
            body: jobRequestBody,
            guard,
            recipient: key.publicKey,
          });
          jobs.push(request);
          return reply(await options.handleJob(request, key.publicKey));
        }
        if (req.method === "POST" && req.url === "/v1/vouchers") {
          const submission = await openEnvelope(await readJson(req), {
            type: messageTypes.voucherSubmit,
            body: voucherSubmitBody,
            guard,
            recipient: key.publicKey,
          });
          voucherSubmissions.push(submission);
          return reply({ status: options.voucherStatus ?? 200, body: { accepted: submission.body.vouchers.length } });
        }
        return reply({ status: 404, body: { error: "NotFound", message: "no such route" } });
      } catch (error) {
        return reply({ status: 400, body: { error: "BadRequest", message: (error as Error).message } });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    jobs,
    voucherSubmissions,
    blobSubmissions,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A provider's signed job.result for `request`, honest unless told otherwise: `receipt` overrides receipt fields
 * after the honest values are computed, `sentOutput` replaces the output actually sent (so it no longer matches
 * the receipt), `signer` signs with another key than the receipt names.
 */
export async function signTestResult(params: {
  request: Envelope<JobRequestBody>;
  gatewayKey: Hex;
  nodeKey: NodeKey;
  owner: Hex;
  output: Uint8Array;
  outcome: Record<string, number | string | boolean>;
  price: bigint;
  metering?: Receipt["metering"];
  attempt?: number;
  receipt?: Partial<Receipt>;
  sentOutput?: Uint8Array;
  signer?: NodeKey;
}): Promise<Envelope> {
  const { request } = params;
  const type = getResourceType(request.body.resourceType);
  if (!type) throw new Error(`unknown resource type ${request.body.resourceType}`);
  const metering = params.metering ?? { wallMs: 5 };
  const work = { output: params.output, outcome: params.outcome, metering };
  const now = Date.now();
  const receipt: Receipt = {
    jobId: request.body.jobId,
    attempt: params.attempt ?? 0,
    customer: request.from as Hex,
    gateway: params.gatewayKey,
    provider: params.nodeKey.publicKey,
    owner: params.owner.toLowerCase() as Hex,
    resourceType: request.body.resourceType,
    specHash: hashSpec(request.body.spec),
    outputHash: sha256Hex(params.output),
    resultDigest: type.resultDigest(work),
    deterministic: type.deterministic(work),
    price: params.price.toString(),
    metering,
    startedAt: now - 5,
    finishedAt: now,
    ...params.receipt,
  };
  return signEnvelope(nodeKeySigner(params.signer ?? params.nodeKey), {
    type: messageTypes.jobResult,
    to: params.gatewayKey,
    body: {
      receipt,
      output: Buffer.from(params.sentOutput ?? params.output).toString("base64"),
      outcome: params.outcome,
    },
  });
}

/** The gateway's answer for a settled job, from the result envelopes a test made. */
export function fakeJobOutcome(
  request: Envelope<JobRequestBody>,
  params: { results: Envelope[]; dissent?: Envelope[]; audited?: boolean; reroutes?: number },
): FakeGatewayReply {
  const all = [...params.results, ...(params.dissent ?? [])];
  const first = params.results[0]?.body as { receipt?: { resultDigest?: string } } | undefined;
  return {
    body: {
      jobId: request.body.jobId,
      status: "ok",
      resultDigest: first?.receipt?.resultDigest ?? null,
      results: params.results,
      dissent: params.dissent ?? [],
      attempts: all.map((e, i) => ({ attempt: i, provider: e.from, outcome: "ok" })),
      reroutes: params.reroutes ?? 0,
      audited: params.audited ?? false,
    },
  };
}
