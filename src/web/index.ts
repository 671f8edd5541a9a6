// The dashboard: a static web app (plain ES modules, no build step) that the API server mounts on its own port.
export {
  type DashboardAsset,
  type DashboardAssets,
  findPackageDir,
  importMap,
  loadDashboardAssets,
  vendorFiles,
} from "./dashboard-assets.ts";
export { type MountDashboardOptions, type MountedDashboard, mountDashboard } from "./mount-dashboard.ts";
