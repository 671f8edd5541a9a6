// Gas on a real chain (anvil): claims in a 1,000,000-provider earnings tree, root posts with 3 and 5 oracle
// signatures, voucher redemptions, and the per-job payment cost with vouchers against paying each job on chain.
// Figures are transaction gas (receipt gasUsed: what the sender pays, 21,000 base and calldata included).
import { createTestClient, type Hex, http, parseUnits, type TransactionReceipt } from "viem";
import {
  buildEarningsTree,
  bundleRootSignatures,
  createChainPublicClient,
  createChainWallet,
  deployGroundwork,
  type EpochRoot,
  escrowAbi,
  rewardsAbi,
  signEpochRoot,
  signVoucher,
  startAnvil,
  tokenAbi,
} from "../src/chain/index.ts";
import { freeLocalPort } from "../src/core/free-port.ts";
import { devAccount, devPrivateKey, localNetworkParams } from "../src/localnet/index.ts";

const log = (line: string) => process.stderr.write(`${line}\n`);

export default async function gasBench(args: string[]): Promise<Record<string, unknown>> {
  const providers = Number(args[0] ?? 1_000_000);
  const anvil = await startAnvil({ port: await freeLocalPort() });
  try {
    const chainId = 31337;
    const publicClient = createChainPublicClient({ rpcUrl: anvil.rpcUrl, chainId });
    const testClient = createTestClient({ mode: "anvil", transport: http(anvil.rpcUrl) });
    const wallet = (index: number) =>
      createChainWallet({ rpcUrl: anvil.rpcUrl, chainId, privateKey: devPrivateKey(index) });
    const deployer = wallet(0);
    const customer = wallet(1);
    const provider = wallet(2);
    const oracles = [5, 6, 7, 8, 9].map((i) => devAccount(i));

    const head = await publicClient.getBlock();
    const config = localNetworkParams({ genesisTime: head.timestamp, epochSeconds: 60 });
    config.rewards.oracles = oracles.map((o) => o.address);
    config.rewards.threshold = 3n;
    const deployment = await deployGroundwork({ publicClient, walletClient: deployer, config, rpcUrl: anvil.rpcUrl });
    const { escrow, rewards, token } = deployment.contracts;
    log(`deployed on ${anvil.rpcUrl}`);

    const send = async (hash: Hex): Promise<TransactionReceipt> => {
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
      return receipt;
    };
    const gasOf = (r: TransactionReceipt) => Number(r.gasUsed);

    // ---- payments: 100 jobs per voucher, against paying every job on chain
    const price = parseUnits("0.01", 18);
    await send(
      await customer.writeContract({
        address: token,
        abi: tokenAbi,
        functionName: "approve",
        args: [escrow, parseUnits("1000", 18)],
      }),
    );
    await send(
      await customer.writeContract({
        address: escrow,
        abi: escrowAbi,
        functionName: "deposit",
        args: [parseUnits("1000", 18)],
      }),
    );
    const domain = { chainId, escrow };
    const redeem = async (jobs: bigint) => {
      const voucher = {
        customer: customer.account.address,
        provider: provider.account.address,
        cumulativeAmount: jobs * price,
      };
      const signature = await signVoucher(customer.account, domain, voucher);
      return gasOf(
        await send(
          await provider.writeContract({
            address: escrow,
            abi: escrowAbi,
            functionName: "redeem",
            args: [voucher, signature],
          }),
        ),
      );
    };
    const firstVoucherRedeemGas = await redeem(100n);
    const voucherRedeemGas = await redeem(200n);
    const payPerJobGas = await redeem(201n); // one job paid on chain through the same escrow split
    const transferPerJobGas = gasOf(
      await send(
        await customer.writeContract({
          address: token,
          abi: tokenAbi,
          functionName: "transfer",
          args: [provider.account.address, price],
        }),
      ),
    );

    // ---- roots and claims over a tree of `providers` leaves
    // The claimer's wallet already holds tokens (a staked provider's owner usually does); `fresh` holds none, so
    // its first claim also pays for creating its balance slot.
    const claimer = devAccount(3).address;
    const claimerIndex = Math.floor(providers * 0.77);
    const freshIndex = Math.floor(providers * 0.33);
    const fresh = `0x${"f".repeat(40)}` as Hex;
    const entries = (scale: bigint) =>
      Array.from({ length: providers }, (_, i) => ({
        account: (i === claimerIndex
          ? claimer
          : i === freshIndex
            ? fresh
            : `0x${(i + 1).toString(16).padStart(40, "0")}`) as Hex,
        cumulativeAmount: i === claimerIndex ? parseUnits("5", 18) * scale : scale,
      }));
    const postRoot = async (
      epoch: bigint,
      scale: bigint,
      signers: number,
      reuse?: ReturnType<typeof buildEarningsTree>,
    ) => {
      const started = performance.now();
      const tree = reuse ?? buildEarningsTree(entries(scale));
      const treeSeconds = (performance.now() - started) / 1000;
      log(`epoch ${epoch}: tree of ${providers} built in ${treeSeconds.toFixed(1)} s`);
      const end = deployment.epoch.genesisTime + Number(epoch + 1n) * deployment.epoch.duration;
      const now = Number((await publicClient.getBlock()).timestamp);
      if (now < end) {
        await testClient.setNextBlockTimestamp({ timestamp: BigInt(end) });
        await testClient.mine({ blocks: 1 });
      }
      const root: EpochRoot = {
        epoch,
        earningsRoot: tree.root,
        cumulativeTotal: parseUnits("5", 18) * scale + BigInt(providers - 1) * scale,
        jailed: [],
        slashes: [],
      };
      const signed = await Promise.all(
        oracles.slice(0, signers).map(async (o) => ({
          signer: o.address,
          signature: await signEpochRoot(o, { chainId, rewards }, root),
        })),
      );
      const receipt = await send(
        await deployer.writeContract({
          address: rewards,
          abi: rewardsAbi,
          functionName: "postRoot",
          args: [root, bundleRootSignatures(signed)],
        }),
      );
      return { tree, gas: gasOf(receipt), treeSeconds };
    };
    const claim = async (tree: ReturnType<typeof buildEarningsTree>, scale: bigint, index = claimerIndex) => {
      const entry = entries(scale)[index] as { account: Hex; cumulativeAmount: bigint };
      return gasOf(
        await send(
          await provider.writeContract({
            address: rewards,
            abi: rewardsAbi,
            functionName: "claim",
            args: [entry.account, entry.cumulativeAmount, tree.getProof(index)],
          }),
        ),
      );
    };

    // Epoch 0 is the first post ever (cold slots everywhere); epochs 1 and 2 show the steady state.
    const first = await postRoot(0n, 1n, 3);
    const firstClaimGas = await claim(first.tree, 1n);
    const firstClaimGasEmptyWallet = await claim(first.tree, 1n, freshIndex);
    const second = await postRoot(1n, 2n, 3);
    const claimGas = await claim(second.tree, 2n);
    const third = await postRoot(2n, 2n, 5, second.tree);
    const claimed = await publicClient.readContract({
      address: rewards,
      abi: rewardsAbi,
      functionName: "claimed",
      args: [claimer],
    });
    if (claimed !== parseUnits("10", 18)) throw new Error(`claimed ${claimed}, expected 10 GWK`);

    return {
      providers,
      proofDepth: first.tree.depth,
      claimGas,
      firstClaimGas,
      firstClaimGasEmptyWallet,
      rootPostGas: { oracles3: second.gas, oracles5: third.gas, firstEverOracles3: first.gas },
      voucherRedeemGas,
      firstVoucherRedeemGas,
      payPerJobGas,
      transferPerJobGas,
      gasPerJobAt100: Math.round(voucherRedeemGas / 100),
      treeBuildSeconds: Number(first.treeSeconds.toFixed(2)),
      targets: { claimGas: 60000, firstClaimGas: 85000, rootPostGas3: 100000, gasPerJob: 2000 },
    };
  } finally {
    await anvil.stop();
  }
}
