// The boundary between a hotspot's software and its radio. The simulated RF world and the Semtech UDP packet
// forwarder both sit behind it, so the provider, proof of coverage and IoT data never know which one is there.

/** One LoRa-style transmission: the bytes on air and the channel they went out on. */
export interface RadioFrame {
  payload: Uint8Array;
  frequencyHz: number;
  /** LoRa spreading factor (7–12); with bandwidth it fixes the time on air. */
  spreadingFactor: number;
  bandwidthHz: number;
  /** Transmit power at the antenna, dBm (EIRP). */
  powerDbm: number;
  /**
   * GPS time to put the frame on air, nanoseconds since the Unix epoch (a concentrator's timed transmit, the
   * forwarder protocol's `tmms`); absent: at once. Beacons use it: timing proofs need the exact on-air time.
   */
  atNs?: bigint;
}

/** A frame as one receiver heard it. */
export interface Reception {
  frame: RadioFrame;
  /** Received signal strength, dBm. */
  rssiDbm: number;
  /** Signal-to-noise ratio, dB. */
  snrDb: number;
  /** Receiver's GPS-disciplined time of arrival, nanoseconds since the Unix epoch. */
  timeOfArrivalNs: bigint;
}

export type ReceptionListener = (reception: Reception) => void;

export interface RadioDriver {
  /** Sends a frame now; resolves once it is on air (or the forwarder acknowledged it). */
  transmit(frame: RadioFrame): Promise<void>;
  /** Calls `listener` for every frame this radio hears; returns the function that stops listening. */
  onReceive(listener: ReceptionListener): () => void;
  close(): Promise<void>;
}
