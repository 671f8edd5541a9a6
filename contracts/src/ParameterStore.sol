// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Governed} from "./Governed.sol";

/// @title Governed protocol parameters read off chain
/// @notice Numbers the off-chain roles follow (oracle downtime before jail, slash amount, reward split, audit share):
/// governance sets them here so every oracle and gateway reads the same value, and every change leaves an event.
contract ParameterStore is Governed {
    /// @notice `key` was never set.
    error ParameterStoreUnknownKey(bytes32 key);
    /// @notice The genesis key and value lists differ in length.
    error ParameterStoreLengthMismatch(uint256 keys, uint256 values);

    /// @notice `key` is now `value`.
    event ParameterSet(bytes32 indexed key, uint256 value);

    mapping(bytes32 key => uint256) private _values;
    mapping(bytes32 key => bool) private _isSet;

    /// @notice Deploys the store with its genesis parameters.
    /// @dev Emits ParameterSet per genesis key. Requirements: equal list lengths.
    /// @param governance_ The governance timelock, the only account that may change parameters.
    /// @param keys Genesis keys (e.g. keccak256("oracle.slashAmount")).
    /// @param values Their values, index for index.
    constructor(address governance_, bytes32[] memory keys, uint256[] memory values) Governed(governance_) {
        if (keys.length != values.length) revert ParameterStoreLengthMismatch(keys.length, values.length);
        for (uint256 i = 0; i < keys.length; ++i) {
            _set(keys[i], values[i]);
        }
    }

    /// @notice Sets `key` to `value`.
    /// @dev Only governance. Emits ParameterSet.
    /// @param key The parameter's id.
    /// @param value Its new value.
    function set(bytes32 key, uint256 value) external onlyGovernance {
        _set(key, value);
    }

    /// @notice The value of `key`.
    /// @dev Reverts with ParameterStoreUnknownKey when it was never set, so a typo is never read as zero.
    /// @param key The parameter's id.
    /// @return The value.
    function get(bytes32 key) public view returns (uint256) {
        if (!_isSet[key]) revert ParameterStoreUnknownKey(key);
        return _values[key];
    }

    /// @notice The values of several keys at once (one call per epoch for an oracle).
    /// @dev Reverts like `get` for an unknown key.
    /// @param keys The parameters' ids.
    /// @return values Their values, index for index.
    function getMany(bytes32[] calldata keys) external view returns (uint256[] memory values) {
        values = new uint256[](keys.length);
        for (uint256 i = 0; i < keys.length; ++i) {
            values[i] = get(keys[i]);
        }
    }

    /// @notice Whether `key` has ever been set.
    /// @param key The parameter's id.
    /// @return True once set.
    function isSet(bytes32 key) external view returns (bool) {
        return _isSet[key];
    }

    function _set(bytes32 key, uint256 value) private {
        _values[key] = value;
        _isSet[key] = true;
        emit ParameterSet(key, value);
    }
}
