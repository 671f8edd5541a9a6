// The indexer: follows chain events, oracle epochs and gateway job feeds into a database (PGlite or PostgreSQL).

export { type ChainCursor, readChainCursor, resetIndex } from "./chain-cursor.ts";
export { type BlockHeader, type ChainEvent, readChainRange } from "./chain-events.ts";
export { type Database, type Queryable, type Row, toBigInt, toNumber, toNumberOrNull } from "./database.ts";
export { type ChainFollowOptions, type ChainRound, followChainOnce } from "./follow-chain.ts";
export { type CoverageRound, type CoverageSource, followCoverageOnce } from "./follow-coverage.ts";
export { followGatewayProvidersOnce, followJobsOnce, type JobsRound } from "./follow-jobs.ts";
export { followOraclesOnce, type OracleRound } from "./follow-oracle.ts";
export { createIndexer, type Indexer, type IndexerChange, type IndexerOptions } from "./indexer-service.ts";
export { applyMigrations, listMigrations } from "./migrate.ts";
export { openIndexDatabase } from "./open-database.ts";
export { openPgliteDatabase } from "./pglite-database.ts";
export { openPostgresDatabase } from "./postgres-database.ts";
