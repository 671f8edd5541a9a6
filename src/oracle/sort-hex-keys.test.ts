import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { findHexKey, isHexString, sortHexKeys } from "./sort-hex-keys.ts";

describe("sortHexKeys", () => {
  it("orders like a string sort, with duplicates, shared prefixes and long ground runs", () => {
    const keys: string[] = [];
    for (let i = 0; i < 5000; i++) keys.push(`0x${randomBytes(20).toString("hex")}`);
    for (let i = 0; i < 50; i++) keys.push(keys[i] as string); // duplicates
    for (let i = 0; i < 100; i++) keys.push(`0x${"ab".repeat(8)}${randomBytes(12).toString("hex")}`); // one long run
    const order = sortHexKeys(keys);
    const sorted = Array.from(order, (i) => keys[i]);
    assert.deepEqual(sorted, [...keys].sort());
    assert.equal(new Set(order).size, keys.length);
    for (const probe of [keys[3], keys[5049], keys[5100]] as string[]) {
      assert.equal(keys[findHexKey(keys, order, probe)], probe);
    }
    assert.equal(findHexKey(keys, order, `0x${"0".repeat(40)}`), -1);
    assert.deepEqual(sortHexKeys([]), new Int32Array());
  });

  it("checks hex strings strictly", () => {
    assert.ok(isHexString(`0x${"a".repeat(40)}`, 40));
    assert.ok(!isHexString(`0x${"A".repeat(40)}`, 40));
    assert.ok(isHexString(`0x${"A".repeat(40)}`, 40, true));
    assert.ok(!isHexString(`0x${"g".repeat(40)}`, 40, true));
    assert.ok(!isHexString(`0x${"a".repeat(39)}`, 40));
    assert.ok(!isHexString(42, 40));
  });
});
