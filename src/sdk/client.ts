// The customer's client: one gateway, one wallet, one deployment. A thin object over stateless operations
// (run-job.ts); it only holds what is worth caching between jobs: the gateway's identity, on-chain lookups and the
// session key that signs the customer's messages to that gateway.
import type { Hex, LocalAccount, PublicClient } from "viem";
import {
  type Deployment,
  escrowAbi,
  getRegisteredProvider,
  type RegisteredProvider,
  readParameterOr,
  verificationParameters,
  wrapChainError,
} from "../chain/index.ts";
import { InvalidInputError } from "../core/errors.ts";
import type { HttpTransport } from "../core/http-transport.ts";
import { createSessionSigner, type MessageSigner, walletSigner } from "../protocol/index.ts";
import type { RecomputePolicy } from "../resources/index.ts";
import { GatewayError } from "./errors.ts";
import { createGatewayApi, type GatewayApi, type GatewayInfo } from "./gateway-api.ts";
import { createPayer, type PaymentOutcome, payRound } from "./payer.ts";
import type { PaymentStore } from "./payment-store.ts";
import { type RunJobParams, type RunJobResult, runJob } from "./run-job.ts";

export interface GroundworkClientOptions {
  gatewayUrl: string;
  /** The customer's wallet: signs job requests and payment vouchers. */
  account: LocalAccount;
  deployment: Deployment;
  publicClient: PublicClient;
  paymentStore: PaymentStore;
  /** How HTTP requests reach the gateway (default: node:http on kept-alive connections). */
  transport?: HttpTransport;
  now?: () => number;
  /**
   * How the customer's messages (job.request, voucher.submit) are signed. Default: an in-memory Ed25519 session key
   * that the wallet authorizes once per `ttlMs` (default one hour) for this client's gateway. `false`: the wallet signs
   * every message itself (secp256k1, milliseconds each). Payment vouchers are always signed by the wallet.
   */
  sessionKey?: { ttlMs?: number } | false;
  /**
   * How long what a verified job owes waits for more before one payment round (one voucher per provider) goes out.
   * Default 1000 ms: each round costs the gateway and the provider a secp256k1 recovery (2–10 ms of event loop)
   * apiece, so a customer with many short jobs would otherwise spend the cores its own jobs run on; a second is
   * nothing to a provider that redeems in batches anyway. 0 pays each job on its own. settlePayments() and payment
   * "await" do not wait.
   */
  paymentDelayMs?: number;
}

export interface GroundworkClient {
  readonly gatewayUrl: string;
  readonly account: LocalAccount;
  readonly deployment: Deployment;
  readonly publicClient: PublicClient;
  readonly paymentStore: PaymentStore;
  readonly gateway: GatewayApi;
  readonly now: () => number;
  /** The gateway's /v1/info, fetched once and checked against the deployment. */
  getGatewayInfo(): Promise<GatewayInfo>;
  /** What signs the customer's messages to the gateway (see GroundworkClientOptions.sessionKey). */
  getSigner(): Promise<MessageSigner>;
  /** A node key's registration, read from chain once per key (only positive answers are cached). */
  getProvider(nodeKey: Hex): Promise<RegisteredProvider | undefined>;
  /**
   * How hard results checked by recomputation are checked: the governed detection target and minimum fraud share
   * (defaultRecomputePolicy where governance has not set them), read once per client.
   */
  getRecomputePolicy(): Promise<RecomputePolicy>;
  /** What escrow already redeemed on the (customer, provider) channel. */
  getRedeemed(provider: Hex): Promise<bigint>;
  runJob(params: RunJobParams): Promise<RunJobResult>;
  /** Owes the providers (owner → amount) from a verified job; paid in the next round, or at once with `now`. */
  pay(owed: ReadonlyMap<Hex, bigint>, options?: { now?: boolean }): Promise<PaymentOutcome>;
  /** Keeps a job's payment under way (runJob does this) so that settlePayments() can wait for it. */
  trackPayment(payment: Promise<unknown>): void;
  /** Resolves once every payment under way has settled; call it before the process exits. */
  settlePayments(): Promise<void>;
}

/**
 * Used where governance has not set verification.detectionTargetBps / minFraudShareBps: a result faking 1 % of its
 * units is caught by one check with probability 99 % (459 units of a tile re-rendered).
 */
export const defaultRecomputePolicy: RecomputePolicy = { detectionTarget: 0.99, minFraudShare: 0.01 };

export function createGroundworkClient(options: GroundworkClientOptions): GroundworkClient {
  if (options.account.type !== "local") {
    throw new InvalidInputError("the SDK needs a local account (one that signs without a node)");
  }
  const { deployment, publicClient } = options;
  const gateway = createGatewayApi({
    url: options.gatewayUrl,
    ...(options.transport ? { transport: options.transport } : {}),
  });
  let info: Promise<GatewayInfo> | undefined;
  let signer: Promise<MessageSigner> | undefined;
  const now = options.now ?? Date.now;
  const providers = new Map<Hex, Promise<RegisteredProvider | undefined>>();
  const payments = new Set<Promise<unknown>>();
  let policy: Promise<RecomputePolicy> | undefined;

  const client: GroundworkClient = {
    gatewayUrl: options.gatewayUrl,
    account: options.account,
    deployment,
    publicClient,
    paymentStore: options.paymentStore,
    gateway,
    now,
    getSigner() {
      if (options.sessionKey === false) return Promise.resolve(walletSigner(options.account));
      const ttlMs = options.sessionKey?.ttlMs;
      signer ??= client.getGatewayInfo().then((answer) =>
        createSessionSigner({
          account: options.account,
          gateway: answer.gateway,
          now,
          ...(ttlMs !== undefined ? { ttlMs } : {}),
        }),
      );
      signer.catch(() => {
        signer = undefined;
      });
      return signer;
    },
    getGatewayInfo() {
      info ??= gateway.getInfo().then((answer) => {
        if (answer.chainId !== deployment.chainId) {
          throw new GatewayError(
            `the gateway serves chain ${answer.chainId}, this deployment is on chain ${deployment.chainId}`,
            { status: 200, hint: "Use a gateway of this network (--gateway URL)." },
          );
        }
        const escrow = answer.contracts?.escrow;
        if (escrow && escrow.toLowerCase() !== deployment.contracts.escrow.toLowerCase()) {
          throw new GatewayError("the gateway uses another Escrow contract than this deployment", {
            status: 200,
            details: { gateway: escrow, deployment: deployment.contracts.escrow },
          });
        }
        return answer;
      });
      info.catch(() => {
        info = undefined;
      });
      return info;
    },
    getProvider(nodeKey) {
      const key = nodeKey.toLowerCase() as Hex;
      let entry = providers.get(key);
      if (!entry) {
        entry = getRegisteredProvider(publicClient, {
          chainId: deployment.chainId,
          registry: deployment.contracts.registry,
          nodeKey: key,
        });
        providers.set(key, entry);
        entry.then(
          (found) => {
            if (!found) providers.delete(key);
          },
          () => providers.delete(key),
        );
      }
      return entry;
    },
    getRecomputePolicy() {
      policy ??= (async () => {
        const store = deployment.contracts.parameters;
        const bps = (value: number) => BigInt(Math.round(value * 10_000));
        const [target, share] = await Promise.all([
          readParameterOr(
            publicClient,
            store,
            verificationParameters.detectionTargetBps,
            bps(defaultRecomputePolicy.detectionTarget),
          ),
          readParameterOr(
            publicClient,
            store,
            verificationParameters.minFraudShareBps,
            bps(defaultRecomputePolicy.minFraudShare),
          ),
        ]);
        if (target <= 0n || target >= 10_000n || share <= 0n || share > 10_000n) {
          throw new InvalidInputError("the governed verification parameters are out of range", {
            details: { detectionTargetBps: target.toString(), minFraudShareBps: share.toString() },
          });
        }
        return { detectionTarget: Number(target) / 10_000, minFraudShare: Number(share) / 10_000 };
      })();
      policy.catch(() => {
        policy = undefined;
      });
      return policy;
    },
    async getRedeemed(provider) {
      try {
        return await publicClient.readContract({
          address: deployment.contracts.escrow,
          abi: escrowAbi,
          functionName: "redeemed",
          args: [options.account.address, provider],
        });
      } catch (error) {
        throw wrapChainError(error, "reading what escrow already redeemed");
      }
    },
    runJob: (params) => runJob(client, params),
    pay: (owed, payOptions) => payer.owe(owed, payOptions),
    trackPayment(payment) {
      const tracked: Promise<void> = payment.then(
        () => {
          payments.delete(tracked);
        },
        () => {
          payments.delete(tracked);
        },
      );
      payments.add(tracked);
    },
    async settlePayments() {
      await payer.flush();
      while (payments.size > 0) await Promise.all([...payments]);
    },
  };
  const paymentDelayMs = options.paymentDelayMs ?? 1000;
  if (!Number.isInteger(paymentDelayMs) || paymentDelayMs < 0 || paymentDelayMs > 60_000) {
    throw new InvalidInputError("paymentDelayMs is an integer from 0 to 60000");
  }
  const payer = createPayer({ delayMs: paymentDelayMs, round: (owed) => payRound(client, owed) });
  return client;
}
