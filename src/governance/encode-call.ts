// Turns what a person types — a target contract, a function signature and its arguments — into a proposal action:
// the target address and the calldata (viem parseAbiItem + encodeFunctionData). Bad input is an InvalidInputError
// naming the argument that failed.
import {
  type AbiFunction,
  type AbiParameter,
  encodeFunctionData,
  type Hex,
  isAddress,
  isHex,
  parseAbiItem,
  size,
} from "viem";
import type { Deployment } from "../chain/index.ts";
import { InvalidInputError } from "../core/errors.ts";

/** Names a target may be given by: the deployment's keys and the contracts' own names. */
const contractAliases: Record<string, keyof Deployment["contracts"]> = {
  token: "token",
  registry: "registry",
  providerregistry: "registry",
  escrow: "escrow",
  rewards: "rewards",
  treasury: "treasury",
  governor: "governor",
  groundworkgovernor: "governor",
  timelock: "timelock",
  timelockcontroller: "timelock",
  parameters: "parameters",
  parameterstore: "parameters",
};

export interface ResolvedTarget {
  address: Hex;
  /** The deployment's name for it, when it is one of the suite's contracts. */
  name: string | null;
}

/** A contract name (Escrow, escrow, ParameterStore, …) or an address. */
export function resolveTarget(value: string, deployment: Deployment): ResolvedTarget {
  const key = contractAliases[value.toLowerCase()];
  if (key) return { address: deployment.contracts[key], name: key };
  if (isAddress(value, { strict: false })) {
    const lower = value.toLowerCase();
    const known = Object.entries(deployment.contracts).find(([, a]) => a.toLowerCase() === lower);
    return { address: value as Hex, name: known ? known[0] : null };
  }
  throw new InvalidInputError(`unknown target ${JSON.stringify(value)}`, {
    hint: `A contract name (${Object.keys(deployment.contracts).join(", ")}) or an address.`,
  });
}

/** Parses `setShares(uint16,uint16,uint16)` (the word `function` is optional). */
export function parseCallSignature(signature: string): AbiFunction {
  const text = signature.trim().startsWith("function ") ? signature.trim() : `function ${signature.trim()}`;
  let item: ReturnType<typeof parseAbiItem>;
  try {
    item = parseAbiItem(text);
  } catch (cause) {
    throw new InvalidInputError(`invalid --call ${JSON.stringify(signature)}`, {
      cause,
      hint: 'A function signature such as "setShares(uint16,uint16,uint16)".',
    });
  }
  if (item.type !== "function") throw new InvalidInputError(`--call must name a function, not a ${item.type}`);
  return item;
}

/** Splits `a,b,[c,d]` at top-level commas; an empty string is no arguments. */
export function splitArgs(text: string): string[] {
  if (text.trim() === "") return [];
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "[") depth += 1;
    if (ch === "]") depth -= 1;
    if (depth < 0) throw new InvalidInputError(`unbalanced brackets in --args ${JSON.stringify(text)}`);
    if (ch === "," && depth === 0) {
      out.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  if (depth !== 0) throw new InvalidInputError(`unbalanced brackets in --args ${JSON.stringify(text)}`);
  out.push(current.trim());
  return out;
}

function coerce(raw: unknown, param: AbiParameter, where: string, deployment: Deployment): unknown {
  const type = param.type;
  const fail = (why: string): never => {
    throw new InvalidInputError(`argument ${where} (${type}): ${why}`, { details: { value: raw } });
  };
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    const inner = { ...param, type: array[1] as string } as AbiParameter;
    let items: unknown[];
    if (Array.isArray(raw)) items = raw;
    else if (typeof raw === "string" && raw.startsWith("[") && raw.endsWith("]")) items = splitArgs(raw.slice(1, -1));
    else return fail("expected a list such as [a,b]");
    if (array[2] && items.length !== Number(array[2])) fail(`expected ${array[2]} items, got ${items.length}`);
    return items.map((item, i) => coerce(item, inner, `${where}[${i}]`, deployment));
  }
  if (type === "tuple") return fail("tuples are not supported; use --args-json with an object");
  const text = typeof raw === "string" ? raw : typeof raw === "number" || typeof raw === "bigint" ? String(raw) : null;
  if (type === "bool") {
    if (raw === true || raw === false) return raw;
    if (text === "true" || text === "false") return text === "true";
    return fail("expected true or false");
  }
  if (text === null) return fail("expected a string or a number");
  const int = /^(u?)int(\d*)$/.exec(type);
  if (int) {
    if (!/^-?\d+$/.test(text) && !/^0x[0-9a-fA-F]+$/.test(text)) return fail("expected a whole number");
    const value = BigInt(text);
    const bits = BigInt(int[2] || "256");
    const [min, max] = int[1] ? [0n, 2n ** bits - 1n] : [-(2n ** (bits - 1n)), 2n ** (bits - 1n) - 1n];
    if (value < min || value > max) fail(`out of range [${min}, ${max}]`);
    return value;
  }
  if (type === "address") {
    const alias = contractAliases[text.toLowerCase()];
    if (alias) return deployment.contracts[alias];
    if (!isAddress(text, { strict: false })) fail("expected an address or a contract name");
    return text;
  }
  const bytes = /^bytes(\d*)$/.exec(type);
  if (bytes) {
    if (!isHex(text)) fail("expected 0x-prefixed hex");
    if (bytes[1] && size(text as Hex) !== Number(bytes[1])) fail(`expected ${bytes[1]} bytes`);
    return text;
  }
  if (type === "string") return text;
  return fail("unsupported type");
}

export interface EncodedCall {
  signature: string;
  functionName: string;
  args: unknown[];
  calldata: Hex;
}

/** Encodes a call from its signature and arguments (`--args a,b` text, or a JSON array). */
export function encodeCall(params: {
  signature: string;
  args: string | readonly unknown[];
  deployment: Deployment;
}): EncodedCall {
  const item = parseCallSignature(params.signature);
  const raw = typeof params.args === "string" ? splitArgs(params.args) : [...params.args];
  if (raw.length !== item.inputs.length) {
    throw new InvalidInputError(`${item.name} takes ${item.inputs.length} argument(s), got ${raw.length}`, {
      details: { inputs: item.inputs.map((i) => i.type) },
    });
  }
  const args = item.inputs.map((input, i) => coerce(raw[i], input, `${i + 1}`, params.deployment));
  let calldata: Hex;
  try {
    calldata = encodeFunctionData({ abi: [item], functionName: item.name, args });
  } catch (cause) {
    throw new InvalidInputError(`cannot encode ${item.name}`, { cause });
  }
  const signature = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
  return { signature, functionName: item.name, args, calldata };
}
