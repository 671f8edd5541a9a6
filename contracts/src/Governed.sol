// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Base for contracts whose parameters only governance (the TimelockController behind the Governor) may change.
/// There is no other admin: `governance` is fixed at construction.
abstract contract Governed {
    /// @notice The TimelockController that executes passed proposals.
    address public immutable governance;

    /// @notice The caller is not the governance timelock.
    error GovernedUnauthorized(address caller);
    /// @notice The governance address given at construction is zero.
    error GovernedZeroAddress();

    modifier onlyGovernance() {
        if (msg.sender != governance) revert GovernedUnauthorized(msg.sender);
        _;
    }

    constructor(address governance_) {
        if (governance_ == address(0)) revert GovernedZeroAddress();
        governance = governance_;
    }
}
