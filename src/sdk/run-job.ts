// One job, start to end, for any resource type: ask the gateway, verify what comes back ourselves, and only then pay
// the agreeing providers with EIP-712 vouchers (pay on delivery, never before; never dissenters or unverifiable
// results).
import { randomBytes, randomInt } from "node:crypto";
import type { Hex } from "viem";
import { GroundworkError, InvalidInputError, TimeoutError } from "../core/errors.ts";
import {
  type Envelope,
  hashSpec,
  type JobRequestBody,
  jobRequestBody,
  messageTypes,
  type Receipt,
  signEnvelope,
} from "../protocol/index.ts";
import { type AnyResourceType, getResourceType } from "../resources/index.ts";
import { encodeBlob } from "./blob-encoding.ts";
import type { GroundworkClient } from "./client.ts";
import { GatewayError, JobFailedError, VerificationFailedError } from "./errors.ts";
import type { JobOutcome } from "./gateway-api.ts";
import type { PaymentOutcome } from "./payer.ts";
import { type JobVerdict, type Verification, type VerifiedResult, verifyJobResults } from "./verify-results.ts";

export interface RunJobParams {
  /** A resource type this build knows (its name). */
  resourceType: string;
  /** The unit of work; checked against the type's spec schema before it is sent. */
  spec: unknown;
  /**
   * Bulk inputs by their sha256 (0x-hex); each must hash to its key. Not to be changed once given: each array's hash
   * and base64 are computed once and kept with it, since a render sends the same scene with every tile.
   */
  blobs: ReadonlyMap<Hex, Uint8Array>;
  /** 1: the gateway's audit policy; K ≥ 2: K replicas, ⌊K/2⌋+1 must agree. */
  replicas: number;
  /** The most one replica may cost, in token base units. */
  maxPrice: bigint;
  timeoutMs: number;
  /** Told as the job moves on (the CLI shows these on a terminal). */
  onProgress?: (event: JobProgressEvent) => void;
  /** Node keys not to give the work to. */
  exclude?: readonly Hex[];
  /**
   * For types checked by recomputation: how many times work is sent again after every result of it was caught
   * (each time to providers not caught yet). Default 3.
   */
  maxRefutedRetries?: number;
  /**
   * "background" (the default): the result is returned as soon as it is verified (an audited job's at its first
   * result, before the audit: see `RunJobResult.audit`), and the agreeing providers are
   * paid in the client's next payment round (`result.payment`; `client.settlePayments()` pays what is owed now and
   * waits for it). "await": a round starts at once and runJob returns only once its vouchers were submitted.
   */
  payment?: "background" | "await";
}

export type JobProgressEvent =
  | { type: "JobSubmitted"; jobId: string }
  | { type: "ResultRefuted"; jobId: string; provider: Hex; reported: boolean }
  | { type: "ResultsVerified"; jobId: string; accepted: number; dissenters: number; rejected: number }
  | { type: "VouchersSubmitted"; jobId: string; count: number; cost: bigint };

export interface PaidProvider {
  nodeKey: Hex;
  owner: Hex;
  /** What this job paid it: min(receipt price, maxPrice). */
  price: bigint;
}

/** A result that failed the customer's recomputation check: not paid, claimed against at the gateway. */
export interface CaughtResult {
  jobId: string;
  nodeKey: Hex;
  owner: Hex;
  /** The gateway took the claim and signed a fraud report (its sequence number). */
  reportSeq?: number;
  /** Why the claim could not be filed. */
  claimError?: string;
}

export interface RunJobResult {
  jobId: string;
  output: Uint8Array;
  outcome: Record<string, number | string | boolean>;
  /** What the paid provider measured, as its signed receipt says (the first one's, with replicas). */
  metering: Receipt["metering"];
  resultDigest: Hex;
  providers: PaidProvider[];
  /** The sum of the providers' prices. */
  cost: bigint;
  /** Genuine results that disagreed with the majority: not paid. */
  dissenters: { nodeKey: Hex; owner: Hex; resultDigest: Hex }[];
  /** Results that failed a check: not paid. */
  rejected: { index: number; provider: string | undefined; reason: string }[];
  reroutes: number;
  attempts: JobOutcome["attempts"];
  audited: boolean;
  verification: Verification;
  timings: { totalMs: number; gatewayMs: number };
  /** The recomputation check of the paid result(s), for types verified that way: units checked, time it took. */
  recomputed?: { checked: number; ms: number };
  /** Results caught by the recomputation check on the way (earlier attempts included): none of them was paid. */
  caught: CaughtResult[];
  /**
   * Set when an audited job was answered at its first result, before its silent replica was in (payment
   * "background"): the audit's verdict, once it is. Until then nothing is paid; `providers` and `cost` are what the
   * first result costs if the audit confirms it, and the verdict has the final bill.
   */
  audit?: Promise<AuditVerdict>;
  /**
   * Paying the agreeing providers: settled already with payment "await", under way with "background". Never rejects;
   * a failure is in its `error` (the amounts stay promised in the payment store when signed but not delivered).
   */
  payment: Promise<PaymentOutcome>;
}

function prepareRequest(params: RunJobParams): { body: JobRequestBody; blobs: ReadonlyMap<Hex, Uint8Array> } {
  const type = getResourceType(params.resourceType);
  if (!type) {
    throw new InvalidInputError(`unknown resource type ${JSON.stringify(params.resourceType)}`);
  }
  const spec = type.specSchema.safeParse(params.spec);
  if (!spec.success) {
    throw new InvalidInputError(`invalid ${type.name} spec`, {
      details: { issues: spec.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`) },
    });
  }
  const given = new Map<Hex, Uint8Array>();
  for (const [hash, bytes] of params.blobs) {
    const encoded = encodeBlob(bytes);
    if (encoded.hash !== hash.toLowerCase()) {
      throw new InvalidInputError("a blob does not hash to its key", { details: { key: hash } });
    }
    given.set(hash.toLowerCase() as Hex, bytes);
  }
  const blobs = new Map<Hex, Uint8Array>();
  for (const needed of type.blobsOf(spec.data)) {
    const bytes = given.get(needed.toLowerCase() as Hex);
    if (!bytes) throw new InvalidInputError("the spec needs a blob that was not given", { details: { blob: needed } });
    blobs.set(needed.toLowerCase() as Hex, bytes);
  }
  if (params.maxPrice <= 0n) throw new InvalidInputError("maxPrice must be more than zero");
  const body = jobRequestBody.safeParse({
    jobId: randomBytes(16).toString("hex"),
    resourceType: type.name,
    spec: spec.data,
    // Blobs travel beside the signed request (their hashes are in the spec), not inside it.
    blobs: {},
    replicas: params.replicas,
    maxPrice: params.maxPrice.toString(),
    timeoutMs: params.timeoutMs,
    ...(params.exclude && params.exclude.length > 0 ? { exclude: [...new Set(params.exclude)] } : {}),
  });
  if (!body.success) {
    throw new InvalidInputError("invalid job request", {
      details: { issues: body.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`) },
      hint: "replicas is 1 to 9; timeoutMs 100 ms to one hour.",
    });
  }
  return { body: body.data, blobs };
}

/** Every result of a job failed the recomputation check: sent again, to others. */
class AllRefuted extends Error {
  constructor(readonly caught: CaughtResult[]) {
    super("every result was refuted");
  }
}

/**
 * Runs one job through the client's gateway, verifies it and pays the agreeing providers. Work whose type is checked
 * by recomputation is checked here first; when every result fails, the work goes out again as a new job that the
 * caught providers are excluded from.
 */
export async function runJob(client: GroundworkClient, params: RunJobParams): Promise<RunJobResult> {
  const caught: CaughtResult[] = [];
  const retries = params.maxRefutedRetries ?? 3;
  for (let round = 0; ; round++) {
    const exclude = [...(params.exclude ?? []), ...caught.map((c) => c.nodeKey)];
    try {
      const result = await runOnce(client, { ...params, exclude }, caught);
      return { ...result, reroutes: result.reroutes + round };
    } catch (error) {
      if (!(error instanceof AllRefuted)) throw error;
      caught.push(...error.caught);
      if (round >= retries) {
        throw new VerificationFailedError(
          error.caught[0]?.jobId ?? "",
          `every result failed the recomputation check, ${round + 1} times`,
          {
            rejected: caught.map((c, index) => ({ index, provider: c.nodeKey, reason: "refuted by recomputation" })),
            hint: "Nothing was paid; the providers caught were reported. Try again later or on another gateway.",
          },
        );
      }
    }
  }
}

/** The recomputation check of every accepted result: which pass, which are caught (and claimed against). */
async function recomputeCheck(
  client: GroundworkClient,
  params: RunJobParams,
  type: AnyResourceType,
  accepted: VerifiedResult[],
  gateway: Hex,
): Promise<{ passed: VerifiedResult[]; caught: CaughtResult[]; checked: number; ms: number }> {
  const verifier = type.recompute;
  if (!verifier) return { passed: accepted, caught: [], checked: 0, ms: 0 };
  const policy = await client.getRecomputePolicy();
  const spec = type.specSchema.parse(params.spec);
  // The parts checked are drawn now, after the result exists, from a source the provider cannot predict.
  const checks = await Promise.all(
    accepted.map((r) => verifier.check({ spec, blobs: params.blobs, output: r.output }, policy, randomInt)),
  );
  const passed: VerifiedResult[] = [];
  const caught: CaughtResult[] = [];
  let checked = 0;
  let ms = 0;
  for (const [i, check] of checks.entries()) {
    const result = accepted[i] as VerifiedResult;
    checked += check.checked;
    ms += check.ms;
    if (check.ok) {
      passed.push(result);
      continue;
    }
    const entry: CaughtResult = {
      jobId: result.receipt.jobId,
      nodeKey: result.receipt.provider,
      owner: result.receipt.owner,
    };
    try {
      const blobs: Record<string, string> = {};
      for (const hash of type.blobsOf(spec)) {
        const bytes = params.blobs.get(hash);
        if (bytes) blobs[hash] = encodeBlob(bytes).base64;
      }
      const claim = await signEnvelope(
        await client.getSigner(),
        {
          type: messageTypes.fraudClaim,
          body: { result: result.envelope, spec: params.spec, blobs, claim: check.claim },
          to: gateway,
        },
        client.now,
      );
      entry.reportSeq = (await client.gateway.postClaim(claim)).seq;
    } catch (error) {
      entry.claimError = (error as Error).message;
    }
    caught.push(entry);
    try {
      params.onProgress?.({
        type: "ResultRefuted",
        jobId: entry.jobId,
        provider: entry.nodeKey,
        reported: entry.reportSeq !== undefined,
      });
    } catch {
      // a progress callback's failure is not the check's
    }
  }
  return { passed, caught, checked, ms };
}

async function runOnce(
  client: GroundworkClient,
  params: RunJobParams,
  caughtBefore: readonly CaughtResult[],
): Promise<RunJobResult> {
  const started = performance.now();
  const { body, blobs } = prepareRequest(params);
  const type = getResourceType(body.resourceType);
  if (!type) throw new InvalidInputError(`unknown resource type ${body.resourceType}`);
  const info = await client.getGatewayInfo();
  const customer = client.account.address.toLowerCase() as Hex;
  const sign = async () =>
    signEnvelope(await client.getSigner(), { type: messageTypes.jobRequest, body, to: info.gateway }, client.now);
  const request = await sign();
  params.onProgress?.({ type: "JobSubmitted", jobId: body.jobId });

  const gatewayStarted = performance.now();
  // An audited job may answer at its first result when the bill is settled in the background anyway: the customer
  // takes the output now and the audit's verdict decides, later, who is paid (docs/sdk.md, "Audits").
  const early = params.payment !== "await" && body.replicas === 1 && !type.recompute;
  let takePreview: ((preview: JobOutcome) => void) | undefined;
  const preview = early
    ? new Promise<JobOutcome>((resolve) => {
        takePreview = resolve;
      })
    : undefined;
  // The gateway answers once the job settles: give it the job's own timeout plus room for reroutes and transfer.
  const post = (signed: Envelope, sent: ReadonlyMap<Hex, Uint8Array>) =>
    client.gateway.postJob(signed, {
      timeoutMs: body.timeoutMs * 2 + 30_000,
      blobs: sent,
      ...(takePreview ? { onPreview: takePreview } : {}),
    });
  const atGateway = blobsAtGateway(client);
  const final = post(request, new Map([...blobs].filter(([hash]) => !atGateway.has(hash)))).catch(
    async (error: unknown) => {
      // The gateway no longer has a blob we did not resend (it restarted or evicted it): once more with all of them,
      // freshly signed (the refused envelope's nonce is spent).
      if (!isMissingBlobs(error)) throw error;
      for (const hash of blobs.keys()) atGateway.delete(hash);
      return post(await sign(), blobs);
    },
  );
  void final.then(
    () => {
      for (const hash of blobs.keys()) atGateway.add(hash);
    },
    () => {},
  );
  const verifyParams = (outcome: JobOutcome) => ({
    request: {
      jobId: body.jobId,
      customer,
      gateway: info.gateway,
      resourceType: body.resourceType,
      // The spec exactly as signed (signEnvelope round-trips the body through JSON).
      specHash: hashSpec((request.body as JobRequestBody).spec),
      replicas: body.replicas,
    },
    resourceType: type,
    envelopes: [...outcome.results, ...outcome.dissent],
    audited: outcome.audited,
    getProvider: (nodeKey: Hex) => client.getProvider(nodeKey),
  });
  const settle = (outcome: JobOutcome, gatewayMs: number) =>
    settleJob(
      client,
      params,
      { body, type, gateway: info.gateway, started, gatewayMs },
      outcome,
      verifyParams,
      caughtBefore,
    );

  if (preview) {
    final.catch(() => {}); // awaited below or by the audit; never unhandled meanwhile
    const first = await Promise.race([preview.then((p) => ({ preview: p })), final.then((o) => ({ outcome: o }))]);
    if ("preview" in first) {
      const answer = await answerBeforeAudit(client, params, first.preview, verifyParams, {
        started,
        gatewayMs: performance.now() - gatewayStarted,
        settle: async () => settle(await final, performance.now() - gatewayStarted),
        caughtBefore,
      });
      if (answer) return answer;
    }
  }
  return settle(await final, performance.now() - gatewayStarted);
}

/** The blob hashes each client's gateway accepted with a job, so later jobs name them instead of sending them. */
const gatewayBlobs = new WeakMap<GroundworkClient, BoundedSet<Hex>>();

function blobsAtGateway(client: GroundworkClient): BoundedSet<Hex> {
  let set = gatewayBlobs.get(client);
  if (!set) {
    set = new BoundedSet<Hex>(4096);
    gatewayBlobs.set(client, set);
  }
  return set;
}

/** A set that forgets its oldest members past `max` (a forgotten blob is merely sent again). */
class BoundedSet<T> {
  readonly #items = new Set<T>();
  constructor(readonly max: number) {}
  has(item: T): boolean {
    return this.#items.has(item);
  }
  add(item: T): void {
    this.#items.delete(item);
    this.#items.add(item);
    if (this.#items.size > this.max) this.#items.delete(this.#items.values().next().value as T);
  }
  delete(item: T): void {
    this.#items.delete(item);
  }
}

function isMissingBlobs(error: unknown): boolean {
  if (!(error instanceof GatewayError) || error.status !== 400) return false;
  const details = (error.body as { details?: { reason?: unknown } } | undefined)?.details;
  return details?.reason === "missing-blobs";
}

/** What an audit decided about a job answered before it: who is paid, and whether the early output stood. */
export interface AuditVerdict {
  /** "audit": the silent replica agreed (or a majority formed); "single": no replica could run; "failed": no verdict. */
  verification: Verification | "failed";
  /** The early output lost to a majority that disagreed with it: `output` is the majority's. */
  overturned: boolean;
  output?: Uint8Array;
  providers: PaidProvider[];
  cost: bigint;
  dissenters: RunJobResult["dissenters"];
  /** Why there is no verdict (nothing is paid then). */
  error?: string;
}

/**
 * The early answer of an audited job: its first result, verified like any single result, returned now; the final
 * outcome is verified and paid in the background (`audit`, `payment`). Undefined when the first result does not verify:
 * the caller then waits for the final outcome as usual.
 */
async function answerBeforeAudit(
  client: GroundworkClient,
  params: RunJobParams,
  preview: JobOutcome,
  verifyParams: (outcome: JobOutcome) => Parameters<typeof verifyJobResults>[0],
  context: {
    started: number;
    gatewayMs: number;
    settle: () => Promise<RunJobResult>;
    caughtBefore: readonly CaughtResult[];
  },
): Promise<RunJobResult | undefined> {
  let verdict: JobVerdict;
  try {
    verdict = await verifyJobResults({ ...verifyParams(preview), audited: false });
  } catch {
    return undefined;
  }
  const [first] = verdict.accepted;
  if (!first || verdict.accepted.length !== 1) return undefined;
  const price = paidPrice(first.receipt, params.maxPrice);
  const settled: Promise<{ verdict: AuditVerdict; payment: Promise<PaymentOutcome> }> = context.settle().then(
    (final) => ({
      verdict: {
        verification: final.verification,
        overturned: final.resultDigest !== verdict.resultDigest,
        ...(final.resultDigest !== verdict.resultDigest ? { output: final.output } : {}),
        providers: final.providers,
        cost: final.cost,
        dissenters: final.dissenters,
      },
      payment: final.payment,
    }),
    (error: Error) => {
      // No final outcome came at all (the gateway went away): as when the gateway cannot run the audit replica, the
      // verified first result stands alone and is paid. A final outcome that found no majority pays nobody.
      if (error instanceof TimeoutError || (error instanceof GatewayError && error.status === 0)) {
        const alone = { nodeKey: first.receipt.provider, owner: first.receipt.owner, price };
        const owed = new Map(price > 0n ? [[alone.owner, price]] : []);
        const payment = client.pay(owed, {});
        client.trackPayment(payment);
        return {
          verdict: {
            verification: "single" as const,
            overturned: false,
            providers: [alone],
            cost: price,
            dissenters: [],
            error: `the audit's outcome never came: ${error.message}`,
          },
          payment,
        };
      }
      return {
        verdict: {
          verification: "failed" as const,
          overturned: false,
          providers: [],
          cost: 0n,
          dissenters: [],
          error: error.message,
        },
        payment: Promise.resolve(noPayment),
      };
    },
  );
  const payment = settled.then((s) => s.payment);
  client.trackPayment(payment);
  return {
    jobId: first.receipt.jobId,
    output: first.output,
    outcome: first.outcome,
    metering: first.receipt.metering,
    resultDigest: verdict.resultDigest,
    providers: [{ nodeKey: first.receipt.provider, owner: first.receipt.owner, price }],
    cost: price,
    dissenters: [],
    rejected: verdict.rejected,
    reroutes: preview.reroutes,
    attempts: preview.attempts,
    audited: true,
    verification: "single",
    timings: { totalMs: performance.now() - context.started, gatewayMs: context.gatewayMs },
    caught: [...context.caughtBefore],
    audit: settled.then((s) => s.verdict),
    payment,
  };
}

/** What a verified result is paid: its receipt's price, never more than the customer's maximum. */
function paidPrice(receipt: Receipt, maxPrice: bigint): bigint {
  const quoted = BigInt(receipt.price);
  return quoted < maxPrice ? quoted : maxPrice;
}

const noPayment: PaymentOutcome = { vouchers: [], delivered: true };

/** Verifies a job's final outcome, checks it by recomputation where its type does, and pays the agreeing providers. */
async function settleJob(
  client: GroundworkClient,
  params: RunJobParams,
  job: { body: JobRequestBody; type: AnyResourceType; gateway: Hex; started: number; gatewayMs: number },
  outcome: JobOutcome,
  verifyParams: (outcome: JobOutcome) => Parameters<typeof verifyJobResults>[0],
  caughtBefore: readonly CaughtResult[],
): Promise<RunJobResult> {
  const { body, type, started, gatewayMs } = job;
  if (outcome.jobId !== body.jobId) {
    throw new GatewayError("the gateway answered for another job", {
      status: 200,
      details: { jobId: body.jobId, answeredFor: outcome.jobId },
    });
  }
  if (outcome.status === "failed") {
    throw new JobFailedError(body.jobId, outcome.error ?? undefined, {
      details: { reroutes: outcome.reroutes, attempts: outcome.attempts },
    });
  }
  const verdict = await verifyJobResults(verifyParams(outcome));
  params.onProgress?.({
    type: "ResultsVerified",
    jobId: body.jobId,
    accepted: verdict.accepted.length,
    dissenters: verdict.dissenters.length,
    rejected: verdict.rejected.length,
  });

  const recomputed = await recomputeCheck(client, params, type, verdict.accepted, job.gateway);
  if (recomputed.passed.length === 0) throw new AllRefuted(recomputed.caught);

  // Pay each agreeing provider its price, capped at what we agreed to pay; one voucher per owner.
  const providers: PaidProvider[] = [];
  const owed = new Map<Hex, bigint>();
  for (const result of recomputed.passed) {
    const price = paidPrice(result.receipt, params.maxPrice);
    providers.push({ nodeKey: result.receipt.provider, owner: result.receipt.owner, price });
    if (price > 0n) owed.set(result.receipt.owner, (owed.get(result.receipt.owner) ?? 0n) + price);
  }
  const cost = providers.reduce((sum, p) => sum + p.price, 0n);
  const [first] = recomputed.passed;
  if (!first) throw new GroundworkError("internal: a verdict without results", { details: { jobId: body.jobId } });
  // Pay on delivery, after the verdict; off the result's critical path unless asked to wait.
  const payment = client.pay(owed, { now: params.payment === "await" }).then((paid) => {
    if (paid.delivered && paid.vouchers.length > 0) {
      try {
        params.onProgress?.({ type: "VouchersSubmitted", jobId: body.jobId, count: paid.vouchers.length, cost });
      } catch {
        // a progress callback's failure is not the payment's
      }
    }
    return paid;
  });
  client.trackPayment(payment);
  if (params.payment === "await") await payment;
  return {
    jobId: body.jobId,
    output: first.output,
    outcome: first.outcome,
    metering: first.receipt.metering,
    resultDigest: verdict.resultDigest,
    providers,
    cost,
    dissenters: verdict.dissenters.map((d) => ({
      nodeKey: d.receipt.provider,
      owner: d.receipt.owner,
      resultDigest: d.receipt.resultDigest,
    })),
    rejected: verdict.rejected,
    reroutes: outcome.reroutes,
    attempts: outcome.attempts,
    audited: outcome.audited,
    verification: verdict.verification,
    timings: { totalMs: performance.now() - started, gatewayMs },
    ...(type.recompute ? { recomputed: { checked: recomputed.checked, ms: recomputed.ms } } : {}),
    caught: [...caughtBefore, ...recomputed.caught],
    payment,
  };
}
