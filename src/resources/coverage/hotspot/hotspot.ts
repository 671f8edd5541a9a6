// A coverage hotspot: the provider side of proof of coverage. It asks the oracles for its beacon assignment each
// epoch (proving who it is with its node key), transmits the beacon through its radio driver at the assigned slot
// and signs a receipt, and for every beacon its radio hears signs a witness report with what it measured.
import type { Hex } from "viem";
import { GroundworkError } from "../../../core/errors.ts";
import { requestJson } from "../../../oracle/daemon/index.ts";
import {
  envelopeSchema,
  type MessageSigner,
  type NodeKey,
  nodeKeySigner,
  sha256Hex,
  signEnvelope,
  verifyEnvelopeSignature,
} from "../../../protocol/index.ts";
import { assignmentRequestType } from "../oracle/index.ts";
import {
  type BeaconAssignment,
  beaconAssignmentBody,
  coverageMessageTypes,
  type PocParams,
  parseBeaconPayload,
} from "../poc/index.ts";
import type { RadioDriver, Reception } from "../radio/index.ts";

/** Hand the beacon to the radio this early; the radio's timed transmit puts it on air at the slot. */
const LEAD_MS = 100;

export interface HotspotOptions {
  key: NodeKey;
  driver: RadioDriver;
  /** Oracle base URLs; reports go to every one, assignments come from the first that has one. */
  oracles: string[];
  /** Oracle wallet addresses whose assignments are trusted. */
  oracleAddresses: readonly Hex[];
  params: PocParams;
  genesisMs: number;
  epochMs: number;
  now?: () => number;
  log?: (line: string) => void;
}

export interface HotspotStats {
  beaconsSent: number;
  witnessesSent: number;
  reportsRefused: number;
}

export interface Hotspot {
  readonly stats: HotspotStats;
  /** Looks for assignments now (the loop also does so every quarter epoch, at least every 2 s). */
  poll(): Promise<void>;
  close(): Promise<void>;
}

export function startHotspot(options: HotspotOptions): Hotspot {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const signer: MessageSigner = nodeKeySigner(options.key);
  const trusted = new Set(options.oracleAddresses.map((a) => a.toLowerCase()));
  const stats: HotspotStats = { beaconsSent: 0, witnessesSent: 0, reportsRefused: 0 };
  const asked = new Set<number>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  async function send(path: string, envelope: unknown): Promise<void> {
    await Promise.all(
      options.oracles.map(async (url) => {
        try {
          const r = await requestJson(`${url}${path}`, { method: "POST", body: envelope });
          if (r.status !== 200) {
            stats.reportsRefused++;
            log(`oracle ${url} refused ${path}: ${JSON.stringify(r.json)}`);
          }
        } catch (error) {
          stats.reportsRefused++;
          log(`oracle ${url} unreachable: ${error instanceof GroundworkError ? error.message : String(error)}`);
        }
      }),
    );
  }

  /** The assignment; null when an oracle says this hotspot does not beacon; undefined when none could be had. */
  async function fetchAssignment(epoch: number): Promise<BeaconAssignment | null | undefined> {
    for (const url of options.oracles) {
      const request = await signEnvelope(signer, { type: assignmentRequestType, body: { epoch } }, now);
      let response: Awaited<ReturnType<typeof requestJson>>;
      try {
        response = await requestJson(`${url}/v1/coverage/assignments`, { method: "POST", body: request });
      } catch {
        continue;
      }
      if (response.status === 404) return null;
      if (response.status === 409) continue; // the oracle cannot schedule this epoch yet: asked again shortly
      const envelope = envelopeSchema.safeParse(response.json);
      const body = beaconAssignmentBody.safeParse(envelope.success ? envelope.data.body : undefined);
      if (
        !envelope.success ||
        !body.success ||
        envelope.data.type !== coverageMessageTypes.assignment ||
        !trusted.has(envelope.data.from) ||
        body.data.beaconer !== options.key.publicKey.toLowerCase() ||
        !(await verifyEnvelopeSignature(envelope.data))
      ) {
        log(`oracle ${url} sent an invalid assignment`);
        continue;
      }
      return body.data;
    }
    return undefined;
  }

  async function beacon(assignment: BeaconAssignment): Promise<void> {
    const payload = new Uint8Array(Buffer.from(assignment.payload, "base64"));
    // On air exactly at the slot by the radio's GPS clock, so witnesses' arrival times can be checked against it.
    const txTimeNs = BigInt(assignment.slotMs) * 1_000_000n;
    await options.driver.transmit({ payload, ...options.params.beacon, atNs: txTimeNs });
    stats.beaconsSent++;
    // The radio keeps its own (GPS) time, which may run a few ms ahead of the clock that stamps messages: a receipt
    // stamped before its slot would be refused as signed before the beacon.
    const early = assignment.slotMs - now();
    if (early >= 0) await new Promise((resolve) => setTimeout(resolve, early + 1));
    const receipt = await signEnvelope(
      signer,
      {
        type: coverageMessageTypes.beacon,
        body: {
          epoch: assignment.epoch,
          beaconId: assignment.beaconId,
          payloadHash: sha256Hex(payload),
          txTimeNs: txTimeNs.toString(),
        },
      },
      now,
    );
    await send("/v1/coverage/beacons", receipt);
  }

  async function witness(reception: Reception): Promise<void> {
    const beaconInfo = parseBeaconPayload(reception.frame.payload);
    if (!beaconInfo || beaconInfo.beaconer === options.key.publicKey.toLowerCase()) return;
    const epoch = Math.floor((Number(reception.timeOfArrivalNs / 1_000_000n) - options.genesisMs) / options.epochMs);
    const report = await signEnvelope(
      signer,
      {
        type: coverageMessageTypes.witness,
        body: {
          epoch,
          beaconId: beaconInfo.beaconId,
          beaconer: beaconInfo.beaconer,
          payloadHash: sha256Hex(reception.frame.payload),
          rssiDbm: reception.rssiDbm,
          snrDb: reception.snrDb,
          timeOfArrivalNs: reception.timeOfArrivalNs.toString(),
          frequencyHz: reception.frame.frequencyHz,
          spreadingFactor: reception.frame.spreadingFactor,
        },
      },
      now,
    );
    stats.witnessesSent++;
    await send("/v1/coverage/witnesses", report);
  }

  async function poll(): Promise<void> {
    const current = Math.floor((now() - options.genesisMs) / options.epochMs);
    for (const epoch of [current, current + 1]) {
      if (epoch < 0 || asked.has(epoch) || closed) continue;
      asked.add(epoch);
      const assignment = await fetchAssignment(epoch).catch(() => undefined);
      if (assignment === null) continue; // not beaconing this epoch
      if (!assignment) {
        asked.delete(epoch); // no oracle gave a valid answer: ask again next round
        continue;
      }
      const delay = assignment.slotMs - now() - LEAD_MS;
      if (delay < -LEAD_MS / 2) continue; // the slot passed while we were away
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          beacon(assignment).catch((error) => log(`beacon failed: ${String(error)}`));
        },
        Math.max(0, delay),
      );
      timers.add(timer);
    }
  }

  const stopListening = options.driver.onReceive((reception) => {
    witness(reception).catch((error) => log(`witness report failed: ${String(error)}`));
  });
  // Often enough that an assignment refused early in the epoch (its seed not yet known) is fetched before its slot.
  const loop = setInterval(() => void poll(), Math.max(250, Math.min(2_000, options.epochMs / 4)));
  void poll();
  return {
    stats,
    poll,
    async close() {
      closed = true;
      clearInterval(loop);
      for (const t of timers) clearTimeout(t);
      stopListening();
      await options.driver.close();
    },
  };
}
