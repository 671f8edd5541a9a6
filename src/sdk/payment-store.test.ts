// The payment store with real processes: two `node` processes bumping the same channel at once never hand out the
// same cumulative amount, the first bump floors at what the chain says, values survive a restart, stale locks break.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import type { Hex } from "viem";
import { tempHome } from "../testing/index.ts";
import { createPaymentStore } from "./payment-store.ts";

const home = tempHome("gw-payments-");
after(() => home.remove());

const customer: Hex = "0x00000000000000000000000000000000000000c1";
const provider: Hex = "0x00000000000000000000000000000000000000a1";
const other: Hex = "0x00000000000000000000000000000000000000b2";

const worker = `
const { createPaymentStore } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, "payment-store.ts")).href)});
const [dir, count] = process.argv.slice(2);
const store = createPaymentStore(dir);
const seen = [];
for (let i = 0; i < Number(count); i++) {
  const next = await store.bump({ customer: "${customer}", amounts: new Map([["${provider}", 1n]]), floor: async () => 0n });
  seen.push(next.get("${provider}").toString());
}
process.stdout.write(JSON.stringify(seen));
`;

function runWorker(script: string, dir: string, count: number): Promise<string[]> {
  const child = spawn(process.execPath, ["--import", "tsx", script, dir, String(count)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => {
    out += c.toString();
  });
  return new Promise((resolve, reject) =>
    child.once("close", (code) =>
      code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`exit ${code}`)),
    ),
  );
}

test("two processes bumping one channel at once never sign the same cumulative amount", async () => {
  const dir = join(home.path, "concurrent");
  const script = join(home.path, "bump-worker.mjs");
  writeFileSync(script, worker);
  const count = 100;
  const [a, b] = await Promise.all([runWorker(script, dir, count), runWorker(script, dir, count)]);
  const all = [...a, ...b].map(Number).sort((x, y) => x - y);
  assert.deepEqual(
    all,
    Array.from({ length: 2 * count }, (_, i) => i + 1),
  );
  assert.equal(createPaymentStore(dir).get(customer, provider), BigInt(2 * count));
  assert.equal(existsSync(join(dir, `${customer}.json.lock`)), false);
});

test("a new channel starts at the chain's floor, once; values persist across store instances", async () => {
  const dir = join(home.path, "floor");
  let floorReads = 0;
  const floor = async (p: Hex) => {
    floorReads++;
    return p === provider ? 100n : 0n;
  };
  const store = createPaymentStore(dir);
  const first = await store.bump({
    customer,
    amounts: new Map([
      [provider, 5n],
      [other, 7n],
    ]),
    floor,
  });
  assert.equal(first.get(provider), 105n);
  assert.equal(first.get(other), 7n);
  assert.equal(floorReads, 2);
  const reopened = createPaymentStore(dir);
  const second = await reopened.bump({ customer, amounts: new Map([[provider, 5n]]), floor });
  assert.equal(second.get(provider), 110n);
  assert.equal(floorReads, 2);
  assert.equal(reopened.get(customer, other), 7n);
  await assert.rejects(reopened.bump({ customer, amounts: new Map([[provider, 0n]]), floor }));
});

test("a lock left by a dead process is broken; a live one is waited for", async () => {
  const dir = join(home.path, "stale");
  const store = createPaymentStore(dir, { lockTimeoutMs: 300 });
  await store.bump({ customer, amounts: new Map([[provider, 1n]]), floor: async () => 0n });
  const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
  const lock = join(dir, `${customer}.json.lock`);
  writeFileSync(lock, `${dead} deadbeef`);
  const next = await store.bump({ customer, amounts: new Map([[provider, 1n]]), floor: async () => 0n });
  assert.equal(next.get(provider), 2n);
  assert.equal(existsSync(lock), false);
  // A lock held by a live process (this one, under another token) makes a bump wait, then give up.
  writeFileSync(lock, `${process.pid} cafebabe`);
  await assert.rejects(
    store.bump({ customer, amounts: new Map([[provider, 1n]]), floor: async () => 0n }),
    /locked by another process/,
  );
  assert.equal(store.get(customer, provider), 2n);
});
