// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice What the Rewards contract needs from the escrow: the customer revenue counter.
interface IEscrow {
    /// @notice Gross customer payments ever redeemed from vouchers (before the provider/treasury/burn split).
    function totalRevenue() external view returns (uint256);
}
