// End to end with real processes: `gw start` runs three Berlin hotspots (providers) on the shared simulated air and
// three oracles; a fourth provider, set up through the CLI, asserts a cell ~25 km away from where its radio is (a
// spoofer). The hotspots beacon and witness each other, an epoch closes, the posted root pays the honest owners a
// coverage component equal to `gw oracle verify`'s independent recomputation from the oracles' bundles, the spoofer
// is flagged and earns no coverage, and an honest owner claims what the root says.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { formatUnits, type Hex } from "viem";
import { readDeployment, writeDeployment } from "../../../chain/index.ts";
import { devAccountRoles, devPrivateKey } from "../../../localnet/params.ts";
import { providerPaths } from "../../../provider/index.ts";
import { freePort, localNetworkArgs, runGw, startGw, tempHome, waitUntil } from "../../../testing/index.ts";

const home = tempHome("gw-coverage-e2e-");
const spoofHome = tempHome("gw-spoofer-e2e-");
const env = { GW_HOME: home.path, GW_PASSWORD: "coverage e2e" };
const spoofEnv = { GW_HOME: spoofHome.path, GW_PASSWORD: "spoofer e2e" };
let network: Awaited<ReturnType<typeof startGw>>;
let spoofer: Awaited<ReturnType<typeof startGw>> | undefined;

interface Service {
  name: string;
  url: string;
  nodeKey?: string;
  home?: string;
}
interface Started {
  services: Service[];
  passwordFile: string;
}

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> =>
  waitUntil(what, probe, { timeoutMs, intervalMs: 2_000, retryErrors: true });

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (response.status !== 200) {
    await response.body?.cancel();
    return undefined;
  }
  return response.json();
}

before(async () => {
  network = await startGw(localNetworkArgs({ chainPort: await freePort(), providers: 3, epochSeconds: 20 }), {
    env,
    timeoutMs: 300_000,
  });
});

after(async () => {
  if (spoofer && spoofer.child.exitCode === null) spoofer.child.kill("SIGKILL");
  if (network.child.exitCode === null) {
    network.child.kill("SIGTERM");
    await Promise.race([network.exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (network.child.exitCode === null) network.child.kill("SIGKILL");
  }
  home.remove();
  spoofHome.remove();
});

test("hotspots witness each other through the air; the root pays coverage; a spoofer earns none", {
  timeout: 900_000,
}, async () => {
  const started = network.first as Started;
  const oracles = started.services.filter((s) => s.name.startsWith("oracle-")).map((s) => s.url);
  const air = started.services.find((s) => s.name === "air")?.url as string;
  const gateway = started.services.find((s) => s.name === "gateway")?.url as string;
  const honest = started.services.filter((s) => s.name.startsWith("provider-")).map((s) => s.nodeKey as Hex);
  assert.equal(oracles.length, 3);
  assert.match(air, /^ws:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(honest.length, 3);

  // The spoofer: asserts a cell near Potsdam; its radio sits in Berlin between the honest hotspots.
  writeDeployment(spoofHome.path, readDeployment(home.path));
  const ownerKey = devPrivateKey(devAccountRoles.demo[3] as number);
  const imported = await runGw(["account", "import", "--name", "owner", "--private-key-file", "-", "--json"], {
    env: spoofEnv,
    input: `${ownerKey}\n`,
  });
  assert.equal(imported.code, 0, imported.stderr);
  const spoofOwner = (imported.json as { address: string }).address.toLowerCase();
  // A malformed location is refused and leaves no config behind.
  const bad = await runGw(["provider", "init", "--resource", "coverage", "--h3-cell", "zz", "--json"], {
    env: spoofEnv,
  });
  assert.equal(bad.code, 2, bad.stderr);
  assert.equal(existsSync(providerPaths(spoofHome.path).config), false);
  const init = await runGw(
    [
      "provider",
      "init",
      "--resource",
      "coverage",
      "--gateway",
      gateway,
      ...oracles.flatMap((o) => ["--oracle", o]),
      "--radio",
      "sim",
      "--air",
      air,
      "--lat",
      "52.39",
      "--lng",
      "13.06",
      "--radio-lat",
      "52.512",
      "--radio-lng",
      "13.42",
      "--control-port",
      "0",
      "--json",
    ],
    { env: spoofEnv },
  );
  assert.equal(init.code, 0, init.stderr);
  const spoofKey = (init.json as { nodeKey: Hex; location: { h3Cell: string } }).nodeKey.toLowerCase() as Hex;
  assert.match((init.json as { location: { h3Cell: string } }).location.h3Cell, /^8c[0-9a-f]{13}$/);
  const stake = await runGw(["provider", "stake", "--json"], { env: spoofEnv });
  assert.equal(stake.code, 0, stake.stderr);
  spoofer = await startGw(["provider", "start", "--json"], { env: spoofEnv, timeoutMs: 120_000 });

  // An epoch whose coverage was judged with the spoofer among the hotspots and whose root is on chain.
  const [o1, o2] = oracles as [string, string];
  type Verdicts = {
    epoch: number;
    hotspots: { nodeKey: Hex; owner: string; weight: string; flag?: string; beaconed: boolean }[];
  };
  let checked = -1;
  const judged = await waitFor(
    "a posted epoch judging the spoofer and paying the honest hotspots",
    async () => {
      const info = (await getJson(`${o1}/v1/info`)) as { latestEpoch: number | null };
      for (let e = checked + 1; e <= (info.latestEpoch ?? -1); e++) {
        const record = (await getJson(`${o1}/v1/epochs/${e}`)) as { status: string } | undefined;
        if (!record || (record.status !== "posted" && record.status !== "adopted")) return undefined;
        checked = e;
        const verdicts = (await getJson(`${o1}/v1/coverage/epochs/${e}`)) as Verdicts | undefined;
        const spoof = verdicts?.hotspots.find((h) => h.nodeKey === spoofKey);
        const paid = verdicts?.hotspots.filter((h) => honest.includes(h.nodeKey) && BigInt(h.weight) > 0n) ?? [];
        if (spoof?.beaconed && paid.length >= 2) return verdicts;
      }
      return undefined;
    },
    600_000,
  );
  const epoch = judged.epoch;

  // The spoofer's beacon was heard at a power impossible from where it says it is: flagged, no coverage weight.
  const spoof = judged.hotspots.find((h) => h.nodeKey === spoofKey);
  assert.equal(spoof?.flag, "location", JSON.stringify(spoof));
  assert.equal(spoof?.weight, "0");

  // The posted root's breakdown: honest owners paid a coverage component, the spoofer's owner none.
  const posted = (await getJson(`${o1}/v1/epochs/${epoch}`)) as {
    result: {
      owners: { owner: string; components?: Record<string, string> }[];
      nodes: { nodeKey: string; jailed: boolean }[];
      leaves: { account: string; cumulativeAmount: string }[];
    };
  };
  const coverageOf = (owner: string) =>
    BigInt(posted.result.owners.find((o) => o.owner === owner)?.components?.coverage ?? "0");
  assert.equal(coverageOf(spoofOwner), 0n);
  assert.equal(posted.result.nodes.find((n) => n.nodeKey === spoofKey)?.jailed, false, "jailed, not caught");
  const honestOwners = judged.hotspots.filter((h) => honest.includes(h.nodeKey) && BigInt(h.weight) > 0n);
  for (const h of honestOwners) assert.ok(coverageOf(h.owner) > 0n, `${h.owner} got no coverage reward`);

  // An independent recomputation from another oracle's published bundles gives the same root and the same
  // coverage amount for every owner.
  const verify = await runGw(["oracle", "verify", String(epoch), "--oracle", o2, "--json"], { env });
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  const v = verify.json as {
    equal: boolean;
    components: { coverage: { total: string; owners: Record<string, string> } };
  };
  assert.equal(v.equal, true);
  for (const o of posted.result.owners) {
    assert.equal(BigInt(v.components.coverage.owners[o.owner] ?? "0"), coverageOf(o.owner), o.owner);
  }
  assert.ok(BigInt(v.components.coverage.total) > 0n);

  // `gw coverage` reads the verdicts.
  const witnesses = await runGw(["coverage", "witnesses", "--epoch", String(epoch), "--oracle", o1, "--json"], { env });
  assert.equal(witnesses.code, 0, witnesses.stderr);
  const rows = (witnesses.json as { witnesses: { rewarded: boolean; witness: string; reason?: string }[] }).witnesses;
  assert.ok(rows.some((w) => w.rewarded));
  assert.ok(!rows.some((w) => w.rewarded && w.witness === spoofKey));

  // An honest owner claims exactly its leaf in the latest root (which includes the coverage it earned).
  const p1 = started.services.find((s) => s.nodeKey === honestOwners[0]?.nodeKey);
  const p1Home = join(home.path, "providers", `p${(p1?.name ?? "provider-1").split("-")[1]}`);
  const claim = await runGw(["provider", "claim", "--oracle", o1, "--json"], {
    env: { GW_HOME: p1Home, GW_PASSWORD_FILE: started.passwordFile },
  });
  assert.equal(claim.code, 0, claim.stderr);
  const claimed = claim.json as { epoch: number; cumulative: string; account: string; reason: string | null };
  assert.equal(claimed.reason, null);
  const latest = (await getJson(`${o1}/v1/epochs/${claimed.epoch}`)) as typeof posted;
  const leaf = latest.result.leaves.find((l) => l.account === claimed.account.toLowerCase());
  assert.equal(claimed.cumulative, formatUnits(BigInt(leaf?.cumulativeAmount ?? "0"), 18));
  assert.ok(claimed.epoch >= epoch);
});
