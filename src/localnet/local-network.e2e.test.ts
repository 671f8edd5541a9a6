// End to end: `gw start` as a real process, then the CLI against it: status, accounts, escrow, shutdown.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { freePort, isProcessAlive, localNetworkArgs, runGw, startGw, tempHome } from "../testing/index.ts";
import { devAccountRoles, devPrivateKey } from "./params.ts";

const home = tempHome();
// The home also holds the network's demo "customer" account: these commands act as alice. No providers: they would
// stake from the demo accounts this test checks balances of (the compute market has its own e2e test).
const env = { GW_HOME: home.path, GW_PASSWORD: "e2e password", GW_ACCOUNT: "alice" };
const startArgs = (chainPort: number) => localNetworkArgs({ chainPort, providers: 0 });
let network: Awaited<ReturnType<typeof startGw>>;
let chainPid = 0;

before(async () => {
  const port = await freePort();
  network = await startGw(startArgs(port), { env, timeoutMs: 180_000 });
});

after(async () => {
  if (network.child.exitCode === null) network.child.kill("SIGKILL");
  if (chainPid && isProcessAlive(chainPid)) process.kill(chainPid, "SIGKILL");
  home.remove();
});

test("start prints the deployment and the chain answers", async () => {
  const first = network.first as { status: string; chainId: number; services: { name: string; pid: number }[] };
  assert.equal(first.status, "running");
  assert.equal(first.chainId, 31337);
  chainPid = first.services.find((s) => s.name === "chain")?.pid ?? 0;
  assert.ok(chainPid > 0 && isProcessAlive(chainPid));

  const status = await runGw(["status", "--json"], { env });
  assert.equal(status.code, 0, status.stderr);
  const json = status.json as { running: boolean; chain: { chainId: number }; epoch: { current: number } };
  assert.equal(json.running, true);
  assert.equal(json.chain.chainId, 31337);
  assert.equal(json.epoch.current, 0);
});

test("the indexer's API and dashboard run, gw status names them, gw network stats reads the API", async () => {
  const status = (await runGw(["status", "--json"], { env })).json as { apiUrl: string; dashboardUrl: string };
  assert.match(status.apiUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  assert.match(status.dashboardUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const stats = (await (await fetch(`${status.apiUrl}/network/stats`)).json()) as { chainId: number };
  assert.equal(stats.chainId, 31337);
  const page = await fetch(status.dashboardUrl);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /text\/html/);
  await page.body?.cancel();
  const viaCli = await runGw(["network", "stats", "--json"], { env });
  assert.equal(viaCli.code, 0, viaCli.stderr);
  assert.equal((viaCli.json as { source: string }).source, "api");
});

test("a second start on the same home is refused, and changes nothing", async () => {
  const second = await runGw(startArgs(await freePort()), { env });
  assert.equal(second.code, 3);
  assert.match(second.stderr, /already running/);
  const status = await runGw(["status", "--json"], { env });
  assert.equal(status.code, 0);
});

test("import a key, deposit into escrow, request a withdrawal", async () => {
  const key = devPrivateKey(devAccountRoles.demo[0]);
  const imported = await runGw(["account", "import", "--name", "alice", "--private-key-file", "-", "--json"], {
    env,
    input: `${key}\n`,
  });
  assert.equal(imported.code, 0, imported.stderr);
  const { address } = imported.json as { address: string };

  const again = await runGw(["account", "import", "--name", "alice2", "--private-key-file", "-", "--json"], {
    env,
    input: key,
  });
  assert.equal(again.code, 3, "the same key twice is refused");

  const before = (await runGw(["account", "balance", "--json"], { env })).json as { wallet: string; escrow: string };
  assert.deepEqual([before.wallet, before.escrow], ["1000000", "0"]);

  const deposit = await runGw(["account", "deposit", "250.5", "--json"], { env });
  assert.equal(deposit.code, 0, deposit.stderr);
  const afterDeposit = (await runGw(["account", "balance", address, "--json"], { env })).json as {
    wallet: string;
    escrow: string;
  };
  assert.deepEqual([afterDeposit.wallet, afterDeposit.escrow], ["999749.5", "250.5"]);

  const request = await runGw(["account", "withdraw", "100", "--json"], { env });
  assert.equal(request.code, 0, request.stderr);
  const locked = await runGw(["account", "withdraw", "--complete", "--json"], { env });
  assert.equal(locked.code, 3);
  assert.match(locked.stderr, /still locked/);
  const pending = (await runGw(["account", "balance", "--json"], { env })).json as {
    pendingWithdrawal: { amount: string };
  };
  assert.equal(pending.pendingWithdrawal.amount, "100");
  const cancel = await runGw(["account", "withdraw", "--cancel", "--json"], { env });
  assert.equal(cancel.code, 0, cancel.stderr);
});

test("bad input gets a clear error and changes nothing", async () => {
  const cases: [string[], number, RegExp][] = [
    [["account", "deposit", "abc"], 2, /invalid amount/],
    [["account", "deposit", "-5"], 2, /./],
    [["account", "deposit", "5000000"], 3, /not enough tokens/],
    [["account", "deposit", "1", "--bogus"], 2, /Unknown option/],
    [["account", "balance", "0x1234"], 2, /invalid address/],
    [["account", "withdraw", "5", "--complete"], 2, /exactly one/],
    [["no", "such", "command"], 2, /unknown command/],
    [["start", "--without", "oracles,dashboard"], 2, /invalid --without/],
  ];
  for (const [args, code, message] of cases) {
    const result = await runGw([...args, "--json"], { env });
    assert.equal(result.code, code, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  const wrongPassword = await runGw(["account", "deposit", "1", "--json"], { env: { ...env, GW_PASSWORD: "nope" } });
  assert.equal(wrongPassword.code, 2);
  assert.match(wrongPassword.stderr, /wrong password/);
  const balance = (await runGw(["account", "balance", "--json"], { env })).json as { escrow: string };
  assert.equal(balance.escrow, "250.5");
});

test("keystore files are encrypted, never the raw key", async () => {
  const list = (await runGw(["account", "list", "--json"], { env })).json as { accounts: { name: string }[] };
  assert.deepEqual(
    list.accounts.map((a) => a.name),
    ["alice", "customer"],
  );
  const { readFileSync } = await import("node:fs");
  const file = readFileSync(join(home.path, "keystore", "alice.json"), "utf8");
  assert.ok(!file.includes(devPrivateKey(devAccountRoles.demo[0]).slice(2)));
  writeFileSync(join(home.path, "password"), "e2e password\n");
  const viaFile = await runGw(["account", "balance", "--json", "--password-file", join(home.path, "password")], {
    env: { GW_HOME: home.path, GW_ACCOUNT: "alice" },
  });
  assert.equal(viaFile.code, 0, viaFile.stderr);
});

test("SIGTERM stops every child and frees the home for the next start", async () => {
  network.child.kill("SIGTERM");
  assert.equal(await network.exited, 0);
  assert.equal(isProcessAlive(chainPid), false, "anvil is gone");
  const status = await runGw(["status", "--json"], { env });
  assert.equal(status.code, 4, "nothing answers any more");
  const restarted = await startGw(startArgs(await freePort()), { env, timeoutMs: 180_000 });
  restarted.child.kill("SIGINT");
  assert.equal(await restarted.exited, 0);
});
