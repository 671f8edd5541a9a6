// Reports signed on worker threads are the protocol's envelopes, the same ones an inline signer makes: same order,
// same bodies, signatures that verify; and the verdicts over them are the same.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createSignatureVerifyPool, type Envelope } from "../../../protocol/index.ts";
import { validateCoverageEpoch, verifySignaturesInline } from "../poc/index.ts";
import { simulateCoverageEpoch } from "./run-coverage-scenario.ts";

const options = {
  seed: "report-signer",
  hotspots: 200,
  spoofers: 0.03,
  rings: 0.03,
  stacked: 0.05,
  densityPerKm2: 0.08,
  center: { lat: 52.5, lng: 13.4 },
  replayed: 5,
  forged: 5,
  epochSeconds: 86_400,
};

test("worker-signed reports equal inline-signed ones but for nonces, verify, and get the same verdicts", async () => {
  const inline = await simulateCoverageEpoch(options);
  const threaded = await simulateCoverageEpoch({ ...options, signThreads: 2 });
  const strip = (list: readonly unknown[]) => (list as Envelope[]).map(({ nonce: _n, sig: _s, ...rest }) => rest);
  assert.ok(threaded.evidence.witnesses.length > 500);
  assert.deepEqual(strip(threaded.evidence.receipts), strip(inline.evidence.receipts));
  // The forgeries copy a random honest report, so compare the reports as simulated, before the extras.
  const simulated = inline.evidence.witnesses.length - inline.replayedSent - inline.forgedSent;
  assert.deepEqual(
    strip(threaded.evidence.witnesses.slice(0, simulated)),
    strip(inline.evidence.witnesses.slice(0, simulated)),
  );
  const all = [...threaded.evidence.receipts, ...threaded.evidence.witnesses.slice(0, simulated)] as Envelope[];
  assert.ok((await verifySignaturesInline(all)).every((ok) => ok));

  const pool = createSignatureVerifyPool({ threads: 2 });
  try {
    const a = await validateCoverageEpoch(inline.evidence);
    const b = await validateCoverageEpoch(threaded.evidence, (e) => pool.verify(e));
    assert.deepEqual(
      b.hotspots.map((h) => [h.nodeKey, h.flag, h.weight]),
      a.hotspots.map((h) => [h.nodeKey, h.flag, h.weight]),
    );
    assert.deepEqual(b.stats, a.stats);
  } finally {
    await pool.close();
  }
});
