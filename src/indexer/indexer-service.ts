// createIndexer: the indexer role as one service. A single loop follows the chain (catching up in batches, then
// polling), then the oracles' epoch results, then each gateway's job feed and provider list; every change is
// reported to `onChange` after its transaction committed. Errors of one source are logged and retried next round.
import type { PublicClient } from "viem";
import type { Deployment } from "../chain/index.ts";
import type { OracleClient } from "../economics/index.ts";
import type { Database } from "./database.ts";
import { type ChainRound, followChainOnce } from "./follow-chain.ts";
import { type CoverageSource, followCoverageOnce } from "./follow-coverage.ts";
import { followGatewayProvidersOnce, followJobsOnce } from "./follow-jobs.ts";
import { followOraclesOnce } from "./follow-oracle.ts";

export type IndexerChange =
  | { type: "chain"; round: ChainRound }
  | { type: "providers"; nodeKeys: string[] }
  | { type: "epochs"; epochs: number[] }
  | { type: "jobs"; jobIds: string[] }
  | { type: "coverage"; epochs: number[] };

export interface IndexerOptions {
  db: Database;
  client: PublicClient;
  deployment: Deployment;
  oracles?: readonly OracleClient[];
  /** Oracles serving proof-of-coverage results (/v1/coverage/*); usually the same URLs as `oracles`. */
  coverage?: readonly CoverageSource[];
  /** Gateway base URLs whose job feeds to follow. */
  gateways?: readonly string[];
  /** Pause between rounds once caught up. Default 1000 ms. */
  pollMs?: number;
  /** Blocks per chain round. Default 2000. */
  batchBlocks?: number;
  confirmations?: number;
  /** How often (in rounds) gateways' provider lists are re-read. Default 5. */
  presenceEvery?: number;
  onChange?: (change: IndexerChange) => void;
  log?: (line: string) => void;
  now?: () => number;
}

export interface Indexer {
  /** Runs rounds until the chain cursor reaches the head seen at the call (tests, benches, first sync). */
  syncToHead(): Promise<void>;
  /** Starts the background loop. */
  start(): void;
  stop(): Promise<void>;
}

export function createIndexer(options: IndexerOptions): Indexer {
  const log = options.log ?? (() => {});
  const emit = options.onChange ?? (() => {});
  const now = options.now ?? Date.now;
  const chainOptions = {
    db: options.db,
    client: options.client,
    deployment: options.deployment,
    batchBlocks: options.batchBlocks ?? 2000,
    confirmations: options.confirmations ?? 0,
    // Start narrow and widen: a dense backlog's first wide range would be refused whole, at a high price.
    span: { blocks: Math.min(options.batchBlocks ?? 2000, 64) },
  };
  let rounds = 0;

  async function chainRound(): Promise<ChainRound> {
    const round = await followChainOnce(chainOptions);
    if (round.kind === "reorg") {
      log(`reorg: rolled back from block ${round.from.block} to ${round.to.block}`);
      emit({ type: "chain", round });
    } else if (round.kind === "indexed") {
      emit({ type: "chain", round });
      if (round.fold.providers.length > 0) emit({ type: "providers", nodeKeys: round.fold.providers });
      if (round.fold.epochs.length > 0) emit({ type: "epochs", epochs: round.fold.epochs });
    }
    return round;
  }

  async function offChainRound(): Promise<void> {
    try {
      const oracle = await followOraclesOnce(options.db, options.oracles ?? [], log);
      if (oracle.epochs.length > 0) emit({ type: "epochs", epochs: oracle.epochs });
    } catch (error) {
      log(`oracle round failed: ${(error as Error).message}`);
    }
    try {
      const coverage = await followCoverageOnce(options.db, options.coverage ?? [], log, now);
      if (coverage.epochs.length > 0) emit({ type: "coverage", epochs: coverage.epochs });
    } catch (error) {
      log(`coverage round failed: ${(error as Error).message}`);
    }
    for (const gateway of options.gateways ?? []) {
      try {
        for (;;) {
          const jobs = await followJobsOnce(options.db, gateway);
          if (jobs.jobs.length > 0) emit({ type: "jobs", jobIds: jobs.jobs });
          if (!jobs.more) break;
        }
        if (rounds % (options.presenceEvery ?? 5) === 0) {
          const seen = await followGatewayProvidersOnce(options.db, gateway, now);
          if (seen.length > 0) emit({ type: "providers", nodeKeys: seen });
        }
      } catch (error) {
        log(`gateway ${gateway}: ${(error as Error).message}`);
      }
    }
  }

  async function syncToHead(): Promise<void> {
    for (;;) {
      const round = await chainRound();
      if (round.kind === "idle") break;
    }
    await offChainRound();
  }

  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  async function run(): Promise<void> {
    while (running) {
      let busy = false;
      try {
        const round = await chainRound();
        busy = round.kind !== "idle";
      } catch (error) {
        log(`chain round failed: ${(error as Error).message}`);
      }
      if (!busy) {
        await offChainRound();
        rounds++;
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, options.pollMs ?? 1000);
        });
        wake = undefined;
      }
    }
  }

  return {
    syncToHead,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
