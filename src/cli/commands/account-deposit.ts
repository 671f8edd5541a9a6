// `gw account deposit AMOUNT`: move tokens from the wallet into escrow in one transaction (EIP-2612 permit).
import { parseSignature } from "viem";
import { escrowAbi, tokenAbi, wrapChainError, writeContractAndWait } from "../../chain/index.ts";
import { StateError } from "../../core/errors.ts";
import { defineCommand } from "../command.ts";
import { formatToken, parseTokenAmount } from "../format.ts";

export const accountDepositCommand = defineCommand({
  words: ["account", "deposit"],
  summary: "deposit tokens into escrow to pay for work",
  usage: "AMOUNT",
  options: {},
  async run(ctx, { positionals }) {
    const amount = parseTokenAmount(positionals[0]);
    const { contracts, chainId } = ctx.deployment();
    const client = ctx.publicClient();
    const { account, wallet } = await ctx.wallet();
    const owner = account.address;
    let signature: ReturnType<typeof parseSignature>;
    let deadline: bigint;
    try {
      const [balance, nonce, domain] = await Promise.all([
        client.readContract({ address: contracts.token, abi: tokenAbi, functionName: "balanceOf", args: [owner] }),
        client.readContract({ address: contracts.token, abi: tokenAbi, functionName: "nonces", args: [owner] }),
        client.readContract({ address: contracts.token, abi: tokenAbi, functionName: "eip712Domain" }),
      ]);
      if (balance < amount) {
        throw new StateError("not enough tokens in the wallet", {
          details: { wallet: formatToken(balance), requested: formatToken(amount) },
        });
      }
      deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
      const raw = await wallet.signTypedData({
        domain: { name: domain[1], version: domain[2], chainId, verifyingContract: contracts.token },
        types: {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        primaryType: "Permit",
        message: { owner, spender: contracts.escrow, value: amount, nonce, deadline },
      });
      signature = parseSignature(raw);
    } catch (error) {
      throw wrapChainError(error, "preparing the deposit");
    }
    const receipt = await writeContractAndWait(client, wallet, {
      address: contracts.escrow,
      abi: escrowAbi,
      functionName: "depositWithPermit",
      args: [amount, deadline, Number(signature.v ?? BigInt(27 + (signature.yParity ?? 0))), signature.r, signature.s],
    });
    const deposit = await client.readContract({
      address: contracts.escrow,
      abi: escrowAbi,
      functionName: "depositOf",
      args: [owner],
    });
    return {
      json: {
        address: owner,
        deposited: formatToken(amount),
        escrow: formatToken(deposit),
        tx: receipt.transactionHash,
      },
      text: `deposited ${formatToken(amount)} GWK; escrow now ${formatToken(deposit)} GWK (tx ${receipt.transactionHash})`,
    };
  },
});
