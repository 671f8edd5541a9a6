-- Proof of coverage as the oracles publish it per epoch (/v1/coverage/epochs/:e): the epoch's stats, the H3 hexes
-- with their density, each hotspot's verdict and every witness report's verdict. `root` is set when the oracle's
-- result carries the earnings root it went into; such rows are kept only while that root is the posted one.

CREATE TABLE coverage_epochs (
  epoch BIGINT PRIMARY KEY,
  source TEXT NOT NULL,
  root TEXT,
  stats JSONB NOT NULL,
  fetched_at BIGINT NOT NULL
);

CREATE TABLE coverage_hexes (
  epoch BIGINT NOT NULL,
  cell TEXT NOT NULL,
  resolution SMALLINT NOT NULL,
  hotspots INTEGER NOT NULL,
  unclipped INTEGER NOT NULL,
  clipped INTEGER NOT NULL,
  density_scale DOUBLE PRECISION NOT NULL,
  reward_weight NUMERIC(78, 0) NOT NULL,
  lat DOUBLE PRECISION NOT NULL,
  lng DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (epoch, resolution, cell)
);

CREATE TABLE coverage_hotspots (
  epoch BIGINT NOT NULL,
  node_key TEXT NOT NULL,
  owner TEXT NOT NULL,
  cell TEXT,
  beaconed BOOLEAN NOT NULL,
  beacon_witnesses INTEGER NOT NULL,
  witnessed INTEGER NOT NULL,
  location_verified BOOLEAN NOT NULL,
  flag TEXT,
  density_scale_ppm INTEGER NOT NULL,
  weight NUMERIC(78, 0) NOT NULL,
  reports INTEGER NOT NULL,
  valid_reports INTEGER NOT NULL,
  rejected JSONB NOT NULL,
  PRIMARY KEY (epoch, node_key)
);
CREATE INDEX coverage_hotspots_node ON coverage_hotspots (node_key, epoch);

CREATE TABLE coverage_witnesses (
  epoch BIGINT NOT NULL,
  seq INTEGER NOT NULL,
  witness TEXT NOT NULL,
  beacon_id TEXT NOT NULL,
  beaconer TEXT NOT NULL,
  signed_at_ms BIGINT NOT NULL,
  rssi_dbm DOUBLE PRECISION NOT NULL,
  snr_db DOUBLE PRECISION NOT NULL,
  distance_m DOUBLE PRECISION,
  valid BOOLEAN NOT NULL,
  rewarded BOOLEAN NOT NULL,
  reason TEXT,
  detail JSONB,
  PRIMARY KEY (epoch, seq)
);
CREATE INDEX coverage_witnesses_witness ON coverage_witnesses (witness, epoch);
CREATE INDEX coverage_witnesses_beaconer ON coverage_witnesses (beaconer, epoch);
