// `gw account create`: a new wallet key, encrypted into this home's keystore.
import { generatePrivateKey } from "viem/accounts";
import { saveAccount } from "../../wallet/index.ts";
import { defineCommand } from "../command.ts";

export const accountCreateCommand = defineCommand({
  words: ["account", "create"],
  summary: "create a wallet in the encrypted keystore",
  usage: "[--name NAME]",
  options: { name: { type: "string" } },
  async run(ctx, { values }) {
    const name = (values.name as string | undefined) ?? "default";
    const password = await ctx.password({ confirm: true, prompt: "Password for the new account" });
    const account = saveAccount(ctx.options.home, { name, privateKey: generatePrivateKey(), password });
    return {
      json: { name: account.name, address: account.address, keystore: account.path },
      text: `created ${account.name} ${account.address}\nkeystore ${account.path}`,
    };
  },
});
