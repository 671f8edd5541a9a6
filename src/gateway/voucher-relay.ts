// Payment vouchers from customers to providers (POST /v1/vouchers): each voucher in a signed voucher.submit must be
// the sender's own (voucher.customer = envelope sender, EIP-712 signature recovers to it). Vouchers go as
// voucher.deliver to every connected node of the paid owner, or wait in a persistent queue until one is admitted.
// The queue keeps only the highest cumulative voucher per (customer, provider): a later one supersedes the earlier.
import type { Hex } from "viem";
import { type EscrowDomain, recoverVoucherSigner } from "../chain/index.ts";
import { InvalidInputError } from "../core/errors.ts";
import {
  messageTypes,
  openEnvelope,
  type ReplayGuard,
  type SignedVoucher,
  voucherSubmitBody,
} from "../protocol/index.ts";
import type { GatewayStore, QueuedVoucher } from "./gateway-store.ts";
import type { ProviderSession } from "./provider-session.ts";

export interface VoucherRelay {
  /** Opens and checks a voucher.submit, then delivers or queues each voucher. */
  submit(raw: unknown): Promise<{ delivered: number; queued: number }>;
  /** Sends a newly admitted session the vouchers queued for its owner. */
  deliverQueued(session: ProviderSession): Promise<number>;
  queuedCount(): number;
}

export interface VoucherRelayOptions {
  domain: EscrowDomain;
  gateway: Hex;
  guard: ReplayGuard;
  store: Pick<GatewayStore, "readVoucherQueue" | "writeVoucherQueue">;
  sessionsOf(owner: Hex): ProviderSession[];
  now: () => number;
  log: (line: string) => void;
}

const pairKey = (v: SignedVoucher["voucher"]) => `${v.customer.toLowerCase()}/${v.provider.toLowerCase()}`;

export function createVoucherRelay(options: VoucherRelayOptions): VoucherRelay {
  let queue: QueuedVoucher[] = options.store.readVoucherQueue();

  const enqueue = (signed: SignedVoucher) => {
    const key = pairKey(signed.voucher);
    const existing = queue.find((q) => pairKey(q.signed.voucher) === key);
    if (existing && BigInt(existing.signed.voucher.cumulativeAmount) >= BigInt(signed.voucher.cumulativeAmount)) return;
    queue = [...queue.filter((q) => q !== existing), { signed, queuedAt: options.now() }];
  };

  const sendTo = async (sessions: ProviderSession[], vouchers: SignedVoucher[]) => {
    let sent = false;
    for (const session of sessions) {
      if (await session.send(messageTypes.voucherDeliver, { vouchers })) sent = true;
    }
    return sent;
  };

  return {
    async submit(raw) {
      const envelope = await openEnvelope(raw, {
        type: messageTypes.voucherSubmit,
        body: voucherSubmitBody,
        guard: options.guard,
        recipient: options.gateway,
        now: options.now,
      });
      if (envelope.from.length !== 42) {
        throw new InvalidInputError("a voucher.submit must be signed by the customer's wallet");
      }
      const vouchers = envelope.body.vouchers;
      for (const [index, { voucher, signature }] of vouchers.entries()) {
        if (voucher.customer !== envelope.from) {
          throw new InvalidInputError("a voucher's customer must be the sender", {
            details: { index, customer: voucher.customer, sender: envelope.from },
          });
        }
        let signer: Hex;
        try {
          signer = await recoverVoucherSigner(
            options.domain,
            {
              customer: voucher.customer,
              provider: voucher.provider,
              cumulativeAmount: BigInt(voucher.cumulativeAmount),
            },
            signature as Hex,
          );
        } catch (cause) {
          throw new InvalidInputError("a voucher signature cannot be recovered", { cause, details: { index } });
        }
        if (signer.toLowerCase() !== voucher.customer) {
          throw new InvalidInputError("a voucher is not signed by its customer", {
            details: { index, signer: signer.toLowerCase(), customer: voucher.customer },
          });
        }
      }
      const byProvider = new Map<Hex, SignedVoucher[]>();
      for (const signed of vouchers) {
        byProvider.set(signed.voucher.provider, [...(byProvider.get(signed.voucher.provider) ?? []), signed]);
      }
      let delivered = 0;
      let queued = 0;
      for (const [provider, list] of byProvider) {
        if (await sendTo(options.sessionsOf(provider), list)) {
          delivered += list.length;
        } else {
          for (const signed of list) enqueue(signed);
          queued += list.length;
        }
      }
      if (queued > 0) options.store.writeVoucherQueue(queue);
      return { delivered, queued };
    },
    async deliverQueued(session) {
      const mine = queue.filter((q) => q.signed.voucher.provider === session.owner.toLowerCase()).slice(0, 1000);
      if (mine.length === 0) return 0;
      if (!(await session.send(messageTypes.voucherDeliver, { vouchers: mine.map((q) => q.signed) }))) return 0;
      queue = queue.filter((q) => !mine.includes(q));
      options.store.writeVoucherQueue(queue);
      options.log(`delivered ${mine.length} queued voucher(s) to ${session.nodeKey.slice(0, 10)}`);
      return mine.length;
    },
    queuedCount: () => queue.length,
  };
}
