// A RadioDriver on the simulated RF world: the default radio of a hotspot. Transmitting puts the frame on the shared
// medium at the radio's GPS time; every radio in range hears it, this one's listeners included when others transmit.
import { StateError } from "../../../core/errors.ts";
import type { RadioDriver, RadioFrame, ReceptionListener } from "./radio-driver.ts";
import type { RadioSite, RfWorld } from "./rf-world.ts";

/** Wall-clock time in nanoseconds, as a GPS-disciplined radio would stamp it. */
export function wallClockNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

export interface SimulatedRadioOptions {
  world: RfWorld;
  /** Where the radio physically is (which need not be where its owner says it is). */
  site: RadioSite;
  nowNs?: () => bigint;
}

export function createSimulatedRadio(options: SimulatedRadioOptions): RadioDriver {
  const { world, site } = options;
  const nowNs = options.nowNs ?? wallClockNs;
  world.addRadio(site);
  const stops = new Set<() => void>();
  let closed = false;
  return {
    async transmit(frame: RadioFrame) {
      if (closed) throw new StateError("this radio is closed");
      if (frame.atNs !== undefined) {
        const waitMs = Number(frame.atNs - nowNs()) / 1e6;
        if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
        if (closed) throw new StateError("this radio is closed");
      }
      world.transmit(site.id, frame, frame.atNs ?? nowNs());
    },
    onReceive(listener: ReceptionListener) {
      if (closed) throw new StateError("this radio is closed");
      // Deliver after the sender's call returns, as a real receiver's interrupt would: a listener that answers by
      // transmitting never re-enters the medium mid-transmission.
      const stop = world.listen(site.id, (reception) => setImmediate(() => listener(reception)));
      stops.add(stop);
      return () => {
        stop();
        stops.delete(stop);
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const stop of stops) stop();
      stops.clear();
      world.removeRadio(site.id);
    },
  };
}
