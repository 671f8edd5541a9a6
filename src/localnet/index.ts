// The local network that `npm start` runs: every role on loopback, sharing one home folder.

export { demoCellResolution, demoProviderLocation } from "./demo-locations.ts";
export { acquireLock } from "./lock.ts";
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
  type OptionalRole,
  optionalRoles,
  startLocalNetwork,
} from "./start-network.ts";
