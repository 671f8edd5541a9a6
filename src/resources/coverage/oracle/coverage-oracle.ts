// Proof of coverage on an oracle: hands each scheduled beaconer its signed assignment, takes signed beacon receipts
// and witness reports (fresh, signed, not replayed, from a registered hotspot), judges each epoch once its report
// window has closed, and publishes verdicts, the coverage map and the epoch's reward component. Its routes mount on
// the oracle's HTTP API under /v1/coverage/ through the oracle's generic route extensions.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Hono } from "hono";
import type { Hex } from "viem";
import { z } from "zod";
import { InvalidInputError, StateError } from "../../../core/errors.ts";
import { writeJsonAtomic } from "../../../core/json-file.ts";
import { NotFoundError, type OracleRouteExtension } from "../../../oracle/daemon/index.ts";
import type { RewardComponent } from "../../../oracle/index.ts";
import {
  createReplayGuard,
  type Envelope,
  hex32,
  type MessageSigner,
  openEnvelope,
  signEnvelope,
} from "../../../protocol/index.ts";
import {
  type BeaconAssignment,
  beaconReceiptBody,
  beaconSchedule,
  type CoverageEpoch,
  type CoverageHotspot,
  coverageMessageTypes,
  type PocParams,
  type ScheduledBeacon,
  type SignatureBatchVerifier,
  scheduleSecretFrom,
  scheduleSeed,
  validateCoverageEpoch,
  witnessReportBody,
} from "../poc/index.ts";
import { coverageHexView } from "./coverage-hex-view.ts";

export const assignmentRequestType = "coverage.assignment-request";
export const assignmentRequestBody = z.strictObject({ epoch: z.number().int().nonnegative() });

export interface CoverageOracleOptions {
  /** The oracle's wallet signer (envelopes) and raw-message signature over the schedule seed. */
  signer: MessageSigner;
  signSeed: (seed: Hex) => Promise<Hex>;
  oracles: readonly Hex[];
  params: PocParams;
  /** Epoch e covers [genesisMs + e × epochMs, genesisMs + (e + 1) × epochMs). */
  genesisMs: number;
  epochMs: number;
  /** Hotspots registered for coverage with their asserted cells (the registry at the epoch's start). */
  hotspots: (epoch: number) => Promise<CoverageHotspot[]>;
  /** The earnings root posted for the epoch before `epoch` (zero root when none). */
  previousRoot: (epoch: number) => Promise<Hex>;
  /** The coverage share of each epoch's emission, basis points. */
  shareBps: bigint;
  /** Evidence and verdicts are kept here (append-only evidence, atomic verdict files); memory only when absent. */
  storeDir?: string;
  verifySignatures?: SignatureBatchVerifier;
  maxSkewMs?: number;
  now?: () => number;
}

interface EpochSchedule {
  epoch: number;
  /** This oracle's signature over the epoch's seed: revealed (in its evidence) once the epoch is over. */
  signature: Hex;
  beacons: ScheduledBeacon[];
  byBeaconer: Map<Hex, ScheduledBeacon>;
  hotspots: CoverageHotspot[];
  registered: Set<Hex>;
}

export interface CoverageOracle extends OracleRouteExtension {
  epochOf(ms: number): number;
  /** The signed assignment for a hotspot that proved who it is; NotFoundError when it does not beacon. */
  assignment(rawRequest: unknown): Promise<Envelope<BeaconAssignment>>;
  submitBeacon(raw: unknown): Promise<void>;
  submitWitness(raw: unknown): Promise<void>;
  /** Judges an epoch whose report window has closed (once; later calls return the same verdicts). */
  closeEpoch(epoch: number): Promise<CoverageEpoch>;
  result(epoch: number): CoverageEpoch | undefined;
  /**
   * What this oracle received for an ended epoch, with its schedule signature revealed: the evidence it signs into
   * its bundle so every oracle judges the union alike.
   */
  evidence(epoch: number): Promise<{ scheduleSignature: Hex; receipts: Envelope[]; witnesses: Envelope[] }>;
  /** Serves verdicts judged elsewhere (over every oracle's evidence) on this oracle's routes. */
  recordResult(result: CoverageEpoch): void;
  rewardComponent(epoch: number): RewardComponent | undefined;
}

const serialize = (value: unknown) =>
  JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) as Record<string, unknown>;

function pageParam(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d{1,13}$/.test(value) || n < min || n > max) {
    throw new InvalidInputError(`${name} is an integer from ${min} to ${max}`, { details: { [name]: value } });
  }
  return n;
}

export function createCoverageOracle(options: CoverageOracleOptions): CoverageOracle {
  const now = options.now ?? Date.now;
  const maxSkewMs = options.maxSkewMs ?? 60_000;
  const guard = createReplayGuard({ windowMs: 2 * maxSkewMs, now });
  const schedules = new Map<number, Promise<EpochSchedule>>();
  const evidence = new Map<number, { receipts: Envelope[]; witnesses: Envelope[] }>();
  const results = new Map<number, CoverageEpoch>();
  /** Bumped whenever an epoch's verdicts are replaced, so a reader paging through them can tell. */
  const versions = new Map<number, number>();
  const keep = (result: CoverageEpoch) => {
    results.set(result.epoch, result);
    versions.set(result.epoch, (versions.get(result.epoch) ?? 0) + 1);
  };
  const dir = options.storeDir ? join(options.storeDir, "coverage") : undefined;
  if (dir) mkdirSync(dir, { recursive: true });

  const epochOf = (ms: number) => Math.floor((ms - options.genesisMs) / options.epochMs);
  const windowOf = (epoch: number) => ({
    startMs: options.genesisMs + epoch * options.epochMs,
    endMs: options.genesisMs + (epoch + 1) * options.epochMs,
  });

  function schedule(epoch: number): Promise<EpochSchedule> {
    let s = schedules.get(epoch);
    if (!s) {
      s = (async () => {
        const seed = scheduleSeed({ epoch, previousRoot: await options.previousRoot(epoch), oracles: options.oracles });
        const signature = await options.signSeed(seed);
        const secret = scheduleSecretFrom(signature);
        const hotspots = await options.hotspots(epoch);
        const located = hotspots.filter((h) => h.cell !== undefined).map((h) => h.nodeKey);
        const beacons = beaconSchedule({ seed, secret, hotspots: located, ...windowOf(epoch), params: options.params });
        return {
          epoch,
          signature,
          beacons,
          byBeaconer: new Map(beacons.map((b) => [b.beaconer, b])),
          hotspots,
          registered: new Set(hotspots.map((h) => h.nodeKey)),
        };
      })();
      s.catch(() => schedules.delete(epoch));
      schedules.set(epoch, s);
    }
    return s;
  }

  function evidenceOf(epoch: number) {
    let e = evidence.get(epoch);
    if (!e) {
      e = { receipts: [], witnesses: [] };
      if (dir) {
        for (const [kind, list] of [
          ["receipts", e.receipts],
          ["witnesses", e.witnesses],
        ] as const) {
          const file = join(dir, `${kind}-${epoch}.jsonl`);
          if (!existsSync(file)) continue;
          for (const line of readFileSync(file, "utf8").split("\n")) if (line) list.push(JSON.parse(line));
        }
      }
      evidence.set(epoch, e);
    }
    return e;
  }

  async function intake(raw: unknown, kind: "receipts" | "witnesses"): Promise<void> {
    const type = kind === "receipts" ? coverageMessageTypes.beacon : coverageMessageTypes.witness;
    const body = kind === "receipts" ? beaconReceiptBody : witnessReportBody;
    const envelope = await openEnvelope(raw, { type, body, guard, maxSkewMs, now });
    const epoch = envelope.body.epoch;
    if (results.has(epoch)) throw new StateError("this epoch's coverage is already judged", { details: { epoch } });
    const current = epochOf(now());
    if (epoch !== current && epoch !== current - 1) {
      throw new InvalidInputError("reports are taken for the current and the previous epoch only", {
        details: { epoch, current },
      });
    }
    const s = await schedule(epoch);
    if (!s.registered.has(envelope.from as Hex)) {
      throw new InvalidInputError("the sender is not a registered coverage hotspot", {
        details: { from: envelope.from },
      });
    }
    evidenceOf(epoch)[kind].push(envelope);
    if (dir) appendFileSync(join(dir, `${kind}-${epoch}.jsonl`), `${JSON.stringify(envelope)}\n`);
  }

  async function closeEpoch(epoch: number): Promise<CoverageEpoch> {
    const done = results.get(epoch);
    if (done) return done;
    const { endMs } = windowOf(epoch);
    if (now() < endMs) throw new StateError("the epoch has not ended", { details: { epoch, endsAt: endMs } });
    const s = await schedule(epoch);
    const e = evidenceOf(epoch);
    const result = await validateCoverageEpoch(
      {
        epoch,
        params: options.params,
        beacons: s.beacons,
        hotspots: s.hotspots,
        receipts: e.receipts,
        witnesses: e.witnesses,
      },
      options.verifySignatures,
    );
    keep(result);
    if (dir) writeJsonAtomic(join(dir, `epoch-${epoch}.json`), serialize(result));
    return result;
  }

  function parseHotspot(value: string | undefined): Hex | undefined {
    if (value === undefined) return undefined;
    const parsed = hex32.safeParse(value.toLowerCase());
    if (!parsed.success) throw new InvalidInputError("a hotspot is its node key: 0x + 64 hex");
    return parsed.data;
  }

  function latestClosed(epochParam: string | undefined): CoverageEpoch {
    if (epochParam !== undefined) {
      if (!/^\d{1,12}$/.test(epochParam)) throw new InvalidInputError("an epoch is an integer ≥ 0");
      const r = results.get(Number(epochParam));
      if (!r) throw new NotFoundError("no coverage verdicts for this epoch (yet)", { details: { epoch: epochParam } });
      return r;
    }
    const latest = Math.max(-1, ...results.keys());
    const r = results.get(latest);
    if (!r) throw new NotFoundError("no epoch has been judged yet");
    return r;
  }

  async function readJson(req: { text(): Promise<string> }): Promise<unknown> {
    try {
      return JSON.parse(await req.text());
    } catch {
      throw new InvalidInputError("the request body is not JSON");
    }
  }

  const oracle: CoverageOracle = {
    name: "coverage",
    epochOf,
    async assignment(rawRequest) {
      const request = await openEnvelope(rawRequest, {
        type: assignmentRequestType,
        body: assignmentRequestBody,
        guard,
        maxSkewMs,
        now,
      });
      const s = await schedule(request.body.epoch);
      const beacon = s.byBeaconer.get(request.from as Hex);
      if (!beacon) throw new NotFoundError("this hotspot does not beacon in this epoch", { details: request.body });
      return signEnvelope(
        options.signer,
        {
          type: coverageMessageTypes.assignment,
          to: request.from as Hex,
          body: {
            epoch: s.epoch,
            beaconId: beacon.beaconId,
            beaconer: beacon.beaconer,
            slotMs: beacon.slotMs,
            payload: Buffer.from(beacon.payload).toString("base64"),
            oracle: options.signer.id,
          },
        },
        now,
      );
    },
    submitBeacon: (raw) => intake(raw, "receipts"),
    submitWitness: (raw) => intake(raw, "witnesses"),
    closeEpoch,
    result: (epoch) => results.get(epoch),
    async evidence(epoch) {
      if (now() < windowOf(epoch).endMs) throw new StateError("the epoch has not ended", { details: { epoch } });
      const { signature } = await schedule(epoch);
      const e = evidenceOf(epoch);
      return { scheduleSignature: signature, receipts: [...e.receipts], witnesses: [...e.witnesses] };
    },
    recordResult(result) {
      keep(result);
      if (dir) writeJsonAtomic(join(dir, `epoch-${result.epoch}.json`), serialize(result));
    },
    rewardComponent(epoch) {
      const r = results.get(epoch);
      if (!r) return undefined;
      return {
        name: "coverage",
        shareBps: options.shareBps,
        weights: r.hotspots.filter((h) => h.weight > 0n).map((h) => ({ nodeKey: h.nodeKey, weight: h.weight })),
      };
    },
    mount(app: Hono) {
      app.post("/v1/coverage/assignments", async (c) => c.json(await oracle.assignment(await readJson(c.req))));
      app.post("/v1/coverage/beacons", async (c) => {
        await oracle.submitBeacon(await readJson(c.req));
        return c.json({ accepted: true });
      });
      app.post("/v1/coverage/witnesses", async (c) => {
        await oracle.submitWitness(await readJson(c.req));
        return c.json({ accepted: true });
      });
      app.get("/v1/coverage/status", (c) => {
        const hotspot = parseHotspot(c.req.query("hotspot"));
        const current = epochOf(now());
        const e = evidence.get(current);
        const latest = results.size > 0 ? latestClosed(undefined) : undefined;
        return c.json({
          epoch: current,
          receivedThisEpoch: { beacons: e?.receipts.length ?? 0, witnesses: e?.witnesses.length ?? 0 },
          latestJudged: latest ? { epoch: latest.epoch, stats: latest.stats } : null,
          ...(hotspot && latest
            ? { hotspot: serialize(latest.hotspots.find((h) => h.nodeKey === hotspot) ?? { nodeKey: hotspot }) }
            : {}),
        });
      });
      app.get("/v1/coverage/map", (c) => {
        const r = latestClosed(c.req.query("epoch"));
        const resolution = Number(c.req.query("resolution") ?? 8);
        if (!Number.isInteger(resolution)) throw new InvalidInputError("resolution is an integer");
        const hexes = r.hexes.filter((h) => h.resolution === resolution).map(coverageHexView);
        return c.json({ epoch: r.epoch, resolution, hexes });
      });
      app.get("/v1/coverage/witnesses", (c) => {
        const r = latestClosed(c.req.query("epoch"));
        const hotspot = parseHotspot(c.req.query("hotspot"));
        const limit = Math.min(1000, Math.max(1, Number(c.req.query("limit") ?? 100) || 100));
        const rows = r.witnesses.filter((w) => !hotspot || w.witness === hotspot || w.beaconer === hotspot);
        return c.json({ epoch: r.epoch, total: rows.length, witnesses: rows.slice(-limit) });
      });
      // An epoch of 100,000 hotspots has over a million witness verdicts: served in pages of both lists at once.
      app.get("/v1/coverage/epochs/:e", (c) => {
        const r = latestClosed(c.req.param("e"));
        const limit = pageParam(c.req.query("limit"), "limit", 10_000, 1, 50_000);
        const page = <T>(list: readonly T[], from: number) => ({
          items: list.slice(from, from + limit),
          next: from + limit < list.length ? from + limit : null,
        });
        const hotspots = page(r.hotspots, pageParam(c.req.query("hotspotsFrom"), "hotspotsFrom", 0, 0, 1e12));
        const witnesses = page(r.witnesses, pageParam(c.req.query("witnessesFrom"), "witnessesFrom", 0, 0, 1e12));
        return c.json(
          serialize({
            ...r,
            hotspots: hotspots.items,
            witnesses: witnesses.items,
            page: { version: versions.get(r.epoch) ?? 0, hotspots: hotspots.next, witnesses: witnesses.next },
          }),
        );
      });
    },
  };
  return oracle;
}
