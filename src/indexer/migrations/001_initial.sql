-- The indexer's first schema. Amounts are NUMERIC(78,0) (uint256 in base units), addresses and hashes lower-case
-- 0x hex, times unix seconds (jobs: unix milliseconds, as the gateway records them). chain_events is the source of
-- truth for chain data; every other chain table is derived from it and can be rebuilt (reorgs).

CREATE TABLE chain_cursor (
  id SMALLINT PRIMARY KEY CHECK (id = 1),
  chain_id BIGINT NOT NULL,
  registry TEXT NOT NULL,
  block BIGINT NOT NULL,
  hash TEXT NOT NULL
);

-- Blocks the indexer saw: every block holding a log and the last block of each indexed range. Reorg checks
-- compare these hashes with the chain's.
CREATE TABLE blocks (
  number BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  parent_hash TEXT NOT NULL,
  timestamp BIGINT NOT NULL
);

CREATE TABLE chain_events (
  block BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  contract TEXT NOT NULL,
  name TEXT NOT NULL,
  args JSONB NOT NULL,
  timestamp BIGINT NOT NULL,
  PRIMARY KEY (block, log_index)
);
CREATE INDEX chain_events_name ON chain_events (name);

CREATE TABLE providers (
  node_key TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  resource_types JSONB NOT NULL,
  endpoint TEXT NOT NULL,
  h3_cell TEXT NOT NULL,
  stake NUMERIC(78, 0) NOT NULL,
  unbonding NUMERIC(78, 0) NOT NULL,
  unbonding_release BIGINT NOT NULL,
  jailed_until BIGINT NOT NULL,
  registered_block BIGINT NOT NULL,
  registered_log INTEGER NOT NULL,
  registered_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX providers_owner ON providers (owner);
CREATE INDEX providers_order ON providers (registered_block, registered_log);

CREATE TABLE min_stakes (
  resource_type TEXT PRIMARY KEY,
  amount NUMERIC(78, 0) NOT NULL
);

-- Stake history (registrations, stake added, unbonding, withdrawals) and penalties (jail, slash) per node.
CREATE TABLE provider_events (
  block BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  node_key TEXT NOT NULL,
  kind TEXT NOT NULL,
  amount NUMERIC(78, 0),
  requested NUMERIC(78, 0),
  until BIGINT,
  timestamp BIGINT NOT NULL,
  PRIMARY KEY (block, log_index)
);
CREATE INDEX provider_events_node ON provider_events (node_key, block, log_index);

CREATE TABLE redemptions (
  block BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  customer TEXT NOT NULL,
  provider TEXT NOT NULL,
  cumulative NUMERIC(78, 0) NOT NULL,
  paid NUMERIC(78, 0) NOT NULL,
  provider_amount NUMERIC(78, 0) NOT NULL,
  treasury_amount NUMERIC(78, 0) NOT NULL,
  burn_amount NUMERIC(78, 0) NOT NULL,
  timestamp BIGINT NOT NULL,
  PRIMARY KEY (block, log_index)
);
CREATE INDEX redemptions_provider ON redemptions (provider, block);

CREATE TABLE deposits (
  block BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  customer TEXT NOT NULL,
  kind TEXT NOT NULL,
  amount NUMERIC(78, 0) NOT NULL,
  timestamp BIGINT NOT NULL,
  PRIMARY KEY (block, log_index)
);

-- Token movements that matter to the economy: mint, burn, into and out of the treasury.
CREATE TABLE token_flows (
  block BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  kind TEXT NOT NULL,
  counterparty TEXT NOT NULL,
  amount NUMERIC(78, 0) NOT NULL,
  timestamp BIGINT NOT NULL,
  PRIMARY KEY (block, log_index, kind)
);

CREATE TABLE claims (
  block BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  account TEXT NOT NULL,
  amount NUMERIC(78, 0) NOT NULL,
  cumulative NUMERIC(78, 0) NOT NULL,
  timestamp BIGINT NOT NULL,
  PRIMARY KEY (block, log_index)
);
CREATE INDEX claims_account ON claims (account);

-- One row per posted root, with its window's economics computed when the root was folded.
CREATE TABLE epochs (
  epoch BIGINT PRIMARY KEY,
  block BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  earnings_root TEXT NOT NULL,
  cumulative_total NUMERIC(78, 0) NOT NULL,
  emission NUMERIC(78, 0) NOT NULL,
  cumulative_revenue NUMERIC(78, 0) NOT NULL,
  revenue NUMERIC(78, 0) NOT NULL,
  burned NUMERIC(78, 0) NOT NULL,
  treasury_fees NUMERIC(78, 0) NOT NULL,
  treasury_slashes NUMERIC(78, 0) NOT NULL,
  treasury_other NUMERIC(78, 0) NOT NULL,
  signers JSONB NOT NULL,
  posted_at BIGINT NOT NULL,
  from_block BIGINT,
  from_log INTEGER
);
CREATE INDEX epochs_tx ON epochs (tx_hash);

-- What the oracles published for each posted epoch (per owner rewards, per node uptime).
CREATE TABLE oracle_owner_epochs (
  epoch BIGINT NOT NULL,
  owner TEXT NOT NULL,
  revenue NUMERIC(78, 0) NOT NULL,
  work NUMERIC(78, 0) NOT NULL,
  liveness NUMERIC(78, 0) NOT NULL,
  reward NUMERIC(78, 0) NOT NULL,
  cumulative NUMERIC(78, 0) NOT NULL,
  PRIMARY KEY (epoch, owner)
);

CREATE TABLE oracle_node_epochs (
  epoch BIGINT NOT NULL,
  node_key TEXT NOT NULL,
  owner TEXT NOT NULL,
  uptime_bps INTEGER,
  jailed BOOLEAN NOT NULL,
  slashed NUMERIC(78, 0) NOT NULL,
  PRIMARY KEY (epoch, node_key)
);

CREATE TABLE oracle_epochs_fetched (
  epoch BIGINT PRIMARY KEY,
  source TEXT NOT NULL
);

-- Jobs from gateways' public job feeds.
CREATE TABLE gateway_cursors (
  gateway TEXT PRIMARY KEY,
  seq BIGINT NOT NULL
);

CREATE TABLE jobs (
  job_id TEXT PRIMARY KEY,
  gateway TEXT NOT NULL,
  customer TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  replicas INTEGER NOT NULL,
  max_price NUMERIC(78, 0) NOT NULL,
  timeout_ms BIGINT NOT NULL,
  status TEXT NOT NULL,
  verification TEXT,
  audited BOOLEAN,
  reroutes INTEGER,
  result_digest TEXT,
  error TEXT,
  accepted_at BIGINT NOT NULL,
  settled_at BIGINT
);
CREATE INDEX jobs_order ON jobs (accepted_at DESC, job_id DESC);

CREATE TABLE job_attempts (
  job_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  provider TEXT NOT NULL,
  owner TEXT NOT NULL,
  outcome TEXT NOT NULL,
  PRIMARY KEY (job_id, attempt)
);
CREATE INDEX job_attempts_provider ON job_attempts (provider);

-- What gateways last said about connected providers (their offers with prices), from GET /v1/providers.
CREATE TABLE gateway_providers (
  node_key TEXT PRIMARY KEY,
  gateway TEXT NOT NULL,
  offers JSONB NOT NULL,
  seen_at BIGINT NOT NULL
);
