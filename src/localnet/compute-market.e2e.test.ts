// End to end on the real local network: `gw start` (anvil, contracts, a gateway, three provider processes, a funded
// customer), then real `gw` processes and plain HTTP against the live gateway. Byte-exact WASI results, failover after
// SIGKILL, a cheating provider caught by replication, sandbox escapes contained, bad messages refused, clean shutdown.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Hex, parseUnits } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  createChainPublicClient,
  createChainWallet,
  deploymentPath,
  readDeployment,
  registerProvider,
  resourceTypeId,
  signVoucher,
} from "../chain/index.ts";
import { connectTestProvider } from "../gateway/testing-provider.ts";
import {
  type Envelope,
  generateNodeKeySeed,
  messageTypes,
  nodeKeyFromSeed,
  sha256Hex,
  signEnvelope,
  verifyEnvelopeSignature,
  walletSigner,
} from "../protocol/index.ts";
import { normalizeGatewayUrl, writeProviderConfig } from "../provider/index.ts";
import { computeResource, defaultComputeLimits } from "../resources/compute/index.ts";
import { loadFixture } from "../resources/compute/sandbox/fixtures/load-fixture.ts";
import { runWasiJob } from "../resources/compute/sandbox/index.ts";
import {
  freePort,
  type GwResult,
  isProcessAlive,
  localNetworkArgs,
  runGw,
  startGw,
  tempHome,
  waitUntil,
} from "../testing/index.ts";
import { createNodeKeyFile, saveAccount } from "../wallet/index.ts";
import { devAccount, devAccountRoles, devPrivateKey } from "./params.ts";
import { localnetStatePath } from "./start-network.ts";

interface Service {
  name: string;
  url: string;
  pid: number;
  nodeKey?: string;
}

const home = tempHome("gw-market-");
const jobs = join(home.path, "jobs");
let network: Awaited<ReturnType<typeof startGw>>;
let services: Service[] = [];
let gatewayUrl = "";
let gatewayKey: Hex;
let passwordFile = "";
let cheater: { child: Awaited<ReturnType<typeof startGw>>; home: ReturnType<typeof tempHome> } | undefined;

const customerIndex = devAccountRoles.demo[devAccountRoles.demo.length - 1] as number;
const customer = privateKeyToAccount(devPrivateKey(customerIndex));
const cheapKdf = { n: 2 ** 14, r: 8, p: 1 };
const clientEnv = () => ({ GW_HOME: home.path, GW_PASSWORD_FILE: passwordFile });
const providers = () => services.filter((s) => s.name.startsWith("provider-"));
const wasm = (name: string) => join(jobs, `${name}.wasm`);

/** `gw compute run` as a real process. */
function computeRun(args: string[], options: { timeoutMs?: number } = {}): Promise<GwResult> {
  return runGw(["compute", "run", ...args], { env: clientEnv(), timeoutMs: options.timeoutMs ?? 90_000 });
}

interface RunJson {
  jobId: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  error?: string;
  providers: { nodeKey: string; owner: string; price: string }[];
  cost: string;
  timings: { totalMs: number; gatewayMs: number };
  reroutes: number;
  dissenters: { nodeKey: string; owner: string; resultDigest: string }[];
  verification: string;
  audited: boolean;
  vouchersDelivered: boolean;
}

function runJson(result: GwResult): RunJson {
  assert.ok(result.json, `no JSON line; code ${result.code}; stderr: ${result.stderr}`);
  return result.json as RunJson;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${gatewayUrl}${path}`);
  assert.equal(response.status, 200, `GET ${path}`);
  return (await response.json()) as T;
}

async function post(path: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${gatewayUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

type ProviderView = { nodeKey: string; running: number; reputation: { successes: number; failures: number } };
const connectedProviders = async () => (await getJson<{ providers: ProviderView[] }>("/v1/providers")).providers;

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> =>
  waitUntil(what, probe, { timeoutMs, intervalMs: 50 });

before(async () => {
  const chainPort = await freePort();
  network = await startGw(
    // The market alone: these tests need no epochs or index, and a lean network leaves the cores to the jobs.
    localNetworkArgs({ home: home.path, chainPort, providers: 3, without: ["oracles", "indexer"] }),
    { env: { GW_HOME: home.path }, timeoutMs: 120_000 },
  );
  const first = network.first as { passwordFile: string; apiUrl: string | null };
  assert.equal(first.apiUrl, null, "no API without the indexer");
  passwordFile = first.passwordFile;
  // What runs, with pids and the providers' node keys, as the network records it for every client.
  services = (JSON.parse(readFileSync(localnetStatePath(home.path), "utf8")) as { services: Service[] }).services;
  assert.equal(providers().length, 3);
  gatewayUrl = services.find((s) => s.name === "gateway")?.url ?? "";
  assert.match(gatewayUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  gatewayKey = (await getJson<{ gateway: Hex }>("/v1/info")).gateway;
  // Providers connect on their own after start: wait until the gateway has admitted all three.
  await waitFor("three connected providers", async () =>
    (await connectedProviders()).length === 3 ? true : undefined,
  );
  mkdirSync(jobs, { recursive: true });
  for (const name of ["echo", "args", "exit-code", "stderr", "busy", "spin", "grow", "output-bomb", "open-file"]) {
    writeFileSync(wasm(name), await loadFixture(name));
  }
});

after(async () => {
  if (cheater && cheater.child.child.exitCode === null) cheater.child.child.kill("SIGKILL");
  cheater?.home.remove();
  if (network && network.child.exitCode === null) {
    network.child.kill("SIGTERM");
    await network.exited;
  }
  for (const s of services) if (s.pid && isProcessAlive(s.pid)) process.kill(s.pid, "SIGKILL");
  home.remove();
});

test("a: WASI programs give byte-exact stdout, stderr, args and exit codes through the network", async () => {
  // Every byte value, then 1 MB of random bytes: echo must return them exactly.
  const input = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(1024 * 1024)]);
  writeFileSync(join(jobs, "input.bin"), input);
  const echo = await computeRun([wasm("echo"), "--input", join(jobs, "input.bin")]);
  assert.equal(echo.code, 0, echo.stderr);
  assert.equal(echo.stdoutBytes.length, input.length);
  assert.ok(echo.stdoutBytes.equals(input), "echo returned other bytes");
  assert.equal(echo.stderrBytes.length, 0, echo.stderr);

  const args = await computeRun([wasm("args"), "--args", "hello world", "--", "-x", "ünïcode", ""]);
  assert.equal(args.code, 0, args.stderr);
  assert.equal(args.stdout, "job.wasm\nhello world\n-x\nünïcode\n\n");

  const stderr = await computeRun([wasm("stderr")]);
  assert.equal(stderr.code, 0, stderr.stderr);
  assert.ok(stderr.stdoutBytes.equals(Buffer.from("to stdout\n")));
  assert.ok(stderr.stderrBytes.equals(Buffer.from("to stderr\n")), stderr.stderr);

  // --json: one line; gw still exits with the job's exit code.
  const json = await computeRun([wasm("exit-code"), "--json"]);
  assert.equal(json.code, 7, `gw exits with the job's exit code; ${json.stderr}`);
  assert.equal(json.stdout.trim().split("\n").length, 1, "--json prints one line");
  const result = runJson(json);
  assert.match(result.jobId, /^[0-9a-f]{32}$/);
  assert.equal(result.exitCode, 7);
  assert.equal(Buffer.from(result.stdout, "base64").toString(), "bye\n");
  assert.equal(result.stderr, "");
  const nodeKeys = providers().map((p) => p.nodeKey);
  assert.ok(result.providers.length >= 1);
  for (const p of result.providers) {
    assert.ok(nodeKeys.includes(p.nodeKey), `paid ${p.nodeKey}, not a provider of this network`);
    assert.equal(Number(p.price) > 0 && Number(p.price) <= 0.07, true, `price ${p.price}`);
  }
  // The cost is what the agreeing providers are paid: the sum of their prices (pay per job + per second used).
  const sum = result.providers.reduce((s, p) => s + parseUnits(p.price, 18), 0n);
  assert.equal(parseUnits(result.cost, 18), sum);
  assert.equal(result.verification, result.audited ? "audit" : "single");
  assert.equal(result.providers.length, result.audited ? 2 : 1);
  assert.equal(result.reroutes, 0);
  assert.deepEqual(result.dissenters, []);
  assert.equal(result.vouchersDelivered, true);
  assert.ok(result.timings.totalMs >= result.timings.gatewayMs && result.timings.gatewayMs > 0);
});

test("c: a provider that returns wrong output is caught by --replicas 2, not paid, and reported", async () => {
  const cheaterHome = tempHome("gw-cheater-");
  const ownerIndex = 4; // dev account 4: not used by the network's three providers (1-3) nor the customer (6)
  const env = { GW_HOME: cheaterHome.path, GW_PASSWORD_FILE: passwordFile };
  const password = readFileSync(passwordFile, "utf8").trim();
  // What `gw account import` does, with a cheap KDF: the owner's wallet in the cheater's own keystore.
  saveAccount(cheaterHome.path, { name: "owner", privateKey: devPrivateKey(ownerIndex), password, cost: cheapKdf });
  copyFileSync(deploymentPath(home.path), deploymentPath(cheaterHome.path));
  const nodeKey = createNodeKeyFile(join(cheaterHome.path, "provider", "node-key.json"), password, cheapKdf);
  writeProviderConfig(cheaterHome.path, {
    version: 1,
    owner: devAccount(ownerIndex).address,
    account: "owner",
    gateways: [normalizeGatewayUrl(gatewayUrl)],
    capacity: 2,
    offers: {
      compute: {
        // The cheapest offer on the network: matching (price first) picks it before any honest provider.
        pricePerJob: parseUnits("0.001", 18).toString(),
        pricePerSecond: "0",
        maxMemoryBytes: 512 * 1024 ** 2,
        maxWallMs: 600_000,
        maxOutputBytes: 64 * 1024 ** 2,
      },
    },
    redeem: { minAmount: "1", intervalSeconds: 30 },
    control: { host: "127.0.0.1", port: 0 },
    faults: { corruptOutput: 1 },
  });
  const deployment = readDeployment(home.path);
  const publicClient = createChainPublicClient(deployment);
  const wallet = createChainWallet({
    rpcUrl: deployment.rpcUrl,
    chainId: deployment.chainId,
    privateKey: devPrivateKey(ownerIndex),
  });
  await registerProvider(publicClient, wallet, {
    deployment,
    nodeKey,
    resourceTypes: [resourceTypeId(computeResource.name)],
    stake: parseUnits("1000", 18),
  });
  const child = await startGw(["provider", "start", "--json"], { env, timeoutMs: 60_000 });
  cheater = { child, home: cheaterHome };
  const cheat = nodeKey.publicKey.toLowerCase();
  assert.equal(String((child.first as { nodeKey: string }).nodeKey).toLowerCase(), cheat);
  await waitFor("the cheater to be admitted", async () =>
    (await connectedProviders()).some((p) => p.nodeKey === cheat) ? true : undefined,
  );

  try {
    const input = Buffer.from("the honest majority decides\n");
    writeFileSync(join(jobs, "small.bin"), input);
    const jobIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const run = await computeRun([wasm("echo"), "--input", join(jobs, "small.bin"), "--replicas", "2", "--json"]);
      assert.equal(run.code, 0, run.stderr);
      const result = runJson(run);
      jobIds.push(result.jobId);
      assert.ok(Buffer.from(result.stdout, "base64").equals(input), "the output is the honest one");
      assert.equal(result.verification, "replicas");
      assert.deepEqual(
        result.dissenters.map((d) => d.nodeKey),
        [cheat],
        "the cheater is the dissenter",
      );
      assert.equal(result.providers.length, 2);
      assert.ok(!result.providers.some((p) => p.nodeKey === cheat), "the cheater is not paid");
      assert.ok(!result.providers.some((p) => p.owner.toLowerCase() === devAccount(ownerIndex).address.toLowerCase()));
    }

    const { reports } = await getJson<{
      reports: {
        seq: number;
        kind: string;
        report: Envelope<{ jobId: string; dissenters: string[]; evidence: Envelope[] }>;
      }[];
    }>("/v1/reports?kind=fraud");
    for (const jobId of jobIds) {
      const entry = reports.find((r) => r.report.body.jobId === jobId);
      assert.ok(entry, `a fraud report for ${jobId}`);
      assert.equal(entry.kind, "fraud");
      const report = entry.report;
      assert.equal(report.type, messageTypes.fraudReport);
      assert.equal(report.from, gatewayKey, "signed by the gateway");
      assert.equal(await verifyEnvelopeSignature(report), true);
      assert.deepEqual(report.body.dissenters, [cheat]);
      // The evidence: every result envelope, each signed by its provider; the cheater's own signed lie among them.
      assert.equal(report.body.evidence.length, 3);
      for (const evidence of report.body.evidence) {
        assert.equal(evidence.type, messageTypes.jobResult);
        assert.equal(await verifyEnvelopeSignature(evidence), true);
      }
      const lie = report.body.evidence.find((e) => e.from === cheat) as Envelope<{ output: string }> | undefined;
      assert.ok(lie, "the cheater's signed result is in the evidence");
      assert.ok(!Buffer.from(lie.body.output, "base64").equals(input));
    }
  } finally {
    child.child.kill("SIGTERM");
  }
  assert.equal(await child.exited, 0);
  await waitFor("the cheater to leave", async () =>
    (await connectedProviders()).some((p) => p.nodeKey === cheat) ? undefined : true,
  );
});

test("d: sandbox escapes are contained through the network, and every provider survives them", async () => {
  // An endless loop: every provider's attempt hits the 1 s deadline; gw says so and exits 5 (timeout).
  const spin = await computeRun([wasm("spin"), "--timeout", "1"]);
  assert.equal(spin.code, 5, spin.stderr);
  assert.match(
    spin.stderr,
    /^error: job [0-9a-f]{32} failed: every attempt timed out: \d providers? gave no answer within 1000 ms\n/,
  );
  assert.match(spin.stderr, /hint: .*raise --timeout/);
  assert.equal(spin.stdoutBytes.length, 0);

  // Unbounded memory growth under a 4 MiB cap: the program traps; the outcome says why, exit 134 (an abort).
  const grow = await computeRun([wasm("grow"), "--memory-mb", "4", "--json"]);
  assert.equal(grow.code, 134, grow.stderr);
  const grown = runJson(grow);
  assert.equal(grown.exitCode, 134);
  assert.match(grown.error ?? "", /trapped.*memory.*cap of 4194304 bytes/);

  // Gigabytes of output under a 1 MiB cap: stopped at exactly the cap; the partial output comes back byte for byte
  // and gw says why after the program's own stderr.
  const bomb = await computeRun([wasm("output-bomb"), "--output-mb", "1"]);
  assert.equal(bomb.code, 134, bomb.stderr);
  assert.equal(bomb.stdoutBytes.length, 1024 * 1024);
  assert.ok(
    bomb.stdoutBytes.every((b) => b === 0x78),
    "only the program's own 'x' bytes",
  );
  assert.match(bomb.stderr, /^gw: .*output.*\n$/);

  // No file system: path_open is refused with ENOTCAPABLE (76), and the program carries on.
  const open = await computeRun([wasm("open-file")]);
  assert.equal(open.code, 76, open.stderr);
  assert.equal(open.stdout, "continued\n");

  for (const p of providers()) assert.ok(isProcessAlive(p.pid), `${p.name} is still running`);
  assert.equal((await connectedProviders()).length, 3, "and still connected");
  const echo = await computeRun([wasm("echo"), "--input", join(jobs, "small.bin")]);
  assert.equal(echo.code, 0, echo.stderr);
  assert.equal(echo.stdout, "the honest majority decides\n");
});

test("e: bad messages at the live endpoints are refused with a clear reason and change nothing", async () => {
  const signer = walletSigner(customer);
  const echo = readFileSync(wasm("echo"));
  const input = Buffer.from("still serving\n");
  const body = (jobId: string) => ({
    jobId,
    resourceType: "compute",
    spec: { module: sha256Hex(echo), input: sha256Hex(input), args: [], limits: defaultComputeLimits },
    blobs: { [sha256Hex(echo)]: echo.toString("base64"), [sha256Hex(input)]: input.toString("base64") },
    replicas: 1,
    maxPrice: parseUnits("1", 18).toString(),
    timeoutMs: 30_000,
  });
  const sign = (jobBody: unknown, to: Hex = gatewayKey) =>
    signEnvelope(signer, { type: messageTypes.jobRequest, body: jobBody, to });
  const before = await connectedProviders();

  const expectRejected = async (what: string, raw: string, reason: string) => {
    const answer = await post("/v1/jobs", raw);
    assert.equal(answer.status, 400, `${what}: ${JSON.stringify(answer.json)}`);
    assert.equal((answer.json.details as { reason?: string } | undefined)?.reason, reason, what);
    assert.equal(typeof answer.json.message, "string");
  };
  const reusedId = randomBytes(16).toString("hex");
  await expectRejected("garbage JSON", "{not json", "malformed");
  await expectRejected("an unsigned body", JSON.stringify(body(reusedId)), "malformed");
  const tampered = await sign(body(reusedId));
  (tampered.body as { maxPrice: string }).maxPrice = "1";
  await expectRejected("a tampered signature", JSON.stringify(tampered), "bad-signature");
  const elsewhere = await sign(body(reusedId), nodeKeyFromSeed(generateNodeKeySeed()).publicKey);
  await expectRejected("another gateway's request", JSON.stringify(elsewhere), "wrong-recipient");

  // The refused jobId stays free: a valid request with it runs; re-POSTing that same request is a replay.
  const valid = JSON.stringify(await sign(body(reusedId)));
  const ran = await post("/v1/jobs", valid);
  assert.equal(ran.status, 200, JSON.stringify(ran.json));
  assert.equal(ran.json.status, "ok");
  await expectRejected("a replayed request", valid, "replayed");

  // A forged voucher: the envelope is the customer's, but the voucher is signed by someone else.
  const deployment = readDeployment(home.path);
  const owner = devAccount(devAccountRoles.demo[0] as number).address.toLowerCase() as Hex;
  const forgedSignature = await signVoucher(
    privateKeyToAccount(devPrivateKey(5)),
    { chainId: deployment.chainId, escrow: deployment.contracts.escrow },
    { customer: customer.address.toLowerCase() as Hex, provider: owner, cumulativeAmount: parseUnits("5000", 18) },
  );
  const forged = await signEnvelope(signer, {
    type: messageTypes.voucherSubmit,
    to: gatewayKey,
    body: {
      vouchers: [
        {
          voucher: {
            customer: customer.address.toLowerCase(),
            provider: owner,
            cumulativeAmount: parseUnits("5000", 18).toString(),
          },
          signature: forgedSignature,
        },
      ],
    },
  });
  const voucher = await post("/v1/vouchers", JSON.stringify(forged));
  assert.equal(voucher.status, 400, JSON.stringify(voucher.json));
  assert.match(String(voucher.json.message), /signature|signed/);

  // A provider hello signed by a node key the registry does not know: closed with 4401 and the reason.
  const stranger = await connectTestProvider({
    wsUrl: normalizeGatewayUrl(gatewayUrl),
    nodeKey: nodeKeyFromSeed(generateNodeKeySeed()),
    owner: devAccount(5).address,
  });
  assert.equal(stranger.admission.admitted, false);
  assert.deepEqual(
    stranger.admission.admitted ? [] : [stranger.admission.code, stranger.admission.reason.split(":")[0]],
    [4401, "not-registered"],
  );

  // Nothing changed: the same providers are connected, and the network still serves jobs.
  const afterwards = await connectedProviders();
  assert.deepEqual(afterwards.map((p) => p.nodeKey).sort(), before.map((p) => p.nodeKey).sort());
  const fresh = await post("/v1/jobs", JSON.stringify(await sign(body(randomBytes(16).toString("hex")))));
  assert.equal(fresh.status, 200, JSON.stringify(fresh.json));
  assert.equal(fresh.json.status, "ok");
  const [result] = fresh.json.results as Envelope<{ output: string }>[];
  assert.equal(Buffer.from(result?.body.output ?? "", "base64").toString(), "still serving\n");
});

test("b: a provider SIGKILLed mid-job: the job completes elsewhere with the right output", async () => {
  const iterations = "1500000000"; // ~2 ns a round here: a few seconds of work
  const expected = runWasiJob({
    module: readFileSync(wasm("busy")),
    args: [iterations],
    stdin: new Uint8Array(),
    limits: { memoryBytes: 16 * 1024 ** 2, wallMs: 120_000, outputBytes: 1024 },
  });
  const running = computeRun([wasm("busy"), "--json", "--timeout", "120", "--", iterations], { timeoutMs: 120_000 });
  let finished: GwResult | undefined;
  void running.then((r) => {
    finished = r;
  });
  const busy = await waitFor(
    "a provider running the job",
    async () => {
      if (finished) throw new Error(`the job ended before any provider was seen running it: ${finished.stderr}`);
      const found = (await connectedProviders()).find((p) => p.running > 0);
      return found?.nodeKey;
    },
    90_000,
  );
  const victim = providers().find((p) => p.nodeKey === busy);
  assert.ok(victim, `the busy provider ${busy} is one of the network's`);
  process.kill(victim.pid, "SIGKILL");
  const run = await running;
  assert.equal(run.code, 0, run.stderr);
  const result = runJson(run);
  assert.equal(Buffer.from(result.stdout, "base64").toString(), Buffer.from((await expected).stdout).toString());
  assert.match(Buffer.from(result.stdout, "base64").toString(), /^[0-9a-f]{16}\n$/);
  assert.ok(result.reroutes >= 1, `reroutes ${result.reroutes}`);
  assert.ok(!result.providers.some((p) => p.nodeKey === victim.nodeKey), "the killed provider is not paid");
  assert.equal(isProcessAlive(victim.pid), false);
});

test("f: SIGTERM on gw start stops every child", async () => {
  network.child.kill("SIGTERM");
  assert.equal(await network.exited, 0);
  for (const s of services) assert.equal(isProcessAlive(s.pid), false, `${s.name} (pid ${s.pid}) is gone`);
  assert.equal(existsSync(localnetStatePath(home.path)), false, "localnet.json no longer claims a running network");
});
