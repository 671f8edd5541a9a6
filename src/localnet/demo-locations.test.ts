// The demo providers' locations: every local provider gets its own valid H3 cell near its city.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cellToLatLng, getResolution, greatCircleDistance, isValidCell } from "h3-js";
import { demoCellResolution, demoProviderLocation } from "./demo-locations.ts";
import { localMaxProviders } from "./params.ts";

test("each local provider has a distinct, valid H3 cell within 50 km of its city", () => {
  const cells = new Set<string>();
  for (let i = 0; i < localMaxProviders; i++) {
    const location = demoProviderLocation(i);
    const cell = location.h3Cell.toString(16);
    assert.ok(isValidCell(cell), `provider ${i}: ${cell}`);
    assert.equal(getResolution(cell), demoCellResolution);
    assert.ok(location.h3Cell < 2n ** 64n, "fits the registry's uint64");
    const first = demoProviderLocation(i % 12);
    const [lat, lng] = cellToLatLng(cell);
    assert.ok(
      greatCircleDistance([lat, lng], [first.lat, first.lng], "km") < 50,
      `provider ${i} is far from ${location.city}`,
    );
    cells.add(cell);
  }
  assert.equal(cells.size, localMaxProviders);
});
