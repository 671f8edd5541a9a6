// What a simulation runs: its size, its adversaries and its economics. `resolveSimOptions` fills the defaults and
// checks every number, so the runner never sees a half-valid configuration.
import { parseUnits } from "viem";
import { InvalidInputError } from "../core/errors.ts";

export interface SimOptions {
  providers: number;
  epochs: number;
  /** Shares of the providers (0–1) of each adversarial or unreliable kind; the rest are honest. */
  cheaters: number;
  flaky: number;
  offline: number;
  selfDealers: number;
  /** Customer jobs per epoch (replicas = 1 under the audit policy). */
  jobsPerEpoch: number;
  /** Genesis value of the governed `gateway.auditShareBps`; undefined keeps the local network's genesis value. */
  auditShareBps: number | undefined;
  /** Per-cheater probability of returning a wrong result, drawn uniformly from this range. */
  cheatProbability: [number, number];
  /** Per-flaky-provider probability of missing a challenge (and of failing a job), drawn from this range. */
  flakyMissProbability: [number, number];
  /** What a customer pays per job, in token base units. */
  jobPrice: bigint;
  /** What each self-dealing node's owner pays itself per epoch through escrow, in token base units. */
  selfDealVolume: bigint;
  /** Epoch length in seconds (simulated time). */
  epochSeconds: number;
  /** Node keys per owner wallet (owners are per kind, so one owner's penalty never hits another kind). */
  nodesPerOwner: number;
  /** Honest customer wallets. */
  customers: number;
  seed: string;
  /** An existing anvil to deploy onto; undefined starts a fresh one. */
  rpcUrl: string | undefined;
}

export type SimOptionsInput = Partial<Omit<SimOptions, "cheatProbability" | "flakyMissProbability">> & {
  cheatProbability?: [number, number] | number;
  flakyMissProbability?: [number, number] | number;
};

/** A share given as "2%", "2.5%" or 0.02 (a number or its text). */
export function parseShare(value: string | number, what: string): number {
  const text = String(value).trim();
  const percent = text.endsWith("%");
  const number = Number(percent ? text.slice(0, -1) : text);
  const share = percent ? number / 100 : number;
  if (text.length === 0 || !Number.isFinite(share) || share < 0 || share > 1) {
    throw new InvalidInputError(`${what} must be a share from 0 to 1, or a percentage`, {
      details: { value: text },
      hint: 'Write it as "2%" or 0.02.',
    });
  }
  return share;
}

/** A probability range "0.3-1" (or one value "0.5"). */
export function parseRange(value: string, what: string): [number, number] {
  const parts = value.split("-").map((p) => parseShare(p, what));
  if (parts.length === 1) return [parts[0] as number, parts[0] as number];
  if (parts.length !== 2 || (parts[0] as number) > (parts[1] as number)) {
    throw new InvalidInputError(`${what} is one probability or a range MIN-MAX`, { details: { value } });
  }
  return [parts[0] as number, parts[1] as number];
}

function integer(value: number, what: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`${what} must be an integer from ${min} to ${max}`, { details: { value } });
  }
  return value;
}

function range(value: [number, number] | number | undefined, fallback: [number, number], what: string) {
  const r: [number, number] = value === undefined ? fallback : typeof value === "number" ? [value, value] : value;
  if (!(r[0] >= 0 && r[1] <= 1 && r[0] <= r[1])) {
    throw new InvalidInputError(`${what} must lie within [0, 1] with min ≤ max`, { details: { value: r } });
  }
  return r;
}

export function resolveSimOptions(input: SimOptionsInput = {}): SimOptions {
  const providers = integer(input.providers ?? 5000, "providers", 1, 1_000_000);
  const options: SimOptions = {
    providers,
    epochs: integer(input.epochs ?? 20, "epochs", 1, 100_000),
    cheaters: input.cheaters ?? 0.02,
    flaky: input.flaky ?? 0.05,
    offline: input.offline ?? 0.02,
    selfDealers: input.selfDealers ?? 0.01,
    jobsPerEpoch: integer(input.jobsPerEpoch ?? providers * 4, "jobs per epoch", 0, 100_000_000),
    auditShareBps:
      input.auditShareBps === undefined ? undefined : integer(input.auditShareBps, "audit share (bps)", 0, 10_000),
    cheatProbability: range(input.cheatProbability, [0.3, 1], "cheat probability"),
    flakyMissProbability: range(input.flakyMissProbability, [0.05, 0.25], "flaky miss probability"),
    jobPrice: input.jobPrice ?? parseUnits("0.1", 18),
    selfDealVolume: input.selfDealVolume ?? parseUnits("100", 18),
    epochSeconds: integer(input.epochSeconds ?? 60, "epoch seconds", 10, 86_400),
    nodesPerOwner: integer(input.nodesPerOwner ?? 100, "nodes per owner", 1, 1_000_000),
    customers: integer(input.customers ?? 5, "customers", 1, 10_000),
    seed: input.seed ?? "groundwork",
    rpcUrl: input.rpcUrl,
  };
  for (const kind of ["cheaters", "flaky", "offline", "selfDealers"] as const) {
    const share = options[kind];
    if (!(share >= 0 && share <= 1)) throw new InvalidInputError(`${kind} must be a share from 0 to 1`);
  }
  if (options.cheaters + options.flaky + options.offline + options.selfDealers > 1) {
    throw new InvalidInputError("the adversarial and unreliable shares add up to more than all providers");
  }
  if (options.jobPrice < 0n || options.selfDealVolume < 0n) throw new InvalidInputError("amounts cannot be negative");
  return options;
}
