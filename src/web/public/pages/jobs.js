// Jobs: the network's jobs and their outcomes, newest first, paginated from the API with a cursor ("Load more") and
// sortable; job events add or update rows in place.
import { createDataTable } from "../data-table.js";
import { formatTime, formatToken, html, shortHex } from "../format.js";
import { jobView } from "../model.js";

export const jobColumns = [
  { key: "id", label: "Job", value: (j) => j.id, cell: (j) => html`<span class="mono">${shortHex(j.id, 8)}</span>` },
  {
    key: "provider",
    label: "Provider",
    value: (j) => j.provider,
    cell: (j) =>
      j.provider
        ? html`<a class="mono" href="#/providers/${encodeURIComponent(j.provider)}">${shortHex(j.provider)}</a>`
        : html`–`,
  },
  { key: "type", label: "Type", value: (j) => j.resourceType, cell: (j) => html`${j.resourceType}` },
  {
    key: "status",
    label: "Outcome",
    value: (j) => j.status,
    cell: (j) => html`<span class="badge" data-status="${j.status}">${j.status}</span>`,
  },
  {
    key: "cost",
    label: "Cost GWK",
    numeric: true,
    value: (j) => Number(j.cost ?? Number.NaN),
    cell: (j) => html`<span data-value="${j.cost ?? ""}">${formatToken(j.cost)}</span>`,
  },
  { key: "epoch", label: "Epoch", numeric: true, value: (j) => j.epoch, cell: (j) => html`${j.epoch ?? "–"}` },
  {
    key: "createdAt",
    label: "Submitted",
    value: (j) => String(j.createdAt ?? ""),
    cell: (j) => html`${formatTime(j.createdAt)}`,
  },
];

export async function render(main, { api }) {
  main.innerHTML = html`<h1>Jobs</h1>
    <form class="filters" data-role="filters">
      <label>Outcome <select name="status"><option value="">any</option><option>completed</option><option>failed</option></select></label>
      <label>Provider <input name="provider" size="20" placeholder="node key"></label>
    </form><div data-role="table"></div>`.text;
  const table = createDataTable({
    caption: "Jobs",
    columns: jobColumns,
    rowKey: (j) => j.id,
    sort: { key: "createdAt", dir: "descending" },
    emptyText: "No job yet. Run one: npx gw compute run job.wasm",
  });
  main.querySelector('[data-role="table"]').append(table.element);
  const form = main.querySelector('[data-role="filters"]');
  const filters = () => Object.fromEntries(new FormData(form));

  const more = (cursor) => async () => {
    const page = await api.jobs({ ...filters(), cursor, limit: 100 });
    table.append(page.items.map(jobView));
    table.setLoadMore(page.nextCursor ? more(page.nextCursor) : null);
  };
  const load = async () => {
    const page = await api.jobs({ ...filters(), limit: 100 });
    table.setRows(page.items.map(jobView));
    table.setLoadMore(page.nextCursor ? more(page.nextCursor) : null);
  };
  form.addEventListener("change", () => load());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  await load();
  return {
    onEvent(event) {
      if (event.type !== "job" || !event.data) return;
      const job = jobView(event.data);
      const f = filters();
      if (job.id && (!f.status || f.status === job.status) && (!f.provider || f.provider === job.provider))
        table.upsert(job);
    },
  };
}
