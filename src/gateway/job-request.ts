import type { Hex, PublicClient } from "viem";
import { z } from "zod";
import { escrowAbi, wrapChainError } from "../chain/index.ts";
import type { BlobCache } from "../core/blob-cache.ts";
import { GroundworkError, InvalidInputError } from "../core/errors.ts";
import {
  base64Schema,
  hashSpec,
  jobRequestBody,
  messageTypes,
  openEnvelope,
  type ReplayGuard,
  sha256Hex,
} from "../protocol/index.ts";
import { getResourceType } from "../resources/index.ts";
import { InsufficientDepositError, MissingBlobsError } from "./errors.ts";
import type { AcceptedJob } from "./job-engine.ts";

export interface JobRequestContext {
  gateway: Hex;
  guard: ReplayGuard;
  now: () => number;
  publicClient: PublicClient;
  escrow: Hex;
  /**
   * The customer's escrow deposit; default: read from the chain for every request. The gateway passes a reader that
   * reuses a read for a moment (see createDepositReader).
   */
  readDeposit?: (customer: Hex) => Promise<bigint>;
  /** Claims a job id for this request (throws DuplicateJobError if it was ever used); returns its release. */
  reserveJobId(jobId: string): () => void;
  /** Blobs customers sent before, by hash (checked when they came): a request may name them without sending them. */
  blobs: BlobCache;
}

/**
 * POST /v1/jobs takes the signed job.request alone (its blobs inline, under the signature) or beside the blobs:
 * content-addressed bytes need no signature (the spec the customer signed names their hashes), so big modules and
 * scenes are not hashed into every signature check on the way, and a blob the gateway has is not sent again.
 */
const jobSubmission = z.object({ request: z.unknown(), blobs: z.record(z.string(), base64Schema) }).strict();

const blobKey = /^0x[0-9a-f]{64}$/;

/**
 * Checks a submitted job.request (alone or beside its blobs); resolves with the job and the release of its reserved id (call it if the job is not
 * recorded after all). Throws MessageRejectedError, InvalidInputError, DuplicateJobError or InsufficientDepositError.
 */
export async function acceptJobRequest(
  submitted: unknown,
  context: JobRequestContext,
): Promise<{ job: AcceptedJob; release: () => void }> {
  // The deposit read goes out now, beside the signature check (the slow part): it is only used once the signature
  // proves the request is the claimed sender's, and an unsigned claim learns nothing from it.
  const submission = jobSubmission.safeParse(submitted);
  const sent = submission.success ? submission.data.blobs : {};
  const raw = submission.success ? submission.data.request : submitted;
  const claimed = (raw as { from?: unknown } | null)?.from;
  const readDeposit =
    context.readDeposit ??
    ((customer: Hex) =>
      context.publicClient.readContract({
        address: context.escrow,
        abi: escrowAbi,
        functionName: "depositOf",
        args: [customer],
      }));
  const early =
    typeof claimed === "string" && /^0x[0-9a-f]{40}$/.test(claimed) ? readDeposit(claimed as Hex) : undefined;
  early?.catch(() => {});
  const envelope = await openEnvelope(raw, {
    type: messageTypes.jobRequest,
    body: jobRequestBody,
    guard: context.guard,
    recipient: context.gateway,
    now: context.now,
  });
  if (envelope.from.length !== 42) {
    throw new InvalidInputError("a job.request must be signed by the customer's wallet", {
      details: { from: envelope.from },
    });
  }
  const body = envelope.body;
  const type = getResourceType(body.resourceType);
  if (!type) {
    throw new InvalidInputError(`unknown resource type ${body.resourceType}`, {
      hint: "GET /v1/info lists the resource types this gateway serves.",
    });
  }
  // The raw (signed) spec, not the parsed one: the receipt's specHash covers exactly what the customer signed.
  const signedSpec = (raw as { body: { spec: unknown } }).body.spec;
  const spec = type.specSchema.safeParse(body.spec);
  if (!spec.success) {
    throw new InvalidInputError(`invalid ${type.name} spec`, {
      details: { issues: spec.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`) },
    });
  }
  const decoded = new Map<Hex, Uint8Array>();
  for (const [hash, data] of [...Object.entries(body.blobs), ...Object.entries(sent)]) {
    if (!blobKey.test(hash))
      throw new InvalidInputError("a blob key is not a sha256 (0x + 64 lower-case hex)", { details: { hash } });
    const bytes = new Uint8Array(Buffer.from(data, "base64"));
    if (sha256Hex(bytes) !== hash)
      throw new InvalidInputError("a blob does not hash to its key", { details: { hash } });
    decoded.set(hash as Hex, bytes);
  }
  const needed = new Map<Hex, Uint8Array>();
  const missing: Hex[] = [];
  for (const hash of type.blobsOf(spec.data)) {
    const bytes = decoded.get(hash) ?? context.blobs.get(hash);
    if (bytes) needed.set(hash, bytes);
    else missing.push(hash);
  }
  if (missing.length > 0) {
    throw new MissingBlobsError("the spec needs blobs that were not sent and this gateway does not have", {
      details: { reason: "missing-blobs", missing },
      hint: "Send the request again (freshly signed) with these blobs beside it: {request, blobs: {hash: base64}}.",
    });
  }

  const release = context.reserveJobId(body.jobId);
  try {
    try {
      await type.precheck(spec.data, needed);
    } catch (error) {
      if (error instanceof GroundworkError && error.kind === "input") throw error;
      throw new InvalidInputError(`the work was refused: ${(error as Error).message}`, { cause: error });
    }
    const maxPrice = BigInt(body.maxPrice);
    const required = maxPrice * BigInt(body.replicas);
    let deposit: bigint;
    try {
      deposit = await (envelope.from === claimed && early ? early : readDeposit(envelope.from as Hex));
    } catch (error) {
      throw wrapChainError(error, "cannot read the customer's escrow deposit");
    }
    if (deposit < required) {
      throw new InsufficientDepositError("the escrow deposit does not cover maxPrice × replicas", {
        details: { customer: envelope.from, deposit: deposit.toString(), required: required.toString() },
        hint: "Deposit more with `gw account deposit`, or lower maxPrice or replicas.",
      });
    }
    // Kept only now, for a request that is signed, paid for and accepted: nobody else can fill the cache.
    for (const [hash, bytes] of needed) context.blobs.put(hash, bytes);
    return {
      job: {
        jobId: body.jobId,
        request: raw as AcceptedJob["request"],
        customer: envelope.from as Hex,
        type,
        spec: spec.data,
        specHash: hashSpec(signedSpec),
        blobs: needed,
        replicas: body.replicas,
        maxPrice,
        timeoutMs: body.timeoutMs,
        exclude: body.exclude ?? [],
      },
      release,
    };
  } catch (error) {
    release();
    throw error;
  }
}
