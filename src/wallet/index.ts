// Wallets: encrypted keystores (Web3 Secret Storage v3) and the accounts kept in them.
export {
  findAccount,
  keystoreDir,
  listAccounts,
  parseAddress,
  type StoredAccount,
  saveAccount,
  unlockAccount,
} from "./account-store.ts";
export {
  decryptSecret,
  defaultKdfCost,
  encryptSecret,
  type KdfCost,
  type KeystoreFile,
  type SecretKind,
  WrongPasswordError,
} from "./keystore.ts";
export { createNodeKeyFile, loadNodeKeyFile, readNodePublicKey } from "./node-key-file.ts";
