// The packet router against the real ProviderRegistry on anvil: only relays registered for the coverage resource
// type are paid. An unregistered relay and one registered only for compute are refused over HTTP with the reason,
// and leave the router's journal, what it owes, the vouchers and the escrow exactly as they were; a registered
// coverage relay is paid the price of the owner's published offer. The registry lookup is cached with an expiry.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Hex } from "viem";
import { escrowAbi } from "../../../chain/index.ts";
import {
  generateNodeKeySeed,
  type NodeKey,
  nodeKeyFromSeed,
  nodeKeySigner,
  signEnvelope,
} from "../../../protocol/index.ts";
import { createGroundworkClient, createPaymentStore } from "../../../sdk/index.ts";
import {
  registerTestProvider,
  startFakeGateway,
  startTestChain,
  type TestChain,
  tempHome,
} from "../../../testing/index.ts";
import { openDeviceRegistry } from "./device-registry.ts";
import { chainHotspotLookup } from "./hotspot-lookup.ts";
import { packetMessageTypes } from "./packet-messages.ts";
import { createPacketPayer } from "./packet-payer.ts";
import { createPacketRouter } from "./packet-router.ts";
import { publishRouterOffer, readRouterOffer } from "./router-offer.ts";
import { startRouterServer } from "./router-server.ts";
import { encodeUplink } from "./uplink-frame.ts";

// biome-ignore lint/suspicious/noExplicitAny: test assertions read JSON freely.
type Json = Record<string, any>;

const home = tempHome("gw-router-registry-");
let chain: TestChain;

before(async () => {
  chain = await startTestChain({ epochSeconds: 3600 });
});
after(async () => {
  await chain?.stop();
  home.remove();
});

test("only registered coverage providers are paid; a refused relay changes nothing", async () => {
  const { publicClient, deployment } = chain;
  const ownerIndex = 3;
  const owner = chain.account(ownerIndex).address.toLowerCase() as Hex;
  const coverageRelay = nodeKeyFromSeed(generateNodeKeySeed());
  const computeRelay = nodeKeyFromSeed(generateNodeKeySeed());
  const stranger = nodeKeyFromSeed(generateNodeKeySeed());
  await registerTestProvider(chain, { ownerIndex: 4, nodeKey: coverageRelay, resourceTypes: ["coverage"] });
  await registerTestProvider(chain, { ownerIndex: 5, nodeKey: computeRelay, resourceTypes: ["compute"] });

  const offerPath = join(home.path, "offer.json");
  const offer = publishRouterOffer(offerPath, { router: owner, pricePerPacket: 300_000_000_000_000_000n });
  assert.deepEqual(readRouterOffer(offerPath, owner), offer);
  const devices = openDeviceRegistry(join(home.path, "devices.json"));
  const device = devices.create("meter");
  const statePath = join(home.path, "router.json");
  const router = createPacketRouter({
    owner,
    devices,
    statePath,
    pricePerPacket: BigInt(offer.pricePerPacket),
    lookupHotspot: chainHotspotLookup({ publicClient, deployment }),
  });
  const server = await startRouterServer({
    router,
    offer,
    info: {
      router: owner,
      chainId: deployment.chainId,
      escrow: deployment.contracts.escrow,
      pricePerPacket: offer.pricePerPacket,
      devices: 1,
    },
    host: "127.0.0.1",
    port: 0,
    log: () => {},
  });
  const gateway = await startFakeGateway({ chainId: deployment.chainId, handleJob: () => ({ status: 500, body: {} }) });
  const payer = createPacketPayer({
    router,
    client: createGroundworkClient({
      gatewayUrl: gateway.url,
      account: chain.account(ownerIndex),
      deployment,
      publicClient,
      paymentStore: createPaymentStore(join(home.path, "payments")),
    }),
    intervalMs: 60_000,
    log: () => {},
  });
  const deposit = () =>
    publicClient.readContract({
      address: deployment.contracts.escrow,
      abi: escrowAbi,
      functionName: "depositOf",
      args: [owner],
    });
  const files = () =>
    [statePath, `${statePath}.journal`].map((p) => (existsSync(p) ? readFileSync(p).toString("hex") : null));
  const deliver = async (relay: NodeKey, counter: number) => {
    const envelope = await signEnvelope(nodeKeySigner(relay), {
      type: packetMessageTypes.deliver,
      to: owner,
      body: {
        packet: Buffer.from(
          encodeUplink({ deviceId: device.deviceId, counter, payload: Buffer.from(`reading ${counter}`) }, device.key),
        ).toString("base64"),
        reception: {
          frequencyHz: 868_100_000,
          spreadingFactor: 7,
          bandwidthHz: 125_000,
          rssiDbm: -90,
          snrDb: 5,
          timeOfArrivalNs: "1795000000000000000",
        },
      },
    });
    const response = await fetch(`${server.url}/v1/packets`, { method: "POST", body: JSON.stringify(envelope) });
    return { status: response.status, body: (await response.json()) as Json };
  };

  try {
    assert.deepEqual(await (await fetch(`${server.url}/v1/offer`)).json(), offer);
    const before = { files: files(), deposit: await deposit(), stats: router.stats() };
    const refusedStranger = await deliver(stranger, 1);
    assert.equal(refusedStranger.status, 400);
    assert.equal(refusedStranger.body.details.reason, "unregistered-hotspot");
    assert.match(refusedStranger.body.message, /not registered/);
    const refusedCompute = await deliver(computeRelay, 1);
    assert.equal(refusedCompute.status, 400);
    assert.equal(refusedCompute.body.details.reason, "not-coverage-provider");
    assert.match(refusedCompute.body.message, /coverage/);
    // Nothing moved: no journal line, nothing owed, no voucher, the escrow as it was.
    assert.deepEqual(files(), before.files);
    assert.deepEqual(router.owed(), new Map());
    assert.equal(router.stats().paid, 0);
    assert.equal(router.stats().paidAmount, before.stats.paidAmount);
    const flushed = await payer.flush();
    assert.deepEqual([...flushed.vouchers], []);
    assert.equal(gateway.voucherSubmissions.length, 0);
    assert.equal(await deposit(), before.deposit);

    // The same packet from a registered coverage relay is paid the offer's price, and a voucher goes out.
    const paid = await deliver(coverageRelay, 1);
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.outcome, "paid");
    assert.equal(paid.body.price, offer.pricePerPacket);
    const relayOwner = chain.account(4).address.toLowerCase();
    assert.deepEqual([...(await payer.flush()).vouchers], [[relayOwner, BigInt(offer.pricePerPacket)]]);
    assert.equal(gateway.voucherSubmissions.length, 1);
    assert.notDeepEqual(files(), before.files);
  } finally {
    await server.close();
    await gateway.close();
    router.close();
  }
});

test("the registry lookup is cached until it expires", async () => {
  let t = 1_000_000;
  const lookup = chainHotspotLookup({
    publicClient: chain.publicClient,
    deployment: chain.deployment,
    ttlMs: 30_000,
    now: () => t,
  });
  const late = nodeKeyFromSeed(generateNodeKeySeed());
  assert.equal(await lookup(late.publicKey), undefined);
  await registerTestProvider(chain, { ownerIndex: 6, nodeKey: late, resourceTypes: ["coverage"] });
  // Within the expiry the cached answer stands (no chain read per packet) …
  t += 29_000;
  assert.equal(await lookup(late.publicKey), undefined);
  // … after it, the registration is read again.
  t += 2_000;
  const found = await lookup(late.publicKey);
  assert.equal(found?.offersCoverage, true);
  assert.equal(found?.owner.toLowerCase(), chain.account(6).address.toLowerCase());
});

test("a published offer is checked: a zero price and another account's offer are refused", () => {
  const path = join(home.path, "offer-check.json");
  const account = chain.account(3).address;
  assert.throws(() => publishRouterOffer(path, { router: account, pricePerPacket: 0n }), /more than zero/);
  assert.equal(existsSync(path), false);
  publishRouterOffer(path, { router: account, pricePerPacket: 1n });
  assert.throws(
    () => readRouterOffer(path, chain.account(2).address),
    (e: Error) => e.name === "InvalidInputError" && /another account/.test(e.message),
  );
});
