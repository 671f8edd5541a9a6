// `gw provider init`: creates this home's node key (never overwriting one) and writes the provider config.
import { availableParallelism } from "node:os";
import { isValidCell, latLngToCell } from "h3-js";
import { parseUnits } from "viem";
import { InvalidInputError } from "../../core/errors.ts";
import {
  normalizeGatewayUrl,
  providerConfigSchema,
  providerPaths,
  redeemMinAmount,
  writeProviderConfig,
} from "../../provider/index.ts";
import { getResourceType, resourceTypes } from "../../resources/index.ts";
import { createNodeKeyFile, findAccount, unlockAccount } from "../../wallet/index.ts";
import { defineCommand } from "../command.ts";
import { parseIntegerFlag } from "../format.ts";
import { readPasswordFile } from "../provider-setup.ts";

function tokens(value: unknown, flag: string, fallback: string): string {
  const text = value === undefined ? fallback : String(value);
  if (!/^\d+(\.\d{1,18})?$/.test(text)) {
    throw new InvalidInputError(`invalid --${flag} ${text}`, {
      hint: "A number of GWK, e.g. 0.01 (up to 18 decimals).",
    });
  }
  return parseUnits(text, 18).toString();
}

function coordinate(value: unknown, flag: string, limit: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || Math.abs(n) > limit) {
    throw new InvalidInputError(`invalid --${flag} ${String(value)}`, {
      hint: `Degrees between -${limit} and ${limit}.`,
    });
  }
  return n;
}

/** Resolution of a cell given as --lat/--lng: about 10 m across, fine enough for proof-of-coverage physics. */
const assertResolution = 12;

/** The asserted H3 cell from --h3-cell or --lat/--lng; undefined when neither is given. */
function assertedCell(values: Record<string, unknown>): string | undefined {
  const cell = values["h3-cell"] as string | undefined;
  const lat = coordinate(values.lat, "lat", 90);
  const lng = coordinate(values.lng, "lng", 180);
  if (cell !== undefined) {
    const normalized = cell.toLowerCase().replace(/^0x/, "");
    if (!isValidCell(normalized) || lat !== undefined || lng !== undefined) {
      throw new InvalidInputError(`invalid --h3-cell ${cell}`, {
        hint: "An H3 index (15 hex digits), or --lat and --lng instead (not both).",
      });
    }
    return normalized;
  }
  if ((lat === undefined) !== (lng === undefined)) throw new InvalidInputError("give --lat and --lng together");
  return lat !== undefined && lng !== undefined ? latLngToCell(lat, lng, assertResolution) : undefined;
}

/** A coverage hotspot's offer from the flags: the oracles it reports to and its radio. */
function radioOffer(values: Record<string, unknown>): Record<string, unknown> {
  const oracles = (values.oracle as string[] | undefined) ?? [process.env.GW_ORACLE_URL ?? "http://127.0.0.1:8610"];
  const kind = (values.radio as string | undefined) ?? "sim";
  if (kind === "semtech") {
    const host = values["semtech-host"] as string | undefined;
    return {
      oracles,
      radio: {
        kind,
        port: parseIntegerFlag(values["semtech-port"], "semtech-port", 1700, 1, 65535),
        ...(host ? { host } : {}),
      },
    };
  }
  if (kind !== "sim") throw new InvalidInputError(`invalid --radio ${kind}`, { hint: "sim or semtech" });
  const lat = coordinate(values["radio-lat"], "radio-lat", 90);
  const lng = coordinate(values["radio-lng"], "radio-lng", 180);
  if ((lat === undefined) !== (lng === undefined))
    throw new InvalidInputError("give --radio-lat and --radio-lng together");
  return {
    oracles,
    radio: {
      kind,
      air: (values.air as string | undefined) ?? "ws://127.0.0.1:8620",
      ...(lat !== undefined ? { lat, lng } : {}),
    },
  };
}

export const providerInitCommand = defineCommand({
  words: ["provider", "init"],
  summary: "create this node's key and provider config",
  usage:
    "[--account NAME] [--gateway URL]... [--resource compute] [--capacity N] [--price-per-job GWK] " +
    "[--price-per-second GWK] [--max-memory-mb N] [--max-wall-seconds N] [--max-output-mb N] [--control-port 8700] " +
    "[--redeem-min GWK] [--redeem-interval SECONDS] [--node-password-file FILE] [--h3-cell CELL | --lat L --lng L] " +
    "[--resource coverage --oracle URL... --radio sim|semtech [--air ws://127.0.0.1:8620] [--semtech-port 1700] [--semtech-host 127.0.0.1] " +
    "[--radio-lat L --radio-lng L]]",
  options: {
    gateway: { type: "string", multiple: true },
    resource: { type: "string", multiple: true },
    capacity: { type: "string" },
    "price-per-job": { type: "string" },
    "price-per-second": { type: "string" },
    "max-memory-mb": { type: "string" },
    "max-wall-seconds": { type: "string" },
    "max-output-mb": { type: "string" },
    "control-port": { type: "string" },
    "redeem-min": { type: "string" },
    "redeem-interval": { type: "string" },
    "node-password-file": { type: "string" },
    "h3-cell": { type: "string" },
    lat: { type: "string" },
    lng: { type: "string" },
    oracle: { type: "string", multiple: true },
    radio: { type: "string" },
    air: { type: "string" },
    "semtech-port": { type: "string" },
    "semtech-host": { type: "string" },
    "radio-lat": { type: "string" },
    "radio-lng": { type: "string" },
  },
  async run(ctx, { values }) {
    const home = ctx.options.home;
    const account = findAccount(home, ctx.options.account);
    const gateways = ((values.gateway as string[] | undefined) ?? []).map(normalizeGatewayUrl);
    const names = (values.resource as string[] | undefined) ?? ["compute"];
    // One offer shape from the flags; each type's own offerSchema decides whether it fits (config validation).
    const offer = {
      pricePerJob: tokens(values["price-per-job"], "price-per-job", "0.01"),
      pricePerSecond: tokens(values["price-per-second"], "price-per-second", "0.001"),
      maxMemoryBytes: parseIntegerFlag(values["max-memory-mb"], "max-memory-mb", 512, 1, 4096) * 1024 ** 2,
      maxWallMs: parseIntegerFlag(values["max-wall-seconds"], "max-wall-seconds", 600, 1, 3600) * 1000,
      maxOutputBytes: parseIntegerFlag(values["max-output-mb"], "max-output-mb", 64, 1, 1024) * 1024 ** 2,
    };
    // A hotspot's offer (coverage) is where it reports and which radio it has, not prices and limits.
    const hotspotOffer = () => radioOffer(values);
    const offers: Record<string, unknown> = {};
    for (const name of names) {
      if (!getResourceType(name)) {
        throw new InvalidInputError(`unknown resource type ${name}`, {
          hint: `Known types: ${[...resourceTypes.keys()].join(", ")}.`,
        });
      }
      offers[name] = name === "coverage" ? hotspotOffer() : offer;
    }
    const location = assertedCell(values);
    const config = {
      version: 1 as const,
      owner: account.address,
      account: account.name,
      gateways,
      capacity: parseIntegerFlag(values.capacity, "capacity", Math.max(1, availableParallelism()), 1, 1024),
      ...(location ? { location: { h3Cell: location } } : {}),
      offers,
      redeem: {
        minAmount: (values["redeem-min"] as string | undefined) ?? "10",
        intervalSeconds: parseIntegerFlag(values["redeem-interval"], "redeem-interval", 3600, 1, 30 * 24 * 3600),
      },
      control: { host: "127.0.0.1", port: parseIntegerFlag(values["control-port"], "control-port", 8700, 0, 65535) },
    };
    const paths = providerPaths(home);
    // Validate everything before the key exists, so a bad flag leaves nothing behind.
    const checked = providerConfigSchema.safeParse(config);
    if (!checked.success) {
      throw new InvalidInputError("invalid provider settings", {
        details: { issues: checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
      });
    }
    redeemMinAmount(checked.data);
    const nodePasswordFile = values["node-password-file"] as string | undefined;
    let password: string;
    if (nodePasswordFile) {
      password = readPasswordFile(nodePasswordFile);
    } else {
      password = await ctx.password({ confirm: false, prompt: `Password for ${account.name}` });
      // The node key shares the owner's password: prove it is the right one now, not at the first start.
      unlockAccount(account, password);
    }
    const nodeKey = createNodeKeyFile(paths.nodeKey, password);
    const written = writeProviderConfig(home, config);
    const json = {
      nodeKey: nodeKey.publicKey,
      owner: written.owner,
      account: written.account,
      gateways: written.gateways,
      capacity: written.capacity,
      offers: written.offers,
      location: written.location ?? null,
      control: written.control,
      config: paths.config,
      nodeKeyFile: paths.nodeKey,
    };
    return {
      json,
      text: [
        `node key  ${nodeKey.publicKey}`,
        `owner     ${written.owner} (${written.account})`,
        `offers    ${Object.keys(written.offers).join(", ")}; capacity ${written.capacity}`,
        `gateways  ${written.gateways.length ? written.gateways.join(", ") : "(none: add with --gateway)"}`,
        `config    ${paths.config}`,
        "Next: `gw provider stake`, then `gw provider start`.",
      ].join("\n"),
    };
  },
});
