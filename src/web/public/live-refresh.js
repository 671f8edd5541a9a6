// Live updates for a page: events of the types it shows trigger one re-read of the API after a short pause, so a
// burst of events costs one request, and the API stays the only source of the numbers shown.

export function createLiveRefresh(types, refresh, delayMs = 400) {
  let timer = null;
  let running = false;
  let again = false;
  const run = async () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await refresh();
    } catch {
      // The next event retries; the page keeps what it last showed.
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    if (timer === null) timer = setTimeout(run, delayMs);
  };
  return {
    onEvent(event) {
      if (types.includes(event.type)) schedule();
    },
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
