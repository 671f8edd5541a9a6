// The packet router's decisions: a delivered frame is opened (hotspot signature, freshness, replay), checked (the
// hotspot registered, bound, offering the coverage resource type and active on chain; the device known; the MIC
// valid) and then judged under one lock:
// the first valid delivery of a (device, counter) is paid the router's price, later copies of the same frame are
// duplicates (unpaid), and a reused or too-old counter is a replay (refused). Every decision is made durable (a
// journal line, router-journal.ts) before the answer, with what is owed to each hotspot owner until it is paid.
import { createHash } from "node:crypto";
import type { Hex } from "viem";
import { InvalidInputError } from "../../../core/errors.ts";
import { createReplayGuard, MessageRejectedError, openEnvelope, type ReplayGuard } from "../../../protocol/index.ts";
import type { DeviceRegistry } from "./device-registry.ts";
import { type PacketOutcome, packetDeliverBody, packetMessageTypes } from "./packet-messages.ts";
import { openRouterJournal } from "./router-journal.ts";
import { type DecodedUplink, decodeUplink, UplinkDecodeError, verifyUplinkMic } from "./uplink-frame.ts";

export type PacketRejectReason =
  | "not-a-hotspot"
  | "unregistered-hotspot"
  | "bad-binding"
  | "not-coverage-provider"
  | "inactive-hotspot"
  | "malformed-packet"
  | "unknown-device"
  | "bad-mic"
  | "replayed";

export class PacketRejectedError extends InvalidInputError {
  override name = "PacketRejectedError";
  readonly reason: PacketRejectReason;

  constructor(reason: PacketRejectReason, message: string, details: Record<string, unknown> = {}) {
    super(message, { details: { reason, ...details } });
    this.reason = reason;
  }
}

/** A hotspot's registration as the router needs it; undefined when the node key is not registered. */
export type HotspotLookup = (
  nodeKey: Hex,
) => Promise<{ owner: Hex; active: boolean; bindingValid: boolean; offersCoverage: boolean } | undefined>;

export interface RouterStats {
  paid: number;
  duplicates: number;
  paidAmount: string;
  paidByOwner: Record<string, string>;
  rejected: Record<string, number>;
  owed: Record<string, string>;
}

export interface PacketRouter {
  readonly owner: Hex;
  readonly pricePerPacket: bigint;
  /** Judges one `packet.deliver` envelope; throws PacketRejectedError / MessageRejectedError when refused. */
  deliver(raw: unknown): Promise<PacketOutcome>;
  /** What is owed per hotspot owner and not yet in a voucher. */
  owed(): Map<Hex, bigint>;
  /** Records that these amounts are now in the payment store (promised in vouchers); resolves once on disk. */
  settle(amounts: ReadonlyMap<Hex, bigint>): Promise<void>;
  stats(): RouterStats;
  close(): void;
}

export interface PacketRouterOptions {
  /** The device owner's wallet address: pays, and is the `to` of every packet.deliver. */
  owner: Hex;
  devices: DeviceRegistry;
  /** The snapshot; the journal of decisions since is `<statePath>.journal`. */
  statePath: string;
  pricePerPacket: bigint;
  lookupHotspot: HotspotLookup;
  guard?: ReplayGuard;
  /** How many recent frames per device are remembered to tell a duplicate from a replay. */
  recentPerDevice?: number;
  now?: () => number;
}

export function createPacketRouter(options: PacketRouterOptions): PacketRouter {
  const owner = options.owner.toLowerCase() as Hex;
  const now = options.now ?? Date.now;
  const guard = options.guard ?? createReplayGuard({ windowMs: 120_000, now });
  const keep = options.recentPerDevice ?? 32;
  if (options.pricePerPacket <= 0n) throw new InvalidInputError("the price per packet must be more than zero");
  const journal = openRouterJournal({
    snapshotPath: options.statePath,
    journalPath: `${options.statePath}.journal`,
    window: keep,
  });
  const state = journal.state;
  const rejected: Record<string, number> = {};
  let lock: Promise<unknown> = Promise.resolve();

  const checkHotspot = async (nodeKey: Hex) => {
    const hotspot = await options.lookupHotspot(nodeKey);
    if (!hotspot)
      throw new PacketRejectedError("unregistered-hotspot", "the hotspot's node key is not registered", { nodeKey });
    if (!hotspot.bindingValid) {
      throw new PacketRejectedError("bad-binding", "the hotspot's registered binding does not verify", { nodeKey });
    }
    if (!hotspot.offersCoverage) {
      throw new PacketRejectedError(
        "not-coverage-provider",
        "the hotspot is registered, but not for the coverage resource type",
        { nodeKey },
      );
    }
    if (!hotspot.active)
      throw new PacketRejectedError("inactive-hotspot", "the hotspot is not active (unstaked or jailed)", { nodeKey });
    return hotspot.owner.toLowerCase() as Hex;
  };

  const judge = (uplink: DecodedUplink, frame: Buffer, nodeKey: Hex, hotspotOwner: Hex): PacketOutcome => {
    const hash = createHash("sha256").update(frame).digest("hex");
    const packetId = `${uplink.deviceId}:${uplink.counter}`;
    const device = state.devices[uplink.deviceId] ?? { last: -1, recent: [] };
    const seen = device.recent.find((r) => r.counter === uplink.counter);
    if (seen) {
      if (seen.hash !== hash) {
        // The same counter with other bytes: a replayed or forged frame, never paid again.
        throw new PacketRejectedError("replayed", "the frame counter was already used", {
          deviceId: uplink.deviceId,
          counter: uplink.counter,
        });
      }
      journal.record({ t: "duplicate" });
      return {
        outcome: "duplicate",
        packetId,
        deviceId: uplink.deviceId,
        counter: uplink.counter,
        price: "0",
        paidTo: { nodeKey: seen.nodeKey, owner: seen.owner },
      };
    }
    // A sliding window, as in IPsec: every accepted counter above the oldest one remembered is remembered, so an
    // unseen counter in the window is new (frames may arrive out of order); one below it cannot be told from a replay.
    const oldest = device.recent[0]?.counter ?? -1;
    if (uplink.counter < device.last && device.recent.length >= keep && uplink.counter <= oldest) {
      throw new PacketRejectedError("replayed", "the frame counter is older than the router's window", {
        deviceId: uplink.deviceId,
        counter: uplink.counter,
        last: device.last,
      });
    }
    journal.record({
      t: "paid",
      deviceId: uplink.deviceId,
      entry: { counter: uplink.counter, hash, nodeKey, owner: hotspotOwner },
      price: options.pricePerPacket.toString(),
    });
    return {
      outcome: "paid",
      packetId,
      deviceId: uplink.deviceId,
      counter: uplink.counter,
      price: options.pricePerPacket.toString(),
      paidTo: { nodeKey, owner: hotspotOwner },
    };
  };

  const deliver = async (raw: unknown): Promise<PacketOutcome> => {
    const envelope = await openEnvelope(raw, {
      type: packetMessageTypes.deliver,
      body: packetDeliverBody,
      guard,
      recipient: owner,
      now,
    });
    if (envelope.from.length !== 66) {
      throw new PacketRejectedError("not-a-hotspot", "packets must be delivered by a hotspot's node key");
    }
    const nodeKey = envelope.from as Hex;
    const frame = Buffer.from(envelope.body.packet, "base64");
    let uplink: DecodedUplink;
    try {
      uplink = decodeUplink(frame);
    } catch (error) {
      if (error instanceof UplinkDecodeError) {
        throw new PacketRejectedError("malformed-packet", error.message, error.details);
      }
      throw error;
    }
    const key = options.devices.keyOf(uplink.deviceId);
    if (!key)
      throw new PacketRejectedError("unknown-device", "this router does not serve the device", {
        deviceId: uplink.deviceId,
      });
    if (!verifyUplinkMic(uplink, key)) {
      throw new PacketRejectedError("bad-mic", "the frame's MIC does not match the device key", {
        deviceId: uplink.deviceId,
      });
    }
    const hotspotOwner = await checkHotspot(nodeKey);
    const decided = lock.then(() => judge(uplink, frame, nodeKey, hotspotOwner));
    lock = decided.catch(() => undefined);
    const outcome = await decided;
    // Answer only once the decision is on disk: a crash after an answer never forgets a payment or a counter.
    await journal.sync();
    return outcome;
  };

  return {
    owner,
    pricePerPacket: options.pricePerPacket,
    async deliver(raw) {
      try {
        return await deliver(raw);
      } catch (error) {
        const reason =
          error instanceof PacketRejectedError || error instanceof MessageRejectedError ? error.reason : "error";
        rejected[reason] = (rejected[reason] ?? 0) + 1;
        throw error;
      }
    },
    owed() {
      return new Map(Object.entries(state.owed).map(([o, a]) => [o as Hex, BigInt(a)]));
    },
    settle(amounts) {
      for (const [hotspotOwner, amount] of amounts) {
        const key = hotspotOwner.toLowerCase();
        if (amount > BigInt(state.owed[key] ?? "0")) {
          throw new InvalidInputError("settling more than is owed", { details: { owner: key } });
        }
      }
      for (const [hotspotOwner, amount] of amounts) {
        if (amount > 0n) journal.record({ t: "settle", owner: hotspotOwner.toLowerCase(), amount: amount.toString() });
      }
      return journal.sync();
    },
    stats() {
      return {
        paid: state.totals.paid,
        duplicates: state.totals.duplicates,
        paidAmount: state.totals.paidAmount,
        paidByOwner: { ...state.totals.byOwner },
        rejected: { ...rejected },
        owed: { ...state.owed },
      };
    },
    close: () => journal.close(),
  };
}
