// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IToken} from "./interfaces/IToken.sol";

/// @title Groundwork token
/// @notice ERC-20 with EIP-2612 permit and ERC-5805 votes on a timestamp clock. The supply is capped: everything
/// ever minted (genesis allocation included) never exceeds `cap()`. After genesis only the immutable `minter` (the
/// Rewards contract) mints. Burns are counted, so `totalMinted() == totalSupply() + totalBurned()` at all times.
contract Token is ERC20, ERC20Permit, ERC20Votes, IToken {
    /// @notice A caller other than the minter tried to mint.
    error TokenUnauthorizedMinter(address caller);
    /// @notice Minting would take everything ever minted to `minted` (saturated at `type(uint256).max`), above `cap`.
    error TokenCapExceeded(uint256 minted, uint256 cap);
    /// @notice The genesis holder and amount lists differ in length.
    error TokenGenesisLengthMismatch(uint256 holders, uint256 amounts);
    /// @notice The minter given at construction is the zero address.
    error TokenZeroAddress();
    /// @notice The cap is zero or above what vote checkpoints can hold (`type(uint208).max`).
    error TokenInvalidCap(uint256 cap);

    uint256 private immutable _cap;
    address private immutable _minter;
    uint256 private _totalBurned;

    /// @notice Deploys the token and mints the genesis allocation.
    /// @dev Requirements: `minter_ != address(0)`; `0 < cap_ <= type(uint208).max`; the genesis lists have equal
    /// lengths, no zero holder and a sum of at most `cap_`. Emits one {Transfer} from the zero address per genesis
    /// holder (and {DelegateVotesChanged} where a holder already delegates, which none does at construction).
    /// @param name_ ERC-20 name, also the EIP-712 domain name (version "1").
    /// @param symbol_ ERC-20 symbol.
    /// @param cap_ Maximum of everything ever minted.
    /// @param minter_ The only account allowed to mint after genesis (the Rewards contract, address predicted).
    /// @param genesisHolders Recipients of the genesis allocation.
    /// @param genesisAmounts Amount for each genesis holder, same order.
    constructor(
        string memory name_,
        string memory symbol_,
        uint256 cap_,
        address minter_,
        address[] memory genesisHolders,
        uint256[] memory genesisAmounts
    ) ERC20(name_, symbol_) ERC20Permit(name_) {
        if (minter_ == address(0)) revert TokenZeroAddress();
        if (cap_ == 0 || cap_ > type(uint208).max) revert TokenInvalidCap(cap_);
        if (genesisHolders.length != genesisAmounts.length) {
            revert TokenGenesisLengthMismatch(genesisHolders.length, genesisAmounts.length);
        }
        _cap = cap_;
        _minter = minter_;
        for (uint256 i = 0; i < genesisHolders.length; ++i) {
            _mint(genesisHolders[i], genesisAmounts[i]);
        }
    }

    // ---------------------------------------------------------------- supply

    /// @notice Mints `amount` new tokens to `to`.
    /// @dev Requirements: the caller is `minter()` (else {TokenUnauthorizedMinter}); `to` is not the zero address
    /// (else {ERC20InvalidReceiver}); `totalMinted() + amount <= cap()` (else {TokenCapExceeded}).
    /// Emits {Transfer} from the zero address, and {DelegateVotesChanged} when `to` has a delegate.
    /// @param to Recipient.
    /// @param amount Amount to mint.
    function mint(address to, uint256 amount) external {
        if (msg.sender != _minter) revert TokenUnauthorizedMinter(msg.sender);
        _mint(to, amount);
    }

    /// @notice Destroys `amount` of the caller's tokens; counted in `totalBurned()`.
    /// @dev Requirements: the caller holds at least `amount` (else {ERC20InsufficientBalance}).
    /// Emits {Transfer} to the zero address, and {DelegateVotesChanged} when the caller has a delegate.
    /// @param amount Amount to burn.
    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
    }

    /// @notice Destroys `amount` of `account`'s tokens, spending the caller's allowance; counted in `totalBurned()`.
    /// @dev Requirements: the caller's allowance from `account` is at least `amount` (else
    /// {ERC20InsufficientAllowance}; an infinite allowance is not decreased); `account` holds at least `amount`
    /// (else {ERC20InsufficientBalance}). Emits {Transfer} to the zero address, and {DelegateVotesChanged} when
    /// `account` has a delegate. Like OpenZeppelin's ERC20Burnable, no {Approval} event is emitted for the spend.
    /// @param account Holder whose tokens are burned.
    /// @param amount Amount to burn.
    function burnFrom(address account, uint256 amount) external {
        _spendAllowance(account, msg.sender, amount);
        _burn(account, amount);
    }

    // ---------------------------------------------------------------- views

    /// @notice The supply cap: `totalMinted()` never exceeds it.
    /// @return The cap, fixed at construction.
    function cap() external view returns (uint256) {
        return _cap;
    }

    /// @notice The only account allowed to mint after genesis (the Rewards contract).
    /// @return The minter, fixed at construction.
    function minter() external view returns (address) {
        return _minter;
    }

    /// @notice Everything ever minted, genesis included.
    /// @return `totalSupply() + totalBurned()`.
    function totalMinted() public view returns (uint256) {
        return totalSupply() + _totalBurned;
    }

    /// @notice Everything ever burned (through `burn` and `burnFrom`).
    /// @return The running total of burned tokens.
    function totalBurned() external view returns (uint256) {
        return _totalBurned;
    }

    /// @notice The ERC-6372 clock used for vote checkpoints: the block timestamp.
    /// @return `block.timestamp` as a uint48.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice ERC-6372 description of the clock.
    /// @return "mode=timestamp".
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @notice The next EIP-2612 permit (and delegateBySig) nonce of `owner`.
    /// @param owner Account whose nonce is read.
    /// @return The current nonce.
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    // ---------------------------------------------------------------- internal

    /// @dev Every balance change passes here: enforces the cap on mints, counts burns, moves votes.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        if (from == address(0)) {
            uint256 minted = totalMinted();
            // minted <= _cap always holds, so the subtraction cannot underflow.
            if (value > _cap - minted) revert TokenCapExceeded(Math.saturatingAdd(minted, value), _cap);
        }
        super._update(from, to, value);
        if (to == address(0)) {
            // Cannot overflow: _totalBurned + value <= totalMinted() <= _cap (super._update checked the balance).
            unchecked {
                _totalBurned += value;
            }
        }
    }
}
