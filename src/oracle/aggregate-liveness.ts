// Per-node liveness for one epoch from the challenge records of one or more oracles' bundles.
//
// Definitions (window [startTime, endTime), all times in seconds; records outside the window are ignored):
// - challenged: the node's challenges sent in the window; answered: those with an answer.
// - An "up moment" is the sentAt of an answered challenge. The window's edges are also boundaries.
// - A silence is the span between two consecutive boundaries (window start, up moments, window end) that contains
//   at least one unanswered challenge; longestSilenceSeconds is the longest such span (0 when every challenge was
//   answered or there were none). A node that never answered a challenge is silent for the whole window.
// - Challenges sent at the same moment: answered ones count first, so an unanswered challenge at the same instant as
//   an answered one opens a silence from that moment (it is never hidden by it).
// Floor to whole seconds. Output: one NodeLiveness per node seen, sorted by node key.
import type { Hex } from "viem";
import type { NodeLiveness } from "./epoch-types.ts";

export interface ChallengeRecord {
  nodeKey: Hex;
  /** When the challenge was sent (seconds). */
  sentAt: number;
  /** When the answer came (seconds), or null for none. */
  answeredAt: number | null;
}

export function aggregateLiveness(
  records: readonly ChallengeRecord[],
  window: { startTime: number; endTime: number },
): NodeLiveness[] {
  const { startTime, endTime } = window;
  const byNode = new Map<Hex, ChallengeRecord[]>();
  for (const record of records) {
    if (!(record.sentAt >= startTime && record.sentAt < endTime)) continue;
    let list = byNode.get(record.nodeKey);
    if (!list) {
      list = [];
      byNode.set(record.nodeKey, list);
    }
    list.push(record);
  }
  const out: NodeLiveness[] = [];
  for (const [nodeKey, list] of byNode) {
    list.sort((a, b) => a.sentAt - b.sentAt || (a.answeredAt === null ? 1 : 0) - (b.answeredAt === null ? 1 : 0));
    let answered = 0;
    let boundary = startTime; // the last up moment (or the window start)
    let silent = false; // an unanswered challenge since `boundary`
    let longest = 0;
    for (const record of list) {
      if (record.answeredAt === null) {
        silent = true;
        continue;
      }
      answered++;
      if (silent) longest = Math.max(longest, record.sentAt - boundary);
      boundary = record.sentAt;
      silent = false;
    }
    if (silent) longest = Math.max(longest, endTime - boundary);
    out.push({ nodeKey, challenged: list.length, answered, longestSilenceSeconds: Math.floor(longest) });
  }
  return out.sort((a, b) => (a.nodeKey < b.nodeKey ? -1 : a.nodeKey > b.nodeKey ? 1 : 0));
}
