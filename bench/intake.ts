// Oracle intake throughput: signed challenge.pong envelopes (JSON text, as they arrive) verified through
// createIntake — parse, shape, freshness, body, signature, registration cache, replay — against node:crypto's raw
// Ed25519 verify of the same messages (same payload bytes, KeyObjects made beforehand), one thread each, same run.
// ratio = reportsPerSec / rawVerifyPerSec. The registration cache is warm (one earlier pong per node, untimed), as
// in an oracle that challenges the same providers every epoch. `npm run bench -- intake [MESSAGES] [NODES]`.
import { randomBytes, verify } from "node:crypto";
import type { Hex } from "viem";
import { createIntake } from "../src/oracle/index.ts";
import {
  canonicalJson,
  createReplayGuard,
  generateNodeKeySeed,
  messageTypes,
  type NodeKey,
  nodeKeyFromSeed,
  nodePublicKeyObject,
} from "../src/protocol/index.ts";

const log = (line: string) => process.stderr.write(`${line}\n`);

function signPong(key: NodeKey, oracle: Hex, ts: number): { text: string; payload: Buffer; sig: Buffer } {
  const unsigned = {
    v: 1,
    type: messageTypes.challengePong,
    from: key.publicKey,
    to: oracle,
    ts,
    nonce: randomBytes(16).toString("hex"),
    body: { nonce: `0x${randomBytes(32).toString("hex")}`, oracle },
  };
  const payload = Buffer.from(canonicalJson(unsigned));
  const sig = key.sign(payload);
  return { text: JSON.stringify({ ...unsigned, sig }), payload, sig: Buffer.from(sig.slice(2), "hex") };
}

export default async function intakeBench(args: string[]): Promise<Record<string, unknown>> {
  const messages = Number(args[0] ?? 30_000);
  const nodes = Number(args[1] ?? 10_000);
  const oracle = `0x${"0a".repeat(20)}` as Hex;
  const now = Date.now();
  const keys = Array.from({ length: nodes }, () => nodeKeyFromSeed(generateNodeKeySeed()));
  const warm = keys.map((k) => signPong(k, oracle, now).text);
  const pongs = Array.from({ length: messages }, (_, i) => signPong(keys[i % nodes] as NodeKey, oracle, now));
  log(`${messages} pongs from ${nodes} nodes signed`);

  const registered = new Set(keys.map((k) => k.publicKey as string));
  const intake = createIntake({
    oracle,
    guard: createReplayGuard({ windowMs: 120_000 }),
    isRegistered: (nodeKey) => registered.has(nodeKey),
    now: () => now,
  });
  const warmed = await intake.acceptPongs(warm);
  if (warmed.rejected.length > 0) throw new Error(`warm-up rejected: ${JSON.stringify(warmed.rejected[0])}`);

  // Raw: the same payloads and signatures, KeyObjects parsed before timing.
  const keyObjects = keys.map((k) => nodePublicKeyObject(k.publicKey));
  const texts = pongs.map((p) => p.text);
  const rawSecondsOnce = (): number => {
    const started = performance.now();
    let ok = 0;
    for (let i = 0; i < messages; i++) {
      const p = pongs[i] as (typeof pongs)[number];
      if (verify(null, p.payload, keyObjects[i % nodes] as never, p.sig)) ok++;
    }
    if (ok !== messages) throw new Error("raw verify failed");
    return (performance.now() - started) / 1000;
  };
  // Raw runs before and after the intake run and is averaged, so drift in machine load hits both sides alike.
  const rawBefore = rawSecondsOnce();
  const started = performance.now();
  const batch = await intake.acceptPongs(texts);
  const intakeSeconds = (performance.now() - started) / 1000;
  const rawSeconds = (rawBefore + rawSecondsOnce()) / 2;
  if (batch.accepted.length !== messages) throw new Error(`intake rejected: ${JSON.stringify(batch.rejected[0])}`);

  const reportsPerSec = Math.round(messages / intakeSeconds);
  const rawVerifyPerSec = Math.round(messages / rawSeconds);
  log(`intake ${intakeSeconds.toFixed(3)} s, raw ${rawSeconds.toFixed(3)} s`);
  return {
    messages,
    nodes,
    reportsPerSec,
    rawVerifyPerSec,
    ratio: Number((reportsPerSec / rawVerifyPerSec).toFixed(3)),
    compares:
      "single-thread intake (JSON text → verified pong) vs single-thread raw Ed25519 verify of the same payloads",
  };
}
