// Test support: epochs posted on a real test chain the way the oracles post them (real earnings trees, EpochRoot
// signatures from the dev oracle accounts, Rewards.postRoot after the epoch ended), and a small HTTP server that
// serves them with the oracle API's shapes (docs/oracle.md). Faults are injected at the edge: a tampered proof,
// a missing earnings endpoint.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestClient, type Hex, http } from "viem";
import {
  buildEarningsTree,
  bundleRootSignatures,
  rewardsAbi,
  signEpochRoot,
  writeContractAndWait,
} from "../chain/index.ts";
import { devAccountRoles } from "../localnet/index.ts";
import type { TestChain } from "./chain-fixture.ts";

export interface TestEpochOwner {
  owner: Hex;
  revenue: bigint;
  work: bigint;
  liveness: bigint;
}

export interface TestEpochNode {
  nodeKey: Hex;
  owner: Hex;
  jailed: boolean;
  slashed: bigint;
}

/** One epoch as the fake oracle serves it. */
export interface TestEpoch {
  epoch: number;
  earningsRoot: Hex;
  cumulativeTotal: bigint;
  leaves: { account: Hex; cumulativeAmount: bigint }[];
  jailed: Hex[];
  slashes: { nodeKey: Hex; amount: bigint }[];
  owners: (TestEpochOwner & { reward: bigint; cumulative: bigint })[];
  nodes: TestEpochNode[];
}

/** Moves anvil's clock past the end of `epoch` and mines a block. */
export async function advancePastEpoch(chain: TestChain, epoch: number): Promise<void> {
  const { genesisTime, duration } = chain.deployment.epoch;
  const endsAt = genesisTime + (epoch + 1) * duration;
  const now = Number((await chain.publicClient.getBlock()).timestamp);
  const test = createTestClient({ mode: "anvil", transport: http(chain.anvil.rpcUrl) });
  if (now < endsAt) await test.increaseTime({ seconds: endsAt - now + 1 });
  await test.mine({ blocks: 1 });
}

/**
 * Computes `epoch` from the previous one (cumulative leaves grow by each owner's work + liveness), builds the tree,
 * waits out the epoch on anvil, signs the root with the dev oracles and posts it. Returns what an oracle serves.
 */
export async function postTestEpoch(
  chain: TestChain,
  params: {
    epoch: number;
    previous?: TestEpoch;
    owners: TestEpochOwner[];
    nodes: TestEpochNode[];
  },
): Promise<TestEpoch> {
  const cumulative = new Map<string, bigint>();
  for (const leaf of params.previous?.leaves ?? []) cumulative.set(leaf.account.toLowerCase(), leaf.cumulativeAmount);
  const owners = params.owners.map((o) => {
    const reward = o.work + o.liveness;
    const total = (cumulative.get(o.owner.toLowerCase()) ?? 0n) + reward;
    cumulative.set(o.owner.toLowerCase(), total);
    return { ...o, reward, cumulative: total };
  });
  const leaves = [...cumulative.entries()]
    .sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1))
    .map(([account, cumulativeAmount]) => ({ account: account as Hex, cumulativeAmount }));
  const tree = buildEarningsTree(leaves);
  const cumulativeTotal = leaves.reduce((s, l) => s + l.cumulativeAmount, 0n);
  const jailed = params.nodes.filter((n) => n.jailed).map((n) => n.nodeKey);
  const slashes = params.nodes.filter((n) => n.slashed > 0n).map((n) => ({ nodeKey: n.nodeKey, amount: n.slashed }));
  const root = { epoch: BigInt(params.epoch), earningsRoot: tree.root, cumulativeTotal, jailed, slashes };
  const domain = { chainId: chain.deployment.chainId, rewards: chain.deployment.contracts.rewards };
  const signed = await Promise.all(
    devAccountRoles.oracles.map(async (i) => ({
      signer: chain.account(i).address,
      signature: await signEpochRoot(chain.account(i), domain, root),
    })),
  );
  await advancePastEpoch(chain, params.epoch);
  await writeContractAndWait(chain.publicClient, chain.wallet(devAccountRoles.oracles[0]), {
    address: chain.deployment.contracts.rewards,
    abi: rewardsAbi,
    functionName: "postRoot",
    args: [root, bundleRootSignatures(signed)],
  });
  return {
    epoch: params.epoch,
    earningsRoot: tree.root,
    cumulativeTotal,
    leaves,
    jailed,
    slashes,
    owners,
    nodes: params.nodes,
  };
}

export interface FakeOracle {
  url: string;
  epochs: TestEpoch[];
  /** Serve proofs whose amount is one unit more than the leaf (a lying oracle). */
  tamper: boolean;
  /** Answer 404 on /v1/accounts/:a/earnings (an oracle without it: clients fall back to proofs). */
  earningsEndpoint: boolean;
  close(): Promise<void>;
}

const str = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

export async function startFakeOracle(): Promise<FakeOracle> {
  const state = { epochs: [] as TestEpoch[], tamper: false, earningsEndpoint: true };
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(str(body));
    };
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const find = (e: string) => state.epochs.find((x) => x.epoch === Number(e));
    let m = /^\/v1\/epochs\/(\d+)$/.exec(path);
    if (m) {
      const epoch = find(m[1] as string);
      return epoch ? send(200, epoch) : send(404, { error: "unknown epoch" });
    }
    m = /^\/v1\/epochs\/(\d+)\/proofs\/(0x[0-9a-fA-F]{40})$/.exec(path);
    if (m) {
      const epoch = find(m[1] as string);
      const account = (m[2] as string).toLowerCase();
      const index = epoch?.leaves.findIndex((l) => l.account.toLowerCase() === account) ?? -1;
      if (!epoch || index < 0) return send(404, { error: "no leaf" });
      const leaf = epoch.leaves[index] as TestEpoch["leaves"][number];
      const proof = buildEarningsTree(epoch.leaves).getProof(index);
      return send(200, {
        epoch: epoch.epoch,
        root: epoch.earningsRoot,
        account: leaf.account,
        cumulativeAmount: leaf.cumulativeAmount + (state.tamper ? 1n : 0n),
        proof,
      });
    }
    m = /^\/v1\/accounts\/(0x[0-9a-fA-F]{40})\/earnings$/.exec(path);
    if (m && state.earningsEndpoint) {
      const account = (m[1] as string).toLowerCase();
      const epochs = state.epochs.flatMap((e) => {
        const o = e.owners.find((x) => x.owner.toLowerCase() === account);
        if (!o) return [];
        const nodes = e.nodes.filter((n) => n.owner.toLowerCase() === account);
        return [
          {
            epoch: e.epoch,
            revenue: o.revenue,
            work: o.work,
            liveness: o.liveness,
            reward: o.reward,
            cumulative: o.cumulative,
            penalties: {
              jailed: nodes.filter((n) => n.jailed).map((n) => n.nodeKey),
              slashed: nodes.reduce((s, n) => s + n.slashed, 0n),
            },
          },
        ];
      });
      return send(200, { account, epochs });
    }
    send(404, { error: "not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get epochs() {
      return state.epochs;
    },
    set epochs(v) {
      state.epochs = v;
    },
    get tamper() {
      return state.tamper;
    },
    set tamper(v) {
      state.tamper = v;
    },
    get earningsEndpoint() {
      return state.earningsEndpoint;
    },
    set earningsEndpoint(v) {
      state.earningsEndpoint = v;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
