// Proof of coverage on a running oracle, through the daemon's generic extension points: the coverage routes
// (assignments, receipts, witnesses, /v1/coverage/*), this oracle's received evidence and revealed schedule
// signature in its signed bundle, and the coverage reward component computed over every oracle's evidence.
import type { Hex, PublicClient } from "viem";
import type { ChainWallet, Deployment } from "../../../chain/index.ts";
import { InvalidInputError } from "../../../core/errors.ts";
import { createEpochChainReader, type OracleExtension } from "../../../oracle/daemon/index.ts";
import { createSignatureVerifyPool, type SignatureVerifyPool, walletSigner } from "../../../protocol/index.ts";
import { createCoverageOracle } from "../oracle/index.ts";
import { type SignatureBatchVerifier, verifySignaturesInline } from "../poc/index.ts";
import { chainCoverageContext, chainCoverageShare, createCoverageRewards } from "./coverage-rewards.ts";
import { type CoverageEpochContext, readCoverageEpochContext } from "./epoch-context.ts";
import { coverageParamsFor, defaultCoverageShareBps } from "./network-params.ts";

export interface CoverageOracleExtensionOptions {
  client: PublicClient;
  deployment: Deployment;
  wallet: ChainWallet;
  /** The oracle's store folder; coverage evidence goes to <storeDir>/coverage/. */
  storeDir: string;
  now?: () => number;
}

export async function createCoverageOracleExtension(options: CoverageOracleExtensionOptions): Promise<OracleExtension> {
  const { client, deployment, wallet } = options;
  const now = options.now ?? Date.now;
  const reader = createEpochChainReader(client, deployment);
  const { oracles } = await reader.oracleSet();
  const contexts = new Map<number, Promise<CoverageEpochContext>>();
  const context = (epoch: number) => {
    let c = contexts.get(epoch);
    if (!c) {
      c = readCoverageEpochContext({ client, deployment, reader, epoch, now });
      c.catch(() => contexts.delete(epoch));
      contexts.set(epoch, c);
    }
    return c;
  };
  const epochMs = deployment.epoch.duration * 1000;
  // An epoch's reports (about 14 per hotspot) are checked on every core once there are enough to be worth the
  // threads; a few hundred are quicker here. The pool starts with the first large epoch.
  let pool: SignatureVerifyPool | undefined;
  const verifySignatures: SignatureBatchVerifier = (envelopes) => {
    if (envelopes.length < 2_000) return verifySignaturesInline(envelopes);
    pool ??= createSignatureVerifyPool();
    return pool.verify(envelopes);
  };
  const account = wallet.account;
  const signMessage = account.signMessage;
  if (!signMessage) throw new InvalidInputError("this oracle's account cannot sign messages");
  const oracle = createCoverageOracle({
    signer: walletSigner(account),
    signSeed: (seed: Hex) => signMessage({ message: { raw: seed } }),
    oracles,
    params: coverageParamsFor(epochMs),
    genesisMs: deployment.epoch.genesisTime * 1000,
    epochMs,
    hotspots: async (epoch) => (await context(epoch)).hotspots,
    previousRoot: async (epoch) => {
      await context(epoch);
      return epoch >= 2 ? ((await reader.readPostedRoot(epoch - 2))?.earningsRoot as Hex) : `0x${"0".repeat(64)}`;
    },
    shareBps: defaultCoverageShareBps,
    storeDir: options.storeDir,
    now,
  });
  return {
    name: oracle.name,
    mount: (app) => oracle.mount(app),
    evidence: (epoch) => oracle.evidence(epoch),
    rewards: createCoverageRewards({
      context: chainCoverageContext({ client, deployment, reader }),
      shareBps: chainCoverageShare({ client, deployment }),
      verifySignatures,
      onJudged: (result) => oracle.recordResult(result),
    }),
    async close() {
      await pool?.close();
    },
  };
}
