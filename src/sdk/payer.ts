// Paying providers in rounds: what verified jobs owe accumulates for a short delay (or while a round is under way)
// and one round then records the amounts, signs one cumulative EIP-712 voucher per provider and submits them together.
// A stream of jobs costs one wallet signature per provider per round instead of one per job.
import type { Hex } from "viem";
import { signVoucher } from "../chain/index.ts";
import { asGroundworkError, type GroundworkError } from "../core/errors.ts";
import { messageTypes, type SignedVoucher, signEnvelope } from "../protocol/index.ts";
import type { GroundworkClient } from "./client.ts";

/** How paying a job's agreeing providers went: the vouchers signed, and whether the gateway took them. */
export interface PaymentOutcome {
  /** The vouchers that carry this job's amounts (cumulative per provider; later jobs' amounts may ride along). */
  vouchers: SignedVoucher[];
  /** Whether the gateway took the vouchers; when not, the next round's vouchers carry these amounts too. */
  delivered: boolean;
  /** Why the vouchers were not signed or not delivered. */
  error?: GroundworkError;
}

export interface Payer {
  /** Adds what a job owes each provider (owner address → amount); resolves once a round carried it. Never rejects. */
  owe(amounts: ReadonlyMap<Hex, bigint>, options?: { now?: boolean }): Promise<PaymentOutcome>;
  /** Starts the pending round now and resolves once nothing is owed or under way. */
  flush(): Promise<void>;
}

type Round = (owed: ReadonlyMap<Hex, bigint>) => Promise<PaymentOutcome>;

export function createPayer(options: { round: Round; delayMs: number }): Payer {
  let pending = new Map<Hex, bigint>();
  let waiters: { owners: Set<Hex>; resolve: (outcome: PaymentOutcome) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const start = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (running || pending.size === 0) return;
    const owed = pending;
    const paid = waiters;
    pending = new Map();
    waiters = [];
    running = options.round(owed).then((outcome) => {
      for (const waiter of paid) {
        waiter.resolve({ ...outcome, vouchers: outcome.vouchers.filter((v) => waiter.owners.has(v.voucher.provider)) });
      }
      running = undefined;
      // What was owed during this round has waited long enough.
      start();
    });
  };

  return {
    owe(amounts, { now = false } = {}) {
      const owners = new Set<Hex>();
      for (const [owner, amount] of amounts) {
        const key = owner.toLowerCase() as Hex;
        owners.add(key);
        pending.set(key, (pending.get(key) ?? 0n) + amount);
      }
      if (owners.size === 0) return Promise.resolve({ vouchers: [], delivered: true });
      const outcome = new Promise<PaymentOutcome>((resolve) => waiters.push({ owners, resolve }));
      if (now || options.delayMs === 0) start();
      // Not unref'd: a process does not exit with payments owed.
      else timer ??= setTimeout(start, options.delayMs);
      return outcome;
    },
    async flush() {
      start();
      while (running || pending.size > 0) {
        start();
        await running;
      }
    },
  };
}

/**
 * One round: records the amounts in the payment store before anything is signed (so a voucher that does not reach
 * the gateway is carried by the next one to the same provider), signs one cumulative voucher per provider and submits
 * them. Resolves, never rejects.
 */
export async function payRound(client: GroundworkClient, owed: ReadonlyMap<Hex, bigint>): Promise<PaymentOutcome> {
  const vouchers: SignedVoucher[] = [];
  const customer = client.account.address.toLowerCase() as Hex;
  try {
    const cumulative = await client.paymentStore.bump({
      customer,
      amounts: owed,
      floor: (provider) => client.getRedeemed(provider),
    });
    const info = await client.getGatewayInfo();
    await submitVouchers(client, { customer, gateway: info.gateway, cumulative }, vouchers);
    return { vouchers, delivered: true };
  } catch (error) {
    return { vouchers, delivered: false, error: asGroundworkError(error) };
  }
}

/**
 * Signs one EIP-712 voucher per (provider, cumulative amount) and submits them to the gateway in one voucher.submit;
 * each signed voucher is pushed to `signed` as it is made, so a caller sees what was signed even if submitting fails.
 */
export async function submitVouchers(
  client: GroundworkClient,
  params: { customer: Hex; gateway: Hex; cumulative: ReadonlyMap<Hex, bigint> },
  signed: SignedVoucher[] = [],
): Promise<SignedVoucher[]> {
  const { customer } = params;
  const domain = { chainId: client.deployment.chainId, escrow: client.deployment.contracts.escrow };
  for (const [provider, cumulativeAmount] of params.cumulative) {
    const signature = await signVoucher(client.account, domain, { customer, provider, cumulativeAmount });
    signed.push({ voucher: { customer, provider, cumulativeAmount: cumulativeAmount.toString() }, signature });
  }
  const submission = await signEnvelope(
    await client.getSigner(),
    { type: messageTypes.voucherSubmit, body: { vouchers: signed }, to: params.gateway },
    client.now,
  );
  await client.gateway.postVouchers(submission);
  return signed;
}
