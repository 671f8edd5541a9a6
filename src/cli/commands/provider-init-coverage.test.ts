// `gw provider init` for a coverage hotspot: the asserted cell (--h3-cell or --lat/--lng) and the radio (sim air or
// Semtech forwarder) land in the config; bad flags are refused before anything is written.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { getResolution, latLngToCell } from "h3-js";
import { providerPaths } from "../../provider/index.ts";
import { runGw, tempHome } from "../../testing/index.ts";

test("provider init writes a hotspot's location and radio, and refuses bad ones", async () => {
  const home = tempHome("gw-init-coverage-");
  const env = { GW_HOME: home.path, GW_PASSWORD: "init coverage" };
  try {
    const imported = await runGw(["account", "import", "--name", "owner", "--private-key-file", "-", "--json"], {
      env,
      input: `0x${"5a".repeat(32)}\n`,
    });
    assert.equal(imported.code, 0, imported.stderr);
    const base = ["provider", "init", "--resource", "coverage", "--oracle", "http://127.0.0.1:9610", "--json"];
    for (const bad of [
      ["--radio", "carrier-pigeon"],
      ["--lat", "52.5"],
      ["--h3-cell", "8c1f1d48945d9fz"],
      ["--h3-cell", "8c1f1d48945d9ff", "--lat", "52.5", "--lng", "13.4"],
      ["--radio", "semtech", "--semtech-port", "70000"],
    ]) {
      const r = await runGw([...base, ...bad], { env });
      assert.equal(r.code, 2, `${bad.join(" ")}: ${r.stderr}`);
      assert.equal(existsSync(providerPaths(home.path).config), false, bad.join(" "));
    }
    const init = await runGw(
      [...base, "--radio", "semtech", "--semtech-port", "1702", "--lat", "52.52", "--lng", "13.405"],
      { env },
    );
    assert.equal(init.code, 0, init.stderr);
    const json = init.json as { offers: { coverage: unknown }; location: { h3Cell: string } };
    assert.deepEqual(json.offers.coverage, {
      oracles: ["http://127.0.0.1:9610"],
      radio: { kind: "semtech", port: 1702 }, // the daemon listens on loopback unless `host` says otherwise
    });
    assert.equal(json.location.h3Cell, latLngToCell(52.52, 13.405, 12));
    assert.equal(getResolution(json.location.h3Cell), 12);
  } finally {
    home.remove();
  }
});
