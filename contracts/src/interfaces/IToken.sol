// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice What the other Groundwork contracts need from the token.
interface IToken is IERC20 {
    /// @notice Mints `amount` to `to`. Only the minter (the Rewards contract) may call; never past `cap()`.
    function mint(address to, uint256 amount) external;
    /// @notice Destroys `amount` of the caller's tokens; counted in `totalBurned()`.
    function burn(uint256 amount) external;
    /// @notice The supply cap: totalMinted() never exceeds it.
    function cap() external view returns (uint256);
    /// @notice Everything ever minted, genesis included (= totalSupply() + totalBurned()).
    function totalMinted() external view returns (uint256);
    /// @notice Everything ever burned.
    function totalBurned() external view returns (uint256);
}
