// Reads every Groundwork contract's logs for a block range and decodes them: one getLogs over all addresses, block
// headers (hash, parent, time) for the blocks that hold logs and for the range's end. Ranges that an RPC node
// refuses as too large are split in halves.
import { type Abi, decodeEventLog, type Hex, type Log, type PublicClient } from "viem";
import {
  type Deployment,
  escrowAbi,
  groundworkGovernorAbi,
  parameterStoreAbi,
  providerRegistryAbi,
  rewardsAbi,
  timelockControllerAbi,
  tokenAbi,
  treasuryAbi,
  wrapChainError,
} from "../chain/index.ts";
import { RemoteError } from "../core/errors.ts";

export type ContractRole = keyof Deployment["contracts"];

/** JSON-safe event arguments: uint values as decimal strings, addresses and bytes lower-case hex. */
export type EventArgs = Record<string, string | string[] | number | boolean>;

export interface ChainEvent {
  block: number;
  logIndex: number;
  txHash: Hex;
  contract: ContractRole;
  name: string;
  args: EventArgs;
  timestamp: number;
}

export interface BlockHeader {
  number: number;
  hash: Hex;
  parentHash: Hex;
  timestamp: number;
}

export interface ChainRange {
  events: ChainEvent[];
  blocks: BlockHeader[];
  /** The header of the range's last block. */
  end: BlockHeader;
  /** The widest block span one getLogs call answered (smaller than the range when the node refused it whole). */
  span: number;
}

const abis: Record<ContractRole, Abi> = {
  token: tokenAbi,
  registry: providerRegistryAbi,
  escrow: escrowAbi,
  rewards: rewardsAbi,
  treasury: treasuryAbi,
  governor: groundworkGovernorAbi,
  timelock: timelockControllerAbi,
  parameters: parameterStoreAbi,
};

function jsonValue(value: unknown): string | string[] | number | boolean {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value.startsWith("0x") ? value.toLowerCase() : value;
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((v) => String(jsonValue(v)));
  return String(value);
}

/** Decodes one raw log of a known contract; undefined for a log its ABI does not describe. */
export function decodeChainLog(
  log: Log,
  roleOf: ReadonlyMap<string, ContractRole>,
  timestamp: number,
): ChainEvent | undefined {
  const role = roleOf.get(log.address.toLowerCase());
  if (!role) return undefined;
  let decoded: { eventName: string; args: unknown };
  try {
    decoded = decodeEventLog({ abi: abis[role], data: log.data, topics: log.topics, strict: true }) as never;
  } catch {
    return undefined;
  }
  const args: EventArgs = {};
  for (const [key, value] of Object.entries((decoded.args ?? {}) as Record<string, unknown>)) {
    if (!/^\d+$/.test(key)) args[key] = jsonValue(value);
  }
  return {
    block: Number(log.blockNumber),
    logIndex: Number(log.logIndex),
    txHash: (log.transactionHash ?? "0x").toLowerCase() as Hex,
    contract: role,
    name: decoded.eventName,
    args,
    timestamp,
  };
}

export function contractRoles(deployment: Deployment): Map<string, ContractRole> {
  return new Map(
    Object.entries(deployment.contracts).map(([role, address]) => [address.toLowerCase(), role as ContractRole]),
  );
}

export async function getBlockHeader(client: PublicClient, number: number | bigint): Promise<BlockHeader> {
  const block = await client.getBlock({ blockNumber: BigInt(number) });
  return {
    number: Number(block.number),
    hash: block.hash.toLowerCase() as Hex,
    parentHash: block.parentHash.toLowerCase() as Hex,
    timestamp: Number(block.timestamp),
  };
}

async function getRawLogs(
  client: PublicClient,
  addresses: Hex[],
  from: number,
  to: number,
  answered: { span: number },
): Promise<Log[]> {
  try {
    const logs = await client.getLogs({ address: addresses, fromBlock: BigInt(from), toBlock: BigInt(to) });
    answered.span = Math.max(answered.span, to - from + 1);
    return logs;
  } catch (error) {
    // RPC nodes (and the client's response size limit) cap the range or the result; halve until they answer (one
    // block cannot be split).
    if (to > from) {
      const mid = from + Math.floor((to - from) / 2);
      const first = await getRawLogs(client, addresses, from, mid, answered);
      return [...first, ...(await getRawLogs(client, addresses, mid + 1, to, answered))];
    }
    throw wrapChainError(error, `reading logs of block ${from}`);
  }
}

/** The decoded logs of blocks `from`..`to` (inclusive) in chain order, with the headers the reorg check needs. */
export async function readChainRange(
  client: PublicClient,
  deployment: Deployment,
  from: number,
  to: number,
): Promise<ChainRange> {
  const roles = contractRoles(deployment);
  const answered = { span: 0 };
  const logs = await getRawLogs(client, Object.values(deployment.contracts), from, to, answered);
  const numbers = [...new Set(logs.map((l) => Number(l.blockNumber)))];
  if (!numbers.includes(to)) numbers.push(to);
  let headers: BlockHeader[];
  try {
    headers = await Promise.all(numbers.map((n) => getBlockHeader(client, n)));
  } catch (error) {
    throw wrapChainError(error, "reading block headers");
  }
  const byNumber = new Map(headers.map((h) => [h.number, h]));
  const events: ChainEvent[] = [];
  for (const log of logs) {
    if (log.removed) continue;
    const header = byNumber.get(Number(log.blockNumber));
    if (!header || (log.blockHash && log.blockHash.toLowerCase() !== header.hash)) {
      // The node replaced the block between the two reads: indexing either half would mix two histories.
      throw new RemoteError("the chain reorganised while the indexer read it", {
        details: { block: Number(log.blockNumber) },
        hint: "Retried on the next round.",
      });
    }
    const event = decodeChainLog(log, roles, header.timestamp);
    if (event) events.push(event);
  }
  events.sort((a, b) => a.block - b.block || a.logIndex - b.logIndex);
  headers.sort((a, b) => a.number - b.number);
  return { events, blocks: headers, end: byNumber.get(to) as BlockHeader, span: answered.span };
}
