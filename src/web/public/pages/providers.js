// Providers: every registered provider in a sortable, paginated table, filtered by status and resource type, kept
// current by provider events.
import { fetchAll } from "../api.js";
import { createDataTable } from "../data-table.js";
import { formatAgo, formatGwk, gwkNumber, html, shortHex } from "../format.js";
import { createLiveRefresh } from "../live-refresh.js";
import { pricePerJob, providerView } from "../model.js";
import { normalizeCell } from "../world-map.js";

export const providerColumns = [
  {
    key: "nodeKey",
    label: "Node key",
    value: (p) => p.nodeKey,
    cell: (p) => html`<a class="mono" href="#/providers/${encodeURIComponent(p.nodeKey)}">${shortHex(p.nodeKey)}</a>`,
  },
  {
    key: "owner",
    label: "Owner",
    value: (p) => p.owner,
    cell: (p) => html`<span class="mono">${shortHex(p.owner, 4)}</span>`,
  },
  {
    key: "types",
    label: "Resources",
    value: (p) => p.resourceTypes.join(","),
    cell: (p) => html`${p.resourceTypes.join(", ")}`,
  },
  {
    key: "status",
    label: "Status",
    value: (p) => p.status,
    cell: (p) => html`<span class="badge" data-status="${p.status}">${p.status}</span>`,
  },
  {
    key: "stake",
    label: "Stake GWK",
    numeric: true,
    value: (p) => gwkNumber(p.stake),
    cell: (p) => html`<span data-value="${p.stake}">${formatGwk(p.stake, 2)}</span>`,
  },
  {
    key: "price",
    label: "Price/job GWK",
    numeric: true,
    value: (p) => gwkNumber(pricePerJob(p)),
    cell: (p) => html`${pricePerJob(p) === null ? "–" : formatGwk(pricePerJob(p))}`,
  },
  {
    key: "reputation",
    label: "Reputation",
    numeric: true,
    value: (p) => p.reputation,
    cell: (p) => {
      const score = p.reputation;
      return html`${score === null ? "–" : score.toFixed(3)}`;
    },
  },
  {
    key: "cell",
    label: "H3 cell",
    value: (p) => normalizeCell(p.h3Cell),
    cell: (p) => html`<span class="mono">${normalizeCell(p.h3Cell) ?? "–"}</span>`,
  },
  {
    key: "lastSeen",
    label: "Last seen",
    value: (p) => p.lastSeen ?? 0,
    cell: (p) => html`${formatAgo(p.lastSeen)}`,
  },
];

export async function render(main, { api }) {
  main.innerHTML = html`<h1>Providers</h1>
    <form class="filters" data-role="filters">
      <label>Status <select name="status"><option value="">any</option><option>active</option><option>unbonding</option><option>jailed</option><option>inactive</option></select></label>
      <label>Resource type <input name="resourceType" size="10" placeholder="any"></label>
    </form><div data-role="table"></div>`.text;
  const table = createDataTable({
    caption: "Registered providers",
    columns: providerColumns,
    rowKey: (p) => p.nodeKey,
    sort: { key: "stake", dir: "descending" },
    emptyText: "No provider matches.",
  });
  main.querySelector('[data-role="table"]').append(table.element);
  const form = main.querySelector('[data-role="filters"]');
  const filters = () => Object.fromEntries(new FormData(form));
  const load = async () => table.setRows((await fetchAll(api.providers, filters())).map(providerView));
  form.addEventListener("change", () => load());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  await load();
  const live = createLiveRefresh(["provider"], load);
  return live;
}
