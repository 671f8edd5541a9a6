// Test support: what a customer does against a gateway — deposit into escrow, sign a job.request for a WASI job,
// post JSON — with real wallets on the test chain.
import { randomBytes } from "node:crypto";
import type { Hex } from "viem";
import type { LocalAccount } from "viem/accounts";
import { escrowAbi, tokenAbi, writeContractAndWait } from "../chain/index.ts";
import { type Envelope, sha256Hex, signEnvelope, walletSigner } from "../protocol/index.ts";
import type { TestChain } from "../testing/index.ts";

export async function depositForTest(chain: TestChain, index: number, amount: bigint): Promise<void> {
  const wallet = chain.wallet(index);
  const { escrow, token } = chain.deployment.contracts;
  await writeContractAndWait(chain.publicClient, wallet, {
    address: token,
    abi: tokenAbi,
    functionName: "approve",
    args: [escrow, amount],
  });
  await writeContractAndWait(chain.publicClient, wallet, {
    address: escrow,
    abi: escrowAbi,
    functionName: "deposit",
    args: [amount],
  });
}

export interface ComputeJobParams {
  module: Uint8Array;
  input: Uint8Array;
  args?: string[];
  replicas?: number;
  maxPrice?: string;
  timeoutMs?: number;
  jobId?: string;
  wallMs?: number;
}

export function computeJobBody(params: ComputeJobParams) {
  const module = sha256Hex(params.module);
  const input = sha256Hex(params.input);
  return {
    jobId: params.jobId ?? randomBytes(16).toString("hex"),
    resourceType: "compute",
    spec: {
      module,
      input,
      args: params.args ?? ["job"],
      limits: { memoryBytes: 16 * 1024 * 1024, wallMs: params.wallMs ?? 10_000, outputBytes: 1024 * 1024 },
    },
    blobs: {
      [module]: Buffer.from(params.module).toString("base64"),
      [input]: Buffer.from(params.input).toString("base64"),
    },
    replicas: params.replicas ?? 1,
    maxPrice: params.maxPrice ?? "1000000",
    timeoutMs: params.timeoutMs ?? 10_000,
  };
}

export function signJobRequest(account: LocalAccount, gateway: Hex, body: unknown): Promise<Envelope> {
  return signEnvelope(walletSigner(account), { type: "job.request", to: gateway, body });
}

/** A parsed JSON response, read field by field in tests. */
// biome-ignore lint/suspicious/noExplicitAny: tests read response fields directly and assert on them
export type Json = any;

export async function getJson(url: string): Promise<{ status: number; json: Json }> {
  const response = await fetch(url);
  return { status: response.status, json: await response.json() };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: Json }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}
