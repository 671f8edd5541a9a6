// Resource types: the interface, and the list of types this build knows. This list is the only place that names
// them; everything else looks a type up by name.
import { computeResource } from "./compute/index.ts";
import { renderResource } from "./render/index.ts";
import type { AnyResourceType } from "./resource-type.ts";

export { detectionProbability, recomputeSampleCount } from "./recompute-samples.ts";
export type {
  AnyResourceType,
  Blobs,
  Metering,
  RecomputeCheck,
  RecomputePolicy,
  RecomputeVerifier,
  RecomputeWork,
  ResourceRuntime,
  ResourceType,
  WorkResult,
} from "./resource-type.ts";

export const resourceTypes: ReadonlyMap<string, AnyResourceType> = new Map(
  [computeResource, renderResource].map((type) => [type.name, type]),
);

export function getResourceType(name: string): AnyResourceType | undefined {
  return resourceTypes.get(name);
}
