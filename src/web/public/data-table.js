// A sortable, paginated table with real <th> headers (aria-sort on the sorted one), rows keyed so live updates
// replace a row in place and flash it, and an optional "load more" that fetches the next page from the API.
import { escapeHtml, html, raw } from "./format.js";

/**
 * columns: [{ key, label, numeric?, value(row) → sort value, cell(row) → html`` }]. rowKey(row) → unique id.
 */
export function createDataTable({ caption, columns, rowKey, pageSize = 20, emptyText = "Nothing yet.", sort }) {
  const element = document.createElement("div");
  element.className = "data-table";
  let rows = [];
  let page = 0;
  let sortKey = sort?.key ?? null;
  let sortDir = sort?.dir ?? "descending";
  let loadMore = null;
  const flashed = new Set();

  const sorted = () => {
    if (!sortKey) return rows;
    const column = columns.find((c) => c.key === sortKey);
    const factor = sortDir === "ascending" ? 1 : -1;
    return [...rows].sort((a, b) => factor * compare(column.value(a), column.value(b)));
  };

  function render() {
    const all = sorted();
    const pages = Math.max(1, Math.ceil(all.length / pageSize));
    page = Math.min(page, pages - 1);
    const visible = all.slice(page * pageSize, (page + 1) * pageSize);
    const head = columns.map((c) => {
      const ariaSort = c.key === sortKey ? ` aria-sort="${sortDir}"` : "";
      return `<th scope="col"${ariaSort} class="${c.numeric ? "num" : ""}"><button type="button" data-sort="${escapeHtml(c.key)}">${escapeHtml(c.label)}</button></th>`;
    });
    const body = visible.map((row) => {
      const key = rowKey(row);
      const cls = flashed.has(key) ? ' class="flash"' : "";
      const cells = columns.map((c) => `<td class="${c.numeric ? "num" : ""}">${c.cell(row)}</td>`);
      return `<tr data-key="${escapeHtml(key)}"${cls}>${cells.join("")}</tr>`;
    });
    flashed.clear();
    const empty =
      rows.length === 0 ? `<tr><td colspan="${columns.length}" class="muted">${escapeHtml(emptyText)}</td></tr>` : "";
    element.innerHTML = html`<div class="table-wrap"><table>
      <caption>${caption} <span class="muted" data-role="count">(${rows.length}${loadMore ? "+" : ""})</span></caption>
      <thead><tr>${columnsHtml(head)}</tr></thead><tbody>${columnsHtml(body)}${columnsHtml([empty])}</tbody></table></div>
      <div class="pager"><button type="button" data-page="prev" ${page === 0 ? "disabled" : ""}>Previous</button>
      <span>page ${page + 1} of ${pages}</span>
      <button type="button" data-page="next" ${page >= pages - 1 ? "disabled" : ""}>Next</button>
      ${loadMore ? columnsHtml(['<button type="button" data-page="more">Load more</button>']) : ""}</div>`.text;
  }

  element.addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.sort) {
      const key = button.dataset.sort;
      sortDir = key === sortKey && sortDir === "descending" ? "ascending" : "descending";
      sortKey = key;
      render();
    } else if (button.dataset.page === "prev") {
      page = Math.max(0, page - 1);
      render();
    } else if (button.dataset.page === "next") {
      page += 1;
      render();
    } else if (button.dataset.page === "more" && loadMore) {
      button.disabled = true;
      const more = loadMore;
      loadMore = null;
      await more();
    }
  });

  return {
    element,
    setRows(next) {
      rows = next;
      render();
    },
    /** Adds or replaces one row (a live update) and flashes it. */
    upsert(row) {
      const key = rowKey(row);
      const i = rows.findIndex((r) => rowKey(r) === key);
      if (i >= 0) rows[i] = { ...rows[i], ...row };
      else rows = [row, ...rows];
      flashed.add(key);
      render();
    },
    /** A function that fetches the next page (and calls append), or null when there is none. */
    setLoadMore(fn) {
      loadMore = fn;
      render();
    },
    append(more) {
      const keys = new Set(rows.map(rowKey));
      rows = [...rows, ...more.filter((r) => !keys.has(rowKey(r)))];
      render();
    },
    get rows() {
      return rows;
    },
  };
}

/** Strings built above are already escaped. */
const columnsHtml = (parts) => raw(parts.join(""));

function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}
