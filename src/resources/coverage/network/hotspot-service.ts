// A provider daemon's coverage hotspot: the radio its offer names (the shared simulated air, or a LoRa gateway's
// Semtech UDP packet forwarder), and the hotspot loop on it against the network's oracles. The asserted location
// is the node's H3 cell in the ProviderRegistry; a sim radio sits at that cell's centre unless the offer places it
// elsewhere (a spoofer, in tests and simulations).
import { cellToLatLng } from "h3-js";
import { getRegisteredProvider } from "../../../chain/index.ts";
import { StateError } from "../../../core/errors.ts";
import { createEpochChainReader } from "../../../oracle/daemon/index.ts";
import type { ProviderService, ProviderServiceContext } from "../../resource-type.ts";
import { startHotspot } from "../hotspot/index.ts";
import { cellFromChain } from "../poc/index.ts";
import { createAirRadio, type RadioDriver } from "../radio/index.ts";
import { createSemtechUdpRadio } from "../radio/semtech/index.ts";
import type { CoverageOffer } from "./coverage-offer.ts";
import { coverageParamsFor } from "./network-params.ts";

export async function startCoverageHotspot(context: ProviderServiceContext<CoverageOffer>): Promise<ProviderService> {
  const { offer, nodeKey, deployment, publicClient, log } = context;
  const registered = await getRegisteredProvider(publicClient, {
    chainId: deployment.chainId,
    registry: deployment.contracts.registry,
    nodeKey: nodeKey.publicKey,
  });
  const cell = registered ? cellFromChain(registered.h3Cell) : undefined;
  if (!cell) log("warn", "no asserted location in the registry: this hotspot earns no coverage", {});
  let driver: RadioDriver;
  if (offer.radio.kind === "sim") {
    const [lat, lng] =
      offer.radio.lat !== undefined && offer.radio.lng !== undefined
        ? [offer.radio.lat, offer.radio.lng]
        : cell
          ? cellToLatLng(cell)
          : [undefined, undefined];
    if (lat === undefined || lng === undefined) {
      throw new StateError("a simulated radio needs a place: register an H3 cell or give the radio's lat/lng", {
        hint: "gw provider init --resource coverage --h3-cell CELL (or --lat/--lng)",
      });
    }
    driver = createAirRadio({ url: offer.radio.air, site: { id: nodeKey.publicKey, lat, lng }, log });
  } else {
    driver = await createSemtechUdpRadio({ port: offer.radio.port, host: offer.radio.host, log });
  }
  const { oracles } = await createEpochChainReader(publicClient, deployment).oracleSet();
  const epochMs = deployment.epoch.duration * 1000;
  const hotspot = startHotspot({
    key: nodeKey,
    driver,
    oracles: offer.oracles.map((u) => u.replace(/\/+$/, "")),
    oracleAddresses: oracles,
    params: coverageParamsFor(epochMs),
    genesisMs: deployment.epoch.genesisTime * 1000,
    epochMs,
    log: (line) => log("info", `coverage: ${line}`, {}),
  });
  log("info", "coverage hotspot running", { radio: offer.radio.kind, cell, oracles: offer.oracles });
  return {
    async close() {
      await hotspot.close();
    },
  };
}
