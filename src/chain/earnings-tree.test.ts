import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { concat, encodeAbiParameters, type Hex, keccak256 } from "viem";
import { buildEarningsTree, EarningsTreeError, hashEarningsLeaf, verifyEarningsProof } from "./earnings-tree.ts";

function account(i: number): Hex {
  return `0x${(0xa11ce000 + i).toString(16).padStart(40, "0")}`;
}

function referenceLeaf(a: Hex, amount: bigint): Hex {
  return keccak256(keccak256(encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [a, amount])));
}

function referencePair(a: Hex, b: Hex): Hex {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

function referenceRoot(leaves: Hex[]): Hex {
  let level = leaves;
  while (level.length > 1) {
    const next: Hex[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(referencePair(level[i] as Hex, level[i + 1] as Hex));
    if (level.length % 2 === 1) next.push(level[level.length - 1] as Hex);
    level = next;
  }
  return level[0] as Hex;
}

function entries(n: number) {
  return Array.from({ length: n }, (_, i) => ({ account: account(i), cumulativeAmount: BigInt(i) * 10n ** 18n + 7n }));
}

test("leaf matches abi.encode + double keccak256", () => {
  const a = account(1);
  for (const amount of [0n, 1n, 123456789n * 10n ** 18n, (1n << 256n) - 1n]) {
    assert.equal(hashEarningsLeaf(a, amount), referenceLeaf(a, amount));
  }
  assert.equal(hashEarningsLeaf(a.toUpperCase().replace("0X", "0x") as Hex, 5n), referenceLeaf(a, 5n));
});

test("root equals a viem reference computation for every size 1..33", () => {
  for (let n = 1; n <= 33; n++) {
    const list = entries(n);
    const tree = buildEarningsTree(list);
    const leaves = list.map((e) => referenceLeaf(e.account, e.cumulativeAmount));
    assert.equal(tree.root, referenceRoot(leaves), `n = ${n}`);
    assert.equal(tree.size, n);
    assert.equal(tree.depth, Math.ceil(Math.log2(n)));
    for (let i = 0; i < n; i++) assert.equal(tree.getLeaf(i), leaves[i]);
  }
});

test("every proof verifies; tampered amount, account, proof or root fails", () => {
  const list = entries(37);
  const tree = buildEarningsTree(list);
  list.forEach((e, i) => {
    const proof = tree.getProof(i);
    assert.ok(verifyEarningsProof(tree.root, e.account, e.cumulativeAmount, proof), `leaf ${i}`);
    assert.ok(!verifyEarningsProof(tree.root, e.account, e.cumulativeAmount + 1n, proof), `amount ${i}`);
    assert.ok(!verifyEarningsProof(tree.root, account(1000), e.cumulativeAmount, proof), `account ${i}`);
    if (proof.length > 0) {
      const bad = [...proof];
      bad[0] = `0x${"00".repeat(32)}`;
      assert.ok(!verifyEarningsProof(tree.root, e.account, e.cumulativeAmount, bad), `proof ${i}`);
    }
  });
  const e0 = list[0] as (typeof list)[number];
  assert.ok(!verifyEarningsProof(`0x${"11".repeat(32)}`, e0.account, e0.cumulativeAmount, tree.getProof(0)));
});

test("single entry: the root is the leaf and the proof is empty", () => {
  const tree = buildEarningsTree([{ account: account(0), cumulativeAmount: 5n }]);
  assert.equal(tree.root, referenceLeaf(account(0), 5n));
  assert.deepEqual(tree.getProof(0), []);
  assert.ok(verifyEarningsProof(tree.root, account(0), 5n, []));
});

test("bad input throws EarningsTreeError", () => {
  assert.throws(() => buildEarningsTree([]), EarningsTreeError);
  assert.throws(() => buildEarningsTree([{ account: "0x1234", cumulativeAmount: 1n }]), EarningsTreeError);
  assert.throws(
    () => buildEarningsTree([{ account: `0x${"zz".repeat(20)}`, cumulativeAmount: 1n }]),
    EarningsTreeError,
  );
  assert.throws(() => buildEarningsTree([{ account: account(0), cumulativeAmount: -1n }]), EarningsTreeError);
  assert.throws(() => buildEarningsTree([{ account: account(0), cumulativeAmount: 1n << 256n }]), EarningsTreeError);
  const tree = buildEarningsTree(entries(3));
  assert.throws(() => tree.getProof(3), EarningsTreeError);
  assert.throws(() => tree.getLeaf(-1), EarningsTreeError);
});

/** The tree as the noble-only implementation built it, on bytes: the reference for the batched WebAssembly build. */
function nobleRoot(list: readonly { account: Hex; cumulativeAmount: bigint }[]): Hex {
  let level: Buffer[] = list.map((e) => {
    const encoded = Buffer.alloc(64);
    Buffer.from(e.account.slice(2), "hex").copy(encoded, 12);
    Buffer.from(e.cumulativeAmount.toString(16).padStart(64, "0"), "hex").copy(encoded, 32);
    return Buffer.from(keccak_256(keccak_256(encoded)));
  });
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      const a = level[i] as Buffer;
      const b = level[i + 1] as Buffer;
      next.push(Buffer.from(keccak_256(Buffer.compare(a, b) <= 0 ? Buffer.concat([a, b]) : Buffer.concat([b, a]))));
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1] as Buffer);
    level = next;
  }
  return `0x${(level[0] as Buffer).toString("hex")}`;
}

function randomEntries(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    account: `0x${randomBytes(20).toString("hex")}` as Hex,
    cumulativeAmount:
      i % 97 === 0 ? 0n : i % 89 === 0 ? (1n << 256n) - 1n : BigInt(`0x${randomBytes(1 + (i % 32)).toString("hex")}`),
  }));
}

test("root equals the noble-only implementation's for every size 1..100", () => {
  for (let n = 1; n <= 100; n++) {
    const list = randomEntries(n);
    assert.equal(buildEarningsTree(list).root, nobleRoot(list), `n = ${n}`);
  }
});

test("a random 10,000-entry tree: same root as the noble-only implementation, and proofs verify", () => {
  const list = randomEntries(10_000);
  const tree = buildEarningsTree(list);
  assert.equal(tree.root, nobleRoot(list));
  for (const i of [0, 1, 4095, 4096, 8191, 8192, 9999]) {
    const e = list[i] as (typeof list)[number];
    assert.equal(tree.getLeaf(i), referenceLeaf(e.account, e.cumulativeAmount));
    assert.ok(verifyEarningsProof(tree.root, e.account, e.cumulativeAmount, tree.getProof(i)), `leaf ${i}`);
  }
});
