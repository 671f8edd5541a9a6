// The command table: every key loads the command with exactly those words, and every command file is in the table.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import type { Command } from "../command.ts";
import { commandLoaders } from "./index.ts";

test("every command loads under its own words, and no command file is left out", async () => {
  for (const [key, load] of Object.entries(commandLoaders)) {
    const command = await load();
    assert.equal(command.words.join(" "), key);
    assert.ok(command.summary.length > 0 && typeof command.run === "function", key);
  }
  // Every command a file in this folder defines is in the table (other files hold helpers of commands).
  const defined: string[] = [];
  for (const file of readdirSync(import.meta.dirname)) {
    if (!file.endsWith(".ts") || file.endsWith(".test.ts") || file === "index.ts") continue;
    for (const value of Object.values(await import(`./${file}`))) {
      const command = value as Partial<Command>;
      if (Array.isArray(command?.words) && typeof command.run === "function") defined.push(command.words.join(" "));
    }
  }
  assert.deepEqual(defined.sort(), Object.keys(commandLoaders).sort());
});
