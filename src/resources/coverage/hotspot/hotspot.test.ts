// Hotspots on the simulated RF world against a coverage oracle over real HTTP on loopback: assignments, beacons on
// air, witness reports, and the epoch's verdicts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { judgeCoverageEpoch, runGw, tempHome } from "../../../testing/index.ts";

test("five hotspots a kilometre apart beacon, witness each other and all earn; a forged report is refused", async () => {
  const sites = Array.from({ length: 5 }, (_, i) => ({ lat: 46.2 + i * 0.009, lng: 6.14 }));
  const epoch = await judgeCoverageEpoch({
    sites,
    seed: "hotspot-test",
    async during({ url, keys }) {
      // A report in a hotspot's name without its key is refused at intake.
      const forged = await fetch(`${url}/v1/coverage/witnesses`, {
        method: "POST",
        body: JSON.stringify({
          v: 1,
          type: "coverage.witness",
          from: keys[0]?.publicKey,
          ts: Date.now(),
          nonce: "ab".repeat(16),
          body: {},
          sig: `0x${"00".repeat(64)}`,
        }),
      });
      assert.equal(forged.status, 400);
    },
  });
  const { url, oracle, keys, hotspots, result } = epoch;
  try {
    assert.equal(result.hotspots.length, 5, JSON.stringify(result.stats));
    for (const h of result.hotspots) {
      assert.equal(h.flag, undefined, `${h.nodeKey} flagged`);
      const reasons = result.witnesses.filter((w) => w.witness === h.nodeKey || w.beaconer === h.nodeKey);
      assert.ok(h.weight > 0n, `${h.nodeKey} earned nothing: ${JSON.stringify(reasons.map((w) => w.reason ?? "ok"))}`);
    }
    assert.ok(result.stats.rewarded >= 8, `rewarded ${result.stats.rewarded}`);
    // Every hotspot beaconed in epoch 0 (some may already have beaconed in epoch 1 too).
    for (const h of hotspots) assert.ok(h.stats.beaconsSent >= 1);
    const component = oracle.rewardComponent(0);
    assert.equal(component?.weights.length, 5);
    const map = (await (await fetch(`${url}/v1/coverage/map?resolution=8`)).json()) as {
      hexes: { hotspots: number }[];
    };
    assert.equal(
      map.hexes.reduce((sum, h) => sum + h.hotspots, 0),
      5,
    );
    // The CLI reads the same verdicts over HTTP.
    const home = tempHome();
    try {
      const gw = (args: string[]) => runGw([...args, "--oracle", url, "--json"], { env: { GW_HOME: home.path } });
      const status = await gw(["coverage", "status", "--hotspot", keys[0]?.publicKey as string]);
      assert.equal(status.code, 0, status.stderr);
      const s = status.json as { latestJudged: { epoch: number }; hotspot: { nodeKey: string; weight: string } };
      assert.equal(s.latestJudged.epoch, 0);
      assert.ok(BigInt(s.hotspot.weight) > 0n);
      const mapped = await gw(["coverage", "map", "--resolution", "10"]);
      assert.equal(mapped.code, 0, mapped.stderr);
      assert.equal((mapped.json as { hexes: { hotspots: number }[] }).hexes.length, 5);
      const seen = await gw(["coverage", "witnesses", "--hotspot", keys[2]?.publicKey as string]);
      assert.equal(seen.code, 0, seen.stderr);
      const rows = (seen.json as { witnesses: { rewarded: boolean }[] }).witnesses;
      assert.ok(rows.length >= 2 && rows.some((w) => w.rewarded));
      const bad = await gw(["coverage", "status", "--hotspot", "0x12"]);
      assert.equal(bad.code, 2);
    } finally {
      home.remove();
    }
  } finally {
    await epoch.close();
  }
});
