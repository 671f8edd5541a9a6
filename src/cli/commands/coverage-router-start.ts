// `gw coverage router start`: runs a packet router for the devices in this home, paid from the --account wallet
// (the device owner's escrow deposit). Hotspots deliver frames over HTTP; the first valid copy of each frame is paid
// the price of the owner's published offer (--price GWK publishes a new one; else the one published before, else
// 0.01 GWK) with vouchers sent through the gateway. Only registered coverage providers are paid. Runs until Ctrl-C.

import { StateError } from "../../core/errors.ts";
import {
  chainHotspotLookup,
  createPacketPayer,
  createPacketRouter,
  iotDataPaths,
  openDeviceRegistry,
  publishRouterOffer,
  readRouterOffer,
  startRouterServer,
} from "../../resources/coverage/data/index.ts";
import { createGroundworkClient } from "../../sdk/index.ts";
import { defineCommand } from "../command.ts";
import { formatToken, parseIntegerFlag, parseTokenAmount, toJsonLine } from "../format.ts";
import { waitForStopSignal } from "../stop-signal.ts";
import { customerPaymentStore, resolveGatewayUrl } from "./compute-run.ts";

export const coverageRouterStartCommand = defineCommand({
  words: ["coverage", "router", "start"],
  summary: "run a packet router: pays hotspots per delivered device packet (first valid copy only)",
  usage:
    "[--host 127.0.0.1] [--port 8700] [--price GWK (publishes the offer; default: the published one, else 0.01)] [--gateway URL] [--flush-ms 1000]",
  options: {
    host: { type: "string" },
    port: { type: "string" },
    price: { type: "string" },
    gateway: { type: "string" },
    "flush-ms": { type: "string" },
  },
  async run(ctx, { values }) {
    // Listen before anything starts: a signal that lands between the ready line and the wait must not kill us.
    const stopping = waitForStopSignal();
    const host = typeof values.host === "string" && values.host.length > 0 ? values.host : "127.0.0.1";
    const port = parseIntegerFlag(values.port, "port", 8700, 0, 65535);
    const flushMs = parseIntegerFlag(values["flush-ms"], "flush-ms", 1000, 10, 3_600_000);
    const gatewayUrl = resolveGatewayUrl(values.gateway as string | undefined, ctx);
    const deployment = ctx.deployment();
    const publicClient = ctx.publicClient();
    const { wallet } = await ctx.wallet();
    if (wallet.account.type !== "local") throw new StateError("this account cannot sign locally");
    const client = createGroundworkClient({
      gatewayUrl,
      account: wallet.account,
      deployment,
      publicClient,
      // The same channels as `gw compute run` from this home: one cumulative amount per provider, whoever pays.
      paymentStore: customerPaymentStore(ctx.options.home, deployment),
    });
    const paths = iotDataPaths(ctx.options.home);
    const account = wallet.account.address;
    const published = values.price === undefined ? readRouterOffer(paths.routerOffer, account) : undefined;
    const offer =
      published ??
      publishRouterOffer(paths.routerOffer, {
        router: account,
        pricePerPacket: parseTokenAmount((values.price as string | undefined) ?? "0.01", "--price"),
      });
    const price = BigInt(offer.pricePerPacket);
    const devices = openDeviceRegistry(paths.devices);
    const router = createPacketRouter({
      owner: wallet.account.address,
      devices,
      statePath: paths.routerState,
      pricePerPacket: price,
      lookupHotspot: chainHotspotLookup({ publicClient, deployment }),
    });
    const payer = createPacketPayer({ router, client, intervalMs: flushMs, log: ctx.log });
    const server = await startRouterServer({
      router,
      info: {
        router: router.owner,
        chainId: deployment.chainId,
        escrow: deployment.contracts.escrow,
        pricePerPacket: price.toString(),
        devices: devices.list().length,
      },
      offer,
      host,
      port,
      log: ctx.log,
    });
    payer.start();
    const summary = {
      status: "running",
      url: server.url,
      router: router.owner,
      pricePerPacket: price.toString(),
      offer: { ...offer, source: published ? "published" : "published now" },
      devices: devices.list().length,
      gateway: gatewayUrl,
    };
    if (ctx.options.json) {
      process.stdout.write(`${toJsonLine(summary)}\n`);
    } else {
      const lines = [
        "Groundwork packet router is running.",
        `  hotspots deliver to  ${server.url}/v1/packets`,
        `  paid by              ${router.owner}`,
        `  price per packet     ${formatToken(price)} GWK (offer published ${new Date(offer.publishedAt * 1000).toISOString()})`,
        `  devices              ${summary.devices}`,
        "Ctrl-C stops it.",
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    }
    const signal = await stopping;
    ctx.log(`${signal}: stopping`);
    await server.close();
    const last = await payer.stop();
    router.close();
    const stats = router.stats();
    return {
      json: { status: "stopped", signal, stats, vouchersDelivered: last.delivered },
      text: `stopped: ${stats.paid} packets paid (${formatToken(BigInt(stats.paidAmount))} GWK), ${stats.duplicates} duplicates`,
    };
  },
});
