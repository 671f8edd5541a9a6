// The simulation's gateway: the REAL job engine (`runJob`: audit lottery, verification of every signed result,
// rerouting, majority, signed fraud and failure reports) over in-process provider sessions instead of WebSockets,
// with a pool that picks a random connected provider instead of the production ranking (price, reputation, load),
// so that work spreads over the whole population as it would over many gateways and customers.
import type { Hex } from "viem";
import {
  type AcceptedJob,
  type AttemptEvent,
  type Candidate,
  type JobOutcome,
  type ProviderPool,
  type ProviderSession,
  runJob,
} from "../gateway/index.ts";
import { createReplayGuard, type Envelope, messageTypes, type NodeKey, nodeKeySigner } from "../protocol/index.ts";
import { computeResource } from "../resources/compute/index.ts";
import type { SeededRandom } from "./seeded-random.ts";
import type { SimClock } from "./sim-clock.ts";
import type { SimAssignment, SimProvider } from "./sim-provider.ts";

export interface SimGatewayOptions {
  key: NodeKey;
  clock: SimClock;
  random: SeededRandom;
  auditShareBps: number;
  /** As the production gateway's default. */
  maxAttempts?: number;
  price: bigint;
}

export interface SimGateway {
  readonly key: NodeKey;
  /** Replaces the connected providers (those the gateway admits: online, registered, active). */
  connect(providers: readonly SimProvider[]): void;
  run(job: AcceptedJob): Promise<JobOutcome>;
  /** Signed reports kept since the last call, for the oracles to pull. */
  takeReports(kind: "fraud" | "failure"): Envelope[];
}

const SESSION_CAPACITY = 1_000_000;

function createSimSession(
  provider: SimProvider,
  context: { gateway: Hex; price: bigint; now: () => number },
): ProviderSession {
  const pending = new Map<string, (event: AttemptEvent) => void>();
  const { node } = provider;
  return {
    nodeKey: node.key.publicKey,
    owner: node.owner.address,
    offers: new Map([[computeResource.name, {}]]),
    capacity: SESSION_CAPACITY,
    version: "sim",
    cached: [],
    id: `sim-${node.index}`,
    connectedAt: context.now(),
    get running() {
      return pending.size;
    },
    open: true,
    hasBlob: () => true,
    addBlobs() {},
    async send(type, body) {
      if (type !== messageTypes.jobAssign) return true;
      const assignment = body as SimAssignment;
      const event = await provider.answerJob(assignment, context);
      // Delivered after `send` resolves, as a socket frame would be.
      queueMicrotask(() => pending.get(`${assignment.jobId}/${assignment.attempt}`)?.(event));
      return true;
    },
    track(jobId, attempt, listener) {
      pending.set(`${jobId}/${attempt}`, listener);
    },
    // Liveness is challenged by the sim's oracles directly, not through this gateway.
    expectPong() {},
    cancelPong() {},
    release(jobId, attempt) {
      pending.delete(`${jobId}/${attempt}`);
    },
    close() {},
  };
}

function createRandomPool(random: SeededRandom, price: bigint): ProviderPool & { replace(s: ProviderSession[]): void } {
  let sessions: ProviderSession[] = [];
  let byKey = new Map<Hex, ProviderSession>();
  const candidate = (session: ProviderSession): Candidate => ({ session, offer: {}, quote: price });
  return {
    replace(next) {
      sessions = next;
      byKey = new Map(next.map((s) => [s.nodeKey, s]));
    },
    add(session) {
      const previous = byKey.get(session.nodeKey);
      sessions.push(session);
      byKey.set(session.nodeKey, session);
      return previous;
    },
    remove(session) {
      sessions = sessions.filter((s) => s !== session);
      byKey.delete(session.nodeKey);
    },
    get: (nodeKey) => byKey.get(nodeKey),
    list: () => [...sessions],
    reputation: () => ({ successes: 0, failures: 0, score: 0.5 }),
    recordSuccess() {},
    recordFailure() {},
    findCandidates({ exclude }) {
      const n = sessions.length;
      if (n === 0) return { free: [], busy: 0 };
      for (let tries = 0; tries < 16; tries++) {
        const session = sessions[random.int(n)] as ProviderSession;
        if (!exclude.has(session.nodeKey)) return { free: [candidate(session)], busy: 0 };
      }
      const start = random.int(n);
      for (let k = 0; k < n; k++) {
        const session = sessions[(start + k) % n] as ProviderSession;
        if (!exclude.has(session.nodeKey)) return { free: [candidate(session)], busy: 0 };
      }
      return { free: [], busy: 0 };
    },
    waitForChange: async () => false,
    notifyChange() {},
  };
}

export function createSimGateway(options: SimGatewayOptions): SimGateway {
  const { clock, random } = options;
  const signer = nodeKeySigner(options.key);
  const gateway = options.key.publicKey;
  const pool = createRandomPool(random.fork("pool"), options.price);
  const lottery = random.fork("audit");
  const reports: Record<"fraud" | "failure", Envelope[]> = { fraud: [], failure: [] };
  const guard = createReplayGuard({ windowMs: 120_000, now: clock.now });
  const sessionContext = { gateway, price: options.price, now: clock.now };
  return {
    key: options.key,
    connect(providers) {
      pool.replace(providers.map((p) => createSimSession(p, sessionContext)));
    },
    run(job) {
      return runJob(
        {
          pool,
          signer,
          guard,
          store: {
            async appendReport(kind, envelope) {
              reports[kind].push(envelope);
              return { seq: reports[kind].length, kind, report: envelope };
            },
          },
          auditShareBps: options.auditShareBps,
          maxAttempts: options.maxAttempts ?? 4,
          now: clock.now,
          random: lottery.next,
          log: () => {},
        },
        job,
      );
    },
    takeReports(kind) {
      const taken = reports[kind];
      reports[kind] = [];
      return taken;
    },
  };
}
