// The shared simulated air over real WebSockets on loopback: a radio 1 km away hears a frame with the physics of
// the RF world, one 200 km away does not, and malformed or out-of-order messages are refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import WebSocket from "ws";
import type { Reception } from "../radio-driver.ts";
import { distanceMeters, freeSpacePathLossDb, LIGHT_M_PER_NS } from "../radio-physics.ts";
import { wallClockNs } from "../simulated-radio.ts";
import { createAirRadio } from "./air-radio.ts";
import { startAirServer } from "./air-server.ts";

const frame = (payload: number) => ({
  payload: new Uint8Array(64).fill(payload),
  frequencyHz: 868_100_000,
  spreadingFactor: 9,
  bandwidthHz: 125_000,
  powerDbm: 16,
});

function nextReception(radio: ReturnType<typeof createAirRadio>): Promise<Reception> {
  return new Promise((resolve) => {
    const stop = radio.onReceive((r) => {
      stop();
      resolve(r);
    });
  });
}

test("radios in separate connections share one RF world", async () => {
  const air = await startAirServer({ port: 0, seed: "air-test" });
  const sites = {
    a: { id: "a", lat: 46.2, lng: 6.14 },
    b: { id: "b", lat: 46.209, lng: 6.14 },
    c: { id: "c", lat: 48.0, lng: 6.14 },
    d: { id: "d", lat: 48.005, lng: 6.14 },
  };
  const radios = Object.fromEntries(
    Object.entries(sites).map(([k, site]) => [k, createAirRadio({ url: air.url, site })]),
  ) as Record<keyof typeof sites, ReturnType<typeof createAirRadio>>;
  try {
    await Promise.all(Object.values(radios).map((r) => r.ready));
    assert.equal(air.radios(), 4);
    const heardByC: Reception[] = [];
    radios.c.onReceive((r) => heardByC.push(r));

    const atNs = wallClockNs();
    const atB = nextReception(radios.b);
    await radios.a.transmit({ ...frame(1), atNs });
    const r = await atB;
    assert.deepEqual([...r.frame.payload], [...frame(1).payload]);
    const d = distanceMeters(sites.a, sites.b);
    // Never better than free space plus the largest fading gain; never earlier than light takes.
    assert.ok(r.rssiDbm <= 16 - freeSpacePathLossDb(d, 868_100_000) + 6, `rssi ${r.rssiDbm}`);
    assert.ok(r.timeOfArrivalNs >= atNs + BigInt(Math.floor(d / LIGHT_M_PER_NS)) - 1_000n);

    // 200 km away nothing is heard; its neighbour hears it (so its connection works).
    const atD = nextReception(radios.d);
    await radios.c.transmit(frame(2));
    assert.deepEqual([...(await atD).frame.payload], [...frame(2).payload]);
    assert.equal(heardByC.length, 0);

    // A client that transmits before registering, or sends garbage, is told so and changes nothing.
    const raw = new WebSocket(air.url);
    await new Promise((resolve) => raw.once("open", resolve));
    const replies: unknown[] = [];
    raw.on("message", (data) => replies.push(JSON.parse(data.toString())));
    raw.send(JSON.stringify({ type: "transmit", frame: { payload: "AA==" }, atNs: "1" }));
    raw.send("not json");
    raw.send(JSON.stringify({ type: "transmit", frame: { ...frame(3), payload: "AA==" }, atNs: "1" }));
    while (replies.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(
      replies.map((m) => (m as { type: string }).type),
      ["error", "error", "error"],
    );
    assert.match((replies[2] as { message: string }).message, /register/);
    raw.close();
    assert.equal(air.radios(), 4);
  } finally {
    await Promise.all(Object.values(radios).map((r) => r.close()));
    await air.close();
  }
});
