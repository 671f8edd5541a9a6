// The CPU cost of each step a job's messages take between customer, gateway and provider, measured in-process (no
// network, no sandbox) so the figures hold on a busy machine: median µs per step over many repetitions, for a
// customer that signs every message with its wallet (secp256k1) and one that signs with a session key (Ed25519),
// plus the job log's flush, alone and shared by concurrent jobs.
// `npm run bench -- dispatch-stages [--reps 200] [--module busy]`
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Hex, parseUnits } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { recoverVoucherSigner, signVoucher } from "../src/chain/index.ts";
import { createBlobCache } from "../src/core/blob-cache.ts";
import { openGatewayStore } from "../src/gateway/gateway-store.ts";
import { verifyJobResult } from "../src/gateway/job-engine.ts";
import { acceptJobRequest } from "../src/gateway/job-request.ts";
import { devAccountRoles, devPrivateKey } from "../src/localnet/index.ts";
import {
  createReplayGuard,
  createSessionSigner,
  type Envelope,
  generateNodeKeySeed,
  hashSpec,
  jobAssignBody,
  type MessageSigner,
  messageTypes,
  nodeKeyFromSeed,
  nodeKeySigner,
  openEnvelope,
  sha256Hex,
  signEnvelope,
  verifyEnvelopeSignature,
  walletSigner,
} from "../src/protocol/index.ts";
import { type ComputeSpec, computeResource, defaultComputeLimits } from "../src/resources/compute/index.ts";
import { loadFixture } from "../src/resources/compute/sandbox/fixtures/load-fixture.ts";
import { verifyJobResults } from "../src/sdk/index.ts";
import { log, median, round } from "./lib/network.ts";

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

async function timeUs(reps: number, step: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(10, reps); i++) await step();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await step();
    samples.push((performance.now() - t0) * 1000);
  }
  return round(median(samples), 1);
}

export default async function dispatchStagesBench(args: string[]): Promise<Record<string, unknown>> {
  const reps = Number(option(args, "reps") ?? 200);
  const module = await loadFixture(option(args, "module") ?? "busy");
  const input = new Uint8Array(1024).fill(7);
  const customer = privateKeyToAccount(devPrivateKey(devAccountRoles.customer) as Hex);
  const gatewayKey = nodeKeyFromSeed(generateNodeKeySeed());
  const providerKey = nodeKeyFromSeed(generateNodeKeySeed());
  const gateway = gatewayKey.publicKey.toLowerCase() as Hex;
  const provider = providerKey.publicKey.toLowerCase() as Hex;
  const owner = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" as Hex;
  const escrow = { chainId: 31337, escrow: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Hex };
  const spec: ComputeSpec = {
    module: sha256Hex(module),
    input: sha256Hex(input),
    args: ["0"],
    limits: { ...defaultComputeLimits },
  };
  const blobs = {
    [spec.module]: Buffer.from(module).toString("base64"),
    [spec.input]: Buffer.from(input).toString("base64"),
  };
  let jobSeq = 0;
  const requestBody = () => ({
    jobId: (jobSeq++).toString(16).padStart(32, "0"),
    resourceType: "compute",
    spec,
    blobs,
    replicas: 1,
    maxPrice: parseUnits("1", 18).toString(),
    timeoutMs: 60_000,
  });
  const dir = mkdtempSync(join(tmpdir(), "gw-stages-"));
  const store = openGatewayStore(dir);
  const results: Record<string, Record<string, number>> = {};
  try {
    for (const mode of ["wallet", "session"] as const) {
      const signer: MessageSigner =
        mode === "wallet" ? walletSigner(customer) : createSessionSigner({ account: customer, gateway });
      const guard = createReplayGuard({ windowMs: 120_000 });
      const context = {
        gateway,
        guard,
        now: Date.now,
        // No chain in this bench: the deposit read is the gateway's cache hit.
        publicClient: undefined as never,
        escrow: escrow.escrow,
        readDeposit: async () => parseUnits("1000", 18),
        reserveJobId: () => () => {},
        blobs: createBlobCache({ maxBytes: 64 * 1024 ** 2 }),
      };
      const request = () => signEnvelope(signer, { type: messageTypes.jobRequest, body: requestBody(), to: gateway });
      const stages: Record<string, number> = {};
      stages.customerSignRequest = await timeUs(reps, request);
      const requests = await Promise.all(Array.from({ length: reps + 10 }, request));
      let next = 0;
      stages.gatewayAcceptRequest = await timeUs(reps, () =>
        acceptJobRequest(JSON.parse(JSON.stringify(requests[next++ % requests.length])), context),
      );
      const job = await acceptJobRequest(JSON.parse(JSON.stringify(await request())), context);
      const gatewaySigner = nodeKeySigner(gatewayKey);
      const assignBody = (attempt: number) => ({
        jobId: job.job.jobId,
        attempt,
        request: job.job.request,
        blobs: {},
        deadline: Date.now() + 60_000,
      });
      let attempt = 0;
      stages.gatewaySignAssign = await timeUs(reps, () =>
        signEnvelope(gatewaySigner, { type: messageTypes.jobAssign, body: assignBody(attempt++ % 1000), to: provider }),
      );
      const assigns = await Promise.all(
        Array.from({ length: reps + 10 }, (_, i) =>
          signEnvelope(gatewaySigner, { type: messageTypes.jobAssign, body: assignBody(i % 1000), to: provider }),
        ),
      );
      const providerGuard = createReplayGuard({ windowMs: 120_000 });
      next = 0;
      stages.providerOpenAssign = await timeUs(reps, async () => {
        const assign = await openEnvelope(JSON.parse(JSON.stringify(assigns[next++ % assigns.length])), {
          type: messageTypes.jobAssign,
          body: jobAssignBody,
          guard: providerGuard,
          recipient: provider,
        });
        if (!(await verifyEnvelopeSignature(assign.body.request as Envelope))) throw new Error("request signature");
      });
      const output = new Uint8Array(Buffer.from("done\n"));
      const work = { output, outcome: { exitCode: 0, stderr: "" }, metering: { wallMs: 1 } };
      const resultBody = (n: number) => ({
        receipt: {
          jobId: job.job.jobId,
          attempt: n,
          customer: customer.address.toLowerCase() as Hex,
          gateway,
          provider,
          owner,
          resourceType: "compute",
          specHash: hashSpec(spec),
          outputHash: sha256Hex(output),
          resultDigest: computeResource.resultDigest(work),
          deterministic: true,
          price: "1000",
          metering: work.metering,
          startedAt: Date.now(),
          finishedAt: Date.now(),
        },
        output: Buffer.from(output).toString("base64"),
        outcome: work.outcome,
      });
      const providerSigner = nodeKeySigner(providerKey);
      let n = 0;
      stages.providerSignResult = await timeUs(reps, () =>
        signEnvelope(providerSigner, { type: messageTypes.jobResult, body: resultBody(n++), to: gateway }),
      );
      const resultEnvelopes = await Promise.all(
        Array.from({ length: reps + 10 }, (_, i) =>
          signEnvelope(providerSigner, { type: messageTypes.jobResult, body: resultBody(i), to: gateway }),
        ),
      );
      next = 0;
      stages.gatewayVerifyResult = await timeUs(reps, () => {
        const i = next++ % resultEnvelopes.length;
        return verifyJobResult(
          JSON.parse(JSON.stringify(resultEnvelopes[i])),
          {
            gateway,
            provider,
            owner,
            jobId: job.job.jobId,
            attempt: i,
            customer: customer.address.toLowerCase() as Hex,
            type: computeResource,
            specHash: hashSpec(spec),
            quote: parseUnits("1", 18),
          },
          { guard: createReplayGuard({ windowMs: 120_000 }), now: Date.now },
        );
      });
      const registered = {
        nodeKey: provider,
        owner,
        stake: 0n,
        unbonding: 0n,
        jailedUntil: 0,
        h3Cell: 0n,
        resourceTypes: [],
        endpoint: "",
        active: true,
        bindingValid: true,
      };
      stages.customerVerifyResult = await timeUs(reps, () =>
        verifyJobResults({
          request: {
            jobId: job.job.jobId,
            customer: customer.address.toLowerCase() as Hex,
            gateway,
            resourceType: "compute",
            specHash: hashSpec(spec),
            replicas: 1,
          },
          resourceType: computeResource,
          envelopes: [JSON.parse(JSON.stringify(resultEnvelopes[0]))],
          audited: false,
          // The on-chain registration, as the client caches it after its first read.
          getProvider: async () => registered,
        }),
      );
      results[mode] = stages;
      log(`${mode}: ${JSON.stringify(stages)}`);
    }

    // Payment, per round: the customer's voucher signature, and its recovery at the gateway and again at the provider.
    let amount = 1n;
    const voucher = () => ({ customer: customer.address, provider: owner, cumulativeAmount: amount++ });
    const payment = {
      customerSignVoucher: await timeUs(Math.min(reps, 50), () => signVoucher(customer, escrow, voucher())),
      recoverVoucher: 0,
    };
    const signed = await signVoucher(customer, escrow, {
      customer: customer.address,
      provider: owner,
      cumulativeAmount: 5n,
    });
    payment.recoverVoucher = await timeUs(Math.min(reps, 50), () =>
      recoverVoucherSigner(escrow, { customer: customer.address, provider: owner, cumulativeAmount: 5n }, signed),
    );

    // The job log: one job's flush alone, and 24 concurrent jobs sharing flushes (per job).
    let id = 0;
    const record = () => ({ jobId: (id++).toString(16).padStart(32, "0"), event: "accepted" as const, at: Date.now() });
    const jobLog = {
      flushOneUs: await timeUs(Math.min(reps, 50), () => store.appendJob(record())),
      flush24PerJobUs: round(
        (await timeUs(Math.min(reps, 20), () =>
          Promise.all(Array.from({ length: 24 }, () => store.appendJob(record()))),
        )) / 24,
        1,
      ),
    };
    const sum = (stages: Record<string, number>) =>
      round(
        Object.values(stages).reduce((a, b) => a + b, 0),
        1,
      );
    return {
      reps,
      moduleBytes: module.length,
      wallet: results.wallet,
      session: results.session,
      criticalPathCpuUs: { wallet: sum(results.wallet ?? {}), session: sum(results.session ?? {}) },
      paymentUs: payment,
      jobLogUs: jobLog,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
