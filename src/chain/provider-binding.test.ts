import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { generateNodeKeySeed, nodeKeyFromSeed } from "../protocol/index.ts";
import { registerTestProvider, startTestChain, type TestChain } from "../testing/index.ts";
import { providerRegistryAbi } from "./artifacts.generated.ts";
import { getRegisteredProvider, providerBindingMessage } from "./provider-binding.ts";

let chain: TestChain;
before(async () => {
  chain = await startTestChain();
});
after(() => chain.stop());

test("the binding message matches the registry's, and a registered key's binding verifies", async () => {
  const nodeKey = nodeKeyFromSeed(generateNodeKeySeed());
  const { registry } = chain.deployment.contracts;
  const owner = chain.account(1).address;
  const onChain = await chain.publicClient.readContract({
    address: registry,
    abi: providerRegistryAbi,
    functionName: "bindingMessage",
    args: [nodeKey.publicKey, owner],
  });
  assert.equal(providerBindingMessage({ chainId: 31337, registry, nodeKey: nodeKey.publicKey, owner }), onChain);

  await registerTestProvider(chain, { ownerIndex: 1, nodeKey });
  const provider = await getRegisteredProvider(chain.publicClient, {
    chainId: 31337,
    registry,
    nodeKey: nodeKey.publicKey,
  });
  assert.ok(provider);
  assert.equal(provider.owner, owner);
  assert.equal(provider.active, true);
  assert.equal(provider.bindingValid, true);
  assert.equal(provider.stake, 1000n * 10n ** 18n);
});

test("a key registered with someone else's signature does not verify, and unknown keys read as undefined", async () => {
  const victim = nodeKeyFromSeed(generateNodeKeySeed());
  const squatter = nodeKeyFromSeed(generateNodeKeySeed());
  const { registry } = chain.deployment.contracts;
  // The squatter registers the victim's public key but can only sign with its own key.
  await registerTestProvider(chain, { ownerIndex: 2, nodeKey: { publicKey: victim.publicKey, sign: squatter.sign } });
  const provider = await getRegisteredProvider(chain.publicClient, {
    chainId: 31337,
    registry,
    nodeKey: victim.publicKey,
  });
  assert.equal(provider?.bindingValid, false);
  const unknown = nodeKeyFromSeed(generateNodeKeySeed()).publicKey;
  assert.equal(
    await getRegisteredProvider(chain.publicClient, { chainId: 31337, registry, nodeKey: unknown }),
    undefined,
  );
});
