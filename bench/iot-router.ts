// `npm run bench -- iot-router [--devices N] [--packets N] [--concurrency N]`: the packet router's decisions per second. Every packet
// is delivered by two hotspots (one paid, one duplicate) as signed packet.deliver envelopes, signed beforehand so
// only the router is timed: envelope checks (Ed25519), MIC (HMAC-SHA256), dedup, and the durable record per decision.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Hex } from "viem";
import { generateNodeKeySeed, nodeKeyFromSeed, nodeKeySigner, signEnvelope } from "../src/protocol/index.ts";
import {
  createPacketRouter,
  encodeUplink,
  openDeviceRegistry,
  packetMessageTypes,
} from "../src/resources/coverage/data/index.ts";
import { tempHome } from "../src/testing/index.ts";

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive integer`);
  return value;
}

export default async function bench(args: string[]): Promise<Record<string, unknown>> {
  const devicesCount = flag(args, "devices", 1000);
  const packets = flag(args, "packets", 4000);
  const concurrency = flag(args, "concurrency", 32);
  const home = tempHome("gw-bench-iot-");
  try {
    const owner = "0x00000000000000000000000000000000000000d0" as Hex;
    const hotspots = [nodeKeyFromSeed(generateNodeKeySeed()), nodeKeyFromSeed(generateNodeKeySeed())];
    const registry = openDeviceRegistry(join(home.path, "devices.json"));
    const devices = Array.from({ length: devicesCount }, (_, i) => registry.create(`d${i}`));
    const statePath = join(home.path, "state.json");
    const router = createPacketRouter({
      owner,
      devices: registry,
      statePath,
      pricePerPacket: 1n,
      lookupHotspot: async () => ({ owner, active: true, bindingValid: true, offersCoverage: true }),
    });
    process.stderr.write(`signing ${packets * 2} deliveries…\n`);
    const reception = {
      frequencyHz: 868_100_000,
      spreadingFactor: 7,
      bandwidthHz: 125_000,
      rssiDbm: -90,
      snrDb: 5,
      timeOfArrivalNs: "0",
    };
    const envelopes: Awaited<ReturnType<typeof signEnvelope>>[] = [];
    for (let p = 0; p < packets; p++) {
      const device = devices[p % devicesCount] as { deviceId: string; key: string };
      const frame = encodeUplink(
        { deviceId: device.deviceId, counter: Math.floor(p / devicesCount), payload: Buffer.alloc(24, p) },
        device.key,
      );
      const packet = Buffer.from(frame).toString("base64");
      for (const hotspot of hotspots) {
        envelopes.push(
          await signEnvelope(nodeKeySigner(hotspot), {
            type: packetMessageTypes.deliver,
            to: owner,
            body: { packet, reception },
          }),
        );
      }
    }
    process.stderr.write("routing…\n");
    const started = performance.now();
    // As many deliveries in flight as an HTTP router serving many hotspots sees.
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < envelopes.length) await router.deliver(envelopes[next++]);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const stats = router.stats();
    router.close();
    return {
      devices: devicesCount,
      packets,
      deliveries: envelopes.length,
      concurrency,
      paid: stats.paid,
      duplicates: stats.duplicates,
      deliveriesPerSec: Math.round(envelopes.length / seconds),
      /** Snapshot plus journal on disk after the run. */
      stateBytes: [statePath, `${statePath}.journal`].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0),
      seconds: Number(seconds.toFixed(2)),
    };
  } finally {
    home.remove();
  }
}
