// What the pages need from the API's answers, in one place: each function maps one API object (src/api schemas) to
// the fields the dashboard shows. Token amounts stay exact decimal strings.

export function statsView(s) {
  return {
    providers: s.providers?.registered ?? s.providers,
    active: s.providers?.active ?? s.active,
    staked: s.providers?.activeStake ?? s.staked,
    jobs: s.jobs?.total ?? s.jobs,
    revenue: s.totals?.revenue ?? s.revenue,
    emission: s.totals?.emission ?? s.emission,
    burned: s.totals?.burned ?? s.burned ?? s.burn,
    treasury: s.totals?.treasury?.total ?? s.treasury?.total ?? s.treasury,
    revenueShare: s.totals?.revenueShare ?? s.revenueShare ?? null,
    currentEpoch: s.currentEpoch?.epoch ?? s.currentEpoch ?? s.epoch?.current ?? null,
  };
}

export function epochView(e) {
  return {
    epoch: e.epoch,
    start: e.start ?? e.startTime ?? e.startsAt,
    end: e.end ?? e.endTime ?? e.endsAt,
    emission: e.emission,
    revenue: e.revenue,
    burned: e.burned ?? e.burn,
    treasury: e.treasury?.total ?? e.treasury,
    revenueShare: e.revenueShare?.decimal ?? e.revenueShare ?? null,
    root: e.root ?? null,
    closed: e.closed === true,
  };
}

export function providerView(p) {
  return {
    id: p.nodeKey,
    nodeKey: p.nodeKey,
    owner: p.owner,
    resourceTypes: p.resourceTypes ?? [],
    offer: p.offer ?? null,
    stake: p.stake,
    status: p.status,
    reputation: p.reputation ?? null,
    h3Cell: p.h3Cell ?? p.cell ?? p.h3 ?? null,
    lat: p.lat ?? null,
    lng: p.lng ?? null,
    lastSeen: p.lastSeen ?? null,
  };
}

/** A one-line price from an offer ({ pricePerJob, pricePerSecond } per resource type, or flat). */
export function offerPrice(offer) {
  if (!offer || typeof offer !== "object") return null;
  const first = offer.pricePerJob !== undefined ? offer : Object.values(offer).find((o) => o && typeof o === "object");
  return first?.pricePerJob ?? null;
}

/** Reputation as one number for sorting and display: a score, or successes ÷ (successes + failures). */
export function reputationScore(reputation) {
  if (reputation === null || reputation === undefined) return null;
  if (typeof reputation === "number") return reputation;
  if (typeof reputation.score === "number") return reputation.score;
  const ok = Number(reputation.successes ?? 0);
  const bad = Number(reputation.failures ?? 0);
  return ok + bad === 0 ? null : ok / (ok + bad);
}

export function jobView(j) {
  return {
    id: j.id ?? j.jobId,
    provider: j.provider ?? j.providers?.[0]?.nodeKey ?? j.nodeKey ?? null,
    resourceType: j.resourceType ?? "compute",
    status: j.status ?? j.outcome,
    cost: j.cost ?? j.price ?? j.amount ?? null,
    createdAt: j.createdAt ?? j.submittedAt ?? j.startedAt ?? null,
    finishedAt: j.finishedAt ?? j.completedAt ?? null,
    epoch: j.epoch ?? null,
  };
}

export function earningsView(e) {
  return { epoch: e.epoch, rewards: e.rewards ?? "0", revenue: e.revenue ?? e.voucherRevenue ?? "0", total: e.total };
}
