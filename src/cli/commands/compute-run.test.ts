// `gw compute run` as a real process against a fake gateway on a real test chain: the job's bytes come out exactly,
// gw exits with the job's exit code, --json prints one line, and a missing gateway is a clear error.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { escrowAbi, tokenAbi, writeContractAndWait, writeDeployment } from "../../chain/index.ts";
import { generateNodeKeySeed, nodeKeyFromSeed, sha256Hex } from "../../protocol/index.ts";
import {
  type FakeGateway,
  fakeJobOutcome,
  registerTestProvider,
  signTestResult,
  startFakeGateway,
  startTestChain,
  type TestChain,
  tempHome,
} from "../../testing/index.ts";
import { saveAccount } from "../../wallet/index.ts";

const gwBin = join(import.meta.dirname, "..", "..", "..", "bin", "gw.js");
const home = tempHome("gw-compute-run-");
const env = { GW_HOME: home.path, GW_PASSWORD: "compute run test" };
const everyByte = new Uint8Array(Array.from({ length: 512 }, (_, i) => (i * 7 + 3) % 256));
const jobStderr = new Uint8Array([0, 255, 10, 13, 200, 65]);
const nodeKey = nodeKeyFromSeed(generateNodeKeySeed());
let chain: TestChain;
let gateway: FakeGateway;

async function gw(args: string[], extraEnv: Record<string, string> = {}) {
  const child = spawn(process.execPath, [gwBin, ...args], {
    env: { ...process.env, ...env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (c: Buffer) => out.push(c));
  child.stderr.on("data", (c: Buffer) => err.push(c));
  const code = await new Promise<number>((resolve) => child.once("close", (c) => resolve(c ?? 128)));
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
}

before(async () => {
  chain = await startTestChain();
  writeDeployment(home.path, chain.deployment);
  saveAccount(home.path, {
    name: "customer",
    privateKey: chain.privateKey(1),
    password: env.GW_PASSWORD,
    cost: { n: 1024, r: 8, p: 1 },
  });
  await registerTestProvider(chain, { ownerIndex: 2, nodeKey });
  const { token, escrow } = chain.deployment.contracts;
  const amount = 10n ** 21n;
  await writeContractAndWait(chain.publicClient, chain.wallet(1), {
    address: token,
    abi: tokenAbi,
    functionName: "approve",
    args: [escrow, amount],
  });
  await writeContractAndWait(chain.publicClient, chain.wallet(1), {
    address: escrow,
    abi: escrowAbi,
    functionName: "deposit",
    args: [amount],
  });
  gateway = await startFakeGateway({
    chainId: chain.deployment.chainId,
    handleJob: async (request, gatewayKey) =>
      fakeJobOutcome(request, {
        results: [
          await signTestResult({
            request,
            gatewayKey,
            nodeKey,
            owner: chain.account(2).address,
            output: everyByte,
            outcome: { exitCode: 3, stderr: Buffer.from(jobStderr).toString("base64") },
            price: 1000n,
          }),
        ],
      }),
  });
});

after(async () => {
  await gateway?.close();
  await chain?.stop();
  home.remove();
});

test("gw compute run writes the job's bytes exactly and exits with its exit code", async () => {
  const wasm = join(home.path, "job.wasm");
  const input = join(home.path, "input.bin");
  writeFileSync(wasm, Buffer.from("not really wasm: the fake gateway does not run it"));
  writeFileSync(input, everyByte);
  const run = await gw([
    "compute",
    "run",
    wasm,
    "--input",
    input,
    "--args",
    "x",
    "--gateway",
    gateway.url,
    "--",
    "y",
    "-z",
  ]);
  assert.equal(run.code, 3, run.stderr.toString());
  assert.ok(run.stdout.equals(Buffer.from(everyByte)));
  assert.ok(run.stderr.equals(Buffer.from(jobStderr)), run.stderr.toString());
  const request = gateway.jobs.at(-1);
  const spec = request?.body.spec as { args: string[]; input: string };
  assert.deepEqual(spec.args, ["x", "y", "-z"]);
  assert.equal(spec.input, sha256Hex(everyByte));
  assert.equal(gateway.voucherSubmissions.at(-1)?.body.vouchers[0]?.voucher.cumulativeAmount, "1000");
});

test("gw compute run --json prints one line with the result and the cost", async () => {
  const wasm = join(home.path, "job.wasm");
  const run = await gw(["compute", "run", wasm, "--json", "--max-price", "0.5"], { GW_GATEWAY_URL: gateway.url });
  assert.equal(run.code, 3, run.stderr.toString());
  const lines = run.stdout.toString().trim().split("\n");
  assert.equal(lines.length, 1);
  const json = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
  assert.equal(json.exitCode, 3);
  assert.ok(Buffer.from(json.stdout as string, "base64").equals(Buffer.from(everyByte)));
  assert.ok(Buffer.from(json.stderr as string, "base64").equals(Buffer.from(jobStderr)));
  assert.equal(json.cost, "0.000000000000001");
  assert.equal(json.verification, "single");
  assert.equal((json.providers as { nodeKey: string }[])[0]?.nodeKey, nodeKey.publicKey);
  assert.equal(gateway.voucherSubmissions.at(-1)?.body.vouchers[0]?.voucher.cumulativeAmount, "2000");
});

test("gw compute run without any gateway says how to name one", async () => {
  const run = await gw(["compute", "run", join(home.path, "job.wasm")]);
  assert.equal(run.code, 3);
  assert.match(run.stderr.toString(), /no gateway/);
  assert.match(run.stderr.toString(), /--gateway/);
});
