// Worker side of the simulation's report signer: holds the hotspots' keys, signs each batch with the protocol's
// envelope signer and answers with the nonces and signatures, in order.
import { parentPort } from "node:worker_threads";
import { type NodeKey, nodeKeyFromSeed, signEnvelopeSync } from "../../../protocol/index.ts";
import type { SignWorkerMessage, SignWorkerResult } from "./report-signer.ts";

const port = parentPort;
if (!port) throw new Error("report-sign-worker runs only as a worker thread");
let seeds: Uint8Array = new Uint8Array(0);
const keys: NodeKey[] = [];
port.on("message", (m: SignWorkerMessage) => {
  if ("seeds" in m) {
    seeds = m.seeds;
    return;
  }
  let signatures = "";
  for (const [index, type, ts, body] of JSON.parse(m.batch) as [number, string, number, unknown][]) {
    keys[index] ??= nodeKeyFromSeed(seeds.subarray(32 * index, 32 * index + 32));
    const e = signEnvelopeSync(keys[index] as NodeKey, { type, body }, ts);
    signatures += e.nonce + e.sig.slice(2);
  }
  port.postMessage({ id: m.id, signatures } satisfies SignWorkerResult);
});
