// `gw coverage device create | send` in process: credentials and the router's registry written, frames put on a
// real Semtech UDP socket (the hotspot's radio) with MICs the router's key verifies, counters that only go up across
// runs, and bad flags refused with input errors.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, test } from "node:test";
import {
  decodeUplink,
  iotDataPaths,
  openDeviceRegistry,
  verifyUplinkMic,
} from "../../resources/coverage/data/index.ts";
import type { Reception } from "../../resources/coverage/radio/index.ts";
import { createSemtechUdpRadio } from "../../resources/coverage/radio/semtech/index.ts";
import { tempHome } from "../../testing/index.ts";
import { createCliContext, resolveGlobalOptions } from "../context.ts";
import { coverageDeviceCreateCommand } from "./coverage-device-create.ts";
import { coverageDeviceSendCommand } from "./coverage-device-send.ts";

const home = tempHome("gw-device-");
after(() => home.remove());
const ctx = createCliContext(resolveGlobalOptions({ json: true, home: home.path }, {}), {});

test("device create, then send: frames reach both hotspots' radios with valid MICs and rising counters", async () => {
  const created = await coverageDeviceCreateCommand.run(ctx, { values: { name: "meter" }, positionals: [] });
  const { deviceId, credentials } = created.json as { deviceId: string; credentials: string };
  assert.match(deviceId, /^[0-9a-f]{16}$/);
  assert.equal(credentials, iotDataPaths(home.path).deviceCredentials(deviceId));
  const key = openDeviceRegistry(iotDataPaths(home.path).devices).keyOf(deviceId) as string;
  assert.equal(JSON.parse(readFileSync(credentials, "utf8")).key, key);

  const radios = await Promise.all([createSemtechUdpRadio({ port: 0 }), createSemtechUdpRadio({ port: 0 })]);
  const heard: Reception[][] = [[], []];
  for (const [i, radio] of radios.entries()) {
    radio.onReceive((x) => {
      heard[i]?.push(x);
    });
  }
  try {
    const send = (count: string) =>
      coverageDeviceSendCommand.run(ctx, {
        values: {
          device: deviceId,
          hotspot: [`127.0.0.1:${radios[0]?.port},-80`, `127.0.0.1:${radios[1]?.port}`],
          count,
          payload: "t=21.5",
        },
        positionals: [],
      });
    const first = await send("2");
    assert.equal(first.exitCode, 0);
    assert.deepEqual((first.json as { sent: unknown[] }).sent, [
      { counter: 0, hotspots: 2 },
      { counter: 1, hotspots: 2 },
    ]);
    const second = await send("1");
    assert.deepEqual((second.json as { sent: unknown[] }).sent, [{ counter: 2, hotspots: 2 }]);
    for (const [i, list] of heard.entries()) {
      assert.equal(list.length, 3);
      for (const [n, reception] of list.entries()) {
        const uplink = decodeUplink(reception.frame.payload);
        assert.equal(uplink.counter, n);
        assert.equal(uplink.deviceId, deviceId);
        assert.equal(Buffer.from(uplink.payload).toString(), "t=21.5");
        assert.ok(verifyUplinkMic(uplink, key));
        assert.equal(reception.rssiDbm, i === 0 ? -80 : -90);
        assert.equal(reception.frame.spreadingFactor, 7);
      }
    }
  } finally {
    await Promise.all(radios.map((r) => r.close()));
  }
});

test("send refuses bad flags and unknown devices before anything goes on air", async () => {
  const run = (values: Record<string, unknown>) =>
    coverageDeviceSendCommand.run(ctx, { values: values as never, positionals: [] });
  await assert.rejects(run({ hotspot: ["127.0.0.1:1700"] }), { name: "InvalidInputError" });
  await assert.rejects(run({ device: "00", hotspot: ["nope"] }), { name: "InvalidInputError" });
  await assert.rejects(run({ device: "00", hotspot: ["127.0.0.1:99999"] }), { name: "InvalidInputError" });
  await assert.rejects(run({ device: "00", hotspot: ["127.0.0.1:1700"], sf: "13" }), { name: "InvalidInputError" });
  await assert.rejects(run({ device: "00", hotspot: ["127.0.0.1:1700"], payload: "x".repeat(300) }), {
    name: "InvalidInputError",
  });
  await assert.rejects(run({ device: "0123456789abcdef", hotspot: ["127.0.0.1:1700"] }), { name: "StateError" });
});
