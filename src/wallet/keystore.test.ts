import assert from "node:assert/strict";
import { test } from "node:test";
import { decryptSecret, encryptSecret, WrongPasswordError } from "./keystore.ts";

const cheap = { n: 1024, r: 8, p: 1 };

test("decrypts the Web3 Secret Storage v3 scrypt test vector", () => {
  const vector = {
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: "83dbcc02d8ccb40e466191a123791e0e" },
      ciphertext: "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
      kdf: "scrypt",
      kdfparams: {
        dklen: 32,
        n: 262144,
        p: 8,
        r: 1,
        salt: "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19",
      },
      mac: "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097",
    },
    id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
    version: 3,
  };
  const secret = decryptSecret(vector, "testpassword");
  assert.equal(Buffer.from(secret).toString("hex"), "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d");
});

test("round-trips a secret and rejects a wrong password", () => {
  const secret = new Uint8Array(32).map((_, i) => i);
  const file = encryptSecret(secret, "correct horse", { kind: "node" }, cheap);
  assert.deepEqual(decryptSecret(file, "correct horse"), secret);
  assert.throws(() => decryptSecret(file, "wrong"), WrongPasswordError);
});

test("a tampered ciphertext fails the MAC instead of yielding a different key", () => {
  const file = encryptSecret(new Uint8Array(32).fill(7), "pw", { kind: "wallet" }, cheap);
  const hex = file.crypto.ciphertext;
  const flipped = (hex[0] === "0" ? "1" : "0") + hex.slice(1);
  assert.throws(
    () => decryptSecret({ ...file, crypto: { ...file.crypto, ciphertext: flipped } }, "pw"),
    WrongPasswordError,
  );
});

test("malformed files and hostile scrypt costs are refused with a clear error", () => {
  assert.throws(() => decryptSecret({ version: 3 }, "pw"), /not a version 3 scrypt keystore/);
  assert.throws(() => decryptSecret("nonsense", "pw"), /not a version 3 scrypt keystore/);
  const file = encryptSecret(new Uint8Array(32), "pw", { kind: "wallet" }, cheap);
  const hostile = { ...file, crypto: { ...file.crypto, kdfparams: { ...file.crypto.kdfparams, n: 2 ** 24, r: 64 } } };
  assert.throws(() => decryptSecret(hostile, "pw"), /too much scrypt memory/);
});
