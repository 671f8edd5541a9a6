// The deployment record: which chain, which addresses, from which block. Written by deploy, read by every role.
import { join } from "node:path";
import type { Hex } from "viem";
import { z } from "zod";
import { StateError } from "../core/errors.ts";
import { readJsonFile, writeJsonAtomic } from "../core/json-file.ts";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected an address") as unknown as z.ZodType<Hex>;

export const deploymentSchema = z.object({
  version: z.literal(1),
  chainId: z.number().int().positive(),
  rpcUrl: z.string().url(),
  deployBlock: z.number().int().nonnegative(),
  deployedAt: z.string(),
  deployer: address,
  contracts: z.object({
    token: address,
    registry: address,
    escrow: address,
    rewards: address,
    treasury: address,
    governor: address,
    timelock: address,
    parameters: address,
  }),
  epoch: z.object({ genesisTime: z.number().int().nonnegative(), duration: z.number().int().positive() }),
});

export type Deployment = z.infer<typeof deploymentSchema>;
export type ContractName = keyof Deployment["contracts"];

export function deploymentPath(home: string): string {
  return join(home, "deployment.json");
}

export function writeDeployment(home: string, deployment: Deployment): void {
  writeJsonAtomic(deploymentPath(home), deploymentSchema.parse(deployment));
}

export function readDeployment(home: string): Deployment {
  const deployment = readJsonFile(deploymentPath(home), deploymentSchema);
  if (!deployment) {
    throw new StateError("no deployment found", {
      details: { path: deploymentPath(home) },
      hint: "Start a local network with `npm start`, or point --home at a folder holding deployment.json.",
    });
  }
  return deployment;
}
