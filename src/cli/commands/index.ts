// Every `gw` command, one file each.
import type { Command } from "../command.ts";
import { accountBalanceCommand } from "./account-balance.ts";
import { accountCreateCommand } from "./account-create.ts";
import { accountDepositCommand } from "./account-deposit.ts";
import { accountImportCommand } from "./account-import.ts";
import { accountListCommand } from "./account-list.ts";
import { accountWithdrawCommand } from "./account-withdraw.ts";
import { computeRunCommand } from "./compute-run.ts";
import { coverageAirStartCommand } from "./coverage-air-start.ts";
import { coverageDeviceCreateCommand } from "./coverage-device-create.ts";
import { coverageDeviceSendCommand } from "./coverage-device-send.ts";
import { coverageMapCommand } from "./coverage-map.ts";
import { coverageRelayStartCommand } from "./coverage-relay-start.ts";
import { coverageRouterStartCommand } from "./coverage-router-start.ts";
import { coverageStatusCommand } from "./coverage-status.ts";
import { coverageWitnessesCommand } from "./coverage-witnesses.ts";
import { gatewayStartCommand } from "./gateway-start.ts";
import { govDelegateCommand } from "./gov-delegate.ts";
import { govExecuteCommand } from "./gov-execute.ts";
import { govProposeCommand } from "./gov-propose.ts";
import { govStatusCommand } from "./gov-status.ts";
import { govVoteCommand } from "./gov-vote.ts";
import { indexerStartCommand } from "./indexer-start.ts";
import { networkJoinCommand } from "./network-join.ts";
import { networkStatsCommand } from "./network-stats.ts";
import { oracleStartCommand } from "./oracle-start.ts";
import { oracleVerifyCommand } from "./oracle-verify.ts";
import { providerClaimCommand } from "./provider-claim.ts";
import { providerEarningsCommand } from "./provider-earnings.ts";
import { providerEstimateCommand } from "./provider-estimate.ts";
import { providerInitCommand } from "./provider-init.ts";
import { providerStakeCommand } from "./provider-stake.ts";
import { providerStartCommand } from "./provider-start.ts";
import { providerStatusCommand } from "./provider-status.ts";
import { providerUnbondCommand } from "./provider-unbond.ts";
import { renderCommand } from "./render.ts";
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
  renderCommand,
  gatewayStartCommand,
  oracleStartCommand,
  indexerStartCommand,
  oracleVerifyCommand,
  networkJoinCommand,
  providerInitCommand,
  providerStakeCommand,
  providerUnbondCommand,
  providerStartCommand,
  providerStatusCommand,
  providerEarningsCommand,
  providerClaimCommand,
  providerEstimateCommand,
  networkStatsCommand,
  govDelegateCommand,
  govProposeCommand,
  govVoteCommand,
  govExecuteCommand,
  govStatusCommand,
  simCommand,
  coverageRouterStartCommand,
  coverageAirStartCommand,
  coverageRelayStartCommand,
  coverageDeviceCreateCommand,
  coverageDeviceSendCommand,
  coverageStatusCommand,
  coverageMapCommand,
  coverageWitnessesCommand,
];
