// `gw account import`: bring an existing key in, from a private key (file, stdin or prompt) or a v3 keystore file.
import { readFileSync } from "node:fs";
import type { Hex } from "viem";
import { InvalidInputError } from "../../core/errors.ts";
import { decryptSecret, saveAccount } from "../../wallet/index.ts";
import { defineCommand } from "../command.ts";

export const accountImportCommand = defineCommand({
  words: ["account", "import"],
  summary: "import a private key or a v3 keystore file",
  usage: "[--name NAME] [--private-key-file FILE|-] [--keystore FILE --keystore-password-file FILE]",
  options: {
    name: { type: "string" },
    "private-key-file": { type: "string" },
    keystore: { type: "string" },
    "keystore-password-file": { type: "string" },
  },
  async run(ctx, { values }) {
    const name = (values.name as string | undefined) ?? "default";
    let privateKey: string;
    if (typeof values.keystore === "string") {
      let file: unknown;
      try {
        file = JSON.parse(readFileSync(values.keystore, "utf8"));
      } catch (cause) {
        throw new InvalidInputError(`cannot read the keystore ${values.keystore}`, { cause });
      }
      const source = values["keystore-password-file"];
      const password =
        typeof source === "string"
          ? readFileSync(source, "utf8").replace(/\r?\n$/, "")
          : await ctx.password({ confirm: false, prompt: "Password of the keystore to import" });
      privateKey = `0x${Buffer.from(decryptSecret(file, password)).toString("hex")}`;
    } else {
      privateKey = await ctx.readSecret(values["private-key-file"] as string | undefined, "Private key (hex)");
    }
    if (!privateKey.startsWith("0x")) privateKey = `0x${privateKey}`;
    const password = await ctx.password({ confirm: true, prompt: "Password to encrypt it with" });
    const account = saveAccount(ctx.options.home, { name, privateKey: privateKey as Hex, password });
    return {
      json: { name: account.name, address: account.address, keystore: account.path },
      text: `imported ${account.name} ${account.address}`,
    };
  },
});
