// Resource types: the interface, and the list of types this build knows. This list is the only place that names
// them; everything else looks a type up by name.
import { computeResource } from "./compute/index.ts";
import { coverageResource } from "./coverage/coverage-resource.ts";
import { renderResource } from "./render/index.ts";
import type { AnyResourceType } from "./resource-type.ts";

export { oracleExtensionsOf, rewardComponentSourcesOf, startProviderServices } from "./network-contributions.ts";
export { detectionProbability, recomputeSampleCount } from "./recompute-samples.ts";
export type {
  AnyResourceType,
  Blobs,
  ChainContext,
  Metering,
  OracleExtensionContext,
  ProviderService,
  ProviderServiceContext,
  RecomputeCheck,
  RecomputePolicy,
  RecomputeVerifier,
  RecomputeWork,
  ResourceRuntime,
  ResourceType,
  WorkResult,
} from "./resource-type.ts";

export const resourceTypes: ReadonlyMap<string, AnyResourceType> = new Map(
  [computeResource, renderResource, coverageResource].map((type) => [type.name, type]),
);

export function getResourceType(name: string): AnyResourceType | undefined {
  return resourceTypes.get(name);
}
