// The packet router's rules, each with a refused and an accepted example: first valid delivery paid, duplicates
// unpaid, replays refused, hotspots and devices checked, state kept across a restart.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  generateNodeKeySeed,
  type NodeKey,
  nodeKeyFromSeed,
  nodeKeySigner,
  signEnvelope,
  walletSigner,
} from "../../../protocol/index.ts";
import { tempHome } from "../../../testing/index.ts";
import { openDeviceRegistry } from "./device-registry.ts";
import { packetMessageTypes } from "./packet-messages.ts";
import { createPacketRouter, type HotspotLookup, type PacketRouter } from "./packet-router.ts";
import { decodeUplink, encodeUplink, maxUplinkPayloadBytes, verifyUplinkMic } from "./uplink-frame.ts";

const home = tempHome("gw-router-");
after(() => home.remove());

const deviceOwner = privateKeyToAccount(`0x${"11".repeat(32)}`);
const routerAddress = deviceOwner.address.toLowerCase() as Hex;
const ownerA = "0x00000000000000000000000000000000000000aa" as Hex;
const ownerB = "0x00000000000000000000000000000000000000bb" as Hex;
const price = 250_000_000_000_000_000n;

const hotspotA = nodeKeyFromSeed(generateNodeKeySeed());
const hotspotB = nodeKeyFromSeed(generateNodeKeySeed());
const jailed = nodeKeyFromSeed(generateNodeKeySeed());
const unbound = nodeKeyFromSeed(generateNodeKeySeed());
const stranger = nodeKeyFromSeed(generateNodeKeySeed());
const computeOnly = nodeKeyFromSeed(generateNodeKeySeed());

/** The registry as the router would read it from chain, as a table. */
const lookup: HotspotLookup = async (nodeKey) =>
  ({
    [hotspotA.publicKey]: { owner: ownerA, active: true, bindingValid: true, offersCoverage: true },
    [hotspotB.publicKey]: { owner: ownerB, active: true, bindingValid: true, offersCoverage: true },
    [jailed.publicKey]: { owner: ownerB, active: false, bindingValid: true, offersCoverage: true },
    [unbound.publicKey]: { owner: ownerB, active: true, bindingValid: false, offersCoverage: true },
    [computeOnly.publicKey]: { owner: ownerB, active: true, bindingValid: true, offersCoverage: false },
  })[nodeKey];

const reception = {
  frequencyHz: 868_100_000,
  spreadingFactor: 7,
  bandwidthHz: 125_000,
  rssiDbm: -90,
  snrDb: 5,
  timeOfArrivalNs: "1795000000000000000",
};

function deliveryBy(hotspot: NodeKey, frame: Uint8Array, options: { to?: Hex; now?: () => number } = {}) {
  return signEnvelope(
    nodeKeySigner(hotspot),
    {
      type: packetMessageTypes.deliver,
      to: options.to ?? routerAddress,
      body: { packet: Buffer.from(frame).toString("base64"), reception },
    },
    options.now,
  );
}

const registry = openDeviceRegistry(join(home.path, "devices.json"));
const device = registry.create("meter-1");
const frameOf = (counter: number, text = `reading ${counter}`) =>
  encodeUplink({ deviceId: device.deviceId, counter, payload: Buffer.from(text) }, device.key);

function newRouter(): PacketRouter {
  return createPacketRouter({
    owner: routerAddress,
    devices: openDeviceRegistry(join(home.path, "devices.json")),
    statePath: join(home.path, "router-state.json"),
    pricePerPacket: price,
    lookupHotspot: lookup,
  });
}

const rejects = (promise: Promise<unknown>, reason: string) =>
  assert.rejects(promise, (e: Error & { details?: { reason?: string } }) => {
    assert.equal(e.details?.reason, reason, e.message);
    return true;
  });

describe("uplink frames", () => {
  test("round trip; the MIC fails under another key or with any byte changed", () => {
    const frame = frameOf(7, "hello");
    const decoded = decodeUplink(frame);
    assert.equal(decoded.deviceId, device.deviceId);
    assert.equal(decoded.counter, 7);
    assert.equal(Buffer.from(decoded.payload).toString(), "hello");
    assert.ok(verifyUplinkMic(decoded, device.key));
    assert.ok(!verifyUplinkMic(decoded, "ab".repeat(32)));
    for (const index of [0, 3, 10, 14, frame.length - 1]) {
      const altered = new Uint8Array(frame);
      altered[index] = (altered[index] as number) ^ 0x01;
      let ok = false;
      try {
        ok = verifyUplinkMic(decodeUplink(altered), device.key);
      } catch {
        ok = false;
      }
      assert.ok(!ok, `flipping byte ${index} must not verify`);
    }
    assert.throws(() => decodeUplink(frame.subarray(0, 20)), { name: "UplinkDecodeError" });
    assert.throws(
      () =>
        encodeUplink(
          { deviceId: device.deviceId, counter: 1, payload: new Uint8Array(maxUplinkPayloadBytes + 1) },
          device.key,
        ),
      { name: "InvalidInputError" },
    );
  });
});

describe("packet router", () => {
  test("the first valid delivery is paid once; other hotspots' copies are duplicates", async () => {
    const router = newRouter();
    const frame = frameOf(1);
    const first = await router.deliver(await deliveryBy(hotspotA, frame));
    assert.equal(first.outcome, "paid");
    assert.equal(first.price, price.toString());
    assert.deepEqual(first.paidTo, { nodeKey: hotspotA.publicKey, owner: ownerA });
    const second = await router.deliver(await deliveryBy(hotspotB, frame));
    assert.equal(second.outcome, "duplicate");
    assert.equal(second.price, "0");
    assert.deepEqual(second.paidTo, { nodeKey: hotspotA.publicKey, owner: ownerA });
    // The first hotspot delivering its copy again earns nothing more either.
    assert.equal((await router.deliver(await deliveryBy(hotspotA, frame))).outcome, "duplicate");
    assert.deepEqual(router.owed(), new Map([[ownerA, price]]));
  });

  test("a refused delivery does not take the packet: the next valid hotspot is paid", async () => {
    const router = newRouter();
    const frame = frameOf(2);
    await rejects(router.deliver(await deliveryBy(stranger, frame)), "unregistered-hotspot");
    await rejects(router.deliver(await deliveryBy(jailed, frame)), "inactive-hotspot");
    await rejects(router.deliver(await deliveryBy(unbound, frame)), "bad-binding");
    await rejects(router.deliver(await deliveryBy(computeOnly, frame)), "not-coverage-provider");
    const paid = await router.deliver(await deliveryBy(hotspotB, frame));
    assert.equal(paid.outcome, "paid");
    assert.deepEqual(
      router.owed(),
      new Map([
        [ownerA, price],
        [ownerB, price],
      ]),
    );
  });

  test("replays: an envelope sent twice, a reused counter, an older counter", async () => {
    const router = newRouter();
    const envelope = await deliveryBy(hotspotA, frameOf(3));
    assert.equal((await router.deliver(envelope)).outcome, "paid");
    await rejects(router.deliver(envelope), "replayed");
    // The device's counter 3 with other bytes (a forged or replayed frame made with the key) is never paid.
    await rejects(router.deliver(await deliveryBy(hotspotB, frameOf(3, "other bytes"))), "replayed");
    // Counters only go up: after 40 newer frames, counter 3 is no longer a duplicate but a replay.
    for (let c = 4; c < 44; c++) await router.deliver(await deliveryBy(hotspotA, frameOf(c)));
    await rejects(router.deliver(await deliveryBy(hotspotB, frameOf(3))), "replayed");
    // A counter that skips ahead is fine (lost frames happen).
    assert.equal((await router.deliver(await deliveryBy(hotspotB, frameOf(100)))).outcome, "paid");
  });

  test("frames that arrive out of order inside the window are new, not replays", async () => {
    const router = newRouter();
    assert.equal((await router.deliver(await deliveryBy(hotspotA, frameOf(102)))).outcome, "paid");
    assert.equal((await router.deliver(await deliveryBy(hotspotA, frameOf(101)))).outcome, "paid");
    assert.equal((await router.deliver(await deliveryBy(hotspotB, frameOf(101)))).outcome, "duplicate");
    await rejects(router.deliver(await deliveryBy(hotspotB, frameOf(101, "altered"))), "replayed");
  });

  test("frames: malformed, unknown device, bad MIC refused; the valid one accepted", async () => {
    const router = newRouter();
    await rejects(router.deliver(await deliveryBy(hotspotA, new Uint8Array(30))), "malformed-packet");
    const other = encodeUplink({ deviceId: "0123456789abcdef", counter: 200, payload: Buffer.from("x") }, device.key);
    await rejects(router.deliver(await deliveryBy(hotspotA, other)), "unknown-device");
    const forged = new Uint8Array(frameOf(200));
    forged[14] = (forged[14] as number) ^ 0xff;
    await rejects(router.deliver(await deliveryBy(hotspotA, forged)), "bad-mic");
    assert.equal((await router.deliver(await deliveryBy(hotspotA, frameOf(200)))).outcome, "paid");
  });

  test("envelopes: wallet-signed, to someone else, stale, tampered are refused", async () => {
    const router = newRouter();
    const frame = frameOf(300);
    const byWallet = await signEnvelope(walletSigner(deviceOwner), {
      type: packetMessageTypes.deliver,
      to: routerAddress,
      body: { packet: Buffer.from(frame).toString("base64"), reception },
    });
    await rejects(router.deliver(byWallet), "not-a-hotspot");
    await rejects(router.deliver(await deliveryBy(hotspotA, frame, { to: ownerA })), "wrong-recipient");
    await rejects(router.deliver(await deliveryBy(hotspotA, frame, { now: () => Date.now() - 600_000 })), "stale");
    const tampered = await deliveryBy(hotspotA, frame);
    await rejects(router.deliver({ ...tampered, from: hotspotB.publicKey }), "bad-signature");
    assert.equal((await router.deliver(await deliveryBy(hotspotA, frame))).outcome, "paid");
    assert.equal(router.stats().rejected["not-a-hotspot"], 1);
  });

  test("state survives a restart; settle moves owed amounts out", async () => {
    const before = newRouter().stats();
    const router = newRouter();
    assert.deepEqual(router.stats().owed, before.owed);
    assert.equal((await router.deliver(await deliveryBy(hotspotB, frameOf(300)))).outcome, "duplicate");
    await rejects(router.deliver(await deliveryBy(hotspotB, frameOf(5))), "replayed");
    const owed = router.owed();
    const a = owed.get(ownerA) as bigint;
    await router.settle(new Map([[ownerA, a - price]]));
    assert.equal(newRouter().owed().get(ownerA), price);
    assert.throws(() => router.settle(new Map([[ownerA, price + 1n]])), { name: "InvalidInputError" });
  });
});
