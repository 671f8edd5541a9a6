// Anyone's check of a posted root (`gw oracle verify`): fetch the epoch an oracle published and the bundles it lists,
// check each bundle's signature and signer, take the previous epoch's leaves only if they prove the previous posted
// root, recompute from chain data + bundles, and compare with what `RootPosted` (and its jail and slash events) put
// on chain. Trusts the oracle for nothing but availability.
import type { Hex, PublicClient } from "viem";
import { buildEarningsTree, type Deployment } from "../../chain/index.ts";
import { RemoteError, StateError } from "../../core/errors.ts";
import {
  type Bundle,
  buildEpochInputs,
  bundleHash,
  computeEpochResult,
  diffRoots,
  leavesMap,
  type SerializedResult,
  verifyBundle,
} from "./epoch-builder.ts";
import { createEpochChainReader } from "./epoch-chain.ts";
import { requestJson } from "./http-client.ts";
import type { RewardComponentSource } from "./oracle-extension.ts";

export interface EpochVerification {
  epoch: number;
  equal: boolean;
  diff: string[];
  posted: {
    earningsRoot: Hex;
    cumulativeTotal: bigint;
    jailed: Hex[];
    slashes: { nodeKey: Hex; amount: bigint }[];
    signers: Hex[];
  };
  computed: { earningsRoot: Hex; cumulativeTotal: bigint; jailed: Hex[]; slashes: { nodeKey: Hex; amount: bigint }[] };
  bundles: { hash: Hex; oracle: Hex; challenges: number; fraud: number; extensions: string[] }[];
  /** Reward components as recomputed, by component name: the total and each owner's amount. */
  components: Record<string, { total: bigint; owners: Record<string, bigint> }>;
}

const zeroRoot = `0x${"0".repeat(64)}` as Hex;

export async function verifyPublishedEpoch(params: {
  publicClient: PublicClient;
  deployment: Deployment;
  oracleUrl: string;
  epoch: number;
  /** Resource types' reward components, recomputed from the bundles' evidence like the oracles do. */
  components?: readonly RewardComponentSource[];
}): Promise<EpochVerification> {
  const { epoch } = params;
  const base = params.oracleUrl.replace(/\/+$/, "");
  const reader = createEpochChainReader(params.publicClient, params.deployment);
  const posted = await reader.readPostedRoot(epoch);
  if (!posted)
    throw new StateError(`epoch ${epoch} has no root on chain yet`, { hint: "`gw status` shows the epochs." });
  const published = await requestJson(`${base}/v1/epochs/${epoch}`);
  const hashes = (published.json as { bundleHashes?: Hex[] } | undefined)?.bundleHashes;
  if (published.status !== 200 || !Array.isArray(hashes)) {
    throw new RemoteError(`the oracle at ${base} does not publish epoch ${epoch}`, {
      details: { status: published.status },
    });
  }
  const { oracles } = await reader.oracleSet();
  const bundles: Bundle[] = [];
  for (const hash of hashes) {
    const response = await requestJson(`${base}/v1/epochs/${epoch}/bundles/${hash}`);
    if (response.status !== 200) throw new RemoteError(`the oracle does not serve bundle ${hash}`);
    const bundle = await verifyBundle(response.json, { epoch, oracles });
    if (bundleHash(bundle) !== hash) throw new RemoteError(`bundle ${hash} does not hash to its name`);
    bundles.push(bundle);
  }
  let previous = new Map<Hex, bigint>();
  if (epoch > 0) {
    const before = await reader.readPostedRoot(epoch - 1);
    const response = await requestJson(`${base}/v1/epochs/${epoch - 1}`);
    const result = (response.json as { result?: SerializedResult } | undefined)?.result;
    if (!before || !result) throw new RemoteError(`cannot get the leaves of epoch ${epoch - 1}`);
    const leaves = result.leaves.map((l) => ({
      account: l.account as Hex,
      cumulativeAmount: BigInt(l.cumulativeAmount),
    }));
    const root = leaves.length > 0 ? buildEarningsTree(leaves).root : zeroRoot;
    if (root !== before.earningsRoot) {
      throw new RemoteError(`the published leaves of epoch ${epoch - 1} do not prove its posted root`, {
        details: { posted: before.earningsRoot, published: root },
      });
    }
    previous = leavesMap(result.leaves);
  }
  const chain = await reader.readEpoch(epoch);
  const result = computeEpochResult(
    await buildEpochInputs({
      chain,
      bundles,
      previous,
      ...(params.components ? { components: params.components } : {}),
    }),
  );
  const diff = diffRoots(result, posted);
  return {
    epoch,
    equal: diff.length === 0,
    diff: diff.map((line) => line.replace("expected", "computed").replace("got", "posted")),
    posted: {
      earningsRoot: posted.earningsRoot,
      cumulativeTotal: posted.cumulativeTotal,
      jailed: posted.jailed,
      slashes: posted.slashes,
      signers: posted.signers,
    },
    computed: {
      earningsRoot: result.earningsRoot,
      cumulativeTotal: result.cumulativeTotal,
      jailed: result.jailed,
      slashes: result.slashes,
    },
    bundles: bundles.map((b) => ({
      hash: bundleHash(b),
      oracle: b.from as Hex,
      challenges: b.body.challenges.length,
      fraud: b.body.fraud.length,
      extensions: Object.keys(b.body.extensions ?? {}).sort(),
    })),
    components: Object.fromEntries(
      [...new Set(result.owners.flatMap((o) => Object.keys(o.components ?? {})))].sort().map((name) => [
        name,
        {
          total: result.owners.reduce((sum, o) => sum + (o.components?.[name] ?? 0n), 0n),
          owners: Object.fromEntries(result.owners.map((o) => [o.owner, o.components?.[name] ?? 0n])),
        },
      ]),
    ),
  };
}
