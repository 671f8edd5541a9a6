// Pays hotspots for the packets the router accepted: every interval, what is owed per hotspot owner goes into the
// device owner's payment channels (the SDK's payment store, shared with its compute jobs, so the two never sign
// conflicting cumulative amounts), one EIP-712 voucher per owner is signed and submitted to the gateway, which hands
// it to the hotspot's provider daemon to redeem. A voucher the gateway did not take is signed again next time.
import type { Hex } from "viem";
import { asGroundworkError } from "../../../core/errors.ts";
import { type GroundworkClient, submitVouchers } from "../../../sdk/index.ts";
import type { PacketRouter } from "./packet-router.ts";

export interface PaymentFlush {
  /** Owner → cumulative amount of the voucher signed for it. */
  vouchers: Map<Hex, bigint>;
  delivered: boolean;
  error?: string;
}

export interface PacketPayer {
  /** Moves what is owed into vouchers and submits them (and any not yet delivered); serialised. */
  flush(): Promise<PaymentFlush>;
  start(): void;
  /** Stops the timer and flushes one last time. */
  stop(): Promise<PaymentFlush>;
}

export function createPacketPayer(options: {
  router: PacketRouter;
  client: GroundworkClient;
  intervalMs: number;
  log: (line: string) => void;
}): PacketPayer {
  const { router, client } = options;
  const customer = client.account.address.toLowerCase() as Hex;
  /** Owners whose latest voucher the gateway has not taken yet. */
  const undelivered = new Set<Hex>();
  let queue: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const flushOnce = async (): Promise<PaymentFlush> => {
    const owed = router.owed();
    const vouchers = new Map<Hex, bigint>();
    if (owed.size > 0) {
      const bumped = await client.paymentStore.bump({
        customer,
        amounts: owed,
        floor: (provider) => client.getRedeemed(provider),
      });
      // Promised now: a crash from here on re-signs the stored amount instead of paying these packets twice.
      await router.settle(owed);
      for (const [owner, cumulative] of bumped) vouchers.set(owner.toLowerCase() as Hex, cumulative);
    }
    for (const owner of undelivered) {
      const cumulative = client.paymentStore.get(customer, owner);
      if (cumulative !== undefined && !vouchers.has(owner)) vouchers.set(owner, cumulative);
    }
    if (vouchers.size === 0) return { vouchers, delivered: true };
    try {
      const info = await client.getGatewayInfo();
      await submitVouchers(client, { customer, gateway: info.gateway, cumulative: vouchers });
      undelivered.clear();
      options.log(`vouchers submitted for ${vouchers.size} hotspot owner(s)`);
      return { vouchers, delivered: true };
    } catch (error) {
      for (const owner of vouchers.keys()) undelivered.add(owner);
      const message = asGroundworkError(error).message;
      options.log(`vouchers not delivered (retrying next flush): ${message}`);
      return { vouchers, delivered: false, error: message };
    }
  };

  const payer: PacketPayer = {
    flush() {
      const next = queue.then(flushOnce);
      queue = next.catch(() => undefined);
      return next;
    },
    start() {
      const tick = () => {
        if (stopped) return;
        payer
          .flush()
          .catch((error) => options.log(`payment flush failed: ${(error as Error).message}`))
          .finally(() => {
            if (!stopped) timer = setTimeout(tick, options.intervalMs);
          });
      };
      timer = setTimeout(tick, options.intervalMs);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      return payer.flush();
    },
  };
  return payer;
}
