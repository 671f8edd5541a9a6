// One real proof-of-coverage epoch over HTTP on loopback, for tests that read coverage results: a coverage oracle
// served by hono, hotspots on the simulated RF world at the given sites beaconing and witnessing each other, and
// the epoch judged once it has ended.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { latLngToCell } from "h3-js";
import { Hono } from "hono";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { installErrorHandling } from "../oracle/daemon/index.ts";
import { type NodeKey, nodeKeyFromSeed, walletSigner } from "../protocol/index.ts";
import { type Hotspot, startHotspot } from "../resources/coverage/hotspot/index.ts";
import { type CoverageOracle, createCoverageOracle } from "../resources/coverage/oracle/index.ts";
import type { CoverageEpoch } from "../resources/coverage/poc/index.ts";
import { defaultPocParams } from "../resources/coverage/poc/index.ts";
import { createRfWorld, createSimulatedRadio } from "../resources/coverage/radio/index.ts";

export interface JudgedCoverageEpoch {
  /** The oracle's base URL (its /v1/coverage/* routes). */
  url: string;
  oracle: CoverageOracle;
  keys: NodeKey[];
  /** Still running (into epoch 1) until close(). */
  hotspots: Hotspot[];
  result: CoverageEpoch;
  close(): Promise<void>;
}

/**
 * Runs epoch 0 with hotspots at `sites` (asserted at resolution 12) and returns it judged; ~epochMs + 7 s. `during`
 * runs while the epoch is open (to try things against the live oracle).
 */
export async function judgeCoverageEpoch(options: {
  sites: readonly { lat: number; lng: number }[];
  epochMs?: number;
  seed?: string;
  during?: (oracle: { url: string; keys: NodeKey[] }) => Promise<void>;
}): Promise<JudgedCoverageEpoch> {
  const account = privateKeyToAccount(`0x${"11".repeat(32)}`);
  const params = { ...defaultPocParams, maxReportDelayMs: 3_000 };
  const epochMs = options.epochMs ?? 10_000;
  const genesisMs = Date.now() + 4_000; // time to fetch assignments before the first slot
  const keys = options.sites.map((_, i) => nodeKeyFromSeed(new Uint8Array(32).fill(i + 1)));
  const oracle = createCoverageOracle({
    signer: walletSigner(account),
    signSeed: (seed) => account.signMessage({ message: { raw: seed } }),
    oracles: [account.address],
    params,
    genesisMs,
    epochMs,
    hotspots: async () =>
      keys.map((k, i) => {
        const site = options.sites[i] as { lat: number; lng: number };
        return {
          nodeKey: k.publicKey,
          owner: account.address.toLowerCase() as Hex,
          cell: latLngToCell(site.lat, site.lng, 12),
        };
      }),
    previousRoot: async () => `0x${"00".repeat(32)}`,
    shareBps: 2_000n,
  });
  const app = new Hono();
  oracle.mount(app);
  installErrorHandling(app, () => {});
  const server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const world = createRfWorld({ seed: options.seed ?? "coverage-epoch-fixture" });
  const hotspots = keys.map((key, i) =>
    startHotspot({
      key,
      driver: createSimulatedRadio({
        world,
        site: { id: key.publicKey, ...(options.sites[i] as { lat: number; lng: number }) },
      }),
      oracles: [url],
      oracleAddresses: [account.address],
      params,
      genesisMs,
      epochMs,
    }),
  );
  const close = async () => {
    await Promise.all(hotspots.map((h) => h.close()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    await options.during?.({ url, keys });
    // Judged once its report window has closed, as an oracle does: a beacon in the epoch's last moments has its
    // receipt and witness reports still in flight at the epoch's end.
    await new Promise((resolve) =>
      setTimeout(resolve, genesisMs + epochMs + params.maxReportDelayMs - Date.now() + 200),
    );
    const result = await oracle.closeEpoch(0);
    return { url, oracle, keys, hotspots, result, close };
  } catch (error) {
    await close();
    throw error;
  }
}
