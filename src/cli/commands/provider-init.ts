// `gw provider init`: creates this home's node key (never overwriting one) and writes the provider config.
import { availableParallelism } from "node:os";
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

export const providerInitCommand = defineCommand({
  words: ["provider", "init"],
  summary: "create this node's key and provider config",
  usage:
    "[--account NAME] [--gateway URL]... [--resource compute] [--capacity N] [--price-per-job GWK] " +
    "[--price-per-second GWK] [--max-memory-mb N] [--max-wall-seconds N] [--max-output-mb N] [--control-port 8700] " +
    "[--redeem-min GWK] [--redeem-interval SECONDS] [--node-password-file FILE]",
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
    const offers: Record<string, unknown> = {};
    for (const name of names) {
      if (!getResourceType(name)) {
        throw new InvalidInputError(`unknown resource type ${name}`, {
          hint: `Known types: ${[...resourceTypes.keys()].join(", ")}.`,
        });
      }
      offers[name] = offer;
    }
    const config = {
      version: 1 as const,
      owner: account.address,
      account: account.name,
      gateways,
      capacity: parseIntegerFlag(values.capacity, "capacity", Math.max(1, availableParallelism()), 1, 1024),
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
