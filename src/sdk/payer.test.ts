import assert from "node:assert/strict";
import { test } from "node:test";
import type { Hex } from "viem";
import { createPayer, type PaymentOutcome } from "./payer.ts";

const alice = "0x00000000000000000000000000000000000000a1" as Hex;
const bob = "0x00000000000000000000000000000000000000b2" as Hex;
const customer = "0x00000000000000000000000000000000000000c3" as Hex;

/** A round that "signs" one voucher per provider at the cumulative amount it keeps, and remembers what it was given. */
function recordingRound() {
  const rounds: Map<Hex, bigint>[] = [];
  const cumulative = new Map<Hex, bigint>();
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  return {
    rounds,
    hold() {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    },
    release: () => release?.(),
    async round(owed: ReadonlyMap<Hex, bigint>): Promise<PaymentOutcome> {
      rounds.push(new Map(owed));
      if (gate) await gate;
      const vouchers = [...owed].map(([provider, amount]) => {
        cumulative.set(provider, (cumulative.get(provider) ?? 0n) + amount);
        return {
          voucher: { customer, provider, cumulativeAmount: String(cumulative.get(provider)) },
          signature: `0x${"00".repeat(65)}`,
        };
      });
      return { vouchers, delivered: true };
    },
  };
}

test("jobs owed within the delay share one round; each sees only its own providers' vouchers", async () => {
  const r = recordingRound();
  const payer = createPayer({ round: (owed) => r.round(owed), delayMs: 20 });
  const [first, second, third] = await Promise.all([
    payer.owe(new Map([[alice, 5n]])),
    payer.owe(new Map([[alice, 7n]])),
    payer.owe(new Map([[bob, 1n]])),
  ]);
  assert.equal(r.rounds.length, 1);
  assert.deepEqual(
    r.rounds[0],
    new Map([
      [alice, 12n],
      [bob, 1n],
    ]),
  );
  assert.deepEqual(
    first?.vouchers.map((v) => [v.voucher.provider, v.voucher.cumulativeAmount]),
    [[alice, "12"]],
  );
  assert.deepEqual(second?.vouchers, first?.vouchers);
  assert.deepEqual(
    third?.vouchers.map((v) => [v.voucher.provider, v.voucher.cumulativeAmount]),
    [[bob, "1"]],
  );
});

test("what is owed during a round goes in the next; `now` and flush do not wait for the delay", async () => {
  const r = recordingRound();
  // A delay no test waits out: only `now`, a finished round and flush() can start a round.
  const payer = createPayer({ round: (owed) => r.round(owed), delayMs: 60_000 });
  r.hold();
  const first = payer.owe(new Map([[alice, 1n]]), { now: true });
  const during = [payer.owe(new Map([[alice, 2n]])), payer.owe(new Map([[bob, 3n]]))];
  assert.equal(r.rounds.length, 1);
  r.release();
  await first;
  await Promise.all(during);
  assert.deepEqual(
    r.rounds[1],
    new Map([
      [alice, 2n],
      [bob, 3n],
    ]),
  );
  const later = payer.owe(new Map([[bob, 4n]]));
  await payer.flush();
  assert.equal(r.rounds.length, 3);
  assert.deepEqual((await later).vouchers[0]?.voucher.cumulativeAmount, "7");
  // Nothing owed: nothing to sign.
  assert.deepEqual(await payer.owe(new Map()), { vouchers: [], delivered: true });
  await payer.flush();
  assert.equal(r.rounds.length, 3);
});
