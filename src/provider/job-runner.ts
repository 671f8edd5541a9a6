import type { Hex } from "viem";
import type { z } from "zod";
import type { BlobCache } from "../core/blob-cache.ts";
import { InvalidInputError } from "../core/errors.ts";
import { nextTurn } from "../core/next-turn.ts";
import {
  type Envelope,
  hashSpec,
  type jobAssignBody,
  type jobFailedBody,
  jobRequestBody,
  messageTypes,
  type Receipt,
  sha256Hex,
  verifyEnvelopeSignature,
} from "../protocol/index.ts";
import { type AnyResourceType, getResourceType, type ResourceRuntime } from "../resources/index.ts";

type JobRequest = z.infer<typeof jobRequestBody>;

import type { JobJournal, JobResultBody } from "./job-journal.ts";
import type { Logger } from "./logger.ts";
import type { ProviderMetrics } from "./provider-metrics.ts";

export type JobAssign = z.infer<typeof jobAssignBody>;
export type JobFailedBody = z.infer<typeof jobFailedBody>;

/** Why a provider refuses an attempt before running it; sent as job.failed's error.name. */
export type RefusalCode =
  | "busy"
  | "invalid-request"
  | "unsupported-type"
  | "invalid-spec"
  | "offer-exceeded"
  | "price-too-high"
  | "missing-blob"
  | "blob-mismatch"
  | "deadline-passed";

export class JobRefusedError extends InvalidInputError {
  override name = "JobRefusedError";
  readonly code: RefusalCode;
  constructor(code: RefusalCode, message: string, details: Record<string, unknown> = {}) {
    super(message, { details: { code, ...details } });
    this.code = code;
  }
}

export type JobReply =
  | {
      type: typeof messageTypes.jobResult;
      body: JobResultBody;
      fromJournal: boolean;
      /**
       * Journals the result and counts it; called by whoever sends the reply, right after sending it, so the
       * customer does not wait for the file. A kill -9 between the two can only make this attempt run again if
       * the gateway asks for it again; nothing is paid twice.
       */
      sent?: () => void;
    }
  | { type: typeof messageTypes.jobFailed; body: JobFailedBody };

export interface RunningJob {
  jobId: string;
  attempt: number;
  resourceType: string;
  gateway: Hex;
  startedAt: number;
  cancelled: boolean;
}

export interface Faults {
  corruptOutput?: number | undefined;
  dropJobs?: number | undefined;
  /** Share of the output's units (the type's outputUnitBytes: a pixel) altered in every result. */
  corruptShare?: number | undefined;
  /** Probability of running the type's cheaper variant of the work (underwork) and signing for the real one. */
  underwork?: number | undefined;
}

export interface JobRunnerOptions {
  nodeKey: Hex;
  owner: Hex;
  /** Resource type name → offer, each already valid under its type's offerSchema. */
  offers: Record<string, unknown>;
  capacity: number;
  journal: JobJournal;
  blobs: BlobCache;
  log: Logger;
  metrics: ProviderMetrics;
  faults?: Faults | undefined;
  now?: () => number;
  random?: () => number;
}

export interface JobRunner {
  /** Handles one authenticated job.assign; undefined when there is nothing to send (dropped, cancelled, duplicate). */
  handle(gateway: Hex, assign: JobAssign): Promise<JobReply | undefined>;
  /** Stops waiting for an attempt: its result, when the sandbox ends it, is neither journaled nor sent. */
  cancel(jobId: string, attempt: number): boolean;
  running(): RunningJob[];
  counts(): { completed: number; failed: number; rejected: number };
  close(): Promise<void>;
}

function failed(assign: JobAssign, name: string, message: string): JobReply {
  return {
    type: messageTypes.jobFailed,
    body: {
      jobId: assign.jobId,
      attempt: assign.attempt,
      error: { name: name.slice(0, 100), message: message.slice(0, 2000) },
    },
  };
}

/** What a cheater does: change the output bytes and then sign for them as if they were right. */
function corrupt(output: Uint8Array, random: () => number): Uint8Array {
  if (output.length === 0) return Uint8Array.of(Math.floor(random() * 256));
  const copy = new Uint8Array(output);
  const at = Math.floor(random() * copy.length);
  copy[at] = (copy[at] ?? 0) ^ 0xff;
  return copy;
}

/** A subtler cheater: alter a share of the output's units (at least one), each in its first byte. */
function corruptShareOf(output: Uint8Array, share: number, unitBytes: number, random: () => number): Uint8Array {
  const units = Math.floor(output.length / unitBytes);
  if (units === 0) return corrupt(output, random);
  const copy = new Uint8Array(output);
  const altered = new Set<number>();
  const count = Math.min(units, Math.max(1, Math.ceil(share * units)));
  while (altered.size < count) altered.add(Math.floor(random() * units));
  for (const unit of altered) copy[unit * unitBytes] = (copy[unit * unitBytes] ?? 0) ^ 0x5a;
  return copy;
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { journal, blobs, log, metrics } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const runtimes = new Map<string, ResourceRuntime<unknown>>();
  const active = new Map<string, RunningJob>();
  const counts = { completed: 0, failed: 0, rejected: 0 };
  // Attempts that still occupy the sandbox, cancelled or not: capacity is real, not what we stopped waiting for.
  let occupied = 0;

  function runtimeFor(type: AnyResourceType): ResourceRuntime<unknown> {
    let runtime = runtimes.get(type.name);
    if (!runtime) {
      runtime = type.createRuntime({ concurrency: options.capacity });
      runtimes.set(type.name, runtime);
    }
    return runtime;
  }

  /**
   * Checks the customer's request embedded in an assignment: its shape now, its signature (secp256k1 recovery, the
   * slow part) as a promise the caller must see resolve before it signs or sends anything for this job.
   */
  function checkRequest(gateway: Hex, assign: JobAssign): { customer: Hex; body: JobRequest; signed: Promise<void> } {
    const request = assign.request as Envelope;
    if (request.type !== messageTypes.jobRequest) {
      throw new JobRefusedError("invalid-request", "the embedded request is not a job.request", {
        type: request.type,
      });
    }
    if (typeof request.from !== "string" || request.from.length !== 42) {
      throw new JobRefusedError("invalid-request", "a job request is signed by a customer wallet", {
        from: request.from,
      });
    }
    if (request.to !== undefined && request.to !== gateway) {
      throw new JobRefusedError("invalid-request", "the customer sent this request to another gateway", {
        to: request.to,
      });
    }
    const body = jobRequestBody.safeParse(request.body);
    if (!body.success) {
      throw new JobRefusedError("invalid-request", "the customer's request body is invalid", {
        issues: body.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`),
      });
    }
    if (body.data.jobId !== assign.jobId) {
      throw new JobRefusedError("invalid-request", "the request is for another job", {
        requested: body.data.jobId,
        assigned: assign.jobId,
      });
    }
    // Checked on the next turn of the event loop: by then the job is in the sandbox's hands, so the check runs beside
    // it instead of before it.
    const signed = nextTurn()
      .then(() => verifyEnvelopeSignature(request))
      .then((valid) => {
        if (!valid) {
          throw new JobRefusedError("invalid-request", "the customer's signature on the request does not verify", {
            from: request.from,
          });
        }
      });
    signed.catch(() => {}); // awaited by the caller; never an unhandled rejection meanwhile
    return { customer: request.from as Hex, body: body.data, signed };
  }

  function gatherBlobs(needed: Hex[], assign: JobAssign, inline: Record<string, string>): ReadonlyMap<Hex, Uint8Array> {
    const found = new Map<Hex, Uint8Array>();
    for (const hash of needed) {
      const cached = blobs.get(hash);
      if (cached) {
        found.set(hash, cached);
        continue;
      }
      const encoded = assign.blobs[hash] ?? inline[hash];
      if (encoded === undefined)
        throw new JobRefusedError("missing-blob", "a blob the job needs was not sent", { hash });
      const bytes = new Uint8Array(Buffer.from(encoded, "base64"));
      const actual = sha256Hex(bytes);
      if (actual !== hash)
        throw new JobRefusedError("blob-mismatch", "a blob does not hash to its name", { hash, actual });
      blobs.put(hash, bytes);
      found.set(hash, bytes);
    }
    return found;
  }

  async function run(gateway: Hex, assign: JobAssign): Promise<JobReply | undefined> {
    // The signature is checked while the job runs (the sandbox is another thread); nothing is journaled, signed or
    // sent for the job unless it verifies.
    const { customer, body: request, signed } = checkRequest(gateway, assign);
    const admit = () => {
      const type = getResourceType(request.resourceType);
      const offer = options.offers[request.resourceType];
      if (!type || offer === undefined) {
        throw new JobRefusedError("unsupported-type", `this provider does not offer ${request.resourceType}`);
      }
      const spec = type.specSchema.safeParse(request.spec);
      if (!spec.success) {
        throw new JobRefusedError("invalid-spec", `invalid ${type.name} spec`, {
          issues: spec.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`),
        });
      }
      if (!type.accepts(offer, spec.data)) {
        throw new JobRefusedError("offer-exceeded", "the job asks for more than this provider offers");
      }
      const quote = type.quote(offer, spec.data);
      if (quote > BigInt(request.maxPrice)) {
        throw new JobRefusedError("price-too-high", "this provider's quote is above the customer's maximum price", {
          quote: quote.toString(),
          maxPrice: request.maxPrice,
        });
      }
      if (assign.deadline <= now()) throw new JobRefusedError("deadline-passed", "the attempt's deadline has passed");
      const inputs = gatherBlobs(type.blobsOf(spec.data), assign, request.blobs);
      if (occupied >= options.capacity) {
        metrics.jobs.inc({ resource: type.name, status: "busy" });
        throw new JobRefusedError("busy", `provider at capacity (${occupied} of ${options.capacity} running)`);
      }
      return { type, offer, spec, quote, inputs };
    };
    let admitted: ReturnType<typeof admit>;
    try {
      admitted = admit();
    } catch (error) {
      await signed; // a forged request is refused as such, whatever else is wrong with it
      throw error;
    }
    const { type, offer, spec, quote, inputs } = admitted;

    const key = `${assign.jobId}/${assign.attempt}`;
    const startedAt = now();
    const job: RunningJob = {
      jobId: assign.jobId,
      attempt: assign.attempt,
      resourceType: type.name,
      gateway,
      startedAt,
      cancelled: false,
    };
    active.set(key, job);
    occupied++;
    // Logged on the next turn of the event loop, once the job is in the sandbox: the line's write is not on its path.
    void nextTurn().then(() =>
      log("info", "job started", { jobId: job.jobId, attempt: job.attempt, resource: type.name, customer }),
    );
    let result: Awaited<ReturnType<ResourceRuntime<unknown>["run"]>>;
    let work = spec.data;
    if (options.faults?.underwork && type.underwork && random() < options.faults.underwork) {
      work = type.underwork(spec.data);
      log("warn", "FAULT INJECTION: running a cheaper variant of the work", { jobId: job.jobId, attempt: job.attempt });
    }
    try {
      result = await runtimeFor(type).run({ spec: work, blobs: inputs });
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      if (job.cancelled) return undefined;
      await signed;
      counts.failed++;
      metrics.jobs.inc({ resource: type.name, status: "failed" });
      log("warn", "job failed", { jobId: job.jobId, attempt: job.attempt, error: e.name, message: e.message });
      return failed(assign, e.name, e.message);
    } finally {
      occupied--;
      active.delete(key);
    }
    const finishedAt = now();
    await signed;
    if (job.cancelled) {
      log("info", "cancelled job finished; result dropped", { jobId: job.jobId, attempt: job.attempt });
      return undefined;
    }
    let output = result.output;
    if (options.faults?.corruptOutput && random() < options.faults.corruptOutput) {
      output = corrupt(output, random);
      result = { ...result, output };
      log("warn", "FAULT INJECTION: output corrupted", { jobId: job.jobId, attempt: job.attempt });
    }
    if (options.faults?.corruptShare) {
      output = corruptShareOf(output, options.faults.corruptShare, type.outputUnitBytes ?? 1, random);
      result = { ...result, output };
      log("warn", "FAULT INJECTION: a share of the output altered", { jobId: job.jobId, attempt: job.attempt });
    }
    let price = type.price(offer, spec.data, result.metering);
    if (price > quote) price = quote;
    const receipt: Receipt = {
      jobId: assign.jobId,
      attempt: assign.attempt,
      customer,
      gateway,
      provider: options.nodeKey,
      owner: options.owner,
      resourceType: type.name,
      specHash: hashSpec(request.spec),
      outputHash: sha256Hex(output),
      resultDigest: type.resultDigest(result),
      deterministic: type.deterministic(result),
      price: price.toString(),
      metering: result.metering,
      startedAt,
      finishedAt,
    };
    const body: JobResultBody = { receipt, output: Buffer.from(output).toString("base64"), outcome: result.outcome };
    const sent = () => {
      journal.put(body);
      counts.completed++;
      metrics.jobs.inc({ resource: type.name, status: "ok" });
      metrics.jobSeconds.observe({ resource: type.name }, (finishedAt - startedAt) / 1000);
      log("info", "job done", {
        jobId: job.jobId,
        attempt: job.attempt,
        resultDigest: receipt.resultDigest,
        price: receipt.price,
        ms: finishedAt - startedAt,
      });
    };
    return { type: messageTypes.jobResult, body, fromJournal: false, sent };
  }

  return {
    async handle(gateway, assign) {
      const done = journal.get(assign.jobId, assign.attempt);
      if (done) {
        metrics.jobs.inc({ resource: done.receipt.resourceType, status: "journal" });
        log("info", "job already done: resending the journaled result", {
          jobId: assign.jobId,
          attempt: assign.attempt,
        });
        return { type: messageTypes.jobResult, body: done, fromJournal: true };
      }
      if (active.has(`${assign.jobId}/${assign.attempt}`)) {
        const job = active.get(`${assign.jobId}/${assign.attempt}`);
        if (job) job.cancelled = false;
        log("debug", "job already running: its result will be sent when done", { jobId: assign.jobId });
        return undefined;
      }
      if (options.faults?.dropJobs && random() < options.faults.dropJobs) {
        log("warn", "FAULT INJECTION: job dropped", { jobId: assign.jobId, attempt: assign.attempt });
        return undefined;
      }
      try {
        return await run(gateway, assign);
      } catch (error) {
        if (!(error instanceof JobRefusedError)) throw error;
        counts.rejected++;
        if (error.code !== "busy") metrics.jobs.inc({ resource: "unknown", status: "rejected" });
        log("warn", "job refused", {
          jobId: assign.jobId,
          attempt: assign.attempt,
          code: error.code,
          msg: error.message,
        });
        return failed(assign, error.code, error.message);
      }
    },
    cancel(jobId, attempt) {
      const job = active.get(`${jobId}/${attempt}`);
      if (!job) return false;
      job.cancelled = true;
      return true;
    },
    running: () => [...active.values()].filter((j) => !j.cancelled),
    counts: () => ({ ...counts }),
    async close() {
      await Promise.all([...runtimes.values()].map((r) => r.close()));
      runtimes.clear();
    },
  };
}
