// Test helper run as a process of its own: renders the two golden frames and prints their sha256 as JSON, so a test
// can run it under each of V8's WebAssembly compilers (V8 flags are per process) and compare the bytes.
import { readFileSync } from "node:fs";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { SAMPLE_SCENES_URL } from "../measure-samples-per-second.ts";
import { prepareScene } from "../prepare-scene.ts";
import { renderFrameLocal } from "../render-frame-local.ts";

const frame = { frame: 0, width: 40, height: 30, spp: 4 };
const load = (name: string) => prepareScene(new Uint8Array(readFileSync(new URL(name, SAMPLE_SCENES_URL))));
const cornell = await renderFrameLocal(await load("cornell-box.glb"), frame);
const turntable = await renderFrameLocal(await load("turntable.glb"), { ...frame, frame: 12 });
process.stdout.write(
  `${JSON.stringify({ cornell: bytesToHex(sha256(cornell)), turntable12: bytesToHex(sha256(turntable)) })}\n`,
);
