// The local network that `npm start` runs: every role on loopback, sharing one home folder.

export {
  devAccount,
  devAccountRoles,
  devMnemonic,
  devPrivateKey,
  localAccountsFor,
  localMaxProviders,
  localNetworkParams,
  providerOwnerIndex,
} from "./params.ts";
export {
  type LocalNetwork,
  type LocalNetworkOptions,
  type LocalService,
  localCustomerDeposit,
  localnetStatePath,
  startLocalNetwork,
} from "./start-network.ts";
