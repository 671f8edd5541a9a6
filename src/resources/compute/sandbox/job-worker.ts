// The body of one sandbox worker thread: runs the jobs posted to it one at a time, each in a fresh instance, and posts
// each reply back with its output buffers transferred rather than copied.
import { parentPort } from "node:worker_threads";
import { executeJob, type JobReply, type JobRequest } from "./execute-job.ts";

export interface JobMessage {
  id: number;
  request: JobRequest;
}

export type WorkerMessage = { type: "ready" } | { type: "reply"; id: number; reply: JobReply };

function buffersOf(reply: JobReply): ArrayBuffer[] {
  const output = reply.ok ? reply : reply.partial;
  if (!output) return [];
  const buffers = new Set([output.stdout.buffer, output.stderr.buffer]);
  return [...buffers].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

const port = parentPort;
if (port) {
  port.on("message", async (message: JobMessage) => {
    const reply = await executeJob(message.request);
    const out: WorkerMessage = { type: "reply", id: message.id, reply };
    port.postMessage(out, buffersOf(reply));
  });
  port.postMessage({ type: "ready" } satisfies WorkerMessage);
}
