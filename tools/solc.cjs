#!/usr/bin/env node
// forge's solc: answers `--version` and `--standard-json` through solcjs (npm "solc"), so contracts build offline
// with nothing but `npm install`. foundry.toml points `solc` here.
const fs = require("node:fs");
const solc = require("solc");

const args = process.argv.slice(2);
if (args.includes("--version")) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
} else if (args.includes("--standard-json")) {
  const input = fs.readFileSync(0, "utf8");
  // forge inlines every source; the callback only serves imports it did not inline.
  const findImports = (path) => {
    try {
      return { contents: fs.readFileSync(path, "utf8") };
    } catch (error) {
      return { error: `cannot read ${path}: ${error.message}` };
    }
  };
  process.stdout.write(solc.compile(input, { import: findImports }));
} else {
  process.stderr.write("usage: solc --version | solc --standard-json < input.json\n");
  process.exitCode = 2;
}
