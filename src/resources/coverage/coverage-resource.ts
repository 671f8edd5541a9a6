// Coverage as a resource type: it runs no jobs (paid IoT data travels through the packet router), but a provider
// that offers it runs a hotspot, and every oracle takes its proofs of coverage and pays the coverage component.
// The heavy parts load on first use, so importing the type list stays cheap and free of import cycles.
import { z } from "zod";
import { InvalidInputError } from "../../core/errors.ts";
import type { ResourceType } from "../resource-type.ts";
import { type CoverageOffer, coverageOfferSchema } from "./network/coverage-offer.ts";
import { coverageTypeName } from "./network/network-params.ts";

const noJobs = () => new InvalidInputError("coverage takes no jobs: hotspots earn by proofs of coverage and data");

export const coverageResource: ResourceType<CoverageOffer, never> = {
  name: coverageTypeName,
  rewardWeight: 1,
  offerSchema: coverageOfferSchema as z.ZodType<CoverageOffer>,
  specSchema: z.never(),
  blobsOf: () => [],
  accepts: () => false,
  quote: () => 0n,
  price: () => 0n,
  resultDigest: () => {
    throw noJobs();
  },
  deterministic: () => false,
  precheck: async () => {
    throw noJobs();
  },
  createRuntime: () => ({
    run: async () => {
      throw noJobs();
    },
    close: async () => {},
  }),
  async startProviderService(context) {
    const { startCoverageHotspot } = await import("./network/hotspot-service.ts");
    return startCoverageHotspot(context);
  },
  async oracleExtension(context) {
    const { createCoverageOracleExtension } = await import("./network/coverage-oracle-extension.ts");
    return createCoverageOracleExtension({
      client: context.publicClient,
      deployment: context.deployment,
      wallet: context.wallet,
      storeDir: context.storeDir,
      ...(context.now ? { now: context.now } : {}),
    });
  },
  async rewardComponentSource(context) {
    const [{ chainCoverageContext, chainCoverageShare, createCoverageRewards }, { createEpochChainReader }] =
      await Promise.all([import("./network/coverage-rewards.ts"), import("../../oracle/daemon/index.ts")]);
    const { publicClient: client, deployment } = context;
    return createCoverageRewards({
      context: chainCoverageContext({ client, deployment, reader: createEpochChainReader(client, deployment) }),
      shareBps: chainCoverageShare({ client, deployment }),
    });
  },
};
