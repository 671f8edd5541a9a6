// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Governed} from "./Governed.sol";

/// @title Groundwork treasury
/// @notice Holds protocol income (the escrow fee share, slashed stakes). Anyone may send tokens here; only
/// governance (the timelock) may spend them.
contract Treasury is Governed {
    using SafeERC20 for IERC20;

    /// @notice `amount` of `token` was paid out to `to` by governance.
    event TreasuryReleased(IERC20 indexed token, address indexed to, uint256 amount);

    /// @notice The token passed to `release` is the zero address.
    error TreasuryZeroToken();
    /// @notice The recipient passed to `release` is the zero address.
    error TreasuryZeroRecipient();

    /// @param governance_ The TimelockController; must not be zero ({GovernedZeroAddress}).
    constructor(address governance_) Governed(governance_) {}

    /// @notice Pays `amount` of `token` held by the treasury to `to`.
    /// @dev Requirements: the caller is `governance` (else {GovernedUnauthorized}); `token` and `to` are not zero
    /// (else {TreasuryZeroToken} / {TreasuryZeroRecipient}); the transfer succeeds (SafeERC20: a token returning
    /// false reverts with {SafeERC20FailedOperation}; a revert of the token, e.g. insufficient balance, bubbles up).
    /// Emits {TreasuryReleased}.
    /// @param token The ERC-20 to pay out.
    /// @param to Recipient.
    /// @param amount Amount to pay.
    function release(IERC20 token, address to, uint256 amount) external onlyGovernance {
        if (address(token) == address(0)) revert TreasuryZeroToken();
        if (to == address(0)) revert TreasuryZeroRecipient();
        token.safeTransfer(to, amount);
        emit TreasuryReleased(token, to, amount);
    }
}
