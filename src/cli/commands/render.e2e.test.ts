// `gw render` end to end on a real local network (`gw start`: anvil, contracts, a gateway, two honest providers, a
// funded customer), every role its own process on loopback. Frames through the network are byte-identical to
// --local; cheaters (1 % of pixels altered, fewer samples) are caught by the spot re-render, unpaid and reported
// with evidence the oracles accept, and the frame is still right; a provider SIGKILLed mid-frame does not stop the
// frame; hostile scenes are refused with a clear error and every provider keeps serving.
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Hex, parseUnits } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createChainPublicClient, readDeployment } from "../../chain/index.ts";
import { devAccountRoles, devPrivateKey, localnetStatePath } from "../../localnet/index.ts";
import { verifyAnyFraudReport } from "../../oracle/evidence/index.ts";
import type { Envelope } from "../../protocol/index.ts";
import { defaultRenderOffer, planRender } from "../../resources/render/index.ts";
import { createGroundworkClient, createPaymentStore, GatewayError } from "../../sdk/index.ts";
import {
  type ExtraProvider,
  freePort,
  type GwResult,
  isProcessAlive,
  localNetworkArgs,
  runGw,
  startExtraProvider,
  startGw,
  tempHome,
  waitUntil,
} from "../../testing/index.ts";

interface Service {
  name: string;
  url: string;
  pid: number;
  nodeKey?: string;
}

interface RenderJson {
  local: boolean;
  frames: { frame: number; path: string; sha256: string }[];
  tiles: number;
  cost?: string;
  providers?: { nodeKey: string; tiles: number; paid: string }[];
  caught?: { nodeKey: string; reportSeq?: number; claimError?: string }[];
  reroutes?: number;
  verification?: { pixelsChecked: number; overhead: number };
  vouchersDelivered?: boolean;
}

const home = tempHome("gw-render-e2e-");
const work = join(home.path, "render");
const scenes = join(import.meta.dirname, "..", "..", "..", "examples", "scenes");
const cornell = join(work, "cornell-box.glb");
let network: Awaited<ReturnType<typeof startGw>>;
let services: Service[] = [];
let gatewayUrl = "";
let gatewayKey: Hex;
let passwordFile = "";
const extras: ExtraProvider[] = [];

const clientEnv = () => ({ GW_HOME: home.path, GW_PASSWORD_FILE: passwordFile });
const honest = () => services.filter((s) => s.name.startsWith("provider-"));
// Small frames, 16×16 tiles: 256 pixels, fewer than the 459 the default policy draws, so every pixel is checked and
// a cheat is caught every time (docs/render.md: on a real tile the same check catches it with 99 %).
const small = ["--size", "48x32", "--spp", "4", "--tile", "16"];

// Generous: every gw process and render worker compiles its TypeScript on start, slow on a busy 2-core machine.
function gwRender(args: string[], timeoutMs = 600_000): Promise<GwResult> {
  return runGw(["render", ...args, "--json"], { env: clientEnv(), timeoutMs });
}

function renderJson(result: GwResult): RenderJson {
  assert.equal(result.code, 0, `gw render exited ${result.code}: ${result.stderr}`);
  assert.ok(result.json, `no JSON line: ${result.stdout}`);
  return result.json as RenderJson;
}

/** The PNG files of a render folder, by name. */
function pngs(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith(".png"))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f))]),
  );
}

function assertSameFrames(a: string, b: string, frames: number): void {
  const left = pngs(a);
  const right = pngs(b);
  assert.equal(left.size, frames);
  assert.deepEqual([...left.keys()], [...right.keys()]);
  for (const [name, bytes] of left) assert.ok(bytes.equals(right.get(name) as Buffer), `${name} differs`);
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${gatewayUrl}${path}`);
  assert.equal(response.status, 200, `GET ${path}`);
  return (await response.json()) as T;
}

type ProviderView = { nodeKey: string; running: number };
const connected = async () => (await getJson<{ providers: ProviderView[] }>("/v1/providers")).providers;

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> =>
  waitUntil(what, probe, { timeoutMs, intervalMs: 50 });

before(async () => {
  mkdirSync(work, { recursive: true });
  copyFileSync(join(scenes, "cornell-box.glb"), cornell);
  network = await startGw(localNetworkArgs({ home: home.path, chainPort: await freePort(), providers: 2 }), {
    env: { GW_HOME: home.path },
    timeoutMs: 400_000,
  });
  passwordFile = (network.first as { passwordFile: string }).passwordFile;
  services = (JSON.parse(readFileSync(localnetStatePath(home.path), "utf8")) as { services: Service[] }).services;
  gatewayUrl = services.find((s) => s.name === "gateway")?.url ?? "";
  gatewayKey = (await getJson<{ gateway: Hex }>("/v1/info")).gateway;
  await waitFor("two connected providers", async () => ((await connected()).length === 2 ? true : undefined), 240_000);
});

after(async () => {
  for (const extra of extras) await extra.stop().catch(() => {});
  if (network && network.child.exitCode === null) {
    network.child.kill("SIGTERM");
    await network.exited;
  }
  for (const s of services) if (s.pid && isProcessAlive(s.pid)) process.kill(s.pid, "SIGKILL");
  home.remove();
});

test("a: frames rendered through the network are byte-identical to gw render --local", async () => {
  const net = renderJson(await gwRender([cornell, "--frames", "0-1", ...small, "--out", join(work, "net")]));
  const local = renderJson(
    await gwRender([cornell, "--frames", "0-1", ...small, "--out", join(work, "local"), "--local"]),
  );
  assertSameFrames(join(work, "net"), join(work, "local"), 2);
  assert.deepEqual(
    net.frames.map((f) => f.sha256),
    local.frames.map((f) => f.sha256),
  );
  assert.equal(net.tiles, 2 * 6);
  assert.deepEqual(net.caught, []);
  assert.equal(net.verification?.pixelsChecked, 48 * 32 * 2, "every pixel of these small tiles was re-rendered");
  assert.equal(net.vouchersDelivered, true);
  const paid = net.providers ?? [];
  assert.ok(paid.length >= 1);
  assert.equal(
    paid.reduce((n, p) => n + p.tiles, 0),
    net.tiles,
    "every tile paid once",
  );
  const names = honest().map((s) => s.nodeKey);
  for (const p of paid) assert.ok(names.includes(p.nodeKey), `paid ${p.nodeKey}, not a provider of this network`);
  assert.ok(parseUnits(net.cost ?? "0", 18) > 0n);
});

for (const [label, faults, ownerIndex] of [
  ["alters 1 % of the pixels", { corruptShare: 0.01 }, 3],
  ["renders with fewer samples", { underwork: 1 }, 4],
] as const) {
  test(`b: a provider that ${label} is caught, unpaid and reported; the frame is still right`, async () => {
    const cheat = await startExtraProvider({
      networkHome: home.path,
      gatewayUrl,
      passwordFile,
      ownerIndex,
      // The cheapest render offer on the network: matching (price first) gives it work before the honest ones.
      offers: { render: { ...defaultRenderOffer, pricePerMegaSample: "1000" } },
      faults,
    });
    extras.push(cheat);
    try {
      await cheated(cheat);
    } finally {
      await cheat.stop();
    }
    await waitFor("the cheater to leave", async () =>
      (await connected()).some((p) => p.nodeKey === cheat.nodeKey) ? undefined : true,
    );
  });
}

/** A render while `cheat` takes work: it is caught, unpaid and reported, and the frame is still right. */
async function cheated(cheat: ExtraProvider): Promise<void> {
  await waitFor(
    "the cheater to be admitted",
    async () => ((await connected()).some((p) => p.nodeKey === cheat.nodeKey) ? true : undefined),
    120_000,
  );
  const out = join(work, `cheat-${cheat.nodeKey.slice(2, 10)}`);
  const result = renderJson(await gwRender([cornell, "--frames", "0", ...small, "--out", out]));
  const frame = "frame-0000.png";
  assert.ok(
    pngs(out)
      .get(frame)
      ?.equals(pngs(join(work, "local")).get(frame) as Buffer),
    "the frame is right",
  );

  const caught = result.caught ?? [];
  const seen = await getJson<{ providers: { nodeKey: string; reputation: unknown }[] }>("/v1/providers");
  assert.ok(
    caught.length >= 1,
    `the cheater got work and was caught: ${JSON.stringify({ result, providers: seen.providers })}`,
  );
  for (const c of caught) {
    assert.equal(c.nodeKey, cheat.nodeKey);
    assert.equal(typeof c.reportSeq, "number", `claim filed: ${c.claimError}`);
  }
  assert.ok(!(result.providers ?? []).some((p) => p.nodeKey === cheat.nodeKey), "the cheater is not paid");
  assert.ok((result.reroutes ?? 0) >= caught.length, "each caught tile went out again");

  // The gateway's report is the provider's own signed lie plus what it takes to recompute: an oracle accepts it.
  const { reports } = await getJson<{ reports: { seq: number; report: Envelope }[] }>("/v1/reports?kind=fraud");
  for (const c of caught) {
    const entry = reports.find((r) => r.seq === c.reportSeq);
    assert.ok(entry, `report ${c.reportSeq} is listed`);
    const verified = await verifyAnyFraudReport(entry.report, { gatewayKeys: [gatewayKey] });
    assert.deepEqual(verified.dissenters, [cheat.nodeKey]);
    assert.equal(verified.resourceType, "render");
  }
}

test("c: malformed and hostile scenes are refused with a clear error; every provider keeps serving", async () => {
  const glb = (json: unknown, bin?: Uint8Array) => {
    const text = Buffer.from(JSON.stringify(json));
    const jsonChunk = Buffer.concat([text, Buffer.alloc((4 - (text.length % 4)) % 4, 0x20)]);
    const chunks = [Buffer.alloc(8), jsonChunk];
    (chunks[0] as Buffer).writeUInt32LE(jsonChunk.length, 0);
    (chunks[0] as Buffer).writeUInt32LE(0x4e4f534a, 4);
    if (bin) {
      const header = Buffer.alloc(8);
      header.writeUInt32LE(bin.length, 0);
      header.writeUInt32LE(0x004e4942, 4);
      chunks.push(header, Buffer.from(bin));
    }
    const body = Buffer.concat(chunks);
    const head = Buffer.alloc(12);
    head.writeUInt32LE(0x46546c67, 0);
    head.writeUInt32LE(2, 4);
    head.writeUInt32LE(12 + body.length, 8);
    return Buffer.concat([head, body]);
  };
  const asset = { version: "2.0" };
  const hostile: Record<string, Buffer> = {
    "not-a-glb": Buffer.from("these bytes are not a glTF file at all"),
    truncated: readFileSync(cornell).subarray(0, 200),
    "node-cycle": glb({ asset, nodes: [{ children: [1] }, { children: [0] }], scenes: [{ nodes: [0] }], scene: 0 }),
    "huge-count": glb(
      {
        asset,
        buffers: [{ byteLength: 12 }],
        bufferViews: [{ buffer: 0, byteLength: 12 }],
        accessors: [{ bufferView: 0, componentType: 5126, count: 2_000_000_000, type: "VEC3" }],
        meshes: [{ primitives: [{ attributes: { POSITION: 0 } }] }],
        nodes: [{ mesh: 0 }],
        scenes: [{ nodes: [0] }],
        scene: 0,
      },
      new Uint8Array(12),
    ),
    "broken-buffer": glb(
      {
        asset,
        buffers: [{ byteLength: 4096 }],
        bufferViews: [{ buffer: 0, byteOffset: 1024, byteLength: 4096 }],
        accessors: [{ bufferView: 0, componentType: 5126, count: 3, type: "VEC3" }],
        meshes: [{ primitives: [{ attributes: { POSITION: 0 } }] }],
        nodes: [{ mesh: 0 }],
        scenes: [{ nodes: [0] }],
        scene: 0,
      },
      new Uint8Array(16),
    ),
  };
  const deployment = readDeployment(home.path);
  const client = createGroundworkClient({
    gatewayUrl,
    account: privateKeyToAccount(devPrivateKey(devAccountRoles.customer)),
    deployment,
    publicClient: createChainPublicClient(deployment),
    paymentStore: createPaymentStore(join(home.path, "test-payments")),
  });
  // Every case through the gateway (below); the CLI's own refusal once on the network, once --local.
  for (const [name, mode] of [
    ["node-cycle", []],
    ["huge-count", ["--local"]],
  ] as const) {
    const path = join(work, `${name}.glb`);
    writeFileSync(path, hostile[name] as Buffer);
    const run = await gwRender([path, "--frames", "0", ...small, "--out", join(work, `hostile-${name}`), ...mode]);
    assert.equal(run.code, 2, `${name} ${mode.join(" ")}: exit ${run.code}; ${run.stderr}`);
    assert.match(run.stderr, /scene|glTF|glb/i, `${name}: the error names the scene`);
    assert.doesNotMatch(run.stderr, /internal error/i);
  }
  for (const [name, bytes] of Object.entries(hostile)) {
    // Past the CLI's own check: the gateway refuses the job itself, before any provider sees it.
    const [tile] = planRender({ scene: bytes, frames: [0], width: 48, height: 32, spp: 4, tile: 16 }).tiles;
    await assert.rejects(
      client.runJob({
        resourceType: "render",
        spec: tile?.spec,
        blobs: new Map([[tile?.spec.scene as Hex, new Uint8Array(bytes)]]),
        replicas: 1,
        maxPrice: parseUnits("1", 18),
        timeoutMs: 30_000,
      }),
      (error: unknown) => error instanceof GatewayError && error.status === 400,
      name,
    );
  }
  for (const p of honest()) assert.ok(isProcessAlive(p.pid), `${p.name} is still running`);
  const still = (await connected()).map((p) => p.nodeKey);
  for (const p of honest()) assert.ok(still.includes(p.nodeKey as string), `${p.name} is still connected`);
  renderJson(await gwRender([cornell, "--frames", "0", ...small, "--out", join(work, "after-hostile")]));
  const frame = "frame-0000.png";
  assert.ok(
    pngs(join(work, "after-hostile"))
      .get(frame)
      ?.equals(pngs(join(work, "local")).get(frame) as Buffer),
  );
});

test("d: a provider SIGKILLed mid-frame: the frame still completes, identical to --local", async () => {
  const args = [cornell, "--frames", "5", "--size", "96x64", "--spp", "32", "--tile", "32"];
  const running = gwRender([...args, "--out", join(work, "killed")]);
  // Waiting on a busy machine: a frame of 6 slow tiles keeps both providers rendering for a while.
  const [victim] = honest();
  assert.ok(victim);
  await waitFor(
    "the victim to be rendering",
    async () => ((await connected()).some((p) => p.nodeKey === victim.nodeKey && p.running > 0) ? true : undefined),
    300_000,
  );
  process.kill(victim.pid, "SIGKILL");
  const result = renderJson(await running);
  assert.ok(!isProcessAlive(victim.pid));
  renderJson(await gwRender([...args, "--out", join(work, "killed-local"), "--local"]));
  assertSameFrames(join(work, "killed"), join(work, "killed-local"), 1);
  assert.equal(result.tiles, 6);
});
