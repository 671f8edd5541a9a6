// The `gw start` command line of a test or bench network: every service on a free port (so it can run beside a
// network someone already started), the chain on the port the caller found free, one JSON status line.
export interface LocalNetworkArgs {
  chainPort: number;
  providers: number;
  home?: string;
  epochSeconds?: number;
  /** Optional roles left out (gw start --without). */
  without?: readonly string[];
  /** More flags as they are, e.g. ["--audit-share-bps", "0"]. */
  extra?: readonly string[];
}

export function localNetworkArgs(options: LocalNetworkArgs): string[] {
  return [
    "start",
    "--json",
    ...(options.home ? ["--home", options.home] : []),
    "--chain-port",
    String(options.chainPort),
    "--gateway-port",
    "0",
    "--oracle-port",
    "0",
    "--api-port",
    "0",
    "--providers",
    String(options.providers),
    ...(options.epochSeconds === undefined ? [] : ["--epoch-seconds", String(options.epochSeconds)]),
    ...(options.without?.length ? ["--without", options.without.join(",")] : []),
    ...(options.extra ?? []),
  ];
}
