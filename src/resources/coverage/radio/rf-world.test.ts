import assert from "node:assert/strict";
import { test } from "node:test";
import type { Reception } from "./radio-driver.ts";
import { freeSpacePathLossDb, LIGHT_M_PER_NS, MAX_FADING_GAIN_DB, sensitivityDbm } from "./radio-physics.ts";
import { createRfWorld, defaultRfModel } from "./rf-world.ts";
import { createSimulatedRadio } from "./simulated-radio.ts";

const frame = {
  payload: new Uint8Array([1, 2, 3]),
  frequencyHz: 868_100_000,
  spreadingFactor: 9,
  bandwidthHz: 125_000,
  powerDbm: 27,
};

// About 111 m per 0.001° of latitude.
function line(count: number, stepDeg: number) {
  return Array.from({ length: count }, (_, i) => ({ id: `r${i}`, lat: 48.85 + i * stepDeg, lng: 2.35 }));
}

test("free-space loss at 1 km and 868 MHz is about 91 dB", () => {
  assert.ok(Math.abs(freeSpacePathLossDb(1000, 868e6) - 91.2) < 0.1);
});

test("a transmission is heard near and not far, never above free space, with arrival at distance / c", () => {
  const world = createRfWorld({ seed: "s1" });
  for (const site of line(80, 0.01)) world.addRadio(site); // 0 … 88 km north
  const deliveries = world.transmit("r0", frame, 1_000_000_000n);
  const heard = new Set(deliveries.map((d) => d.receiverId));
  assert.ok(heard.has("r1"), "1.1 km away is heard");
  assert.ok(!heard.has("r79"), "88 km away is not");
  const floor = sensitivityDbm(9, 125_000, defaultRfModel.noiseFigureDb);
  for (const d of deliveries) {
    const bound = frame.powerDbm - freeSpacePathLossDb(d.distanceM, frame.frequencyHz) + MAX_FADING_GAIN_DB;
    assert.ok(d.reception.rssiDbm <= Math.round(bound), `${d.receiverId} above free space`);
    assert.ok(d.reception.rssiDbm >= Math.floor(floor), `${d.receiverId} below sensitivity`);
    const flightNs = Number(d.reception.timeOfArrivalNs - 1_000_000_000n);
    const jitter = Math.abs(flightNs - d.distanceM / LIGHT_M_PER_NS);
    assert.ok(jitter <= 4 * defaultRfModel.clockJitterNs + 1, `${d.receiverId} jitter ${jitter} ns`);
  }
});

test("the same seed gives the same receptions; another seed different ones", () => {
  const run = (seed: string) => {
    const world = createRfWorld({ seed });
    for (const site of line(40, 0.01)) world.addRadio(site);
    return world
      .transmit("r5", frame, 0n)
      .map((d) => `${d.receiverId}:${d.reception.rssiDbm}:${d.reception.snrDb}:${d.reception.timeOfArrivalNs}`)
      .sort();
  };
  assert.deepEqual(run("a"), run("a"));
  assert.notDeepEqual(run("a"), run("b"));
});

test("the spatial index finds exactly the radios a scan of all radios finds", () => {
  const sites = Array.from({ length: 3000 }, (_, i) => ({
    id: `h${i}`,
    lat: 51.3 + ((i * 7919) % 1000) / 2500,
    lng: -0.5 + ((i * 104729) % 1000) / 1500,
  }));
  const world = createRfWorld({ seed: "idx" });
  for (const s of sites) world.addRadio(s);
  const viaIndex = world.transmit("h17", { ...frame, spreadingFactor: 12, powerDbm: 36 }, 0n).length;
  // A model whose index cells are so large that the disk covers every radio: a brute-force scan.
  const wide = createRfWorld({ seed: "idx", model: { indexResolution: 1 } });
  for (const s of sites) wide.addRadio(s);
  const viaScan = wide.transmit("h17", { ...frame, spreadingFactor: 12, powerDbm: 36 }, 0n).length;
  assert.ok(viaIndex > 100);
  assert.equal(viaIndex, viaScan);
});

test("simulated radios hear each other through the driver interface, and a closed radio is gone", async () => {
  const world = createRfWorld({ seed: "drv" });
  let now = 5_000_000_000n;
  const a = createSimulatedRadio({ world, site: { id: "a", lat: 40.0, lng: -74.0 }, nowNs: () => now });
  const b = createSimulatedRadio({ world, site: { id: "b", lat: 40.01, lng: -74.0 }, nowNs: () => now });
  const got = new Promise<Reception>((resolve) => b.onReceive(resolve));
  await a.transmit(frame);
  const reception = await got;
  assert.deepEqual(reception.frame.payload, frame.payload);
  assert.ok(reception.timeOfArrivalNs > now);
  await b.close();
  assert.equal(world.has("b"), false);
  now += 1n;
  await a.transmit(frame);
  await assert.rejects(b.transmit(frame), /closed/);
  await a.close();
});

test("bad sites and frames are refused with input errors", () => {
  const world = createRfWorld({ seed: "x" });
  assert.throws(() => world.addRadio({ id: "p", lat: 91, lng: 0 }), /latitude/);
  world.addRadio({ id: "p", lat: 1, lng: 1 });
  assert.throws(() => world.addRadio({ id: "p", lat: 1, lng: 1 }), /already/);
  assert.throws(() => world.transmit("p", { ...frame, spreadingFactor: 13 }, 0n), /invalid radio frame/);
  assert.throws(() => world.transmit("nobody", frame, 0n), /no radio/);
});
