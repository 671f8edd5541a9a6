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
  /** The demo customer (the last demo account): never a provider owner or an oracle. */
  customer: 6,
  /**
   * Owners of providers beyond the first five (demo accounts 1–5 own those): accounts 10, 11, …, which anvil funds
   * with ether only when started with enough --accounts, and the token funds at genesis only when asked.
   */
  extraProviderOwners: { first: 10, max: 27 },
} as const;

/** Providers the local network can run: five demo owners plus the extra owners. */
export const localMaxProviders = devAccountRoles.demo.length - 1 + devAccountRoles.extraProviderOwners.max;

/** The dev account that owns local provider `i` (0-based): demo accounts 1–5 first, then accounts 10, 11, …. */
export function providerOwnerIndex(i: number): number {
  const demoOwners = devAccountRoles.demo.length - 1;
  if (!Number.isInteger(i) || i < 0 || i >= localMaxProviders) {
    throw new RangeError(`local provider index ${i} is outside 0..${localMaxProviders - 1}`);
  }
  return i < demoOwners
    ? (devAccountRoles.demo[i] as number)
    : devAccountRoles.extraProviderOwners.first + i - demoOwners;
}

/** How many extra provider owners `providers` needs, and the anvil accounts (with ether) that takes. */
export function localAccountsFor(providers: number): { extraOwners: number; anvilAccounts: number } {
  const extraOwners = Math.max(0, Math.min(providers, localMaxProviders) - (devAccountRoles.demo.length - 1));
  return { extraOwners, anvilAccounts: Math.max(10, devAccountRoles.extraProviderOwners.first + extraOwners) };
}

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
/** What each extra provider owner holds at genesis: enough for its stake. */
export const localExtraOwnerBalance = gwk("10000");

export function localNetworkParams(options: {
  genesisTime: bigint;
  epochSeconds?: number;
  /** Extra provider owners (accounts 10, 11, …) to fund at genesis; default none. */
  extraProviderOwners?: number;
}): DeployParams {
  const extra = Array.from(
    { length: options.extraProviderOwners ?? 0 },
    (_, i) => devAccountRoles.extraProviderOwners.first + i,
  );
  return {
    token: {
      name: "Groundwork",
      symbol: "GWK",
      cap: gwk("1000000000"),
      genesis: [
        ...devAccountRoles.demo.map((i) => ({ holder: devAccount(i).address, amount: localDemoBalance })),
        ...extra.map((i) => ({ holder: devAccount(i).address, amount: localExtraOwnerBalance })),
      ],
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
