// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {Governed} from "./Governed.sol";
import {IProviderRegistry} from "./interfaces/IProviderRegistry.sol";

/// @title ProviderRegistry
/// @notice Binds a provider's Ed25519 node key to the owner wallet that registered it, and holds what the node
/// offers (resource types, endpoint, H3 cell), its bonded stake, its unbonding stake and its jail term.
///
/// Resource types are opaque `bytes32` ids (`keccak256("compute")`, ...): governance enables a type by giving it a
/// minimum stake (`setMinStake`), `0` disables it. A provider's required stake is the largest minimum stake among
/// the types it offers.
///
/// The node key's signature over `bindingMessage(nodeKey, owner)` is stored and emitted but not verified here (the
/// EVM has no cheap Ed25519); every gateway and oracle verifies it before trusting the binding.
///
/// Only `rewards` may jail and slash (applying a signed epoch root). Slashed tokens go to `treasury`.
contract ProviderRegistry is Governed, IProviderRegistry {
    using SafeERC20 for IERC20;

    /// @notice Everything the registry holds about one node key.
    struct Provider {
        /// @dev The wallet that registered the node key; zero when the key is not registered.
        address owner;
        /// @dev The provider is jailed while `block.timestamp < jailedUntil`.
        uint64 jailedUntil;
        /// @dev H3 cell index of the node's location; 0 when not given.
        uint64 h3Cell;
        /// @dev When `unbonding` may be withdrawn; 0 when nothing is unbonding.
        uint64 unbondingReleaseTime;
        /// @dev Bonded stake: counts towards the required stake, slashed first.
        uint256 stake;
        /// @dev Stake on its way out: no longer counts, still slashable until withdrawn.
        uint256 unbonding;
        /// @dev Offered resource types: non-empty, distinct, each enabled when offered.
        bytes32[] resourceTypes;
        /// @dev Where gateways reach the node (at most MAX_ENDPOINT_LENGTH bytes).
        string endpoint;
        /// @dev The node key's Ed25519 signature (64 bytes) over `bindingMessage(nodeKey, owner)`.
        bytes nodeSig;
    }

    // ---------------------------------------------------------------- constants

    /// @notice Most resource types one provider may offer.
    uint256 public constant MAX_RESOURCE_TYPES = 16;
    /// @notice Longest endpoint, in bytes.
    uint256 public constant MAX_ENDPOINT_LENGTH = 256;
    /// @notice Length of an Ed25519 signature, in bytes.
    uint256 public constant NODE_SIG_LENGTH = 64;
    /// @notice Longest unbonding period or jail duration governance may set.
    uint64 public constant MAX_PERIOD = 365 days;

    /// @dev H3 index layout: bit 63 reserved (0), bits 59-62 mode (1 = cell), bits 52-55 resolution,
    /// bits 45-51 base cell (< 122), then fifteen 3-bit digits (resolution r uses digits 1..r, each 0..6; the
    /// rest are 7).
    uint256 private constant _H3_MODE_CELL = 1;
    uint256 private constant _H3_BASE_CELLS = 122;

    // ---------------------------------------------------------------- state

    /// @notice The staking token.
    IERC20 public immutable token;
    /// @notice Receives slashed stake.
    address public immutable treasury;
    /// @notice The Rewards contract: the only caller of `jail` and `slash`.
    address public immutable rewards;

    uint64 private _unbondingPeriod;
    uint64 private _jailDuration;
    mapping(bytes32 resourceType => uint256) private _minStake;
    mapping(bytes32 nodeKey => Provider) private _providers;
    bytes32[] private _nodeKeys;

    // ---------------------------------------------------------------- events

    /// @notice `owner` registered `nodeKey` with `stake` bonded.
    event ProviderRegistered(
        bytes32 indexed nodeKey,
        address indexed owner,
        bytes32[] resourceTypes,
        string endpoint,
        uint64 h3Cell,
        uint256 stake,
        bytes nodeSig
    );
    /// @notice The owner of `nodeKey` replaced its offer.
    event OfferUpdated(bytes32 indexed nodeKey, bytes32[] resourceTypes, string endpoint, uint64 h3Cell);
    /// @notice `amount` was added to the bonded stake of `nodeKey`, now `stake`.
    event StakeAdded(bytes32 indexed nodeKey, uint256 amount, uint256 stake);
    /// @notice `amount` moved from bonded to unbonding; `stake` stays bonded, `unbonding` in all is released at
    /// `releaseTime`.
    event UnbondingStarted(
        bytes32 indexed nodeKey, uint256 amount, uint256 stake, uint256 unbonding, uint64 releaseTime
    );
    /// @notice The unbonded `amount` of `nodeKey` was paid to `owner`.
    event UnbondedWithdrawn(bytes32 indexed nodeKey, address indexed owner, uint256 amount);
    /// @notice `nodeKey` is jailed until `until`.
    event ProviderJailed(bytes32 indexed nodeKey, uint64 until);
    /// @notice `slashed` of the `requested` amount was taken from `nodeKey` (bonded first, then unbonding) and sent
    /// to the treasury.
    event ProviderSlashed(bytes32 indexed nodeKey, uint256 requested, uint256 slashed);
    /// @notice The minimum stake of `resourceType` is now `amount` (0 = disabled).
    event MinStakeSet(bytes32 indexed resourceType, uint256 amount);
    /// @notice The unbonding period is now `period` seconds.
    event UnbondingPeriodSet(uint64 period);
    /// @notice The jail duration is now `duration` seconds.
    event JailDurationSet(uint64 duration);

    // ---------------------------------------------------------------- errors

    /// @notice The constructor's genesis resource types and minimum stakes differ in length.
    error ProviderRegistryLengthMismatch(uint256 resourceTypes, uint256 minStakes);
    /// @notice A constructor address is zero.
    error ProviderRegistryZeroAddress();
    /// @notice The node key is zero.
    error ProviderRegistryZeroNodeKey();
    /// @notice `nodeKey` is already registered.
    error ProviderRegistryAlreadyRegistered(bytes32 nodeKey);
    /// @notice `nodeKey` is not registered.
    error ProviderRegistryUnknownProvider(bytes32 nodeKey);
    /// @notice `caller` is not the owner of `nodeKey`.
    error ProviderRegistryNotOwner(bytes32 nodeKey, address caller);
    /// @notice `caller` is not the Rewards contract.
    error ProviderRegistryOnlyRewards(address caller);
    /// @notice The bonded `stake` would be below the `required` minimum.
    error ProviderRegistryInsufficientStake(uint256 stake, uint256 required);
    /// @notice `amount` to unbond is more than the bonded `stake`.
    error ProviderRegistryUnbondExceedsStake(uint256 amount, uint256 stake);
    /// @notice The amount is zero.
    error ProviderRegistryZeroAmount();
    /// @notice `resourceType` has no minimum stake, so it is not enabled.
    error ProviderRegistryUnknownResourceType(bytes32 resourceType);
    /// @notice `resourceType` is offered twice.
    error ProviderRegistryDuplicateResourceType(bytes32 resourceType);
    /// @notice No resource type is offered.
    error ProviderRegistryNoResourceTypes();
    /// @notice `count` resource types are offered, more than `max`.
    error ProviderRegistryTooManyResourceTypes(uint256 count, uint256 max);
    /// @notice The endpoint is `length` bytes, more than `max`.
    error ProviderRegistryEndpointTooLong(uint256 length, uint256 max);
    /// @notice `h3Cell` is neither 0 nor a valid H3 cell index.
    error ProviderRegistryInvalidH3Cell(uint64 h3Cell);
    /// @notice The node signature is `length` bytes, not 64.
    error ProviderRegistryInvalidNodeSignature(uint256 length);
    /// @notice The unbonding stake is released only at `releaseTime`.
    error ProviderRegistryStillUnbonding(uint256 releaseTime);
    /// @notice `nodeKey` has nothing unbonding.
    error ProviderRegistryNothingToWithdraw(bytes32 nodeKey);
    /// @notice `period` is longer than `max`.
    error ProviderRegistryPeriodTooLong(uint64 period, uint64 max);
    /// @notice `index` is not below the provider `count`.
    error ProviderRegistryIndexOutOfBounds(uint256 index, uint256 count);

    // ---------------------------------------------------------------- modifiers

    modifier onlyRewards() {
        if (msg.sender != rewards) revert ProviderRegistryOnlyRewards(msg.sender);
        _;
    }

    modifier onlyProviderOwner(bytes32 nodeKey) {
        address owner = _providers[nodeKey].owner;
        if (owner == address(0)) revert ProviderRegistryUnknownProvider(nodeKey);
        if (owner != msg.sender) revert ProviderRegistryNotOwner(nodeKey, msg.sender);
        _;
    }

    // ---------------------------------------------------------------- construction

    /// @param token_ The staking token.
    /// @param governance_ The governance timelock.
    /// @param treasury_ Receives slashed stake.
    /// @param rewards_ The Rewards contract (may be a predicted address), the only caller of `jail` and `slash`.
    /// @param unbondingPeriod_ Seconds between `unbond` and `withdrawUnbonded` (at most MAX_PERIOD).
    /// @param jailDuration_ Seconds a `jail` lasts (at most MAX_PERIOD).
    /// @param initialResourceTypes Resource types enabled at genesis.
    /// @param initialMinStakes Their minimum stakes, index for index.
    /// @dev Emits UnbondingPeriodSet, JailDurationSet and MinStakeSet per genesis type.
    constructor(
        IERC20 token_,
        address governance_,
        address treasury_,
        address rewards_,
        uint64 unbondingPeriod_,
        uint64 jailDuration_,
        bytes32[] memory initialResourceTypes,
        uint256[] memory initialMinStakes
    ) Governed(governance_) {
        if (address(token_) == address(0) || treasury_ == address(0) || rewards_ == address(0)) {
            revert ProviderRegistryZeroAddress();
        }
        token = token_;
        treasury = treasury_;
        rewards = rewards_;
        _setUnbondingPeriod(unbondingPeriod_);
        _setJailDuration(jailDuration_);
        // Genesis resource types: without them nobody could register until governance's first proposal passed.
        if (initialResourceTypes.length != initialMinStakes.length) {
            revert ProviderRegistryLengthMismatch(initialResourceTypes.length, initialMinStakes.length);
        }
        for (uint256 i = 0; i < initialResourceTypes.length; ++i) {
            _setMinStake(initialResourceTypes[i], initialMinStakes[i]);
        }
    }

    // ---------------------------------------------------------------- providers

    /// @notice Registers `nodeKey` to the caller, with its offer and an initial bonded stake pulled from the caller.
    /// @dev Requirements: `nodeKey` non-zero and not registered; `nodeSig` exactly 64 bytes (the node key's Ed25519
    /// signature over `bindingMessage(nodeKey, msg.sender)`, verified off-chain); `resourceTypes` non-empty, at most
    /// MAX_RESOURCE_TYPES, distinct and each enabled; `endpoint` at most MAX_ENDPOINT_LENGTH bytes; `h3Cell` 0 or a
    /// valid H3 cell index; `stake` at least `requiredStake(resourceTypes)`; the caller has approved `stake`.
    /// Emits ProviderRegistered.
    /// @param nodeKey The node's raw Ed25519 public key.
    /// @param resourceTypes The resource type ids offered.
    /// @param endpoint Where gateways reach the node.
    /// @param h3Cell The node's H3 cell index, or 0.
    /// @param stake The initial bonded stake.
    /// @param nodeSig The node key's signature over the binding message.
    function register(
        bytes32 nodeKey,
        bytes32[] calldata resourceTypes,
        string calldata endpoint,
        uint64 h3Cell,
        uint256 stake,
        bytes calldata nodeSig
    ) external {
        if (nodeKey == bytes32(0)) revert ProviderRegistryZeroNodeKey();
        Provider storage provider = _providers[nodeKey];
        if (provider.owner != address(0)) revert ProviderRegistryAlreadyRegistered(nodeKey);
        if (nodeSig.length != NODE_SIG_LENGTH) revert ProviderRegistryInvalidNodeSignature(nodeSig.length);
        uint256 required = _validateOffer(resourceTypes, endpoint, h3Cell);
        if (stake < required) revert ProviderRegistryInsufficientStake(stake, required);

        provider.owner = msg.sender;
        provider.stake = stake;
        provider.resourceTypes = resourceTypes;
        provider.endpoint = endpoint;
        provider.h3Cell = h3Cell;
        provider.nodeSig = nodeSig;
        _nodeKeys.push(nodeKey);
        emit ProviderRegistered(nodeKey, msg.sender, resourceTypes, endpoint, h3Cell, stake, nodeSig);

        token.safeTransferFrom(msg.sender, address(this), stake);
    }

    /// @notice Replaces the offer (resource types, endpoint, H3 cell) of `nodeKey`.
    /// @dev Requirements: the caller owns `nodeKey`; the offer is valid as in `register`; the bonded stake covers
    /// `requiredStake(resourceTypes)`. Emits OfferUpdated.
    /// @param nodeKey The provider's node key.
    /// @param resourceTypes The new resource type ids offered.
    /// @param endpoint The new endpoint.
    /// @param h3Cell The new H3 cell index, or 0.
    function updateOffer(bytes32 nodeKey, bytes32[] calldata resourceTypes, string calldata endpoint, uint64 h3Cell)
        external
        onlyProviderOwner(nodeKey)
    {
        Provider storage provider = _providers[nodeKey];
        uint256 required = _validateOffer(resourceTypes, endpoint, h3Cell);
        uint256 stake = provider.stake;
        if (stake < required) revert ProviderRegistryInsufficientStake(stake, required);

        provider.resourceTypes = resourceTypes;
        provider.endpoint = endpoint;
        provider.h3Cell = h3Cell;
        emit OfferUpdated(nodeKey, resourceTypes, endpoint, h3Cell);
    }

    /// @notice Adds `amount`, pulled from the caller, to the bonded stake of `nodeKey`.
    /// @dev Requirements: the caller owns `nodeKey`; `amount` non-zero and approved. The result may still be below
    /// the required stake (the provider is then not active). Emits StakeAdded.
    /// @param nodeKey The provider's node key.
    /// @param amount Tokens to bond.
    function addStake(bytes32 nodeKey, uint256 amount) external onlyProviderOwner(nodeKey) {
        if (amount == 0) revert ProviderRegistryZeroAmount();
        Provider storage provider = _providers[nodeKey];
        uint256 stake = provider.stake + amount;
        provider.stake = stake;
        emit StakeAdded(nodeKey, amount, stake);

        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Moves `amount` of the bonded stake of `nodeKey` into unbonding. Everything unbonding (this amount
    /// and any earlier one) is released `unbondingPeriod()` seconds from now; it stays slashable until withdrawn.
    /// @dev Requirements: the caller owns `nodeKey`; `amount` non-zero and at most the bonded stake; what remains
    /// bonded is 0 or at least the provider's required stake. Emits UnbondingStarted.
    /// @param nodeKey The provider's node key.
    /// @param amount Tokens to unbond.
    function unbond(bytes32 nodeKey, uint256 amount) external onlyProviderOwner(nodeKey) {
        if (amount == 0) revert ProviderRegistryZeroAmount();
        Provider storage provider = _providers[nodeKey];
        uint256 stake = provider.stake;
        if (amount > stake) revert ProviderRegistryUnbondExceedsStake(amount, stake);
        uint256 remaining;
        // amount <= stake was checked just above.
        unchecked {
            remaining = stake - amount;
        }
        if (remaining != 0) {
            uint256 required = _requiredStake(provider.resourceTypes);
            if (remaining < required) revert ProviderRegistryInsufficientStake(remaining, required);
        }

        uint256 unbonding = provider.unbonding + amount;
        uint64 releaseTime = uint64(block.timestamp) + _unbondingPeriod;
        provider.stake = remaining;
        provider.unbonding = unbonding;
        provider.unbondingReleaseTime = releaseTime;
        emit UnbondingStarted(nodeKey, amount, remaining, unbonding, releaseTime);
    }

    /// @notice Pays everything unbonding for `nodeKey` to its owner.
    /// @dev Requirements: the caller owns `nodeKey`; something is unbonding; its release time has come.
    /// Emits UnbondedWithdrawn.
    /// @param nodeKey The provider's node key.
    function withdrawUnbonded(bytes32 nodeKey) external onlyProviderOwner(nodeKey) {
        Provider storage provider = _providers[nodeKey];
        uint256 amount = provider.unbonding;
        if (amount == 0) revert ProviderRegistryNothingToWithdraw(nodeKey);
        uint64 releaseTime = provider.unbondingReleaseTime;
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < releaseTime) revert ProviderRegistryStillUnbonding(releaseTime);

        provider.unbonding = 0;
        provider.unbondingReleaseTime = 0;
        emit UnbondedWithdrawn(nodeKey, msg.sender, amount);

        token.safeTransfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- penalties (Rewards only)

    /// @notice Jails `nodeKey` until `block.timestamp + jailDuration()`, or keeps a longer jail already running.
    /// @dev Requirements: the caller is `rewards`; `nodeKey` is registered. Emits ProviderJailed with the resulting
    /// release time.
    /// @param nodeKey The provider's node key.
    function jail(bytes32 nodeKey) external onlyRewards {
        Provider storage provider = _providers[nodeKey];
        if (provider.owner == address(0)) revert ProviderRegistryUnknownProvider(nodeKey);
        uint64 until = uint64(block.timestamp) + _jailDuration;
        uint64 current = provider.jailedUntil;
        if (current > until) until = current;
        provider.jailedUntil = until;
        emit ProviderJailed(nodeKey, until);
    }

    /// @notice Slashes up to `amount` from `nodeKey`: bonded stake first, then unbonding, never more than both.
    /// The slashed tokens go to the treasury.
    /// @dev Requirements: the caller is `rewards`; `nodeKey` is registered. Slashing 0, or a provider holding
    /// nothing, slashes 0 without reverting. Emits ProviderSlashed.
    /// @param nodeKey The provider's node key.
    /// @param amount The amount to slash.
    /// @return slashed What was actually taken (`min(amount, stake + unbonding)`).
    function slash(bytes32 nodeKey, uint256 amount) external onlyRewards returns (uint256 slashed) {
        Provider storage provider = _providers[nodeKey];
        if (provider.owner == address(0)) revert ProviderRegistryUnknownProvider(nodeKey);
        uint256 stake = provider.stake;
        uint256 unbonding = provider.unbonding;
        uint256 fromStake = amount < stake ? amount : stake;
        uint256 rest;
        // fromStake <= amount and fromStake <= stake by construction.
        unchecked {
            rest = amount - fromStake;
            stake -= fromStake;
        }
        uint256 fromUnbonding = rest < unbonding ? rest : unbonding;
        // fromUnbonding <= unbonding by construction; fromStake + fromUnbonding <= amount.
        unchecked {
            unbonding -= fromUnbonding;
            slashed = fromStake + fromUnbonding;
        }

        provider.stake = stake;
        provider.unbonding = unbonding;
        emit ProviderSlashed(nodeKey, amount, slashed);

        if (slashed != 0) token.safeTransfer(treasury, slashed);
    }

    // ---------------------------------------------------------------- governance

    /// @notice Sets the minimum stake of `resourceType`; a non-zero amount enables the type, 0 disables it.
    /// Existing providers are not re-checked: one whose bonded stake falls below its new required stake stops being
    /// active until it adds stake.
    /// @dev Requirements: the caller is governance. Emits MinStakeSet.
    /// @param resourceType The resource type id.
    /// @param amount The minimum bonded stake for a provider offering it.
    function setMinStake(bytes32 resourceType, uint256 amount) external onlyGovernance {
        _setMinStake(resourceType, amount);
    }

    /// @notice Sets the unbonding period for unbondings started from now on.
    /// @dev Requirements: the caller is governance; `period` at most MAX_PERIOD. Emits UnbondingPeriodSet.
    /// @param period Seconds between `unbond` and `withdrawUnbonded`.
    function setUnbondingPeriod(uint64 period) external onlyGovernance {
        _setUnbondingPeriod(period);
    }

    /// @notice Sets the jail duration for jails applied from now on.
    /// @dev Requirements: the caller is governance; `duration` at most MAX_PERIOD. Emits JailDurationSet.
    /// @param duration Seconds a `jail` lasts.
    function setJailDuration(uint64 duration) external onlyGovernance {
        _setJailDuration(duration);
    }

    // ---------------------------------------------------------------- views

    /// @notice Everything held about `nodeKey`; all fields zero/empty when it is not registered.
    /// @param nodeKey The node key.
    /// @return The provider record.
    function getProvider(bytes32 nodeKey) external view returns (Provider memory) {
        return _providers[nodeKey];
    }

    /// @notice Whether `nodeKey` is registered.
    /// @param nodeKey The node key.
    /// @return True when registered.
    function isRegistered(bytes32 nodeKey) external view returns (bool) {
        return _providers[nodeKey].owner != address(0);
    }

    /// @notice Whether `nodeKey` may serve: registered, not jailed, offering at least one enabled type, and its
    /// bonded stake covers its required stake.
    /// @param nodeKey The node key.
    /// @return True when active.
    function isActive(bytes32 nodeKey) external view returns (bool) {
        Provider storage provider = _providers[nodeKey];
        // forge-lint: disable-next-line(block-timestamp)
        if (provider.owner == address(0) || block.timestamp < provider.jailedUntil) return false;
        uint256 required = _requiredStake(provider.resourceTypes);
        return required != 0 && provider.stake >= required;
    }

    /// @notice The stake a provider offering `resourceTypes` must bond: the largest of their minimum stakes
    /// (disabled types count as 0).
    /// @param resourceTypes The resource type ids.
    /// @return The required stake.
    function requiredStake(bytes32[] calldata resourceTypes) external view returns (uint256) {
        return _requiredStake(resourceTypes);
    }

    /// @notice The minimum stake of `resourceType` (0 = disabled).
    /// @param resourceType The resource type id.
    /// @return The minimum stake.
    function minStake(bytes32 resourceType) external view returns (uint256) {
        return _minStake[resourceType];
    }

    /// @notice Seconds between `unbond` and `withdrawUnbonded`.
    /// @return The unbonding period.
    function unbondingPeriod() external view returns (uint64) {
        return _unbondingPeriod;
    }

    /// @notice Seconds a `jail` lasts.
    /// @return The jail duration.
    function jailDuration() external view returns (uint64) {
        return _jailDuration;
    }

    /// @notice The 32-byte message the node key signs (Ed25519, raw 32 bytes as the message) to bind itself to
    /// `owner` on this registry and chain:
    /// `keccak256(abi.encode("groundwork.registry.bind", block.chainid, address(this), nodeKey, owner))`.
    /// @param nodeKey The node key.
    /// @param owner The owner wallet.
    /// @return The binding message.
    function bindingMessage(bytes32 nodeKey, address owner) external view returns (bytes32) {
        return keccak256(abi.encode("groundwork.registry.bind", block.chainid, address(this), nodeKey, owner));
    }

    /// @notice How many node keys have ever been registered (registrations are never removed).
    /// @return The count.
    function providerCount() external view returns (uint256) {
        return _nodeKeys.length;
    }

    /// @notice The `index`-th registered node key, in registration order.
    /// @dev Requirements: `index < providerCount()`.
    /// @param index The position.
    /// @return The node key.
    function providerAt(uint256 index) external view returns (bytes32) {
        uint256 count = _nodeKeys.length;
        if (index >= count) revert ProviderRegistryIndexOutOfBounds(index, count);
        return _nodeKeys[index];
    }

    /// @notice Whether `h3Cell` is a valid H3 cell index (0, meaning no location, is not).
    /// @param h3Cell The candidate index.
    /// @return True for a cell index: reserved bit clear, mode 1, base cell below 122, digits 1..resolution in 0..6
    /// and the unused digits all 7.
    function isValidH3Cell(uint64 h3Cell) public pure returns (bool) {
        uint256 h = h3Cell;
        if (h >> 63 != 0) return false;
        if ((h >> 59) & 0xF != _H3_MODE_CELL) return false;
        if ((h >> 45) & 0x7F >= _H3_BASE_CELLS) return false;
        uint256 resolution = (h >> 52) & 0xF;
        // Digit i (1..15) sits at bits 3*(15-i) .. 3*(15-i)+2; i and the shifts stay below 64.
        unchecked {
            for (uint256 i = 1; i <= 15; ++i) {
                uint256 digit = (h >> (3 * (15 - i))) & 0x7;
                if (i <= resolution ? digit == 7 : digit != 7) return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- internals

    /// @dev Checks an offer and returns its required stake.
    function _validateOffer(bytes32[] calldata resourceTypes, string calldata endpoint, uint64 h3Cell)
        private
        view
        returns (uint256 required)
    {
        uint256 count = resourceTypes.length;
        if (count == 0) revert ProviderRegistryNoResourceTypes();
        if (count > MAX_RESOURCE_TYPES) revert ProviderRegistryTooManyResourceTypes(count, MAX_RESOURCE_TYPES);
        if (bytes(endpoint).length > MAX_ENDPOINT_LENGTH) {
            revert ProviderRegistryEndpointTooLong(bytes(endpoint).length, MAX_ENDPOINT_LENGTH);
        }
        if (h3Cell != 0 && !isValidH3Cell(h3Cell)) revert ProviderRegistryInvalidH3Cell(h3Cell);
        // i, j < count <= MAX_RESOURCE_TYPES.
        unchecked {
            for (uint256 i = 0; i < count; ++i) {
                bytes32 resourceType = resourceTypes[i];
                for (uint256 j = 0; j < i; ++j) {
                    if (resourceTypes[j] == resourceType) revert ProviderRegistryDuplicateResourceType(resourceType);
                }
                uint256 min = _minStake[resourceType];
                if (min == 0) revert ProviderRegistryUnknownResourceType(resourceType);
                if (min > required) required = min;
            }
        }
    }

    /// @dev The largest minimum stake among `resourceTypes`.
    function _requiredStake(bytes32[] memory resourceTypes) private view returns (uint256 required) {
        uint256 count = resourceTypes.length;
        // i < count, the length of an array in memory.
        unchecked {
            for (uint256 i = 0; i < count; ++i) {
                uint256 min = _minStake[resourceTypes[i]];
                if (min > required) required = min;
            }
        }
    }

    function _setMinStake(bytes32 resourceType, uint256 amount) private {
        _minStake[resourceType] = amount;
        emit MinStakeSet(resourceType, amount);
    }

    function _setUnbondingPeriod(uint64 period) private {
        if (period > MAX_PERIOD) revert ProviderRegistryPeriodTooLong(period, MAX_PERIOD);
        _unbondingPeriod = period;
        emit UnbondingPeriodSet(period);
    }

    function _setJailDuration(uint64 duration) private {
        if (duration > MAX_PERIOD) revert ProviderRegistryPeriodTooLong(duration, MAX_PERIOD);
        _jailDuration = duration;
        emit JailDurationSet(duration);
    }
}
