// IoT data end to end on the real local network: `gw start` (anvil, contracts, gateway, oracles, two provider
// daemons), a packet router (`gw coverage router start`), two hotspot relays (`gw coverage relay start`, Semtech UDP
// radios) in the providers' homes and a simulated device (`gw coverage device send`) whose frames both hotspots hear.
// Each frame is paid once, to whichever hotspot delivered first; the providers redeem the vouchers on anvil and the
// balances move by exactly the price times the packets, split by the escrow's shares.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Hex, parseUnits } from "viem";
import {
  createChainPublicClient,
  escrowAbi,
  providerRegistryAbi,
  readDeployment,
  tokenAbi,
} from "../../../chain/index.ts";
import { localnetStatePath } from "../../../localnet/index.ts";
import {
  generateNodeKeySeed,
  type NodeKey,
  nodeKeyFromSeed,
  nodeKeySigner,
  signEnvelope,
} from "../../../protocol/index.ts";
import { freePort, localNetworkArgs, runGw, startGw, tempHome, waitUntil } from "../../../testing/index.ts";
import { loadNodeKeyFile } from "../../../wallet/index.ts";
import type { RelayStats } from "./hotspot-relay.ts";
import { packetMessageTypes } from "./packet-messages.ts";
import type { RouterStats } from "./packet-router.ts";
import { encodeUplink } from "./uplink-frame.ts";

const home = tempHome("gw-iot-");
const price = parseUnits("0.25", 18);
const frames = 6;
let network: Awaited<ReturnType<typeof startGw>>;
let router: Awaited<ReturnType<typeof startGw>>;
let relays: { child: ChildProcess; udpPort: number; nodeKey: Hex; out: () => string }[] = [];
let env: Record<string, string> = {};
let routerUrl = "";
let customer: Hex;
let passwordFile = "";

interface Service {
  name: string;
  url: string;
  nodeKey?: string;
}

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> =>
  waitUntil(what, probe, { timeoutMs, intervalMs: 100 });

let deviceId = "";

/** `gw coverage device send` to hotspots given as [udp port, rssi]. */
function deviceSend(count: string, ...hotspots: [number | undefined, number][]) {
  const targets = hotspots.flatMap(([port, rssi]) => ["--hotspot", `127.0.0.1:${port},${rssi}`]);
  return runGw(["coverage", "device", "send", "--json", "--device", deviceId, "--count", count, ...targets], { env });
}

const routerStats = async () => (await (await fetch(`${routerUrl}/v1/stats`)).json()) as RouterStats;

function collect(child: ChildProcess): () => string {
  let text = "";
  child.stdout?.on("data", (c: Buffer) => {
    text += c.toString();
  });
  return () => text;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("close", r));
  child.kill("SIGTERM");
  await exited;
}

before(async () => {
  network = await startGw(localNetworkArgs({ home: home.path, chainPort: await freePort(), providers: 2 }), {
    env: { GW_HOME: home.path },
    timeoutMs: 180_000,
  });
  const first = network.first as { passwordFile: string; customer: { account: string; address: Hex } };
  passwordFile = first.passwordFile;
  customer = first.customer.address.toLowerCase() as Hex;
  env = { GW_HOME: home.path, GW_PASSWORD_FILE: passwordFile, GW_ACCOUNT: first.customer.account };
  const created = await runGw(["coverage", "device", "create", "--name", "meter-1", "--json"], { env });
  assert.equal(created.code, 0, created.stderr);
  deviceId = (created.json as { deviceId: string }).deviceId;
  router = await startGw(
    ["coverage", "router", "start", "--port", "0", "--price", "0.25", "--flush-ms", "200", "--json"],
    { env },
  );
  routerUrl = (router.first as { url: string }).url;
  const services = (JSON.parse(readFileSync(localnetStatePath(home.path), "utf8")) as { services: Service[] }).services;
  const providers = services.filter((s) => s.name.startsWith("provider-"));
  assert.equal(providers.length, 2);
  relays = await Promise.all(
    [1, 2].map(async (i) => {
      const providerHome = join(home.path, "providers", `p${i}`);
      const started = await startGw(
        ["coverage", "relay", "start", "--udp-port", "0", "--router", routerUrl, "--json"],
        { env: { GW_HOME: providerHome, GW_PASSWORD_FILE: passwordFile } },
      );
      const summary = started.first as { udpPort: number; nodeKey: Hex };
      return { child: started.child, udpPort: summary.udpPort, nodeKey: summary.nodeKey, out: collect(started.child) };
    }),
  );
});

after(async () => {
  for (const relay of relays) await stop(relay.child);
  if (router) await stop(router.child);
  if (network) await stop(network.child);
  home.remove();
});

test("frames heard by two hotspots are paid once each, vouchers redeemed on chain to the exact unit", async () => {
  const deployment = readDeployment(home.path);
  const client = createChainPublicClient(deployment);
  const { token, escrow } = deployment.contracts;
  const info = (await (await fetch(`${routerUrl}/v1/info`)).json()) as { router: string; pricePerPacket: string };
  assert.equal(info.router, customer);
  assert.equal(info.pricePerPacket, price.toString());
  const owners = await Promise.all(
    relays.map(async (r) => {
      const record = await client.readContract({
        address: deployment.contracts.registry,
        abi: providerRegistryAbi,
        functionName: "getProvider",
        args: [r.nodeKey],
      });
      return record.owner.toLowerCase() as Hex;
    }),
  );
  const balance = (who: Hex) =>
    client.readContract({ address: token, abi: tokenAbi, functionName: "balanceOf", args: [who] });
  const redeemed = (owner: Hex) =>
    client.readContract({ address: escrow, abi: escrowAbi, functionName: "redeemed", args: [customer, owner] });
  const depositBefore = await client.readContract({
    address: escrow,
    abi: escrowAbi,
    functionName: "depositOf",
    args: [customer],
  });
  const balancesBefore = await Promise.all(owners.map(balance));
  const [providerBps] = await client.readContract({ address: escrow, abi: escrowAbi, functionName: "shares" });

  const sent = await deviceSend(String(frames), [relays[0]?.udpPort, -85], [relays[1]?.udpPort, -110]);
  assert.equal(sent.code, 0, sent.stderr);
  assert.deepEqual(
    (sent.json as { sent: { hotspots: number }[] }).sent.map((s) => s.hotspots),
    Array(frames).fill(2),
  );

  // Every frame reaches the router twice (once per hotspot): one paid, one duplicate.
  const stats = await waitFor("both hotspots' deliveries", async () => {
    const s = await routerStats();
    return s.paid + s.duplicates === 2 * frames && Object.keys(s.owed).length === 0 ? s : undefined;
  });
  assert.equal(stats.paid, frames);
  assert.equal(stats.duplicates, frames);
  assert.equal(BigInt(stats.paidAmount), price * BigInt(frames));
  const earned = owners.map((o) => BigInt(stats.paidByOwner[o] ?? "0"));
  assert.equal(
    earned.reduce((a, b) => a + b, 0n),
    price * BigInt(frames),
  );

  // The providers redeem what the vouchers promise (at 1 GWK owed, or every 30 s), and nothing more.
  await waitFor(
    "redemptions",
    async () => {
      const r = await Promise.all(owners.map(redeemed));
      return r.every((x, i) => x === earned[i]) ? r : undefined;
    },
    120_000,
  );
  const depositAfter = await client.readContract({
    address: escrow,
    abi: escrowAbi,
    functionName: "depositOf",
    args: [customer],
  });
  assert.equal(depositBefore - depositAfter, price * BigInt(frames));
  const balancesAfter = await Promise.all(owners.map(balance));
  for (const [i, owner] of owners.entries()) {
    assert.equal(
      (balancesAfter[i] as bigint) - (balancesBefore[i] as bigint),
      ((earned[i] as bigint) * BigInt(providerBps)) / 10_000n,
      `owner ${owner} receives the provider share of what it earned`,
    );
  }

  // A new frame heard by one hotspot only: paid, and no duplicate this time.
  const again = await deviceSend("1", [relays[0]?.udpPort, -85]);
  assert.equal(again.code, 0, again.stderr);
  const afterOne = await waitFor("the new frame", async () => {
    const s = await routerStats();
    return s.paid === frames + 1 ? s : undefined;
  });
  assert.equal(afterOne.duplicates, frames);

  // The relays' own counts agree with the router's.
  for (const relay of relays) await stop(relay.child);
  const relayStats = relays.map(
    (r) => (JSON.parse(r.out().trim().split("\n").at(-1) as string) as { stats: RelayStats }).stats,
  );
  assert.equal(
    relayStats.reduce((n, s) => n + s.paid, 0),
    frames + 1,
  );
  assert.equal(
    relayStats.reduce((n, s) => n + s.duplicate, 0),
    frames,
  );
  assert.equal(
    relayStats.reduce((n, s) => n + s.failed, 0),
    0,
  );
});

test("deliveries straight to the router: unregistered hotspot, forged MIC, replayed envelope", async () => {
  const devices = JSON.parse(readFileSync(join(home.path, "coverage", "router", "devices.json"), "utf8")) as {
    devices: Record<string, { key: string }>;
  };
  const key = devices.devices[deviceId]?.key as string;
  const registered = loadNodeKeyFile(
    join(home.path, "providers", "p1", "provider", "node-key.json"),
    readFileSync(passwordFile, "utf8").trim(),
  );
  const deliver = async (hotspot: NodeKey, frame: Uint8Array, reuse?: unknown) => {
    const envelope =
      reuse ??
      (await signEnvelope(nodeKeySigner(hotspot), {
        type: packetMessageTypes.deliver,
        to: customer,
        body: {
          packet: Buffer.from(frame).toString("base64"),
          reception: {
            frequencyHz: 868_100_000,
            spreadingFactor: 7,
            bandwidthHz: 125_000,
            rssiDbm: -90,
            snrDb: 4,
            timeOfArrivalNs: "1",
          },
        },
      }));
    const response = await fetch(`${routerUrl}/v1/packets`, { method: "POST", body: JSON.stringify(envelope) });
    return {
      status: response.status,
      json: (await response.json()) as { outcome?: string; details?: { reason?: string } },
      envelope,
    };
  };
  const frame = encodeUplink({ deviceId, counter: 1_000, payload: Buffer.from("direct") }, key);
  const stranger = await deliver(nodeKeyFromSeed(generateNodeKeySeed()), frame);
  assert.equal(stranger.status, 400);
  assert.equal(stranger.json.details?.reason, "unregistered-hotspot");
  const forged = new Uint8Array(frame);
  forged[15] = (forged[15] as number) ^ 1;
  const bad = await deliver(registered, forged);
  assert.equal(bad.json.details?.reason, "bad-mic");
  const ok = await deliver(registered, frame);
  assert.equal(ok.status, 200);
  assert.equal(ok.json.outcome, "paid");
  const replay = await deliver(registered, frame, ok.envelope);
  assert.equal(replay.status, 400);
  assert.equal(replay.json.details?.reason, "replayed");
  const notJson = await fetch(`${routerUrl}/v1/packets`, { method: "POST", body: "{nope" });
  assert.equal(notJson.status, 400);
  const s = await routerStats();
  assert.equal(s.rejected["unregistered-hotspot"], 1);
  assert.equal(s.rejected["bad-mic"], 1);
  assert.equal(s.rejected.replayed, 1);
});
