// Assembles src/chain/keccak/keccak.wat with wabt into src/chain/keccak/keccak-wasm.generated.ts (the module bytes
// as base64, so nothing is compiled at run time); `--check` fails when the committed file is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderKeccakWasm } from "../src/chain/keccak/assemble.ts";

const dir = join(import.meta.dirname, "../src/chain/keccak");
const target = join(dir, "keccak-wasm.generated.ts");
const text = await renderKeccakWasm(readFileSync(join(dir, "keccak.wat"), "utf8"));

if (process.argv.includes("--check")) {
  if (readFileSync(target, "utf8") !== text) {
    console.error(
      "src/chain/keccak/keccak-wasm.generated.ts is out of date with keccak.wat: run `node bin/run-ts.js scripts/gen-keccak-wasm.ts`.",
    );
    process.exit(1);
  }
  console.log("keccak wasm up to date");
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
