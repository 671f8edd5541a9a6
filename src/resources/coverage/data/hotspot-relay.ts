// The hotspot's half of IoT data: every frame its radio hears that parses as a device uplink is signed with the
// hotspot's node key and delivered to each configured packet router (a router answers unknown-device for devices it
// does not serve). The hotspot cannot check a MIC (it has no device keys); routers do, and pay the first valid copy.
import { createHash } from "node:crypto";
import type { Hex } from "viem";
import { z } from "zod";
import { type NodeKey, nodeKeySigner, signEnvelope } from "../../../protocol/index.ts";
import type { RadioDriver, Reception } from "../radio/radio-driver.ts";
import { packetMessageTypes, packetOutcomeSchema, type RouterInfo, routerInfoSchema } from "./packet-messages.ts";
import { decodeUplink } from "./uplink-frame.ts";

export interface RelayStats {
  heard: number;
  /** Frames that were not device uplinks (beacons, other networks' traffic). */
  ignored: number;
  paid: number;
  duplicate: number;
  /** Refusals by the router, by reason. */
  rejected: Record<string, number>;
  /** Deliveries that got no answer (router down, network). */
  failed: number;
  /** Token base units this hotspot was told it earned. */
  earned: string;
}

export interface HotspotRelay {
  stats(): RelayStats;
  /** Resolves when every delivery started so far has its answer. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const errorBody = z
  .object({ error: z.string(), details: z.object({ reason: z.string() }).passthrough().optional() })
  .passthrough();

export function createHotspotRelay(options: {
  radio: RadioDriver;
  nodeKey: NodeKey;
  routers: string[];
  fetch?: typeof fetch;
  timeoutMs?: number;
  log: (line: string) => void;
  now?: () => number;
}): HotspotRelay {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const signer = nodeKeySigner(options.nodeKey);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const stats: RelayStats = { heard: 0, ignored: 0, paid: 0, duplicate: 0, rejected: {}, failed: 0, earned: "0" };
  const infos = new Map<string, Promise<RouterInfo>>();
  /** Frames relayed recently (hash → when), so a frame heard twice by this radio is delivered once. */
  const recent = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();

  const infoOf = (url: string) => {
    let info = infos.get(url);
    if (!info) {
      info = doFetch(`${url}/v1/info`, { signal: AbortSignal.timeout(timeoutMs) })
        .then(async (r) => routerInfoSchema.parse(await r.json()))
        .catch((error) => {
          infos.delete(url);
          throw error;
        });
      infos.set(url, info);
    }
    return info;
  };

  const deliver = async (url: string, reception: Reception) => {
    try {
      const info = await infoOf(url);
      const envelope = await signEnvelope(
        signer,
        {
          type: packetMessageTypes.deliver,
          to: info.router as Hex,
          body: {
            packet: Buffer.from(reception.frame.payload).toString("base64"),
            reception: {
              frequencyHz: reception.frame.frequencyHz,
              spreadingFactor: reception.frame.spreadingFactor,
              bandwidthHz: reception.frame.bandwidthHz,
              rssiDbm: reception.rssiDbm,
              snrDb: reception.snrDb,
              timeOfArrivalNs: reception.timeOfArrivalNs.toString(),
            },
          },
        },
        now,
      );
      const response = await doFetch(`${url}/v1/packets`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(envelope),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const json = await response.json();
      if (response.ok) {
        const outcome = packetOutcomeSchema.parse(json);
        stats[outcome.outcome]++;
        stats.earned = (BigInt(stats.earned) + BigInt(outcome.price)).toString();
        return;
      }
      const reason = errorBody.safeParse(json).data?.details?.reason ?? `http-${response.status}`;
      stats.rejected[reason] = (stats.rejected[reason] ?? 0) + 1;
      if (reason !== "unknown-device") options.log(`router ${url} refused a packet: ${reason}`);
    } catch (error) {
      stats.failed++;
      options.log(`delivery to ${url} failed: ${(error as Error).message}`);
    }
  };

  const stop = options.radio.onReceive((reception) => {
    stats.heard++;
    try {
      decodeUplink(reception.frame.payload);
    } catch {
      stats.ignored++;
      return;
    }
    const hash = createHash("sha256").update(reception.frame.payload).digest("hex");
    const t = now();
    for (const [h, at] of recent) if (t - at > 120_000) recent.delete(h);
    if (recent.has(hash)) return;
    recent.set(hash, t);
    for (const url of options.routers) {
      const job = deliver(url, reception);
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
    }
  });

  return {
    stats: () => ({ ...stats, rejected: { ...stats.rejected } }),
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async close() {
      stop();
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
