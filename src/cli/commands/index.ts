// Every `gw` command, one file each.
import type { Command } from "../command.ts";
import { accountBalanceCommand } from "./account-balance.ts";
import { accountCreateCommand } from "./account-create.ts";
import { accountDepositCommand } from "./account-deposit.ts";
import { accountImportCommand } from "./account-import.ts";
import { accountListCommand } from "./account-list.ts";
import { accountWithdrawCommand } from "./account-withdraw.ts";
import { computeRunCommand } from "./compute-run.ts";
import { gatewayStartCommand } from "./gateway-start.ts";
import { providerInitCommand } from "./provider-init.ts";
import { providerStakeCommand } from "./provider-stake.ts";
import { providerStartCommand } from "./provider-start.ts";
import { providerStatusCommand } from "./provider-status.ts";
import { providerUnbondCommand } from "./provider-unbond.ts";
import { simCommand } from "./sim.ts";
import { startCommand } from "./start.ts";
import { statusCommand } from "./status.ts";

export const commands: Command[] = [
  startCommand,
  statusCommand,
  accountCreateCommand,
  accountImportCommand,
  accountListCommand,
  accountBalanceCommand,
  accountDepositCommand,
  accountWithdrawCommand,
  computeRunCommand,
  gatewayStartCommand,
  providerInitCommand,
  providerStakeCommand,
  providerUnbondCommand,
  providerStartCommand,
  providerStatusCommand,
  simCommand,
];
