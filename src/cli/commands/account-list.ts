// `gw account list`: the wallets in this home's keystore.
import { listAccounts } from "../../wallet/index.ts";
import { defineCommand } from "../command.ts";

export const accountListCommand = defineCommand({
  words: ["account", "list"],
  summary: "list the wallets in the keystore",
  usage: "",
  options: {},
  async run(ctx) {
    const accounts = listAccounts(ctx.options.home);
    return {
      json: { accounts: accounts.map((a) => ({ name: a.name, address: a.address })) },
      text: accounts.length ? accounts.map((a) => `${a.name.padEnd(16)} ${a.address}`).join("\n") : "no accounts",
    };
  },
});
