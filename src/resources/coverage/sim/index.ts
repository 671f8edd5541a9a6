// Coverage simulations: an adversarial population of hotspots on the simulated RF world, one epoch of proof of
// coverage over it, and what the validators caught.

export { formatCoverageReport } from "./format-scenario-report.ts";
export {
  createHotspotPopulation,
  type HotspotKind,
  type HotspotPopulation,
  type PopulationOptions,
  type SimHotspot,
} from "./hotspot-population.ts";
export { createReportSigner, type ReportSigner } from "./report-signer.ts";
export {
  type CoverageScenarioOptions,
  type CoverageScenarioReport,
  runCoverageScenario,
  type SimulatedCoverageEpoch,
  simulateCoverageEpoch,
} from "./run-coverage-scenario.ts";
