// Where IoT data keeps its files in a gw home: the router's device registry and state, and simulated devices'
// credentials (each file holds a secret key: written 0600).
import { join } from "node:path";

export function iotDataPaths(home: string) {
  const router = join(home, "coverage", "router");
  return {
    routerDir: router,
    devices: join(router, "devices.json"),
    routerState: join(router, "state.json"),
    routerOffer: join(router, "offer.json"),
    deviceCredentials: (deviceId: string) => join(home, "coverage", "devices", `${deviceId}.json`),
  };
}
