// Overview: network totals, the world map of providers (and extra layers), the latest closed epoch and recent jobs.
import { fetchAll } from "../api.js";
import { formatGwk, formatShare, html, raw } from "../format.js";
import { createLiveRefresh } from "../live-refresh.js";
import { mapLayers } from "../map-layers.js";
import { epochView, providerView, statsView } from "../model.js";
import { createWorldMap } from "../world-map.js";

/** Each total: its label, its field of statsView and how to show it. */
const totals = [
  ["Providers", "providers", String],
  ["Active", "active", String],
  ["Staked GWK", "staked", formatGwk],
  ["Jobs", "jobs", String],
  ["Revenue GWK", "revenue", formatGwk],
  ["Emission GWK", "emission", formatGwk],
  ["Burned GWK", "burned", formatGwk],
  ["Treasury GWK", "treasury", formatGwk],
  ["Revenue share", "revenueShare", (share, stats) => formatShare(share, stats.revenue)],
  ["Current epoch", "currentEpoch", String],
];

export function totalsHtml(stats) {
  // data-posted-epochs: how far these totals reach, so a reader (the browser test) can compare like with like.
  return html`<dl class="totals" data-posted-epochs="${stats.postedEpochs}">${totals.map(
    ([label, key, show]) =>
      html`<div><dt>${label}</dt><dd data-stat="${key}" data-value="${stats[key] ?? ""}">${stats[key] === null || stats[key] === undefined ? "–" : show(stats[key], stats)}</dd></div>`,
  )}</dl>`;
}

export async function render(main, { api }) {
  main.innerHTML = html`<h1>Network</h1>
    <section aria-labelledby="totals-h"><h2 id="totals-h" class="visually-hidden">Totals</h2><div data-role="totals"></div></section>
    <section class="card map" aria-labelledby="map-h"><h2 id="map-h">Providers on the map</h2><div data-role="map"><p class="muted">Loading the map…</p></div>
    <div data-role="selection" aria-live="polite"></div></section>
    <section class="card" aria-labelledby="epoch-h"><h2 id="epoch-h">Latest closed epoch</h2><div data-role="epoch"></div></section>`.text;
  const $ = (role) => main.querySelector(`[data-role="${role}"]`);

  const loadStats = async () => {
    $("totals").innerHTML = totalsHtml(statsView(await api.stats())).text;
  };
  const loadEpoch = async () => {
    const { items } = await api.epochs({ limit: 20 });
    const closed = items.map(epochView).filter((e) => e.closed);
    const latest = closed.sort((a, b) => b.epoch - a.epoch)[0];
    $("epoch").innerHTML = latest
      ? html`<p data-epoch="${latest.epoch}">Epoch <strong>${latest.epoch}</strong>: emission ${formatGwk(latest.emission)} GWK,
          customer revenue ${formatGwk(latest.revenue)} GWK, revenue share
          <strong data-role="latest-share" data-value="${latest.revenueShare ?? ""}">${formatShare(latest.revenueShare, latest.revenue)}</strong>.
          <a href="#/epochs">All epochs</a></p>`.text
      : '<p class="muted">No epoch has closed yet.</p>';
  };
  await Promise.all([loadStats(), loadEpoch()]);
  // Marks for the benchmark: when the numbers are on screen, and when the map is.
  performance.mark("gw:totals");

  // The map loads its libraries after the totals are on screen: the first paint does not wait for them.
  let map = null;
  let providers = [];
  const loadProviders = async () => {
    providers = (await fetchAll(api.providers)).map(providerView);
    map?.setProviders(providers);
  };
  const loadLayers = async () => {
    for (const layer of mapLayers) {
      const cells = await layer.load(api).catch(() => undefined);
      if (cells) map?.setLayer(layer.name, cells, layer.className, { label: layer.label, legend: layer.legend });
    }
  };
  const mapReady = (async () => {
    const [created] = await Promise.all([
      createWorldMap($("map"), {
        onSelect(list, cell) {
          $("selection").innerHTML = html`<p>Cell <span class="mono">${cell}</span>: ${list.map(
            (p, i) =>
              html`${raw(i ? ", " : "")}<a href="#/providers/${encodeURIComponent(p.nodeKey)}" class="mono">${p.nodeKey.slice(0, 10)}…</a>`,
          )}</p>`.text;
        },
      }),
      loadProviders(),
    ]);
    map = created;
    map.setProviders(providers);
    if (providers.some((p) => p.h3Cell)) map.fitProviders();
    await loadLayers();
    if (!providers.some((p) => p.h3Cell)) map.fitProviders();
  })().catch((error) => {
    $("map").innerHTML = html`<p class="error" role="alert">The map could not load: ${error.message}</p>`.text;
  });
  main.dataset.mapReady = "pending";
  mapReady.finally(() => {
    performance.mark("gw:map");
    main.dataset.mapReady = "done";
  });

  const stats = createLiveRefresh(["stats", "job", "epoch", "provider"], loadStats);
  const epochs = createLiveRefresh(["epoch"], loadEpoch);
  const located = createLiveRefresh(["provider"], loadProviders);
  const layers = createLiveRefresh(["coverage"], loadLayers);
  return {
    onEvent(event) {
      stats.onEvent(event);
      epochs.onEvent(event);
      located.onEvent(event);
      layers.onEvent(event);
    },
    dispose() {
      stats.dispose();
      epochs.dispose();
      located.dispose();
      layers.dispose();
    },
  };
}
