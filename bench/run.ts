// `npm run bench -- NAME`: runs bench/NAME.ts, whose default export returns the figures; prints them as one JSON
// object on the last line of stdout (progress goes to stderr).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const name = process.argv[2];
const available = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.includes(".test."))
  .map((f) => f.slice(0, -3));
if (!name || !/^[a-z0-9-]+$/.test(name) || !existsSync(join(import.meta.dirname, `${name}.ts`))) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(", ")})`);
  process.exit(2);
}
const module = (await import(pathToFileURL(join(import.meta.dirname, `${name}.ts`)).href)) as {
  default: (args: string[]) => Promise<Record<string, unknown>>;
};
const result = await module.default(process.argv.slice(3));
console.log(JSON.stringify({ bench: name, ...result }, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
process.exit(0);
