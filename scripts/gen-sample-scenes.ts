// Writes the sample scenes (examples/scenes/*.glb) from the builders in src/resources/render/tracer/sample-scenes.ts.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildCornellBox, buildTurntable } from "../src/resources/render/tracer/sample-scenes.ts";

const dir = join(import.meta.dirname, "../examples/scenes");
for (const [name, build] of [
  ["cornell-box.glb", buildCornellBox],
  ["turntable.glb", buildTurntable],
] as const) {
  const bytes = await build();
  writeFileSync(join(dir, name), bytes);
  console.log(`wrote examples/scenes/${name} (${bytes.byteLength} bytes)`);
}
