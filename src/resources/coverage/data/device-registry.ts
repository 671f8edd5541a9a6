// The devices a packet router serves: device id → the key its frames are MIC'd with. Kept in one JSON file (mode
// 0600, written atomically) that `gw coverage device create` adds to; a running router re-reads it when it changes.
import { statSync } from "node:fs";
import { z } from "zod";
import { InvalidInputError } from "../../../core/errors.ts";
import { readJsonFile, writeJsonAtomic } from "../../../core/json-file.ts";
import { generateDeviceCredentials } from "./uplink-frame.ts";

export const deviceIdSchema = z.string().regex(/^[0-9a-f]{16}$/, "a device id is 16 lower-case hex digits");
const deviceKeySchema = z.string().regex(/^[0-9a-f]{64}$/);

const registrySchema = z.object({
  version: z.literal(1),
  devices: z.record(
    deviceIdSchema,
    z.object({ key: deviceKeySchema, name: z.string().max(100), createdAt: z.number().int() }),
  ),
});

export interface RegisteredDevice {
  deviceId: string;
  name: string;
  createdAt: number;
}

export interface DeviceRegistry {
  keyOf(deviceId: string): string | undefined;
  /** Creates a device with fresh credentials; returns its id and key (the device's half of the secret). */
  create(name: string): { deviceId: string; key: string };
  list(): RegisteredDevice[];
}

export function openDeviceRegistry(path: string, now: () => number = Date.now): DeviceRegistry {
  type State = z.infer<typeof registrySchema>;
  let state: State = { version: 1, devices: {} };
  let seenMtime = -1;
  const refresh = () => {
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      return;
    }
    if (mtime === seenMtime) return;
    state = readJsonFile(path, registrySchema) ?? state;
    seenMtime = mtime;
  };
  refresh();
  return {
    keyOf(deviceId) {
      if (!state.devices[deviceId]) refresh();
      return state.devices[deviceId]?.key;
    },
    create(name) {
      if (name.length > 100) throw new InvalidInputError("a device name is at most 100 characters");
      refresh();
      const credentials = generateDeviceCredentials();
      state.devices[credentials.deviceId] = { key: credentials.key, name, createdAt: now() };
      writeJsonAtomic(path, state, 0o600);
      seenMtime = statSync(path).mtimeMs;
      return credentials;
    },
    list() {
      refresh();
      return Object.entries(state.devices).map(([deviceId, d]) => ({ deviceId, name: d.name, createdAt: d.createdAt }));
    },
  };
}
