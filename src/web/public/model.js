// What the pages need from the API's answers (schemas in src/api/schemas.ts), in one place. Amounts stay exact base
// units (integer strings); times are unix seconds, or milliseconds where the API's name ends in Ms.

/** GET /v1/network/stats → the overview's totals (the same fields as `gw network stats --json`). */
export function statsView(s) {
  return {
    providers: s.providers.registered,
    active: s.providers.active,
    staked: s.providers.activeStake,
    jobs: s.jobs.total,
    revenue: s.totals.revenue,
    emission: s.totals.emission,
    burned: s.totals.burned,
    treasury: s.totals.treasury.total,
    revenueShare: s.totals.revenueShare.decimal,
    currentEpoch: s.currentEpoch.epoch,
    postedEpochs: s.postedEpochs,
  };
}

export function epochView(e) {
  return {
    epoch: e.epoch,
    start: e.start,
    end: e.end,
    emission: e.emission,
    revenue: e.revenue,
    burned: e.burned,
    treasury: e.treasury.total,
    revenueShare: e.revenueShare.decimal,
    root: e.root,
    closed: e.closed,
  };
}

export function providerView(p) {
  return {
    nodeKey: p.nodeKey,
    owner: p.owner,
    resourceTypes: p.resourceTypes,
    prices: p.offer?.prices ?? null,
    stake: p.stake,
    status: p.status,
    reputation: p.reputation,
    h3Cell: p.h3Cell,
    lastSeen: p.lastSeen,
    jobs: p.jobs,
  };
}

/** The price per job (base units) a provider last announced for a resource type (its first one by default). */
export function pricePerJob(provider, resourceType = provider.resourceTypes[0]) {
  const price = provider.prices?.[resourceType]?.pricePerJob;
  return typeof price === "string" || typeof price === "number" ? String(price) : null;
}

export function jobView(j) {
  return {
    id: j.jobId,
    provider: j.providers[0] ?? j.attempts.at(-1)?.provider ?? null,
    providers: j.providers,
    resourceType: j.resourceType,
    status: j.status,
    verification: j.verification,
    reroutes: j.reroutes,
    acceptedAtMs: j.acceptedAtMs,
    durationMs: j.settledAtMs === null ? null : j.settledAtMs - j.acceptedAtMs,
  };
}

export function earningsView(e) {
  return { epoch: e.epoch, rewards: e.rewards ?? "0", revenue: e.voucherRevenue, total: e.total };
}
