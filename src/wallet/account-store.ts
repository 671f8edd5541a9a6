// Encrypted wallets on disk, one keystore file per account under <home>/keystore, addressed by name or address.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type Hex, isAddress, isHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { InvalidInputError, StateError } from "../core/errors.ts";
import { readJsonFile, writeJsonAtomic } from "../core/json-file.ts";
import { decryptSecret, defaultKdfCost, encryptSecret, type KdfCost, keystoreFileSchema } from "./keystore.ts";

export interface StoredAccount {
  name: string;
  address: Hex;
  path: string;
}

const nameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, "letters, digits, '_', '.', '-'; at most 64; not starting with a symbol");

export function keystoreDir(home: string): string {
  return join(home, "keystore");
}

export function listAccounts(home: string): StoredAccount[] {
  let files: string[];
  try {
    files = readdirSync(keystoreDir(home)).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  const accounts: StoredAccount[] = [];
  for (const file of files.sort()) {
    const path = join(keystoreDir(home), file);
    const parsed = readJsonFile(path, keystoreFileSchema);
    if (!parsed?.address || parsed["x-groundwork"]?.kind === "node") continue;
    accounts.push({ name: file.slice(0, -".json".length), address: `0x${parsed.address}` as Hex, path });
  }
  return accounts;
}

/** Finds an account by name or address; with no selector, the only account there is. */
export function findAccount(home: string, selector?: string): StoredAccount {
  const accounts = listAccounts(home);
  if (selector === undefined) {
    if (accounts.length === 1 && accounts[0]) return accounts[0];
    throw new InvalidInputError(
      accounts.length === 0 ? "no account in the keystore" : "several accounts: say which one",
      {
        details: { accounts: accounts.map((a) => a.name) },
        hint:
          accounts.length === 0
            ? "Create one with `gw account create` or `gw account import`."
            : "Pass --account NAME (or set GW_ACCOUNT).",
      },
    );
  }
  const lower = selector.toLowerCase();
  const found = accounts.find((a) => a.name === selector || a.address.toLowerCase() === lower);
  if (!found) {
    throw new InvalidInputError(`no account named ${selector}`, {
      details: { accounts: accounts.map((a) => a.name) },
      hint: "`gw account list` shows the accounts in this keystore.",
    });
  }
  return found;
}

export function saveAccount(
  home: string,
  params: { name: string; privateKey: Hex; password: string; cost?: KdfCost },
): StoredAccount {
  const name = nameSchema.safeParse(params.name);
  if (!name.success) {
    throw new InvalidInputError(`invalid account name ${JSON.stringify(params.name)}`, {
      details: { rule: name.error.issues[0]?.message },
    });
  }
  if (!isHex(params.privateKey) || params.privateKey.length !== 66) {
    throw new InvalidInputError("a private key is 32 bytes of hex (0x followed by 64 hex digits)");
  }
  if (params.password.length === 0) {
    throw new InvalidInputError("empty password", { hint: "Choose a password to encrypt the key with." });
  }
  const address = privateKeyToAccount(params.privateKey).address;
  const existing = listAccounts(home);
  if (existing.some((a) => a.name === params.name)) {
    throw new StateError(`an account named ${params.name} already exists`, { hint: "Pick another --name." });
  }
  const same = existing.find((a) => a.address.toLowerCase() === address.toLowerCase());
  if (same) {
    throw new StateError(`this key is already in the keystore as ${same.name}`, { details: { address } });
  }
  const file = encryptSecret(
    Buffer.from(params.privateKey.slice(2), "hex"),
    params.password,
    { kind: "wallet", address, name: params.name },
    params.cost ?? defaultKdfCost,
  );
  const path = join(keystoreDir(home), `${params.name}.json`);
  writeJsonAtomic(path, file, 0o600);
  return { name: params.name, address, path };
}

export function unlockAccount(account: StoredAccount, password: string): Hex {
  const file = readJsonFile(account.path, z.unknown());
  if (file === undefined) throw new StateError(`keystore file ${account.path} is gone`);
  const secret = decryptSecret(file, password);
  const privateKey = `0x${Buffer.from(secret).toString("hex")}` as Hex;
  if (privateKeyToAccount(privateKey).address.toLowerCase() !== account.address.toLowerCase()) {
    throw new StateError("keystore address does not match its key", { details: { path: account.path } });
  }
  return privateKey;
}

export function parseAddress(value: string, what = "address"): Hex {
  if (!isAddress(value, { strict: false })) {
    throw new InvalidInputError(`invalid ${what}: ${value}`, { hint: "An address is 0x followed by 40 hex digits." });
  }
  return value as Hex;
}
