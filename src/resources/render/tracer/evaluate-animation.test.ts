// Animation sampling and the deterministic math under it: slerp, STEP holds, clamping outside the keys, and the
// accuracy of the own sin/cos/acos against the host's.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { detAcos, detCos, detSin, detTan } from "./det-math.ts";
import { evaluatePoses, slerp } from "./evaluate-animation.ts";
import { SAMPLE_SCENES_URL } from "./measure-samples-per-second.ts";
import { prepareScene } from "./prepare-scene.ts";

function close(actual: number[], expected: number[], tolerance = 1e-6): void {
  for (const [i, v] of actual.entries())
    assert.ok(Math.abs(v - (expected[i] as number)) < tolerance, `${actual} vs ${expected}`);
}

describe("deterministic math", () => {
  it("agrees with the host functions to 1e-13", () => {
    for (let x = -20; x <= 20; x += 0.0137) {
      assert.ok(Math.abs(detSin(x) - Math.sin(x)) < 1e-13, `sin ${x}`);
      assert.ok(Math.abs(detCos(x) - Math.cos(x)) < 1e-13, `cos ${x}`);
    }
    for (let x = -1; x <= 1; x += 0.001) assert.ok(Math.abs(detAcos(x) - Math.acos(x)) < 1e-7, `acos ${x}`);
    assert.equal(detAcos(1), 0);
    assert.ok(Math.abs(detTan(0.4) - Math.tan(0.4)) < 1e-13);
  });
});

describe("evaluatePoses", () => {
  it("slerps the spinner and holds the STEP hopper", async () => {
    const scene = await prepareScene(new Uint8Array(readFileSync(new URL("turntable.glb", SAMPLE_SCENES_URL))));
    // Keys every second, 90° apart about +Y: at 0.5 s the spinner is at 45°.
    const at = (t: number) => evaluatePoses(scene.data, t);
    close(at(0.5)[1]?.rotation ?? [], [0, Math.sin(Math.PI / 8), 0, Math.cos(Math.PI / 8)]);
    close(at(2.25)[1]?.rotation ?? [], [0, Math.sin((2.25 * Math.PI) / 4), 0, Math.cos((2.25 * Math.PI) / 4)]);
    close(at(0.99)[2]?.translation ?? [], [1.3, 0.2, 0.4]);
    close(at(1.01)[2]?.translation ?? [], [1.3, 0.8, 0.4]);
    // Before the first and after the last key the ends hold.
    close(at(-1)[2]?.translation ?? [], [1.3, 0.2, 0.4]);
    close(at(100)[1]?.rotation ?? [], [0, Math.sin(Math.PI), 0, Math.cos(Math.PI)]);
    // Untouched nodes keep their rest pose.
    assert.deepEqual(at(3)[0], { translation: [0, 0, 0], rotation: [0, 0, 0, 1], scale: [1, 1, 1] });
  });

  it("takes the shorter arc", () => {
    const a = [0, 0, 0, 1];
    const b = [0, 0, -Math.SQRT1_2, -Math.SQRT1_2]; // 90° about Z, written with the opposite sign
    close(slerp(a, b, 0.5), [0, 0, Math.sin(Math.PI / 8), Math.cos(Math.PI / 8)], 1e-12);
  });
});
