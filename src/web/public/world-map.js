// The world map: the bundled world-atlas outline through a d3-geo projection, with providers' H3 cells drawn as
// hexagons (h3-js cellToBoundary), and extra layers of cells (coverage, …) under them. Offline: no tiles.
import { escapeHtml } from "./format.js";

const width = 960;
const height = 500;

/** An H3 index as h3-js wants it (15 hex digits), from a hex string, 0x-hex or decimal; null when none. */
export function normalizeCell(value) {
  if (value === null || value === undefined || value === "" || value === 0) return null;
  let text = String(value).trim().toLowerCase();
  if (/^\d+$/.test(text) && text.length > 15) text = BigInt(text).toString(16);
  else if (text.startsWith("0x")) text = text.slice(2);
  text = text.replace(/^0+/, "");
  return /^[0-9a-f]{15}$/.test(text) ? text : null;
}

/** Loads the libraries and the outline, then draws into `container`. */
export async function createWorldMap(container, { onSelect }) {
  const [geo, topo, h3, world] = await Promise.all([
    import("d3-geo"),
    import("topojson-client"),
    import("h3-js"),
    fetch("/vendor/countries-110m.json").then((r) => r.json()),
  ]);
  const land = topo.feature(world, world.objects.countries);
  const projection = geo.geoNaturalEarth1();
  const path = geo.geoPath(projection);
  const worldView = () =>
    projection.fitExtent(
      [
        [4, 4],
        [width - 4, height - 4],
      ],
      { type: "Sphere" },
    );
  worldView();

  container.innerHTML = `<svg viewBox="0 0 ${width} ${height}" role="group" aria-label="World map of providers">
    <path class="sphere"/><path class="land"/><g class="layers"></g><g class="providers"></g></svg>
    <div class="map-tools"><button type="button" data-view="world">World</button>
    <button type="button" data-view="fit">Zoom to providers</button><span class="muted" data-role="map-note"></span></div>`;
  const svg = container.querySelector("svg");
  const layersGroup = svg.querySelector(".layers");
  const providerGroup = svg.querySelector(".providers");
  const note = container.querySelector('[data-role="map-note"]');
  let providerCells = [];
  const layers = new Map();
  /** Layers switched off with their toggle. */
  const hidden = new Set();
  const dataAttributes = (data = {}) =>
    Object.entries(data)
      .map(([key, value]) => ` data-${escapeHtml(key)}="${escapeHtml(String(value))}"`)
      .join("");

  /** A cell's outline as a GeoJSON polygon that d3 reads as the small area, not the rest of the sphere. */
  function cellFeature(cell) {
    const ring = h3.cellToBoundary(cell, true);
    // GeoJSON winding is counter-clockwise; d3-geo treats rings as clockwise, so flip when the area is inverted.
    const polygon = { type: "Polygon", coordinates: [ring] };
    if (geo.geoArea(polygon) > 2 * Math.PI) polygon.coordinates = [[...ring].reverse()];
    return { type: "Feature", properties: { cell }, geometry: polygon };
  }

  function draw() {
    svg.querySelector(".sphere").setAttribute("d", path({ type: "Sphere" }));
    svg.querySelector(".land").setAttribute("d", path(land));
    providerGroup.innerHTML = providerCells
      .map(({ feature, providers }) => {
        const names = providers.map((p) => p.nodeKey ?? p.id).join(", ");
        const status = providers.every((p) => p.status === "jailed") ? "jailed" : (providers[0].status ?? "");
        const label = `${providers.length} provider${providers.length > 1 ? "s" : ""} in cell ${feature.properties.cell}`;
        return `<path class="hex" tabindex="0" role="button" data-cell="${escapeHtml(feature.properties.cell)}" data-status="${escapeHtml(status)}" data-count="${providers.length}" aria-label="${escapeHtml(label)}" d="${path(feature)}"><title>${escapeHtml(`${label}: ${names}`)}</title></path>`;
      })
      .join("");
    layersGroup.innerHTML = [...layers]
      .filter(([name]) => !hidden.has(name))
      .map(([, { className, features }]) =>
        features
          .map(
            (f) =>
              `<path class="${escapeHtml(className)}" data-cell="${escapeHtml(f.properties.cell)}"${dataAttributes(f.properties.data)} d="${path(f)}"><title>${escapeHtml(f.properties.label ?? f.properties.cell)}</title></path>`,
          )
          .join(""),
      )
      .join("");
  }

  function fitProviders() {
    // No located provider: fit what the layers show (coverage hotspots need not be providers of other work).
    let features = providerCells.map((c) => c.feature);
    if (features.length === 0) features = [...layers.values()].flatMap((l) => l.features);
    if (features.length === 0) return worldView();
    const [[west, south], [east, north]] = geo.geoBounds({ type: "FeatureCollection", features });
    // Never closer than ~40° × 20°: a lone hexagon a few km wide needs the land around it to mean anything.
    const cx = (west + east) / 2;
    const cy = (south + north) / 2;
    const halfW = Math.max(20, (east - west) / 2 + 5);
    const halfH = Math.max(10, (north - south) / 2 + 5);
    projection.fitExtent(
      [
        [4, 4],
        [width - 4, height - 4],
      ],
      {
        type: "MultiPoint",
        coordinates: [
          [Math.max(-180, cx - halfW), Math.max(-85, cy - halfH)],
          [Math.min(180, cx + halfW), Math.min(85, cy + halfH)],
        ],
      },
    );
  }

  function select(target) {
    const cell = target?.closest?.(".hex")?.dataset.cell;
    const entry = providerCells.find((c) => c.feature.properties.cell === cell);
    if (entry) onSelect(entry.providers, cell);
  }
  svg.addEventListener("click", (event) => select(event.target));
  svg.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      select(event.target);
    }
  });
  container.querySelector(".map-tools").addEventListener("click", (event) => {
    const view = event.target.closest("button")?.dataset.view;
    if (view === "world") worldView();
    else if (view === "fit") fitProviders();
    else return;
    draw();
  });

  return {
    /** Providers with an H3 cell ({ h3Cell | cell | h3 }); one hexagon per distinct cell. */
    setProviders(providers) {
      const byCell = new Map();
      let unplaced = 0;
      for (const p of providers) {
        const cell = normalizeCell(p.h3Cell ?? p.cell ?? p.h3);
        if (!cell || !h3.isValidCell(cell)) {
          unplaced++;
          continue;
        }
        if (!byCell.has(cell)) byCell.set(cell, []);
        byCell.get(cell).push(p);
      }
      providerCells = [...byCell].map(([cell, list]) => ({ feature: cellFeature(cell), providers: list }));
      note.textContent = `${providers.length - unplaced} located in ${providerCells.length} cell(s)${unplaced ? `, ${unplaced} without a location` : ""}`;
      draw();
    },
    /**
     * A layer of cells under the providers: [{ cell, label?, data? }], styled by className (data → data-* attributes),
     * with a legend ([{ className, text }]) and a toggle in the map's tools. Replaces a layer of that name.
     */
    setLayer(name, cells, className = name, { label = name, legend = [] } = {}) {
      const features = [];
      for (const c of cells) {
        const cell = normalizeCell(c.cell ?? c.h3Cell ?? c.h3);
        if (!cell || !h3.isValidCell(cell)) continue;
        const feature = cellFeature(cell);
        feature.properties.label = c.label;
        feature.properties.data = c.data;
        features.push(feature);
      }
      layers.set(name, { className, features });
      let control = container.querySelector(`[data-layer="${CSS.escape(name)}"]`);
      if (!control) {
        control = document.createElement("div");
        control.className = "layer-control";
        control.dataset.layer = name;
        container.append(control);
      }
      control.innerHTML = `<label><input type="checkbox" data-role="layer-toggle" ${hidden.has(name) ? "" : "checked"}>
        ${escapeHtml(label)} (${features.length} hex${features.length === 1 ? "" : "es"})</label>
        <ul class="legend">${legend.map((l) => `<li><span class="${escapeHtml(l.className)}"></span>${escapeHtml(l.text)}</li>`).join("")}</ul>`;
      control.querySelector("input").addEventListener("change", (event) => {
        if (event.target.checked) hidden.delete(name);
        else hidden.add(name);
        draw();
      });
      draw();
    },
    fitProviders() {
      fitProviders();
      draw();
    },
  };
}
