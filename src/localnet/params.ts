// Parameters of the local network that `npm start` boots: short epochs and delays so a person can watch a full
// cycle in minutes. A production deployment passes its own DeployParams; governance can change all of these.
import { type Hex, parseUnits } from "viem";
import { type HDAccount, mnemonicToAccount } from "viem/accounts";
import { type DeployParams, networkParameters } from "../chain/index.ts";

/** anvil's well-known development mnemonic: its accounts are funded with ether at genesis. Never use it elsewhere. */
export const devMnemonic = "test test test test test test test test test test test junk";

export const devAccountRoles = {
  deployer: 0,
  demo: [1, 2, 3, 4, 5, 6],
  oracles: [7, 8, 9],
} as const;

export function devAccount(index: number): HDAccount {
  return mnemonicToAccount(devMnemonic, { addressIndex: index });
}

export function devPrivateKey(index: number): Hex {
  const key = devAccount(index).getHdKey().privateKey;
  if (!key) throw new Error("dev account without a private key");
  return `0x${Buffer.from(key).toString("hex")}`;
}

const gwk = (amount: string) => parseUnits(amount, 18);

export const localDemoBalance = gwk("1000000");

export function localNetworkParams(options: { genesisTime: bigint; epochSeconds?: number }): DeployParams {
  return {
    token: {
      name: "Groundwork",
      symbol: "GWK",
      cap: gwk("1000000000"),
      genesis: devAccountRoles.demo.map((i) => ({ holder: devAccount(i).address, amount: localDemoBalance })),
    },
    governance: {
      timelockDelay: 60n,
      votingDelay: 1,
      votingPeriod: 300,
      proposalThreshold: gwk("1000"),
      quorumPercent: 4n,
    },
    registry: {
      unbondingPeriod: 3600n,
      jailDuration: 600n,
      minStakes: ["compute", "render", "storage", "coverage", "sensing", "energy"].map((resourceType) => ({
        resourceType,
        amount: gwk("1000"),
      })),
    },
    escrow: { withdrawalDelay: 600n, providerBps: 8500, treasuryBps: 500, burnBps: 1000 },
    parameters: {
      [networkParameters.downtimeJailSeconds]: 120n,
      [networkParameters.slashAmount]: gwk("100"),
      [networkParameters.workShareBps]: 7000n,
      [networkParameters.workEmissionCapBps]: 9000n,
      [networkParameters.auditShareBps]: 1000n,
      [networkParameters.challengeIntervalSeconds]: 10n,
    },
    rewards: {
      genesisTime: options.genesisTime,
      epochDuration: BigInt(options.epochSeconds ?? 60),
      initialEmission: gwk("10000"),
      halvingInterval: 10080n,
      oracles: devAccountRoles.oracles.map((i) => devAccount(i).address),
      threshold: 2n,
    },
  };
}
