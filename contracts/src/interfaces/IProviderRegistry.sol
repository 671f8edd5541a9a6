// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice What the Rewards contract needs from the registry: penalties carried by a signed epoch root.
interface IProviderRegistry {
    /// @notice Jails `nodeKey` until block.timestamp + jailDuration. Only Rewards may call.
    function jail(bytes32 nodeKey) external;
    /// @notice Slashes up to `amount` from the stake of `nodeKey` (bonded first, then unbonding), never more
    /// than it holds; the slashed tokens go to the treasury. Only Rewards may call. Returns what was slashed.
    function slash(bytes32 nodeKey, uint256 amount) external returns (uint256 slashed);
}
