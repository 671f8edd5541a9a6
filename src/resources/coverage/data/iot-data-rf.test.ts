// IoT data through the simulated RF world: a device transmits on the shared medium; the hotspots in range hear it
// (each through its own simulated radio and relay), the one 80 km away does not; the router pays each frame once.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Hex } from "viem";
import { generateNodeKeySeed, nodeKeyFromSeed } from "../../../protocol/index.ts";
import { tempHome } from "../../../testing/index.ts";
import { createRfWorld, createSimulatedRadio } from "../radio/index.ts";
import { nextUplink, writeDeviceCredentials } from "./device-credentials.ts";
import { openDeviceRegistry } from "./device-registry.ts";
import { createHotspotRelay, type HotspotRelay } from "./hotspot-relay.ts";
import { createPacketRouter } from "./packet-router.ts";
import { startRouterServer } from "./router-server.ts";

const home = tempHome("gw-iot-rf-");
after(() => home.remove());

test("frames on the simulated air: heard in range, paid once, never from out of range", async () => {
  const world = createRfWorld({ seed: "iot-data" });
  const routerOwner = "0x00000000000000000000000000000000000000d0" as Hex;
  // About 111 m per 0.001° of latitude: hotspots 0.6 km and 1.1 km north of the device, one 80 km away.
  const sites = [
    { id: "near", lat: 48.8555, lng: 2.35, owner: "0x00000000000000000000000000000000000000a1" as Hex },
    { id: "mid", lat: 48.86, lng: 2.35, owner: "0x00000000000000000000000000000000000000a2" as Hex },
    { id: "far", lat: 49.57, lng: 2.35, owner: "0x00000000000000000000000000000000000000a3" as Hex },
  ].map((s) => ({ ...s, key: nodeKeyFromSeed(generateNodeKeySeed()) }));
  const owners = new Map<string, Hex>(sites.map((s) => [s.key.publicKey, s.owner]));

  const devices = openDeviceRegistry(join(home.path, "devices.json"));
  const credentials = join(home.path, "device.json");
  writeDeviceCredentials(credentials, devices.create("tracker"));
  const router = createPacketRouter({
    owner: routerOwner,
    devices,
    statePath: join(home.path, "router.json"),
    pricePerPacket: 1_000n,
    // The registry as a table here; iot-data.e2e.test.ts reads the real one on anvil.
    lookupHotspot: async (nodeKey) => {
      const owner = owners.get(nodeKey);
      return owner && { owner, active: true, bindingValid: true, offersCoverage: true };
    },
  });
  const server = await startRouterServer({
    router,
    info: { router: routerOwner, chainId: 31337, escrow: routerOwner, pricePerPacket: "1000", devices: 1 },
    host: "127.0.0.1",
    port: 0,
    log: () => {},
  });
  const relays = new Map<string, HotspotRelay>();
  for (const site of sites) {
    const radio = createSimulatedRadio({ world, site });
    relays.set(site.id, createHotspotRelay({ radio, nodeKey: site.key, routers: [server.url], log: () => {} }));
  }
  const device = createSimulatedRadio({ world, site: { id: "device", lat: 48.85, lng: 2.35 } });

  const frames = 10;
  for (let i = 0; i < frames; i++) {
    const { frame } = nextUplink(credentials, Buffer.from(`position ${i}`));
    await device.transmit({
      payload: frame,
      frequencyHz: 868_100_000,
      spreadingFactor: 9,
      bandwidthHz: 125_000,
      powerDbm: 27,
    });
  }
  await new Promise((r) => setImmediate(r));
  for (const relay of relays.values()) await relay.idle();

  const heard = Object.fromEntries([...relays].map(([id, r]) => [id, r.stats()]));
  assert.equal(heard.far?.heard, 0, "80 km is out of range");
  assert.equal(heard.near?.heard, frames);
  assert.equal(heard.mid?.heard, frames);
  const stats = router.stats();
  assert.equal(stats.paid, frames);
  assert.equal(stats.duplicates, frames);
  assert.equal((heard.near?.paid ?? 0) + (heard.mid?.paid ?? 0), frames);
  assert.equal(BigInt(stats.paidAmount), 1_000n * BigInt(frames));
  assert.equal(stats.paidByOwner[sites[2]?.owner as string], undefined);
  for (const relay of relays.values()) await relay.close();
  await device.close();
  await server.close();
});
