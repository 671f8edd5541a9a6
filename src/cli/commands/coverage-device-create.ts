// `gw coverage device create`: a new IoT device for the packet router of this home. The router's registry gets the
// device key; the device's credentials (id, key, frame counter) go to a file a simulated or real device uses.
import { iotDataPaths, openDeviceRegistry, writeDeviceCredentials } from "../../resources/coverage/data/index.ts";
import { defineCommand } from "../command.ts";

export const coverageDeviceCreateCommand = defineCommand({
  words: ["coverage", "device", "create"],
  summary: "create an IoT device served by this home's packet router",
  usage: "[--name NAME] [--out FILE]",
  options: { name: { type: "string" }, out: { type: "string" } },
  async run(ctx, { values }) {
    const paths = iotDataPaths(ctx.options.home);
    const name = typeof values.name === "string" ? values.name : "device";
    const credentials = openDeviceRegistry(paths.devices).create(name);
    const file =
      typeof values.out === "string" && values.out.length > 0
        ? values.out
        : paths.deviceCredentials(credentials.deviceId);
    writeDeviceCredentials(file, credentials);
    return {
      json: { deviceId: credentials.deviceId, name, credentials: file },
      text: `device ${credentials.deviceId} (${name}) created; its credentials are in ${file}`,
    };
  },
});
