// Wash trading with IoT data does not pay: an owner registers a hotspot, deposits into escrow, and has its own fake
// device send packets that only its own hotspot relays. The router pays the hotspot per packet through the real
// payment path (payer → voucher → the provider's voucher book and redeemer → Escrow on anvil); the oracles count
// that redemption as paid-work revenue like any other (Escrow.VoucherRedeemed), so the work-emission cap applies.
// The test runs the numbers on chain: the owner's tokens before and after, including the epoch reward it claims.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Hex, parseUnits } from "viem";
import { escrowAbi, tokenAbi, writeContractAndWait } from "../../../chain/index.ts";
import { claimRewards } from "../../../economics/claim-rewards.ts";
import { createOracleClient } from "../../../economics/oracle-client.ts";
import { createEpochChainReader, epochAt } from "../../../oracle/daemon/index.ts";
import { computeEpoch } from "../../../oracle/index.ts";
import { generateNodeKeySeed, nodeKeyFromSeed } from "../../../protocol/index.ts";
import {
  createProviderMetrics,
  createVoucherBook,
  createVoucherRedeemer,
  silentLogger,
} from "../../../provider/index.ts";
import { createGroundworkClient, createPaymentStore } from "../../../sdk/index.ts";
import {
  advancePastEpoch,
  postTestEpoch,
  registerTestProvider,
  startFakeGateway,
  startFakeOracle,
  startTestChain,
  type TestChain,
  tempHome,
} from "../../../testing/index.ts";
import { createSemtechUdpRadio, createUdpPacketForwarder, rxpkFor } from "../radio/semtech/index.ts";
import { nextUplink, writeDeviceCredentials } from "./device-credentials.ts";
import { openDeviceRegistry } from "./device-registry.ts";
import { chainHotspotLookup } from "./hotspot-lookup.ts";
import { createHotspotRelay } from "./hotspot-relay.ts";
import { createPacketPayer } from "./packet-payer.ts";
import { createPacketRouter } from "./packet-router.ts";
import { startRouterServer } from "./router-server.ts";

const home = tempHome("gw-wash-");
const gwk = (v: string) => parseUnits(v, 18);
const ownerIndex = 2;
const price = gwk("0.5");
const packets = 40;
let chain: TestChain;

before(async () => {
  // One long epoch, so everything below lands in epoch 0 however slow the machine is.
  chain = await startTestChain({ epochSeconds: 3600 });
});
after(async () => {
  await chain?.stop();
  home.remove();
});

test("a hotspot relaying its own fake device's packets earns less than it pays", async () => {
  const { publicClient, deployment } = chain;
  const { token, escrow } = deployment.contracts;
  const owner = chain.account(ownerIndex).address.toLowerCase() as Hex;
  const wallet = chain.wallet(ownerIndex);
  const hotspotKey = nodeKeyFromSeed(generateNodeKeySeed());
  await registerTestProvider(chain, { ownerIndex, nodeKey: hotspotKey, resourceTypes: ["coverage"] });
  await writeContractAndWait(publicClient, wallet, {
    address: token,
    abi: tokenAbi,
    functionName: "approve",
    args: [escrow, gwk("100")],
  });
  await writeContractAndWait(publicClient, wallet, {
    address: escrow,
    abi: escrowAbi,
    functionName: "deposit",
    args: [gwk("100")],
  });
  const tokens = () =>
    publicClient.readContract({ address: token, abi: tokenAbi, functionName: "balanceOf", args: [owner] });
  const deposit = () =>
    publicClient.readContract({ address: escrow, abi: escrowAbi, functionName: "depositOf", args: [owner] });
  const before = { tokens: await tokens(), deposit: await deposit() };

  // The owner's router, fake device and hotspot: frames go over a real Semtech UDP socket to the hotspot's radio.
  const devices = openDeviceRegistry(join(home.path, "devices.json"));
  const credentials = devices.create("fake");
  const credentialsFile = join(home.path, "device.json");
  writeDeviceCredentials(credentialsFile, credentials);
  const router = createPacketRouter({
    owner,
    devices,
    statePath: join(home.path, "router.json"),
    pricePerPacket: price,
    lookupHotspot: chainHotspotLookup({ publicClient, deployment }),
  });
  const server = await startRouterServer({
    router,
    info: { router: owner, chainId: deployment.chainId, escrow, pricePerPacket: price.toString(), devices: 1 },
    host: "127.0.0.1",
    port: 0,
    log: () => {},
  });
  const radio = await createSemtechUdpRadio({ port: 0 });
  const relay = createHotspotRelay({ radio, nodeKey: hotspotKey, routers: [server.url], log: () => {} });
  const air = await createUdpPacketForwarder({ host: "127.0.0.1", port: radio.port, gatewayEui: "aa555a0000000001" });
  for (let i = 0; i < packets; i++) {
    const { frame } = nextUplink(credentialsFile, Buffer.from(`fake ${i}`));
    await air.push([
      rxpkFor({
        payload: frame,
        frequencyHz: 868_100_000,
        spreadingFactor: 7,
        bandwidthHz: 125_000,
        rssiDbm: -60,
        snrDb: 9,
        now: Date.now(),
      }),
    ]);
  }
  await new Promise((r) => setTimeout(r, 50));
  await relay.idle();
  assert.equal(relay.stats().paid, packets);
  const gross = price * BigInt(packets);
  assert.equal(BigInt(router.stats().paidAmount), gross);

  // Payment: the payer signs the owner's voucher to itself; the gateway hands it to the hotspot's provider daemon,
  // whose voucher book and redeemer (the real ones) redeem it on chain.
  const gateway = await startFakeGateway({ chainId: deployment.chainId, handleJob: () => ({ status: 500, body: {} }) });
  const client = createGroundworkClient({
    gatewayUrl: gateway.url,
    account: chain.account(ownerIndex),
    deployment,
    publicClient,
    paymentStore: createPaymentStore(join(home.path, "payments")),
  });
  const payer = createPacketPayer({ router, client, intervalMs: 60_000, log: () => {} });
  const flushed = await payer.flush();
  assert.ok(flushed.delivered, flushed.error);
  assert.deepEqual([...flushed.vouchers], [[owner, gross]]);
  const book = createVoucherBook({
    path: join(home.path, "vouchers.json"),
    owner,
    domain: { chainId: deployment.chainId, escrow },
  });
  for (const submission of gateway.voucherSubmissions) {
    for (const v of submission.body.vouchers) await book.accept(v);
  }
  const redeemer = createVoucherRedeemer({
    book,
    publicClient,
    wallet,
    escrow,
    minAmount: 1n,
    intervalMs: 60_000,
    log: silentLogger,
    metrics: createProviderMetrics(),
  });
  const redeemed = await redeemer.run({ force: true });
  assert.equal(redeemed?.amount, gross.toString());
  await Promise.all([relay.close(), air.close(), server.close(), gateway.close(), redeemer.stop()]);
  await radio.close();

  // The epoch, as every oracle computes it from chain: this revenue is paid work like any compute job's.
  const epoch = epochAt(deployment, Number((await publicClient.getBlock()).timestamp));
  await advancePastEpoch(chain, epoch);
  const data = await createEpochChainReader(publicClient, deployment).readEpoch(epoch);
  assert.deepEqual(data.revenue, [{ owner, amount: gross }]);
  const result = computeEpoch({
    epoch,
    startTime: data.window.startTime,
    endTime: data.window.endTime,
    emission: data.emission,
    params: data.params,
    providers: data.providers,
    revenue: data.revenue,
    liveness: [],
    fraud: [],
    previous: new Map(),
  });
  const mine = result.owners.find((o) => o.owner === owner);
  const { burnBps, workEmissionCapBps, workShareBps } = data.params;
  const cap = (gross * burnBps * workEmissionCapBps) / 10n ** 8n;
  const pool = (data.emission * workShareBps) / 10_000n;
  const work = pool < cap ? pool : cap;
  assert.equal(mine?.work, work);
  assert.equal(mine?.liveness, 0n);

  // Post that root (signed by the dev oracles) and let the owner claim it.
  const posted = await postTestEpoch(chain, {
    epoch,
    owners: [{ owner, revenue: gross, work, liveness: 0n }],
    nodes: [],
  });
  assert.equal(posted.earningsRoot, result.earningsRoot);
  const oracle = await startFakeOracle();
  oracle.epochs = [posted];
  const claim = await claimRewards(publicClient, wallet, {
    deployment,
    account: owner,
    oracle: createOracleClient({ url: oracle.url }),
  });
  await oracle.close();
  assert.equal(claim.claimed, work);

  // The numbers: spent `gross` from escrow, got the provider share back and the capped work reward.
  const [providerBps, treasuryBps] = await publicClient.readContract({
    address: escrow,
    abi: escrowAbi,
    functionName: "shares",
  });
  const providerShare = (gross * BigInt(providerBps)) / 10_000n;
  const after = { tokens: await tokens(), deposit: await deposit() };
  const net = after.tokens + after.deposit - (before.tokens + before.deposit);
  assert.equal(after.deposit, before.deposit - gross);
  assert.equal(after.tokens, before.tokens + providerShare + work);
  assert.equal(net, providerShare + work - gross);
  assert.ok(net < 0n, `wash trading must lose money, got ${net}`);
  // At least the treasury's share plus the part of the burn the capped reward does not give back.
  const burned = (gross * burnBps) / 10_000n;
  const treasury = (gross * BigInt(treasuryBps)) / 10_000n;
  assert.ok(-net >= treasury + (burned - work));
  console.log(
    JSON.stringify({
      packets,
      gross: gross.toString(),
      providerShare: providerShare.toString(),
      workReward: work.toString(),
      net: net.toString(),
    }),
  );
});
