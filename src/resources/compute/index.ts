// Compute (WASI jobs) as a Groundwork resource type.
export {
  type ComputeOffer,
  type ComputeSpec,
  computeOfferSchema,
  computeResource,
  computeSpecSchema,
  defaultComputeLimits,
  trapExitCode,
} from "./compute-resource.ts";
