import type { Hex } from "viem";
import { GroundworkError } from "../core/errors.ts";
import {
  type Envelope,
  jobFailedBody,
  jobResultBody,
  type MessageSigner,
  messageTypes,
  openEnvelope,
  type ReplayGuard,
  sha256Hex,
  signEnvelope,
} from "../protocol/index.ts";
import type { AnyResourceType } from "../resources/index.ts";
import type { GatewayStore } from "./gateway-store.ts";
import type { Candidate, ProviderPool } from "./provider-pool.ts";
import type { AttemptEvent, ProviderSession } from "./provider-session.ts";

/** A job request that passed every check (job-request.ts), ready to dispatch. */
export interface AcceptedJob {
  jobId: string;
  /** The customer's signed job.request exactly as received: providers check its signature themselves. */
  request: Envelope;
  customer: Hex;
  type: AnyResourceType;
  /** The spec parsed by the type's schema. */
  spec: unknown;
  /** sha256 of the canonical JSON of the spec the customer signed. */
  specHash: Hex;
  /** The blobs the spec needs, by hash (checked against it). */
  blobs: ReadonlyMap<Hex, Uint8Array>;
  replicas: number;
  maxPrice: bigint;
  timeoutMs: number;
  /** Node keys the customer asked not to be given this job. */
  exclude?: readonly Hex[];
}

export type AttemptOutcome =
  | "ok"
  | "dissent"
  | "unused"
  | "failed"
  | "timeout"
  | "disconnected"
  | "invalid-result"
  | "cancelled";

export interface AttemptSummary {
  attempt: number;
  provider: Hex;
  owner: Hex;
  outcome: AttemptOutcome;
  detail?: string;
}

/** "pending": an early answer (JobHooks.onFirstResult) whose audit replica is still out. */
export type Verification = "single" | "majority" | "inconclusive" | "none" | "pending";

/** What POST /v1/jobs answers (docs/protocol.md). */
export interface JobOutcome {
  jobId: string;
  status: "ok" | "failed";
  resultDigest: Hex | null;
  /** Signed job.result envelopes that agree on resultDigest. */
  results: Envelope[];
  /** Signed job.result envelopes that disagreed. */
  dissent: Envelope[];
  attempts: AttemptSummary[];
  /** Attempts started to replace one that failed. */
  reroutes: number;
  /** The audit lottery ran a silent second replica (replicas = 1 only). */
  audited: boolean;
  verification: Verification;
  /** Node keys named in a fraud report for this job. */
  reported: Hex[];
  error?: string;
}

export interface JobEngineContext {
  pool: ProviderPool;
  /** The gateway's node key: signs assignments, cancels and reports. */
  signer: MessageSigner;
  guard: ReplayGuard;
  store: Pick<GatewayStore, "appendReport">;
  auditShareBps: number;
  /** Attempts per job beyond the replicas started at once: budget = maxAttempts + initial replicas − 1. */
  maxAttempts: number;
  now: () => number;
  random: () => number;
  log: (line: string) => void;
  onAttemptFinished?: (outcome: AttemptOutcome) => void;
}

export interface JobHooks {
  /**
   * An audited job's first valid result, before its silent replica is in: the customer may take the output now and
   * hold the payment until the final outcome (which runJob still returns). Never called for other jobs.
   */
  onFirstResult?: (preview: JobOutcome) => void;
}

/** A job.result that failed verification; the detail goes into the failure report. */
export class InvalidResultError extends GroundworkError {
  override name = "InvalidResultError";
  override readonly kind = "remote";
}

export interface ResultExpectation {
  gateway: Hex;
  provider: Hex;
  owner: Hex;
  jobId: string;
  attempt: number;
  customer: Hex;
  type: AnyResourceType;
  specHash: Hex;
  quote: bigint;
}

export interface VerifiedResult {
  envelope: Envelope;
  digest: Hex;
  deterministic: boolean;
  price: bigint;
}

/**
 * Verifies a provider's job.result: the envelope opens (signed by that provider's node key, to the gateway, fresh,
 * not replayed), the receipt names this job, attempt, customer, gateway, provider, owner, type and spec, the output
 * hashes to outputHash, the digest and determinism are what the type computes, and the price is within the quote.
 */
export async function verifyJobResult(
  raw: unknown,
  expect: ResultExpectation,
  context: { guard: ReplayGuard; now: () => number },
): Promise<VerifiedResult> {
  let envelope: Envelope<ReturnType<typeof jobResultBody.parse>>;
  try {
    envelope = await openEnvelope(raw, {
      type: messageTypes.jobResult,
      body: jobResultBody,
      guard: context.guard,
      recipient: expect.gateway,
      now: context.now,
    });
  } catch (error) {
    const reason = (error as { reason?: string }).reason;
    throw new InvalidResultError(`job.result rejected${reason ? ` (${reason})` : ""}: ${(error as Error).message}`);
  }
  if (envelope.from !== expect.provider) {
    throw new InvalidResultError("job.result is signed by another node key", { details: { from: envelope.from } });
  }
  const { receipt, output, outcome } = envelope.body;
  const expected: Record<string, unknown> = {
    jobId: expect.jobId,
    attempt: expect.attempt,
    customer: expect.customer.toLowerCase(),
    gateway: expect.gateway,
    provider: expect.provider,
    owner: expect.owner.toLowerCase(),
    resourceType: expect.type.name,
    specHash: expect.specHash,
  };
  for (const [field, value] of Object.entries(expected)) {
    if ((receipt as Record<string, unknown>)[field] !== value) {
      throw new InvalidResultError(`receipt ${field} does not match the job`, {
        details: { field, expected: value, got: (receipt as Record<string, unknown>)[field] },
      });
    }
  }
  const outputBytes = new Uint8Array(Buffer.from(output, "base64"));
  if (sha256Hex(outputBytes) !== receipt.outputHash)
    throw new InvalidResultError("outputHash does not match the output");
  const work = { output: outputBytes, outcome, metering: receipt.metering };
  let digest: Hex;
  let deterministic: boolean;
  try {
    digest = expect.type.resultDigest(work);
    deterministic = expect.type.deterministic(work);
  } catch (cause) {
    throw new InvalidResultError("the result cannot be digested by its resource type", { cause });
  }
  if (digest !== receipt.resultDigest) throw new InvalidResultError("resultDigest does not match the result");
  if (deterministic !== receipt.deterministic) {
    throw new InvalidResultError("receipt.deterministic does not match the metering");
  }
  const price = BigInt(receipt.price);
  if (price > expect.quote) {
    throw new InvalidResultError("price above the provider's quote", {
      details: { price: receipt.price, quote: expect.quote.toString() },
    });
  }
  return { envelope: raw as Envelope, digest, deterministic, price };
}

interface Running {
  attempt: number;
  session: ProviderSession;
  candidate: Candidate;
  timer: NodeJS.Timeout;
}

interface ValidResult extends VerifiedResult {
  attempt: number;
  provider: Hex;
}

type Signal = { attempt: number; event: AttemptEvent | { kind: "timeout" } };

type Settlement =
  | { done: true; status: "ok"; group: ValidResult[]; verification: Verification }
  | { done: true; status: "failed"; error: string };
type Decision = Settlement | { done: false; more: number };

/** Runs `job` until it settles; never throws for provider faults (they become attempts and reports). */
export async function runJob(context: JobEngineContext, job: AcceptedJob, hooks: JobHooks = {}): Promise<JobOutcome> {
  const { pool, signer } = context;
  // Work the customer checks by recomputation needs no silent replica: a wrong result is caught by that check.
  const audited = job.replicas === 1 && !job.type.recompute && context.random() * 10_000 < context.auditShareBps;
  const initial = audited ? 2 : job.replicas;
  const need = audited ? 2 : Math.floor(job.replicas / 2) + 1;
  const budget = context.maxAttempts + initial - 1;

  const tried = new Set<Hex>(job.exclude ?? []);
  const running = new Map<number, Running>();
  const results: ValidResult[] = [];
  const summaries = new Map<number, AttemptSummary>();
  const queue: Signal[] = [];
  let wake: (() => void) | undefined;
  let started = 0;
  let reroutes = 0;
  let owedReroutes = 0;
  let capacityDeadline: number | undefined;
  let settled = false;
  let previewed = false;

  const push = (signal: Signal) => {
    if (settled) return;
    queue.push(signal);
    wake?.();
  };

  const report = async (kind: "timeout" | "disconnected" | "error" | "invalid-result", r: Running, detail: string) => {
    try {
      const envelope = await signEnvelope(
        signer,
        {
          type: messageTypes.failureReport,
          body: {
            jobId: job.jobId,
            attempt: r.attempt,
            provider: r.session.nodeKey,
            kind,
            detail: detail.slice(0, 2000),
          },
        },
        context.now,
      );
      await context.store.appendReport("failure", envelope);
    } catch (error) {
      context.log(`cannot record a failure report for ${job.jobId}/${r.attempt}: ${(error as Error).message}`);
    }
  };

  const start = (candidate: Candidate) => {
    const session = candidate.session;
    const attempt = started++;
    tried.add(session.nodeKey);
    if (owedReroutes > 0) {
      owedReroutes--;
      reroutes++;
    }
    const timer = setTimeout(() => push({ attempt, event: { kind: "timeout" } }), job.timeoutMs);
    timer.unref();
    const r: Running = { attempt, session, candidate, timer };
    running.set(attempt, r);
    summaries.set(attempt, { attempt, provider: session.nodeKey, owner: session.owner, outcome: "cancelled" });
    session.track(job.jobId, attempt, (event) => push({ attempt, event }));
    const blobs: Record<string, string> = {};
    for (const [hash, bytes] of job.blobs)
      if (!session.hasBlob(hash)) blobs[hash] = Buffer.from(bytes).toString("base64");
    session.addBlobs(job.blobs.keys());
    const body = { jobId: job.jobId, attempt, request: job.request, blobs, deadline: context.now() + job.timeoutMs };
    session.send(messageTypes.jobAssign, body).then(
      (sent) => {
        if (!sent) push({ attempt, event: { kind: "disconnected", detail: "connection closed before assignment" } });
      },
      (error: Error) => push({ attempt, event: { kind: "disconnected", detail: `cannot send: ${error.message}` } }),
    );
  };

  const cancel = (r: Running) => {
    void r.session.send(messageTypes.jobCancel, { jobId: job.jobId, attempt: r.attempt }).catch(() => {});
  };

  const finishAttempt = (r: Running) => {
    running.delete(r.attempt);
    clearTimeout(r.timer);
    r.session.release(job.jobId, r.attempt);
  };

  const failAttempt = async (
    r: Running,
    outcome: AttemptOutcome,
    kind: "timeout" | "disconnected" | "error" | "invalid-result",
    detail: string,
  ) => {
    summaries.set(r.attempt, {
      attempt: r.attempt,
      provider: r.session.nodeKey,
      owner: r.session.owner,
      outcome,
      detail,
    });
    pool.recordFailure(r.session.nodeKey);
    context.onAttemptFinished?.(outcome);
    owedReroutes++;
    context.log(`job ${job.jobId} attempt ${r.attempt} on ${r.session.nodeKey.slice(0, 10)}: ${outcome} (${detail})`);
    await report(kind, r, detail);
  };

  const handle = async ({ attempt, event }: Signal) => {
    const r = running.get(attempt);
    if (!r) return;
    finishAttempt(r);
    switch (event.kind) {
      case "result": {
        try {
          const verified = await verifyJobResult(
            event.envelope,
            {
              gateway: signer.id,
              provider: r.session.nodeKey,
              owner: r.session.owner,
              jobId: job.jobId,
              attempt,
              customer: job.customer,
              type: job.type,
              specHash: job.specHash,
              quote: r.candidate.quote,
            },
            context,
          );
          results.push({ ...verified, attempt, provider: r.session.nodeKey });
        } catch (error) {
          await failAttempt(r, "invalid-result", "invalid-result", (error as Error).message);
        }
        return;
      }
      case "failed": {
        let detail: string;
        try {
          const failed = await openEnvelope(event.envelope, {
            type: messageTypes.jobFailed,
            body: jobFailedBody,
            guard: context.guard,
            recipient: signer.id,
            now: context.now,
          });
          detail =
            failed.from === r.session.nodeKey
              ? `${failed.body.error.name}: ${failed.body.error.message}`
              : "job.failed signed by another node key";
        } catch (error) {
          detail = `unverifiable job.failed: ${(error as Error).message}`;
        }
        await failAttempt(r, "failed", "error", detail);
        return;
      }
      case "disconnected":
        await failAttempt(r, "disconnected", "disconnected", event.detail);
        return;
      case "timeout":
        cancel(r);
        await failAttempt(r, "timeout", "timeout", `no answer within ${job.timeoutMs} ms`);
        return;
    }
  };

  const decide = (): Decision => {
    const groups = new Map<Hex, ValidResult[]>();
    for (const result of results) groups.set(result.digest, [...(groups.get(result.digest) ?? []), result]);
    let best: ValidResult[] = [];
    for (const group of groups.values()) if (group.length > best.length) best = group;
    if (best.length >= need)
      return { done: true, status: "ok", group: best, verification: need === 1 ? "single" : "majority" };
    const nonDeterministic = results.some((r) => !r.deterministic);
    if (nonDeterministic && results.length >= need) {
      const first = results[0] as ValidResult;
      return { done: true, status: "ok", group: groups.get(first.digest) ?? [first], verification: "inconclusive" };
    }
    const have = nonDeterministic ? results.length : best.length;
    return { done: false, more: Math.max(0, need - have - running.size) };
  };

  /** What became of the attempts so far, e.g. "3 timeout" or "1 timeout, 1 failed"; empty when none was started. */
  const attemptSummary = (): string => {
    const counts = new Map<string, number>();
    for (const { outcome } of summaries.values()) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    return [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(", ");
  };
  /** Why nobody is left to run the job: says so plainly when every provider tried ran out of time. */
  const exhausted = (reason: string): string => {
    if (started === 0) return reason;
    const all = [...summaries.values()];
    // The gateway's deadline usually fires first; a provider's own sandbox timeout is the same verdict.
    const timedOut = (s: AttemptSummary) =>
      s.outcome === "timeout" || (s.outcome === "failed" && s.detail?.startsWith("SandboxTimeoutError") === true);
    if (results.length === 0 && all.every(timedOut)) {
      return `every attempt timed out: ${started} provider${started === 1 ? "" : "s"} gave no answer within ${job.timeoutMs} ms`;
    }
    return `${reason} (attempts: ${attemptSummary()})`;
  };

  /** When nothing more can run: an audit that could not complete still answers with its single result. */
  const giveUp = (error: string): Settlement => {
    const digests = new Set(results.map((r) => r.digest));
    if (audited && results.length > 0 && digests.size === 1) {
      return { done: true, status: "ok", group: results, verification: "single" };
    }
    if (results.length > 0 && digests.size > 1) {
      return { done: true, status: "failed", error: `replicas disagree and no majority was reached (${error})` };
    }
    return { done: true, status: "failed", error };
  };

  let decision: Settlement;
  for (;;) {
    while (queue.length > 0) await handle(queue.shift() as Signal);
    const next = decide();
    if (next.done) {
      decision = next;
      break;
    }
    const [first] = results;
    if (audited && !previewed && first && hooks.onFirstResult) {
      previewed = true;
      // The attempts that ended so far; the replica still running is not told about, here or to the provider.
      const ended = [...summaries.values()].filter((s) => !running.has(s.attempt));
      try {
        hooks.onFirstResult({
          jobId: job.jobId,
          status: "ok",
          resultDigest: first.digest,
          results: [first.envelope],
          dissent: [],
          attempts: ended.map((s) => (s.attempt === first.attempt ? { ...s, outcome: "ok" } : s)),
          reroutes,
          audited,
          verification: "pending",
          reported: [],
        });
      } catch (error) {
        context.log(`job ${job.jobId}: the early answer failed: ${(error as Error).message}`);
      }
    }
    let missing = next.more;
    let busy = 0;
    while (missing > 0 && started < budget) {
      const found = pool.findCandidates({ type: job.type, spec: job.spec, maxPrice: job.maxPrice, exclude: tried });
      busy = found.busy;
      const best = found.free[0];
      if (!best) break;
      start(best);
      missing--;
    }
    if (missing === 0) capacityDeadline = undefined;
    if (missing > 0 && running.size === 0 && queue.length === 0) {
      if (started >= budget) {
        decision = giveUp(exhausted(`all ${budget} attempts used without ${need} agreeing results`));
        break;
      }
      if (busy === 0) {
        const other = started > 0 ? "other " : "";
        decision = giveUp(
          exhausted(`no ${other}connected provider can take this ${job.type.name} job within maxPrice`),
        );
        break;
      }
      capacityDeadline ??= context.now() + job.timeoutMs;
      if (context.now() >= capacityDeadline) {
        decision = giveUp(`no provider became free within ${job.timeoutMs} ms`);
        break;
      }
    }
    if (queue.length > 0) continue;
    const signalled = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const waits: Promise<unknown>[] = [signalled];
    if (missing > 0 && started < budget) {
      const left = capacityDeadline === undefined ? job.timeoutMs : Math.max(1, capacityDeadline - context.now());
      waits.push(pool.waitForChange(left));
    }
    await Promise.race(waits);
    wake = undefined;
  }

  settled = true;
  for (const r of [...running.values()]) {
    finishAttempt(r);
    cancel(r);
    context.onAttemptFinished?.("cancelled");
  }

  if (decision.status === "failed") {
    for (const result of results) {
      const summary = summaries.get(result.attempt);
      if (summary) summary.outcome = "unused";
      context.onAttemptFinished?.("unused");
    }
    return {
      jobId: job.jobId,
      status: "failed",
      resultDigest: null,
      results: [],
      dissent: [],
      attempts: [...summaries.values()],
      reroutes,
      audited,
      verification: "none",
      reported: [],
      error: decision.error,
    };
  }

  const { group, verification } = decision;
  const agreed = new Set(group.map((r) => r.attempt));
  const digest = (group[0] as ValidResult).digest;
  const dissent = results.filter((r) => !agreed.has(r.attempt) && r.digest !== digest);
  for (const result of results) {
    const summary = summaries.get(result.attempt);
    const outcome: AttemptOutcome = agreed.has(result.attempt) ? "ok" : result.digest !== digest ? "dissent" : "unused";
    if (summary) summary.outcome = outcome;
    context.onAttemptFinished?.(outcome);
    if (outcome === "ok") pool.recordSuccess(result.provider);
  }

  // Only a deterministic majority convicts, and only deterministic dissent is fraud.
  const convicted =
    verification === "majority" && group.every((r) => r.deterministic) ? dissent.filter((r) => r.deterministic) : [];
  const reported = [...new Set(convicted.map((r) => r.provider))];
  if (reported.length > 0) {
    for (const provider of reported) pool.recordFailure(provider);
    try {
      const envelope = await signEnvelope(
        signer,
        {
          type: messageTypes.fraudReport,
          body: {
            jobId: job.jobId,
            resourceType: job.type.name,
            majorityDigest: digest,
            dissenters: reported,
            evidence: [...group, ...dissent].map((r) => r.envelope),
          },
        },
        context.now,
      );
      await context.store.appendReport("fraud", envelope);
    } catch (error) {
      context.log(`cannot record the fraud report for ${job.jobId}: ${(error as Error).message}`);
    }
  }

  return {
    jobId: job.jobId,
    status: "ok",
    resultDigest: digest,
    results: group.map((r) => r.envelope),
    dissent: dissent.map((r) => r.envelope),
    attempts: [...summaries.values()],
    reroutes,
    audited,
    verification,
    reported,
  };
}
