// Test support shared by end-to-end tests: real processes, free ports, temporary homes.
export { freePort, type GwResult, isProcessAlive, runGw, startGw, tempHome } from "./processes.ts";
