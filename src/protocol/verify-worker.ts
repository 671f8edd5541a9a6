// Worker side of the signature-verification pool: checks the envelopes it is sent and answers with one boolean each.
import { parentPort } from "node:worker_threads";
import { type Envelope, verifyEnvelopeSignature } from "./envelope.ts";

const port = parentPort;
if (!port) throw new Error("verify-worker runs only as a worker thread");
port.on("message", async (task: { id: number; envelopes: Envelope[] }) => {
  const valid = await Promise.all(task.envelopes.map((e) => verifyEnvelopeSignature(e)));
  port.postMessage({ id: task.id, valid });
});
port.postMessage({ ready: true });
