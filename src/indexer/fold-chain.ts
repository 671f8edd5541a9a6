// Folds decoded chain events into the derived tables, inside the caller's transaction: raw events, stake and
// penalty history, redemptions, deposits, token flows, claims, provider state and each posted epoch's economics.
// The same code replays chain_events after a reorg, so a rebuild and the live path cannot disagree.
import type { Hex } from "viem";
import type { Deployment } from "../chain/index.ts";
import type { BlockHeader, ChainEvent, EventArgs } from "./chain-events.ts";
import { type Queryable, toBigInt, toNumber } from "./database.ts";
import { insertRows } from "./insert-rows.ts";

const zero = "0x0000000000000000000000000000000000000000";

interface ProviderState {
  nodeKey: string;
  owner: string;
  resourceTypes: string[];
  endpoint: string;
  h3Cell: string;
  stake: bigint;
  unbonding: bigint;
  unbondingRelease: number;
  jailedUntil: number;
  registeredBlock: number;
  registeredLog: number;
  registeredAt: number;
  updatedAt: number;
}

export const registryEventNames = [
  "ProviderRegistered",
  "OfferUpdated",
  "StakeAdded",
  "UnbondingStarted",
  "UnbondedWithdrawn",
  "ProviderJailed",
  "ProviderSlashed",
  "MinStakeSet",
] as const;

/** What a fold changed, for live listeners (SSE). */
export interface FoldSummary {
  events: number;
  providers: string[];
  epochs: number[];
}

const str = (args: EventArgs, key: string): string => String(args[key] ?? "");
const list = (args: EventArgs, key: string): string[] => {
  const value = args[key];
  return Array.isArray(value) ? value : [];
};

/** H3 cells travel as uint64 in events; the API shows them as H3's usual 15-digit hex string. */
function h3Hex(decimal: string): string {
  const value = BigInt(decimal || "0");
  return value === 0n ? "" : value.toString(16);
}

async function loadProviders(tx: Queryable, keys: string[]): Promise<Map<string, ProviderState>> {
  const map = new Map<string, ProviderState>();
  if (keys.length === 0) return map;
  const rows = await tx.query(
    `SELECT node_key, owner, resource_types, endpoint, h3_cell, stake::text AS stake, unbonding::text AS unbonding,
            unbonding_release, jailed_until, registered_block, registered_log, registered_at, updated_at
       FROM providers WHERE node_key = ANY($1)`,
    [keys],
  );
  for (const r of rows) {
    map.set(String(r.node_key), {
      nodeKey: String(r.node_key),
      owner: String(r.owner),
      resourceTypes: r.resource_types as string[],
      endpoint: String(r.endpoint),
      h3Cell: String(r.h3_cell),
      stake: toBigInt(r.stake),
      unbonding: toBigInt(r.unbonding),
      unbondingRelease: toNumber(r.unbonding_release),
      jailedUntil: toNumber(r.jailed_until),
      registeredBlock: toNumber(r.registered_block),
      registeredLog: toNumber(r.registered_log),
      registeredAt: toNumber(r.registered_at),
      updatedAt: toNumber(r.updated_at),
    });
  }
  return map;
}

/** Applies registry events to provider state; returns the history rows they imply. */
function applyRegistryEvent(providers: Map<string, ProviderState>, e: ChainEvent): unknown[] | undefined {
  const a = e.args;
  const nodeKey = str(a, "nodeKey");
  const history = (kind: string, amount: string | null, requested: string | null, until: number | null) => [
    e.block,
    e.logIndex,
    e.txHash,
    nodeKey,
    kind,
    amount,
    requested,
    until,
    e.timestamp,
  ];
  if (e.name === "ProviderRegistered") {
    providers.set(nodeKey, {
      nodeKey,
      owner: str(a, "owner"),
      resourceTypes: list(a, "resourceTypes"),
      endpoint: str(a, "endpoint"),
      h3Cell: h3Hex(str(a, "h3Cell")),
      stake: BigInt(str(a, "stake")),
      unbonding: 0n,
      unbondingRelease: 0,
      jailedUntil: 0,
      registeredBlock: e.block,
      registeredLog: e.logIndex,
      registeredAt: e.timestamp,
      updatedAt: e.timestamp,
    });
    return history("registered", str(a, "stake"), null, null);
  }
  const p = providers.get(nodeKey);
  // Every registry event but MinStakeSet names a registered key; one we never saw would be an indexer bug upstream.
  if (!p) return undefined;
  p.updatedAt = e.timestamp;
  switch (e.name) {
    case "OfferUpdated":
      p.resourceTypes = list(a, "resourceTypes");
      p.endpoint = str(a, "endpoint");
      p.h3Cell = h3Hex(str(a, "h3Cell"));
      return history("offer", null, null, null);
    case "StakeAdded":
      p.stake = BigInt(str(a, "stake"));
      return history("stake", str(a, "amount"), null, null);
    case "UnbondingStarted":
      p.stake = BigInt(str(a, "stake"));
      p.unbonding = BigInt(str(a, "unbonding"));
      p.unbondingRelease = Number(str(a, "releaseTime"));
      return history("unbond", str(a, "amount"), null, p.unbondingRelease);
    case "UnbondedWithdrawn":
      p.unbonding = 0n;
      p.unbondingRelease = 0;
      return history("withdraw", str(a, "amount"), null, null);
    case "ProviderJailed":
      p.jailedUntil = Number(str(a, "until"));
      return history("jail", null, null, p.jailedUntil);
    case "ProviderSlashed": {
      // The registry takes bonded stake first, then unbonding stake.
      const slashed = BigInt(str(a, "slashed"));
      const fromStake = slashed < p.stake ? slashed : p.stake;
      p.stake -= fromStake;
      p.unbonding -= slashed - fromStake;
      return history("slash", str(a, "slashed"), str(a, "requested"), null);
    }
    default:
      return undefined;
  }
}

async function saveProviders(tx: Queryable, providers: Iterable<ProviderState>): Promise<void> {
  const rows = [...providers].map((p) => [
    p.nodeKey,
    p.owner,
    JSON.stringify(p.resourceTypes),
    p.endpoint,
    p.h3Cell,
    p.stake.toString(),
    p.unbonding.toString(),
    p.unbondingRelease,
    p.jailedUntil,
    p.registeredBlock,
    p.registeredLog,
    p.registeredAt,
    p.updatedAt,
  ]);
  await insertRows(
    tx,
    "providers",
    [
      "node_key",
      "owner",
      "resource_types",
      "endpoint",
      "h3_cell",
      "stake",
      "unbonding",
      "unbonding_release",
      "jailed_until",
      "registered_block",
      "registered_log",
      "registered_at",
      "updated_at",
    ],
    rows,
    `ON CONFLICT (node_key) DO UPDATE SET owner = EXCLUDED.owner, resource_types = EXCLUDED.resource_types,
       endpoint = EXCLUDED.endpoint, h3_cell = EXCLUDED.h3_cell, stake = EXCLUDED.stake,
       unbonding = EXCLUDED.unbonding, unbonding_release = EXCLUDED.unbonding_release,
       jailed_until = EXCLUDED.jailed_until, updated_at = EXCLUDED.updated_at`,
  );
}

/** Provider state and min stakes from registry events, applied in order on top of what the tables hold. */
export async function foldRegistryEvents(tx: Queryable, events: readonly ChainEvent[]): Promise<string[]> {
  const registry = events.filter((e) => e.contract === "registry");
  const keys = [...new Set(registry.filter((e) => e.args.nodeKey !== undefined).map((e) => str(e.args, "nodeKey")))];
  const providers = await loadProviders(tx, keys);
  const history: unknown[][] = [];
  const minStakes = new Map<string, string>();
  for (const e of registry) {
    if (e.name === "MinStakeSet") {
      minStakes.set(str(e.args, "resourceType"), str(e.args, "amount"));
      continue;
    }
    const row = applyRegistryEvent(providers, e);
    if (row) history.push(row);
  }
  await saveProviders(tx, providers.values());
  await insertRows(
    tx,
    "provider_events",
    ["block", "log_index", "tx_hash", "node_key", "kind", "amount", "requested", "until", "timestamp"],
    history,
    "ON CONFLICT DO NOTHING",
  );
  await insertRows(
    tx,
    "min_stakes",
    ["resource_type", "amount"],
    [...minStakes].map(([type, amount]) => [type, amount]),
    "ON CONFLICT (resource_type) DO UPDATE SET amount = EXCLUDED.amount",
  );
  return keys;
}

/** Rows for the fact tables (redemptions, deposits, token flows, claims). */
async function foldFacts(tx: Queryable, deployment: Deployment, events: readonly ChainEvent[]): Promise<void> {
  const treasury = deployment.contracts.treasury.toLowerCase();
  const redemptions: unknown[][] = [];
  const deposits: unknown[][] = [];
  const flows: unknown[][] = [];
  const claims: unknown[][] = [];
  for (const e of events) {
    const a = e.args;
    const at = [e.block, e.logIndex];
    if (e.contract === "escrow" && e.name === "VoucherRedeemed") {
      redemptions.push([
        ...at,
        e.txHash,
        str(a, "customer"),
        str(a, "provider"),
        str(a, "cumulativeAmount"),
        str(a, "paid"),
        str(a, "providerAmount"),
        str(a, "treasuryAmount"),
        str(a, "burnAmount"),
        e.timestamp,
      ]);
    } else if (e.contract === "escrow" && (e.name === "Deposited" || e.name === "Withdrawn")) {
      const kind = e.name === "Deposited" ? "deposit" : "withdrawal";
      deposits.push([...at, e.txHash, str(a, "customer"), kind, str(a, "amount"), e.timestamp]);
    } else if (e.contract === "token" && e.name === "Transfer") {
      const from = str(a, "from");
      const to = str(a, "to");
      const value = str(a, "value");
      if (from === zero) flows.push([...at, "mint", to, value, e.timestamp]);
      if (to === zero) flows.push([...at, "burn", from, value, e.timestamp]);
      if (to === treasury) flows.push([...at, "treasury_in", from, value, e.timestamp]);
      if (from === treasury) flows.push([...at, "treasury_out", to, value, e.timestamp]);
    } else if (e.contract === "rewards" && e.name === "Claimed") {
      claims.push([...at, e.txHash, str(a, "account"), str(a, "amount"), str(a, "cumulativeAmount"), e.timestamp]);
    }
  }
  const keyed = "ON CONFLICT DO NOTHING";
  await insertRows(
    tx,
    "redemptions",
    [
      "block",
      "log_index",
      "tx_hash",
      "customer",
      "provider",
      "cumulative",
      "paid",
      "provider_amount",
      "treasury_amount",
      "burn_amount",
      "timestamp",
    ],
    redemptions,
    keyed,
  );
  await insertRows(
    tx,
    "deposits",
    ["block", "log_index", "tx_hash", "customer", "kind", "amount", "timestamp"],
    deposits,
    keyed,
  );
  await insertRows(
    tx,
    "token_flows",
    ["block", "log_index", "kind", "counterparty", "amount", "timestamp"],
    flows,
    keyed,
  );
  await insertRows(
    tx,
    "claims",
    ["block", "log_index", "tx_hash", "account", "amount", "cumulative", "timestamp"],
    claims,
    keyed,
  );
}

/**
 * Each RootPosted closes a window: after the previous post (exclusive) up to this log (inclusive). Its revenue is
 * the escrow counter's growth between posts (as Rewards.revenueOf); burn and treasury inflow are the token flows
 * inside the window, which are already in token_flows because facts are folded first.
 */
async function foldEpochs(tx: Queryable, deployment: Deployment, events: readonly ChainEvent[]): Promise<number[]> {
  const posts = events.filter((e) => e.contract === "rewards" && e.name === "RootPosted");
  const epochs: number[] = [];
  for (const e of posts) {
    const [prev] = await tx.query(
      "SELECT block, log_index, cumulative_revenue::text AS cr FROM epochs ORDER BY epoch DESC LIMIT 1",
    );
    const fromBlock = prev ? toNumber(prev.block) : null;
    const fromLog = prev ? toNumber(prev.log_index) : null;
    const cumulativeRevenue = BigInt(str(e.args, "cumulativeRevenue"));
    const revenue = cumulativeRevenue - (prev ? toBigInt(prev.cr) : 0n);
    const sums = await tx.query(
      `SELECT kind, counterparty, SUM(amount)::text AS total FROM token_flows
        WHERE kind IN ('burn', 'treasury_in')
          AND (block > $1 OR (block = $1 AND log_index > $2))
          AND (block < $3 OR (block = $3 AND log_index <= $4))
        GROUP BY kind, counterparty`,
      [fromBlock ?? -1, fromLog ?? -1, e.block, e.logIndex],
    );
    let burned = 0n;
    let fees = 0n;
    let slashes = 0n;
    let other = 0n;
    const escrow = deployment.contracts.escrow.toLowerCase();
    const registry = deployment.contracts.registry.toLowerCase();
    for (const s of sums) {
      const total = toBigInt(s.total);
      if (s.kind === "burn") burned += total;
      else if (s.counterparty === escrow) fees += total;
      else if (s.counterparty === registry) slashes += total;
      else other += total;
    }
    const epoch = Number(str(e.args, "epoch"));
    await insertRows(
      tx,
      "epochs",
      [
        "epoch",
        "block",
        "log_index",
        "tx_hash",
        "earnings_root",
        "cumulative_total",
        "emission",
        "cumulative_revenue",
        "revenue",
        "burned",
        "treasury_fees",
        "treasury_slashes",
        "treasury_other",
        "signers",
        "posted_at",
        "from_block",
        "from_log",
      ],
      [
        [
          epoch,
          e.block,
          e.logIndex,
          e.txHash,
          str(e.args, "earningsRoot"),
          str(e.args, "cumulativeTotal"),
          str(e.args, "emission"),
          cumulativeRevenue.toString(),
          revenue.toString(),
          burned.toString(),
          fees.toString(),
          slashes.toString(),
          other.toString(),
          JSON.stringify(list(e.args, "signers")),
          e.timestamp,
          fromBlock,
          fromLog,
        ],
      ],
    );
    epochs.push(epoch);
  }
  return epochs;
}

export async function insertChainEvents(tx: Queryable, events: readonly ChainEvent[]): Promise<void> {
  await insertRows(
    tx,
    "chain_events",
    ["block", "log_index", "tx_hash", "contract", "name", "args", "timestamp"],
    events.map((e) => [e.block, e.logIndex, e.txHash, e.contract, e.name, JSON.stringify(e.args), e.timestamp]),
  );
}

export async function insertBlocks(tx: Queryable, blocks: readonly BlockHeader[]): Promise<void> {
  await insertRows(
    tx,
    "blocks",
    ["number", "hash", "parent_hash", "timestamp"],
    blocks.map((b) => [b.number, b.hash, b.parentHash, b.timestamp]),
    "ON CONFLICT (number) DO UPDATE SET hash = EXCLUDED.hash, parent_hash = EXCLUDED.parent_hash, timestamp = EXCLUDED.timestamp",
  );
}

/** Derived rows for `events` (already in chain_events or being inserted in the same transaction). */
export async function foldChainEvents(
  tx: Queryable,
  deployment: Deployment,
  events: readonly ChainEvent[],
): Promise<FoldSummary> {
  const providers = await foldRegistryEvents(tx, events);
  await foldFacts(tx, deployment, events);
  const epochs = await foldEpochs(tx, deployment, events);
  return { events: events.length, providers, epochs };
}

/** Reads chain_events back in order, in pages, for a rebuild. */
export async function* readStoredEvents(
  tx: Queryable,
  filter: { contract?: string; pageSize?: number } = {},
): AsyncGenerator<ChainEvent[]> {
  let after = { block: -1, logIndex: -1 };
  for (;;) {
    const rows = await tx.query(
      `SELECT block, log_index, tx_hash, contract, name, args, timestamp FROM chain_events
        WHERE (block > $1 OR (block = $1 AND log_index > $2)) AND ($3::text IS NULL OR contract = $3)
        ORDER BY block, log_index LIMIT $4`,
      [after.block, after.logIndex, filter.contract ?? null, filter.pageSize ?? 5000],
    );
    if (rows.length === 0) return;
    const events = rows.map(
      (r): ChainEvent => ({
        block: toNumber(r.block),
        logIndex: toNumber(r.log_index),
        txHash: String(r.tx_hash) as Hex,
        contract: String(r.contract) as ChainEvent["contract"],
        name: String(r.name),
        args: r.args as EventArgs,
        timestamp: toNumber(r.timestamp),
      }),
    );
    const last = events[events.length - 1] as ChainEvent;
    after = { block: last.block, logIndex: last.logIndex };
    yield events;
  }
}
