// Governance from the command line: encoding proposal actions, the proposals a home made, and their status.
export {
  type EncodedCall,
  encodeCall,
  parseCallSignature,
  type ResolvedTarget,
  resolveTarget,
  splitArgs,
} from "./encode-call.ts";
export {
  getProposalStatus,
  isoTime,
  type ProposalStateName,
  type ProposalStatus,
  proposalStates,
} from "./proposal-status.ts";
export {
  parseProposalId,
  proposalPath,
  proposalsDir,
  readProposal,
  requireProposal,
  type StoredProposal,
  saveProposal,
  storedProposalSchema,
} from "./proposal-store.ts";
