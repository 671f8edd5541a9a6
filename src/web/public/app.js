// The dashboard's entry: hash routes to pages, one live event stream shared by all pages, and the status badge.
import { createApi, watchEvents } from "./api.js";
import { escapeHtml } from "./format.js";

const api = createApi();
const main = document.getElementById("main");
const live = document.getElementById("live");

/** [pattern, loader, nav link it highlights]; loaders import the page module only when it is first shown. */
const routes = [
  [/^\/?$/, () => import("./pages/overview.js"), "#/"],
  [/^\/providers\/?$/, () => import("./pages/providers.js"), "#/providers"],
  [/^\/providers\/([^/]+)$/, () => import("./pages/provider.js"), "#/providers"],
  [/^\/jobs\/?$/, () => import("./pages/jobs.js"), "#/jobs"],
  [/^\/epochs\/?$/, () => import("./pages/epochs.js"), "#/epochs"],
];

let current = null;
let generation = 0;

async function show() {
  const route = location.hash.replace(/^#/, "") || "/";
  const match = routes.map(([re, load, nav]) => ({ m: re.exec(route), load, nav })).find((r) => r.m);
  const mine = ++generation;
  current?.dispose?.();
  current = null;
  for (const a of document.querySelectorAll(".top nav a")) {
    if (a.getAttribute("href") === match?.nav) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (!match) {
    main.innerHTML = `<h1>Not found</h1><p>No page at ${escapeHtml(route)}. <a href="#/">Back to the overview</a>.</p>`;
    return;
  }
  main.setAttribute("aria-busy", "true");
  try {
    const page = await match.load();
    if (mine !== generation) return;
    const params = match.m.slice(1).map(decodeURIComponent);
    const view = await page.render(main, { api, params });
    if (mine !== generation) return view?.dispose?.();
    current = view ?? null;
  } catch (error) {
    if (mine !== generation) return;
    main.innerHTML = `<h1>Could not load this page</h1><p class="error" role="alert">${escapeHtml(error.message)}</p>`;
  } finally {
    if (mine === generation) main.removeAttribute("aria-busy");
  }
}

watchEvents("/v1/events", {
  onEvent: (event) => current?.onEvent?.(event),
  onState(state) {
    live.dataset.state = state;
    live.textContent = state === "live" ? "live" : state === "offline" ? "offline" : "reconnecting…";
  },
});
window.addEventListener("hashchange", () => {
  show();
  main.focus({ preventScroll: true });
});
show();
