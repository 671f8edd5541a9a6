// The Semtech UDP radio against a packet forwarder written here from the protocol description (raw bytes on a real
// UDP socket, not the codec under test): frames both ways, acks and their tokens, TX_ACK errors, malformed input.
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { after, before, describe, test } from "node:test";
import type { Reception } from "../radio-driver.ts";
import { createSemtechUdpRadio, type SemtechUdpRadio } from "./semtech-udp-radio.ts";

/** A minimal forwarder: sends datagrams to the radio and collects what comes back. */
class TestForwarder {
  readonly inbox: Buffer[] = [];
  private waiters: Array<(b: Buffer) => void> = [];
  constructor(
    readonly socket: Socket,
    readonly eui: Buffer,
    readonly radioPort: number,
  ) {
    socket.on("message", (bytes) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(bytes);
      else this.inbox.push(bytes);
    });
  }

  static async open(radioPort: number, euiHex: string): Promise<TestForwarder> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    return new TestForwarder(socket, Buffer.from(euiHex, "hex"), radioPort);
  }

  send(bytes: Buffer): void {
    this.socket.send(bytes, this.radioPort, "127.0.0.1");
  }

  next(timeoutMs = 2_000): Promise<Buffer> {
    const ready = this.inbox.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no datagram from the radio")), timeoutMs);
      this.waiters.push((b) => {
        clearTimeout(timer);
        resolve(b);
      });
    });
  }

  pushData(token: number, json: unknown): void {
    this.send(
      Buffer.concat([Buffer.from([2, token >> 8, token & 0xff, 0x00]), this.eui, Buffer.from(JSON.stringify(json))]),
    );
  }

  pullData(token: number): void {
    this.send(Buffer.concat([Buffer.from([2, token >> 8, token & 0xff, 0x02]), this.eui]));
  }

  txAck(token: number, error?: string): void {
    const body = error === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify({ txpk_ack: { error } }));
    this.send(Buffer.concat([Buffer.from([2, token >> 8, token & 0xff, 0x05]), this.eui, body]));
  }

  close(): void {
    this.socket.close();
  }
}

const rxpk = (data: Buffer, extra: Record<string, unknown> = {}) => ({
  tmst: 3512348611,
  time: "2026-11-24T05:40:12.528002345Z",
  chan: 2,
  rfch: 0,
  freq: 868.1,
  stat: 1,
  modu: "LORA",
  datr: "SF7BW125",
  codr: "4/5",
  rssi: -87,
  lsnr: 7.5,
  size: data.length,
  data: data.toString("base64"),
  ...extra,
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), "condition never held");
}

describe("SemtechUdpRadio", () => {
  let radio: SemtechUdpRadio;
  let forwarder: TestForwarder;
  const heard: Reception[] = [];

  before(async () => {
    radio = await createSemtechUdpRadio({ port: 0, txAckTimeoutMs: 500 });
    radio.onReceive((r) => heard.push(r));
    forwarder = await TestForwarder.open(radio.port, "aa555a0000000101");
  });
  after(async () => {
    forwarder.close();
    await radio.close();
  });

  test("PUSH_DATA: acked with the same token, every valid rxpk becomes a reception", async () => {
    heard.length = 0;
    const one = Buffer.from("hello over the air");
    const two = Buffer.from([0, 1, 2, 250, 255]);
    forwarder.pushData(0xbeef, {
      rxpk: [
        rxpk(one),
        rxpk(two, {
          datr: "SF12BW125",
          freq: 867.5,
          rssi: -120,
          lsnr: -15.25,
          time: undefined,
          tmms: 1_400_000_000_123,
        }),
      ],
      stat: { time: "2026-11-24 05:40:12 GMT", rxnb: 2, rxok: 2, rxfw: 2, ackr: 100, dwnb: 0, txnb: 0 },
    });
    const ack = await forwarder.next();
    assert.deepEqual([...ack], [2, 0xbe, 0xef, 0x01]);
    await waitFor(() => heard.length === 2);
    const [a, b] = heard as [Reception, Reception];
    assert.deepEqual(Buffer.from(a.frame.payload), one);
    assert.equal(a.frame.frequencyHz, 868_100_000);
    assert.equal(a.frame.spreadingFactor, 7);
    assert.equal(a.frame.bandwidthHz, 125_000);
    assert.equal(a.rssiDbm, -87);
    assert.equal(a.snrDb, 7.5);
    // Nanoseconds from the UTC stamp, all nine digits kept.
    assert.equal(a.timeOfArrivalNs, BigInt(Date.parse("2026-11-24T05:40:12Z")) * 1_000_000n + 528_002_345n);
    assert.deepEqual(Buffer.from(b.frame.payload), two);
    assert.equal(b.frame.spreadingFactor, 12);
    assert.equal(b.frame.frequencyHz, 867_500_000);
    // GPS milliseconds → Unix: + 315,964,800 s (GPS epoch) − 18 leap seconds.
    assert.equal(b.timeOfArrivalNs, (1_400_000_000_123n + 315_964_800_000n - 18_000n) * 1_000_000n);
    const state = radio.forwarders().find((f) => f.gatewayEui === "aa555a0000000101");
    assert.equal(state?.lastStat?.rxnb, 2);
  });

  test("rxpk that fail validation are dropped one by one; the datagram is still acked", async () => {
    heard.length = 0;
    const before = radio.stats().dropped;
    const good = Buffer.from("ok");
    forwarder.pushData(7, {
      rxpk: [
        rxpk(Buffer.from("bad crc"), { stat: -1 }),
        rxpk(Buffer.from("fsk"), { modu: "FSK", datr: 50000 }),
        rxpk(Buffer.from("short"), { size: 99 }),
        { ...rxpk(Buffer.from("no freq")), freq: "868.1" },
        rxpk(good),
      ],
    });
    assert.deepEqual([...(await forwarder.next())], [2, 0, 7, 0x01]);
    await waitFor(() => heard.length === 1);
    assert.deepEqual(Buffer.from((heard[0] as Reception).frame.payload), good);
    const after = radio.stats().dropped;
    assert.equal((after.crc ?? 0) - (before.crc ?? 0), 1);
    assert.equal((after["not-lora"] ?? 0) - (before["not-lora"] ?? 0), 1);
    assert.equal((after["size-mismatch"] ?? 0) - (before["size-mismatch"] ?? 0), 1);
    assert.equal((after["invalid-rxpk"] ?? 0) - (before["invalid-rxpk"] ?? 0), 1);
  });

  test("malformed datagrams are dropped without an answer and the radio keeps working", async () => {
    const before = radio.stats();
    forwarder.send(Buffer.from([2, 0]));
    forwarder.send(Buffer.from([1, 0, 1, 0x00, ...Buffer.alloc(8)]));
    forwarder.send(Buffer.from([2, 0, 1, 0x09]));
    forwarder.send(Buffer.concat([Buffer.from([2, 0, 2, 0x00]), forwarder.eui, Buffer.from("{not json")]));
    forwarder.send(Buffer.concat([Buffer.from([2, 0, 3, 0x00]), forwarder.eui, Buffer.from('{"rxpk": 5}')]));
    forwarder.send(Buffer.from([2, 0, 4, 0x02, 1, 2]));
    forwarder.send(Buffer.from([2, 0, 5, 0x01]));
    await waitFor(() => radio.stats().datagrams === before.datagrams + 7);
    const d = radio.stats().dropped;
    const delta = (k: string) => (d[k] ?? 0) - (before.dropped[k] ?? 0);
    assert.equal(delta("truncated"), 2);
    assert.equal(delta("bad-version"), 1);
    assert.equal(delta("unknown-identifier"), 1);
    assert.equal(delta("bad-json"), 2);
    assert.equal(delta("wrong-direction"), 1);
    assert.equal(forwarder.inbox.length, 0, "no answer to a malformed datagram");
    // Still alive: a keepalive is acked.
    forwarder.pullData(0x1234);
    assert.deepEqual([...(await forwarder.next())], [2, 0x12, 0x34, 0x04]);
  });

  test("transmit: PULL_RESP to the forwarder that pulled, resolved by TX_ACK with its token", async () => {
    forwarder.pullData(0x0101);
    assert.deepEqual([...(await forwarder.next())], [2, 1, 1, 0x04]);
    const payload = new Uint8Array([9, 8, 7, 6, 5]);
    const sent = radio.transmit({
      payload,
      frequencyHz: 869_525_000,
      spreadingFactor: 9,
      bandwidthHz: 125_000,
      powerDbm: 14,
    });
    const resp = await forwarder.next();
    assert.equal(resp[0], 2);
    assert.equal(resp[3], 0x03);
    const token = resp.readUInt16BE(1);
    const { txpk } = JSON.parse(resp.subarray(4).toString());
    assert.deepEqual(Buffer.from(txpk.data, "base64"), Buffer.from(payload));
    assert.equal(txpk.size, 5);
    assert.equal(txpk.freq, 869.525);
    assert.equal(txpk.datr, "SF9BW125");
    assert.equal(txpk.powe, 14);
    assert.equal(txpk.modu, "LORA");
    assert.equal(txpk.imme, true);
    // A TX_ACK with another token settles nothing.
    forwarder.txAck((token + 1) & 0xffff);
    forwarder.txAck(token);
    await sent;
    assert.equal(radio.stats().transmitted, 1);
    assert.ok((radio.stats().dropped["unexpected-tx-ack"] ?? 0) >= 1);
  });

  test("transmit at a GPS time: PULL_RESP with tmms (GPS ms since 1980-01-06, + 18 leap seconds), exact bytes", async () => {
    forwarder.pullData(0x0303);
    await forwarder.next();
    // 2026-11-24T05:40:12.528Z, with sub-millisecond digits the forwarder cannot use (rounded to the nearest ms).
    const atNs = BigInt(Date.parse("2026-11-24T05:40:12.528Z")) * 1_000_000n + 600_000n;
    const sent = radio.transmit({
      payload: new Uint8Array([0xca, 0xfe]),
      frequencyHz: 869_525_000,
      spreadingFactor: 9,
      bandwidthHz: 125_000,
      powerDbm: 16,
      atNs,
    });
    const resp = await forwarder.next();
    const token = resp.readUInt16BE(1);
    // Unix ms 1795498812529 (rounded) − 315964800000 (GPS epoch) + 18000 (leap seconds) = 1479534030529.
    const expected = Buffer.concat([
      Buffer.from([2, token >> 8, token & 0xff, 0x03]),
      Buffer.from(
        '{"txpk":{"tmms":1479534030529,"freq":869.525,"rfch":0,"powe":16,"modu":"LORA","datr":"SF9BW125","codr":"4/5","ipol":false,"size":2,"data":"yv4="}}',
      ),
    ]);
    assert.deepEqual(resp, expected);
    forwarder.txAck(token);
    await sent;
    // Heard back with that tmms, the reception's time is the same instant (to the millisecond).
    heard.length = 0;
    forwarder.pushData(0x0304, { rxpk: [rxpk(Buffer.from([0xca, 0xfe]), { time: undefined, tmms: 1479534030529 })] });
    await forwarder.next();
    await waitFor(() => heard.length === 1);
    assert.equal((heard[0] as Reception).timeOfArrivalNs, BigInt(Date.parse("2026-11-24T05:40:12.529Z")) * 1_000_000n);
  });

  test("transmit: a TX_ACK error rejects, a missing TX_ACK times out", async () => {
    forwarder.pullData(0x0202);
    await forwarder.next();
    const frame = {
      payload: new Uint8Array([1]),
      frequencyHz: 868_300_000,
      spreadingFactor: 7,
      bandwidthHz: 125_000,
      powerDbm: 27,
    };
    const refused = radio.transmit(frame);
    const resp = await forwarder.next();
    forwarder.txAck(resp.readUInt16BE(1), "TX_POWER");
    await assert.rejects(refused, (e: Error) => e.name === "RemoteError" && /TX_POWER/.test(e.message));
    const unanswered = radio.transmit(frame);
    await forwarder.next();
    await assert.rejects(unanswered, (e: Error) => e.name === "TimeoutError");
  });
});

describe("SemtechUdpRadio on the concentrator's counter (tmst)", () => {
  test("a timed frame maps to tmst from the latest reception, wrapping at 2^32; without one it is refused", async () => {
    const radio = await createSemtechUdpRadio({ port: 0, txTiming: "counter", txAckTimeoutMs: 500 });
    const forwarder = await TestForwarder.open(radio.port, "aa555a0000000202");
    const frame = {
      payload: new Uint8Array([1, 2, 3]),
      frequencyHz: 868_100_000,
      spreadingFactor: 7,
      bandwidthHz: 125_000,
      powerDbm: 14,
    };
    try {
      forwarder.pullData(1);
      await forwarder.next();
      const heardAt = Date.parse("2026-11-24T05:40:12Z");
      // No reception yet: nothing maps the counter to time, so nothing is sent.
      await assert.rejects(
        radio.transmit({ ...frame, atNs: BigInt(heardAt) * 1_000_000n }),
        (e: Error) => e.name === "StateError" && /counter/.test(e.message),
      );
      assert.equal(forwarder.inbox.length, 0);
      // Heard at counter 4,294,000,000 µs = 12.000000 s past the minute (UTC stamp); 2.5 s later the counter wraps.
      forwarder.pushData(2, { rxpk: [rxpk(Buffer.from("x"), { tmst: 4_294_000_000, time: "2026-11-24T05:40:12Z" })] });
      await forwarder.next();
      await waitFor(() => radio.stats().receptions === 1);
      const sent = radio.transmit({ ...frame, atNs: BigInt(heardAt + 2_500) * 1_000_000n });
      const resp = await forwarder.next();
      const token = resp.readUInt16BE(1);
      // 4,294,000,000 + 2,500,000 − 2^32 = 1,532,704.
      const expected = Buffer.concat([
        Buffer.from([2, token >> 8, token & 0xff, 0x03]),
        Buffer.from(
          '{"txpk":{"tmst":1532704,"freq":868.1,"rfch":0,"powe":14,"modu":"LORA","datr":"SF7BW125","codr":"4/5","ipol":false,"size":3,"data":"AQID"}}',
        ),
      ]);
      assert.deepEqual(resp, expected);
      forwarder.txAck(token);
      await sent;
      // Immediate frames still go out with imme.
      const now = radio.transmit(frame);
      const immediate = await forwarder.next();
      assert.equal(JSON.parse(immediate.subarray(4).toString()).txpk.imme, true);
      assert.equal(JSON.parse(immediate.subarray(4).toString()).txpk.tmst, undefined);
      forwarder.txAck(immediate.readUInt16BE(1));
      await now;
      // A time before the mapping's reading cannot be put on the counter.
      await assert.rejects(radio.transmit({ ...frame, atNs: BigInt(heardAt - 1_000) * 1_000_000n }), (e: Error) =>
        /too far/.test(e.message),
      );
    } finally {
      forwarder.close();
      await radio.close();
    }
  });
});

describe("SemtechUdpRadio with an EUI allowlist", () => {
  test("forwarders not on the list are dropped; no downlink path without PULL_DATA", async () => {
    const radio = await createSemtechUdpRadio({ port: 0, gatewayEuis: ["AA555A0000000001"] });
    const heard: Reception[] = [];
    radio.onReceive((r) => heard.push(r));
    const stranger = await TestForwarder.open(radio.port, "0102030405060708");
    const own = await TestForwarder.open(radio.port, "aa555a0000000001");
    try {
      await assert.rejects(
        radio.transmit({
          payload: new Uint8Array([1]),
          frequencyHz: 868_100_000,
          spreadingFactor: 7,
          bandwidthHz: 125_000,
          powerDbm: 14,
        }),
        (e: Error) => e.name === "StateError",
      );
      stranger.pushData(1, { rxpk: [rxpk(Buffer.from("spoof"))] });
      own.pushData(2, { rxpk: [rxpk(Buffer.from("mine"))] });
      assert.deepEqual([...(await own.next())], [2, 0, 2, 0x01]);
      await waitFor(() => heard.length === 1);
      assert.equal(Buffer.from((heard[0] as Reception).frame.payload).toString(), "mine");
      assert.equal(radio.stats().dropped["unknown-gateway"], 1);
      assert.equal(stranger.inbox.length, 0);
    } finally {
      stranger.close();
      own.close();
      await radio.close();
    }
  });
});
