// What the known resource types add to the network's roles, gathered in one place so the oracle daemon, the
// verifier and the provider daemon take them without naming any type.
import type { OracleExtension, RewardComponentSource } from "../oracle/daemon/index.ts";
import type {
  AnyResourceType,
  ChainContext,
  OracleExtensionContext,
  ProviderService,
  ProviderServiceContext,
} from "./resource-type.ts";

/** Every type's oracle extension (routes, bundle evidence, reward component). */
export async function oracleExtensionsOf(
  types: Iterable<AnyResourceType>,
  context: OracleExtensionContext,
): Promise<OracleExtension[]> {
  const out: OracleExtension[] = [];
  for (const type of types) if (type.oracleExtension) out.push(await type.oracleExtension(context));
  return out;
}

/** Every type's reward component as a verifier recomputes it. */
export async function rewardComponentSourcesOf(
  types: Iterable<AnyResourceType>,
  context: ChainContext,
): Promise<RewardComponentSource[]> {
  const out: RewardComponentSource[] = [];
  for (const type of types) if (type.rewardComponentSource) out.push(await type.rewardComponentSource(context));
  return out;
}

/**
 * Starts the services of the offered types that have one. A service that fails to start is logged and left out:
 * the provider still serves its other types.
 */
export async function startProviderServices(
  offers: ReadonlyMap<AnyResourceType, unknown>,
  context: Omit<ProviderServiceContext<unknown>, "offer">,
): Promise<ProviderService[]> {
  const services: ProviderService[] = [];
  for (const [type, offer] of offers) {
    if (!type.startProviderService) continue;
    try {
      services.push(await type.startProviderService({ ...context, offer }));
    } catch (error) {
      context.log("error", `the ${type.name} service did not start`, { error: (error as Error).message });
    }
  }
  return services;
}
