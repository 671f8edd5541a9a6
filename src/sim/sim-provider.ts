// What a simulated provider answers: job assignments (a real `job.result` signed by its node key, with a receipt as
// receiptSchema; cheaters sign a self-consistent wrong result with their probability; flaky ones sometimes fail the
// job with a signed `job.failed`) and liveness challenges (a real `challenge.pong`; flaky ones miss some, offline ones
// all).
import type { Hex } from "viem";
import type { AttemptEvent } from "../gateway/index.ts";
import {
  type Envelope,
  hashSpec,
  type MessageSigner,
  messageTypes,
  nodeKeySigner,
  type Receipt,
  sha256Hex,
  signEnvelope,
} from "../protocol/index.ts";
import { computeResource } from "../resources/compute/index.ts";
import type { SimNode } from "./population.ts";
import { type SimJobSpec, simMetering, simOutcome, simWorkOutput, simWorkResult, simWrongOutput } from "./sim-work.ts";

export interface SimAssignment {
  jobId: string;
  attempt: number;
  /** The customer's job.request as the gateway forwards it. */
  request: Envelope<{ spec: SimJobSpec; maxPrice: string }>;
}

export interface SimProviderStats {
  /** Wrong results signed. */
  cheats: number;
  /** Jobs failed on purpose (flaky). */
  failures: number;
}

export interface SimProvider {
  node: SimNode;
  stats: SimProviderStats;
  /** Runs an assignment and answers it as this provider's kind does. */
  answerJob(
    assignment: SimAssignment,
    context: { gateway: Hex; price: bigint; now: () => number },
  ): Promise<AttemptEvent>;
  /** Answers a liveness challenge, or null when this provider misses it. */
  answerChallenge(challenge: { nonce: Hex; oracle: Hex }, at: number): Promise<Envelope | null>;
}

export function createSimProvider(node: SimNode): SimProvider {
  const signer: MessageSigner = nodeKeySigner(node.key);
  const stats: SimProviderStats = { cheats: 0, failures: 0 };
  const owner = node.owner.address;
  return {
    node,
    stats,
    async answerJob({ jobId, attempt, request }, { gateway, price, now }) {
      if (node.kind === "flaky" && node.random.next() < node.missProbability / 4) {
        stats.failures++;
        const failed = await signEnvelope(
          signer,
          {
            type: messageTypes.jobFailed,
            body: { jobId, attempt, error: { name: "SimulatedFailure", message: "the node dropped the job" } },
            to: gateway,
          },
          now,
        );
        return { kind: "failed", envelope: failed };
      }
      const spec = request.body.spec;
      let output = simWorkOutput(spec.input);
      if (node.kind === "cheater" && node.random.next() < node.cheatProbability) {
        output = simWrongOutput(spec.input, node.key.publicKey);
        stats.cheats++;
      }
      const started = now();
      const receipt: Receipt = {
        jobId,
        attempt,
        customer: request.from as Hex,
        gateway,
        provider: node.key.publicKey,
        owner,
        resourceType: computeResource.name,
        specHash: hashSpec(spec),
        outputHash: sha256Hex(output),
        resultDigest: computeResource.resultDigest(simWorkResult(output)),
        deterministic: true,
        price: price.toString(),
        metering: simMetering,
        startedAt: started,
        finishedAt: started,
      };
      const envelope = await signEnvelope(
        signer,
        {
          type: messageTypes.jobResult,
          body: { receipt, output: Buffer.from(output).toString("base64"), outcome: simOutcome },
          to: gateway,
        },
        now,
      );
      return { kind: "result", envelope };
    },
    async answerChallenge({ nonce, oracle }, at) {
      if (node.missProbability > 0 && (node.missProbability >= 1 || node.random.next() < node.missProbability)) {
        return null;
      }
      return signEnvelope(signer, { type: messageTypes.challengePong, body: { nonce, oracle }, to: oracle }, () => at);
    },
  };
}
