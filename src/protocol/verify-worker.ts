// Worker side of the signature-verification pool: checks the chunk it is sent and answers 1 or 0 per position.
import { parentPort } from "node:worker_threads";
import { verifyEnvelopeSignature } from "./envelope.ts";
import { verifyNodeSignatureBytes } from "./node-key.ts";
import type { VerifyResult, VerifyTask } from "./verify-pool.ts";

const port = parentPort;
if (!port) throw new Error("verify-worker runs only as a worker thread");
port.on("message", async (task: VerifyTask) => {
  const valid = new Uint8Array(task.count);
  const { packed, keys, sigs, payloads, ends } = task;
  for (let k = 0; k < packed.length; k++) {
    const ok = verifyNodeSignatureBytes(
      keys.subarray(32 * k, 32 * k + 32),
      payloads.subarray(ends[k], ends[k + 1]),
      sigs.subarray(64 * k, 64 * k + 64),
    );
    valid[packed[k] as number] = ok ? 1 : 0;
  }
  for (const [i, envelope] of task.others) valid[i] = (await verifyEnvelopeSignature(envelope)) ? 1 : 0;
  const result: VerifyResult = { id: task.id, valid };
  port.postMessage(result, [valid.buffer as ArrayBuffer]);
});
port.postMessage({ ready: true });
