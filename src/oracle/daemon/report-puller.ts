// Pulls the signed fraud reports every gateway keeps for the oracles (GET /v1/reports?kind=fraud, paged by `after`)
// into the oracle's store, remembering each gateway's cursor so a restart continues where it stopped.
import { envelopeSchema } from "../../protocol/index.ts";
import { requestJson } from "./http-client.ts";
import type { OracleStore } from "./oracle-store.ts";

export interface ReportPuller {
  start(): void;
  /** One pass over every gateway (what the timer does). */
  pullNow(): Promise<void>;
  stop(): Promise<void>;
}

export function createReportPuller(options: {
  gateways: readonly string[];
  store: OracleStore;
  intervalMs?: number;
  log: (line: string) => void;
  onPulled?: (count: number) => void;
}): ReportPuller {
  const { store, log } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let current: Promise<void> = Promise.resolve();

  async function pullGateway(url: string): Promise<void> {
    for (let page = 0; page < 1000; page++) {
      const after = store.cursor(url);
      const response = await requestJson(`${url}/v1/reports?kind=fraud&limit=100&after=${after}`, { timeoutMs: 5000 });
      const json = response.json as { reports?: { seq?: unknown; report?: unknown }[]; next?: unknown } | undefined;
      if (response.status !== 200 || !Array.isArray(json?.reports)) {
        log(`cannot pull reports from ${url} (${response.status})`);
        return;
      }
      let last = after;
      let pulled = 0;
      for (const item of json.reports) {
        const report = envelopeSchema.safeParse(item.report);
        if (typeof item.seq !== "number" || item.seq <= last) continue;
        last = item.seq;
        if (!report.success) continue;
        store.appendReport({ gateway: url, seq: item.seq, report: report.data });
        pulled++;
      }
      if (last !== after) store.setCursor(url, last);
      if (pulled > 0) options.onPulled?.(pulled);
      if (json.next === null || json.next === undefined || last === after) return;
    }
  }

  async function pullNow(): Promise<void> {
    for (const url of options.gateways) {
      try {
        await pullGateway(url);
      } catch (error) {
        log(`pulling reports from ${url} failed: ${(error as Error).message}`);
      }
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      const loop = async () => {
        current = pullNow();
        await current;
        if (!stopped) timer = setTimeout(loop, options.intervalMs ?? 2000);
      };
      void loop();
    },
    pullNow: () => {
      current = current.then(pullNow);
      return current;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current.catch(() => {});
    },
  };
}
