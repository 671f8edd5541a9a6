// Compiles the path tracer (src/resources/render/tracer/assembly, AssemblyScript) to tracer.wasm with asc;
// `--check` fails when the committed tracer.wasm differs from a fresh build, so a clone never needs to compile.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const dir = join(root, "src/resources/render/tracer");
const target = join(dir, "tracer.wasm");
const temp = mkdtempSync(join(tmpdir(), "gw-tracer-"));
const output = join(temp, "tracer.wasm");
// -O3 for speed; no runtime allocations (stub, never used); no abort import and no SIMD, so the module imports
// nothing from the host and runs the same scalar IEEE arithmetic everywhere.
const flags = ["-O3", "--noAssert", "--runtime", "stub", "--use", "abort=", "--disable", "simd", "--converge"];
try {
  execFileSync(
    process.execPath,
    [join(root, "node_modules/assemblyscript/bin/asc.js"), join(dir, "assembly/index.ts"), ...flags, "-o", output],
    {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const built = readFileSync(output);
  if (process.argv.includes("--check")) {
    if (!built.equals(readFileSync(target))) {
      console.error("src/resources/render/tracer/tracer.wasm is out of date with assembly/: run `npm run gen:tracer`.");
      process.exit(1);
    }
    console.log("tracer wasm up to date");
  } else {
    writeFileSync(target, built);
    console.log(`wrote ${target} (${built.byteLength} bytes)`);
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
