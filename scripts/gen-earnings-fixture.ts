// Writes contracts/test/fixtures/earnings-tree.json: a tree built by src/chain/earnings-tree.ts, for the forge test that checks its proofs on chain.
import { writeFileSync } from "node:fs";
import { buildEarningsTree, type Hex } from "../src/chain/earnings-tree.ts";

const entries = Array.from({ length: 11 }, (_, i) => ({
  account: `0x${(0xfeed0000 + i).toString(16).padStart(40, "0")}` as Hex,
  cumulativeAmount: BigInt(i + 1) * 10n ** 18n + BigInt(i),
}));
const tree = buildEarningsTree(entries);
const fixture = {
  root: tree.root,
  total: entries.reduce((sum, e) => sum + e.cumulativeAmount, 0n).toString(),
  accounts: entries.map((e) => e.account),
  amounts: entries.map((e) => e.cumulativeAmount.toString()),
  proofs: entries.map((_, i) => tree.getProof(i)),
};
const out = new URL("../contracts/test/fixtures/earnings-tree.json", import.meta.url);
writeFileSync(out, `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`wrote ${out.pathname}: ${entries.length} entries, root ${tree.root}`);
