// What a (simulated) device holds: its id, its key and the next frame counter. The counter is saved before a frame
// goes on air, so a restarted device never reuses one (its router would take the frame for a replay).
import { z } from "zod";
import { StateError } from "../../../core/errors.ts";
import { readJsonFile, writeJsonAtomic } from "../../../core/json-file.ts";
import { deviceIdSchema } from "./device-registry.ts";
import { encodeUplink } from "./uplink-frame.ts";

const credentialsSchema = z.object({
  version: z.literal(1),
  deviceId: deviceIdSchema,
  key: z.string().regex(/^[0-9a-f]{64}$/),
  /** The counter the next frame will carry. */
  nextCounter: z.number().int().min(0).max(0x100000000),
});
export type DeviceCredentials = z.infer<typeof credentialsSchema>;

export function writeDeviceCredentials(path: string, credentials: { deviceId: string; key: string }): void {
  writeJsonAtomic(path, { version: 1, ...credentials, nextCounter: 0 }, 0o600);
}

export function readDeviceCredentials(path: string): DeviceCredentials {
  const credentials = readJsonFile(path, credentialsSchema);
  if (!credentials) {
    throw new StateError(`no device credentials at ${path}`, {
      hint: "Create a device with `gw coverage device create`.",
    });
  }
  return credentials;
}

/** Builds the device's next frame and saves the counter it used. */
export function nextUplink(
  path: string,
  payload: Uint8Array,
): { frame: Uint8Array; counter: number; deviceId: string } {
  const credentials = readDeviceCredentials(path);
  const counter = credentials.nextCounter;
  if (counter > 0xffffffff) throw new StateError("the device's frame counter is exhausted; create a new device");
  const frame = encodeUplink({ deviceId: credentials.deviceId, counter, payload }, credentials.key);
  writeJsonAtomic(path, { ...credentials, nextCounter: counter + 1 }, 0o600);
  return { frame, counter, deviceId: credentials.deviceId };
}
