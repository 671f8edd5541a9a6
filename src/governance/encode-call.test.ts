// Proposal actions from typed text: signatures, argument coercion and range checks, contract names as targets.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeFunctionData } from "viem";
import { type Deployment, escrowAbi, parameterStoreAbi, providerRegistryAbi } from "../chain/index.ts";
import { InvalidInputError } from "../core/errors.ts";
import { encodeCall, resolveTarget, splitArgs } from "./encode-call.ts";

const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as const;
const deployment: Deployment = {
  version: 1,
  chainId: 31337,
  rpcUrl: "http://127.0.0.1:8545",
  deployBlock: 0,
  deployedAt: "2024-01-01T00:00:00.000Z",
  deployer: addr(1),
  contracts: {
    token: addr(2),
    registry: addr(3),
    escrow: addr(4),
    rewards: addr(5),
    treasury: addr(6),
    governor: addr(7),
    timelock: addr(8),
    parameters: addr(9),
  },
  epoch: { genesisTime: 0, duration: 60 },
};

test("setShares(uint16,uint16,uint16) encodes like the ABI", () => {
  const call = encodeCall({ signature: "setShares(uint16,uint16,uint16)", args: "8000, 1000,1000", deployment });
  assert.equal(
    call.calldata,
    encodeFunctionData({ abi: escrowAbi, functionName: "setShares", args: [8000, 1000, 1000] }),
  );
  assert.equal(call.signature, "setShares(uint16,uint16,uint16)");
});

test("bytes32, arrays and JSON arguments", () => {
  const key = `0x${"ab".repeat(32)}` as const;
  const call = encodeCall({ signature: "function set(bytes32,uint256)", args: [key, "5"], deployment });
  assert.equal(call.calldata, encodeFunctionData({ abi: parameterStoreAbi, functionName: "set", args: [key, 5n] }));
  const many = encodeCall({ signature: "requiredStake(bytes32[])", args: `[${key},${key}]`, deployment });
  assert.equal(
    many.calldata,
    encodeFunctionData({ abi: providerRegistryAbi, functionName: "requiredStake", args: [[key, key]] }),
  );
  assert.deepEqual(splitArgs("a,[b,c],d"), ["a", "[b,c]", "d"]);
  assert.deepEqual(splitArgs(""), []);
});

test("contract names resolve as targets and as address arguments", () => {
  assert.deepEqual(resolveTarget("Escrow", deployment), { address: addr(4), name: "escrow" });
  assert.deepEqual(resolveTarget("ParameterStore", deployment), { address: addr(9), name: "parameters" });
  assert.deepEqual(resolveTarget(addr(6), deployment), { address: addr(6), name: "treasury" });
  const call = encodeCall({ signature: "release(address,address,uint256)", args: "token,treasury,1", deployment });
  assert.ok(call.calldata.includes(addr(2).slice(2)));
  assert.throws(() => resolveTarget("nowhere", deployment), InvalidInputError);
});

test("bad signatures, counts, ranges and types are InvalidInputError naming the argument", () => {
  const bad = (signature: string, args: string, pattern: RegExp) =>
    assert.throws(
      () => encodeCall({ signature, args, deployment }),
      (e: unknown) => {
        assert.ok(e instanceof InvalidInputError);
        assert.match((e as Error).message, pattern);
        return true;
      },
    );
  bad("setShares(uint16,uint16", "1,2,3", /invalid --call/);
  bad("setShares(uint16,uint16,uint16)", "1,2", /takes 3 argument/);
  bad("setShares(uint16,uint16,uint16)", "70000,0,0", /argument 1 \(uint16\): out of range/);
  bad("setShares(uint16,uint16,uint16)", "1.5,0,0", /argument 1 \(uint16\): expected a whole number/);
  bad("setWithdrawalDelay(uint64)", "-1", /out of range/);
  bad("release(address,address,uint256)", "0x12,treasury,1", /argument 1 \(address\)/);
  bad("set(bytes32,uint256)", "0x1234,1", /expected 32 bytes/);
  bad("f(bool)", "maybe", /true or false/);
});
