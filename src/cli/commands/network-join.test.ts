// `gw network join`: a home learns an existing network from a gateway's /v1/info, confirmed on chain. A real test chain,
// gateways that answer /v1/info (one honest, one naming another chain, one naming addresses without code).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { deploymentPath, readDeployment } from "../../chain/index.ts";
import { exitCodeFor, type GroundworkError } from "../../core/errors.ts";
import {
  type FakeGateway,
  fakeJobOutcome,
  freePort,
  runGw,
  startFakeGateway,
  startTestChain,
  type TestChain,
  tempHome,
} from "../../testing/index.ts";
import { createCliContext, resolveGlobalOptions } from "../context.ts";
import { gatewayHttpUrl, networkJoinCommand } from "./network-join.ts";

let chain: TestChain;
let honest: FakeGateway;
let otherChain: FakeGateway;
let noCode: FakeGateway;
const homes: ReturnType<typeof tempHome>[] = [];

const newHome = () => {
  const home = tempHome("gw-join-");
  homes.push(home);
  return home.path;
};

/** The command in this process (fast); one test below runs the real `gw` binary. */
async function join_(home: string, gateway: string, rpcUrl: string): Promise<{ code: number; json: unknown }> {
  const ctx = createCliContext(resolveGlobalOptions({ home, "rpc-url": rpcUrl, json: true }, {}), {});
  try {
    const result = await networkJoinCommand.run(ctx, { values: { gateway }, positionals: [] });
    return { code: 0, json: result.json };
  } catch (error) {
    return { code: exitCodeFor[(error as GroundworkError).kind ?? "internal"], json: (error as Error).message };
  }
}

before(async () => {
  chain = await startTestChain({ epochSeconds: 45 });
  // Join only reads /v1/info; a job sent here would get an empty answer.
  const handleJob = (request: Parameters<typeof fakeJobOutcome>[0]) => fakeJobOutcome(request, { results: [] });
  honest = await startFakeGateway({
    chainId: chain.deployment.chainId,
    contracts: chain.deployment.contracts,
    handleJob,
  });
  otherChain = await startFakeGateway({ chainId: 1, contracts: chain.deployment.contracts, handleJob });
  noCode = await startFakeGateway({
    chainId: chain.deployment.chainId,
    contracts: { ...chain.deployment.contracts, escrow: "0x00000000000000000000000000000000000bad01" },
    handleJob,
  });
});

after(async () => {
  await Promise.all([honest?.close(), otherChain?.close(), noCode?.close()]);
  await chain?.stop();
  for (const home of homes) home.remove();
});

test("gw network join writes deployment.json from the gateway, confirmed on chain", async () => {
  const home = newHome();
  const run = await runGw(
    ["network", "join", "--gateway", honest.url, "--rpc-url", chain.deployment.rpcUrl, "--json"],
    {
      env: { GW_HOME: home },
    },
  );
  assert.equal(run.code, 0, run.stderr);
  const written = readDeployment(home);
  assert.equal(written.chainId, chain.deployment.chainId);
  assert.equal(written.rpcUrl, chain.deployment.rpcUrl);
  assert.deepEqual(written.contracts, chain.deployment.contracts);
  assert.deepEqual(written.epoch, chain.deployment.epoch, "the epoch schedule is read from Rewards");
  assert.equal(written.deployBlock, 0);
  assert.equal((run.json as { path: string }).path, deploymentPath(home));
  // The home now works like one `npm start` wrote: gw status reads the chain through it.
  const status = await runGw(["status", "--json"], { env: { GW_HOME: home } });
  assert.equal(status.code, 0, status.stderr);
  assert.equal((status.json as { chain: { chainId: number } }).chain.chainId, chain.deployment.chainId);
});

test("joining again updates the RPC URL only; a home of another network is refused", async () => {
  const home = newHome();
  assert.equal((await join_(home, honest.url, chain.deployment.rpcUrl)).code, 0);
  const ws = honest.url.replace(/^http/, "ws");
  const again = await join_(home, `${ws}/v1/providers`, chain.deployment.rpcUrl.replace("127.0.0.1", "localhost"));
  assert.equal(again.code, 0, String(again.json));
  assert.equal((again.json as { updated: boolean }).updated, true);
  assert.match(readDeployment(home).rpcUrl, /localhost/);

  const other = JSON.parse(readFileSync(deploymentPath(home), "utf8"));
  other.contracts.registry = "0x00000000000000000000000000000000000bad02";
  writeFileSync(deploymentPath(home), JSON.stringify(other));
  const refused = await join_(home, honest.url, chain.deployment.rpcUrl);
  assert.equal(refused.code, 3);
  assert.match(String(refused.json), /another network/);
  assert.equal(readDeployment(home).contracts.registry, other.contracts.registry, "nothing overwritten");
});

test("a gateway the chain does not confirm, or no chain at all, writes nothing", async () => {
  const cases: [string, string, number, RegExp][] = [
    [otherChain.url, chain.deployment.rpcUrl, 3, /serves chain 31337, the gateway serves chain 1/],
    [noCode.url, chain.deployment.rpcUrl, 3, /do not exist on this chain/],
    [honest.url, `http://127.0.0.1:${await freePort()}`, 4, /cannot reach the chain/],
    [`http://127.0.0.1:${await freePort()}`, chain.deployment.rpcUrl, 4, /./],
    ["ftp://example.com", chain.deployment.rpcUrl, 2, /not ftp:/],
  ];
  for (const [gateway, rpcUrl, code, message] of cases) {
    const home = newHome();
    const result = await join_(home, gateway, rpcUrl);
    assert.equal(result.code, code, `${gateway} ${rpcUrl}: ${String(result.json)}`);
    assert.match(String(result.json), message);
    assert.throws(() => readDeployment(home), /no deployment/);
  }
});

test("gateway URLs: http, https, ws and wss, with or without a path", () => {
  assert.equal(gatewayHttpUrl("http://h:1"), "http://h:1");
  assert.equal(gatewayHttpUrl("ws://h:1/v1/providers"), "http://h:1");
  assert.equal(gatewayHttpUrl("wss://gw.example.org/v1/providers"), "https://gw.example.org");
  assert.equal(gatewayHttpUrl("https://gw.example.org/"), "https://gw.example.org");
  assert.throws(() => gatewayHttpUrl("not a url"), /invalid gateway URL/);
});
