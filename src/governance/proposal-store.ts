// Proposals this home made: <home>/proposals/<id>.json holds the actions and description, because the governor
// needs them again (not just the id) to queue and execute.
import { join } from "node:path";
import type { Hex } from "viem";
import { z } from "zod";
import { InvalidInputError, StateError } from "../core/errors.ts";
import { readJsonFile, writeJsonAtomic } from "../core/json-file.ts";

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/) as unknown as z.ZodType<Hex>;

export const storedProposalSchema = z.object({
  version: z.literal(1),
  /** The proposal id as a decimal string (governor.hashProposal). */
  id: z.string().regex(/^\d+$/),
  chainId: z.number().int().positive(),
  governor: hex,
  targets: z.array(hex),
  /** Wei sent with each call, decimal strings. */
  values: z.array(z.string().regex(/^\d+$/)),
  calldatas: z.array(hex),
  description: z.string(),
  descriptionHash: hex,
  /** What the person asked for, for display. */
  actions: z.array(z.object({ target: z.string(), signature: z.string(), args: z.array(z.string()) })),
  proposer: hex,
  proposedAt: z.string(),
  tx: hex,
});
export type StoredProposal = z.infer<typeof storedProposalSchema>;

export function proposalsDir(home: string): string {
  return join(home, "proposals");
}

/** A proposal id from the command line: decimal or 0x hex, a uint256. */
export function parseProposalId(value: string | undefined): bigint {
  if (value === undefined) throw new InvalidInputError("give a PROPOSAL_ID", { hint: "`gw gov propose` prints it." });
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(value) || BigInt(value) >= 2n ** 256n) {
    throw new InvalidInputError(`invalid proposal id ${value}`, { hint: "The decimal id `gw gov propose` printed." });
  }
  return BigInt(value);
}

export function proposalPath(home: string, id: bigint): string {
  return join(proposalsDir(home), `${id.toString()}.json`);
}

export function saveProposal(home: string, proposal: StoredProposal): string {
  const path = proposalPath(home, BigInt(proposal.id));
  writeJsonAtomic(path, storedProposalSchema.parse(proposal));
  return path;
}

export function readProposal(home: string, id: bigint): StoredProposal | undefined {
  return readJsonFile(proposalPath(home, id), storedProposalSchema);
}

export function requireProposal(home: string, id: bigint): StoredProposal {
  const proposal = readProposal(home, id);
  if (!proposal) {
    throw new StateError(`no record of proposal ${id} in this home`, {
      details: { path: proposalPath(home, id) },
      hint: "Queue and execute from the home that ran `gw gov propose`, or copy its proposals/<id>.json here.",
    });
  }
  return proposal;
}
