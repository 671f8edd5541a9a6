// Jobs: the network's jobs and their outcomes, newest first, paginated from the API with a cursor ("Load more") and
// sortable; job events add or update rows in place.
import { createDataTable } from "../data-table.js";
import { formatTime, html, shortHex } from "../format.js";
import { jobView } from "../model.js";

export const jobColumns = [
  { key: "id", label: "Job", value: (j) => j.id, cell: (j) => html`<span class="mono">${shortHex(j.id, 8)}</span>` },
  {
    key: "provider",
    label: "Provider",
    value: (j) => j.provider,
    cell: (j) =>
      j.provider
        ? html`<a class="mono" href="#/providers/${encodeURIComponent(j.provider)}">${shortHex(j.provider)}</a>${j.providers.length > 1 ? ` +${j.providers.length - 1}` : ""}`
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
    key: "verification",
    label: "Verified by",
    value: (j) => j.verification,
    cell: (j) => html`${j.verification ?? "–"}`,
  },
  {
    key: "reroutes",
    label: "Reroutes",
    numeric: true,
    value: (j) => j.reroutes,
    cell: (j) => html`${j.reroutes ?? "–"}`,
  },
  {
    key: "duration",
    label: "Took",
    numeric: true,
    value: (j) => j.durationMs,
    cell: (j) => html`${j.durationMs === null ? "–" : `${(j.durationMs / 1000).toFixed(2)} s`}`,
  },
  {
    key: "accepted",
    label: "Submitted",
    value: (j) => j.acceptedAtMs,
    cell: (j) => html`${formatTime(j.acceptedAtMs)}`,
  },
];

export async function render(main, { api }) {
  main.innerHTML = html`<h1>Jobs</h1>
    <form class="filters" data-role="filters">
      <label>Outcome <select name="status"><option value="">any</option><option>ok</option><option>failed</option><option>running</option></select></label>
      <label>Provider <input name="provider" size="20" placeholder="node key or owner"></label>
    </form><div data-role="table"></div>`.text;
  const table = createDataTable({
    caption: "Jobs",
    columns: jobColumns,
    rowKey: (j) => j.id,
    sort: { key: "accepted", dir: "descending" },
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
  // Job events carry the job's id only: read the job, then add or update its row.
  return {
    async onEvent(event) {
      const jobId = event.type === "job" ? event.data?.jobId : undefined;
      if (typeof jobId !== "string") return;
      let job;
      try {
        job = jobView(await api.job(jobId));
      } catch {
        return; // not indexed yet or gone: the next event or a reload shows it
      }
      const f = filters();
      const mine = !f.provider || job.providers.includes(f.provider) || job.provider === f.provider;
      if ((!f.status || f.status === job.status) && mine) table.upsert(job);
    },
  };
}
