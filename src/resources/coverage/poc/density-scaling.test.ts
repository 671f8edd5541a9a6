import assert from "node:assert/strict";
import { test } from "node:test";
import { cellToChildren, latLngToCell } from "h3-js";
import type { Hex } from "viem";
import { densityScale } from "./density-scaling.ts";
import { defaultPocParams } from "./poc-params.ts";

const key = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;

test("ten hotspots stacked in one hex earn together what one hotspot there earns", () => {
  const hex10 = latLngToCell(45.5, -73.6, 10);
  const cells = new Map<Hex, string>();
  for (const [i, c] of cellToChildren(hex10, 12).slice(0, 10).entries()) cells.set(key(i), c);
  cells.set(key(50), latLngToCell(45.9, -73.2, 12)); // one hotspot alone, far away
  const { scalePpm } = densityScale(cells, defaultPocParams.density);
  let stacked = 0;
  for (let i = 0; i < 10; i++) stacked += scalePpm.get(key(i)) as number;
  assert.equal(scalePpm.get(key(50)), 1_000_000);
  assert.ok(Math.abs(stacked - 1_000_000) <= 10, `stacked total ${stacked}`);
});

test("hotspots spread over separate hexes earn in full, up to the coarser hexes' limits", () => {
  const cells = new Map<Hex, string>();
  for (let i = 0; i < 5; i++) cells.set(key(i), latLngToCell(45.5 + i * 0.03, -73.6, 12)); // ~3 km apart
  const { scalePpm } = densityScale(cells, defaultPocParams.density);
  for (let i = 0; i < 5; i++) assert.equal(scalePpm.get(key(i)), 1_000_000);
});
