// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Governed} from "./Governed.sol";
import {IToken} from "./interfaces/IToken.sol";
import {IProviderRegistry} from "./interfaces/IProviderRegistry.sol";
import {IEscrow} from "./interfaces/IEscrow.sol";

/// @title Groundwork Rewards
/// @notice Emission schedule, epoch roots signed M of N by the oracle set, cumulative Merkle claims, and the
/// per-epoch emission and revenue record.
/// @dev Epoch `e` covers `[genesisTime + e·epochDuration, genesisTime + (e+1)·epochDuration)`. Roots are posted
/// strictly in order from epoch 0, each only once its epoch has ended. Each root mints the epoch's emission into
/// this contract; accounts claim against the latest root only (leaves carry cumulative amounts, so one claim covers
/// any number of epochs; older roots live in the `RootPosted` events).
///
/// Gas layout: everything `postRoot` rewrites (next epoch, total emitted, cumulative total) shares one slot; the
/// oracle set and emission schedule are stored as one immutable data blob (the runtime code of a tiny contract,
/// replaced by the governed setters) so a post reads them with one SLOAD and one EXTCODECOPY whatever the number
/// of signers.
contract Rewards is Governed, EIP712 {
    using SafeERC20 for IToken;

    // ------------------------------------------------------------------ types

    /// @notice Construction parameters.
    /// @param genesisTime Start of epoch 0 (unix seconds).
    /// @param epochDuration Length of every epoch in seconds (> 0).
    /// @param initialEmission Emission of epoch 0 (fits in uint96).
    /// @param halvingInterval Epochs between halvings (> 0).
    /// @param oracles The oracle set: no zero address, no duplicates, at most `MAX_ORACLES`.
    /// @param threshold Signatures a root needs: 1 <= threshold <= oracles.length.
    struct RewardsConfig {
        uint64 genesisTime;
        uint64 epochDuration;
        uint256 initialEmission;
        uint64 halvingInterval;
        address[] oracles;
        uint256 threshold;
    }

    /// @notice A penalty carried by a root: take up to `amount` from the stake of `nodeKey`.
    struct Slash {
        bytes32 nodeKey;
        uint256 amount;
    }

    /// @notice What the oracles sign for an epoch (EIP-712, the arrays hashed as the standard says).
    /// @param epoch The epoch this root closes.
    /// @param earningsRoot Merkle root over `(account, cumulativeAmount)` leaves, sorted-pair hashing.
    /// @param cumulativeTotal Sum of all leaves; never decreases, never exceeds `totalEmitted()`.
    /// @param jailed Node keys to jail.
    /// @param slashes Stakes to slash.
    struct EpochRoot {
        uint64 epoch;
        bytes32 earningsRoot;
        uint256 cumulativeTotal;
        bytes32[] jailed;
        Slash[] slashes;
    }

    /// @notice What was recorded when an epoch's root was posted (all zero for an unposted epoch).
    /// @param emission Tokens minted for the epoch.
    /// @param cumulativeRevenue `escrow.totalRevenue()` at the post.
    /// @param postedAt Timestamp of the post.
    struct EpochStats {
        uint96 emission;
        uint128 cumulativeRevenue;
        uint32 postedAt;
    }

    /// @dev The slot every post rewrites.
    struct State {
        uint64 nextEpoch;
        uint96 totalEmitted;
        uint96 cumulativeTotal;
    }

    /// @dev The oracle set and emission schedule as read from the config blob. `oracles` points at the packed
    /// 20-byte addresses (strictly ascending) in memory.
    struct Config {
        uint256 initialEmission;
        uint256 halvingInterval;
        uint256 anchorEpoch;
        uint256 threshold;
        uint256 count;
        uint256 oracles;
    }

    // ------------------------------------------------------------------ constants and immutables

    /// @notice The largest oracle set.
    uint256 public constant MAX_ORACLES = 255;

    /// @notice EIP-712 type hash of `EpochRoot`.
    bytes32 public constant EPOCH_ROOT_TYPEHASH = keccak256(
        "EpochRoot(uint64 epoch,bytes32 earningsRoot,uint256 cumulativeTotal,bytes32[] jailed,Slash[] slashes)"
        "Slash(bytes32 nodeKey,uint256 amount)"
    );

    /// @notice EIP-712 type hash of `Slash`.
    bytes32 public constant SLASH_TYPEHASH = keccak256("Slash(bytes32 nodeKey,uint256 amount)");

    /// @dev Config blob header: initialEmission (12 bytes), halvingInterval (8), anchorEpoch (8), threshold (1).
    uint256 private constant _HEADER = 29;

    /// @notice The Groundwork token; this contract is its only minter.
    IToken public immutable token;
    /// @notice The provider registry that executes jail and slash lists.
    IProviderRegistry public immutable registry;
    /// @notice The escrow whose `totalRevenue()` is recorded at each post.
    IEscrow public immutable escrow;
    /// @notice Start of epoch 0.
    uint64 public immutable genesisTime;
    /// @notice Length of an epoch in seconds.
    uint64 public immutable epochDuration;
    /// @notice `token.cap() − token.totalMinted()` at construction. This contract is the token's only minter, so
    /// `emissionBudget() − totalEmitted()` equals `cap − totalMinted` at every post without asking the token.
    uint256 public immutable emissionBudget;

    // ------------------------------------------------------------------ state

    State private _state;
    bytes32 private _latestRoot;
    address private _config;
    mapping(uint256 epoch => EpochStats) private _epochStats;
    mapping(address account => uint256) private _claimed;

    // ------------------------------------------------------------------ events

    /// @notice The root of `epoch` landed and its emission was minted.
    /// @param signers The oracles whose signatures were checked, ascending.
    event RootPosted(
        uint64 indexed epoch,
        bytes32 earningsRoot,
        uint256 cumulativeTotal,
        uint256 emission,
        uint256 cumulativeRevenue,
        address[] signers
    );
    /// @notice `nodeKey` was jailed by the root of `epoch`.
    event NodeJailed(uint64 indexed epoch, bytes32 indexed nodeKey);
    /// @notice `nodeKey` was slashed by the root of `epoch`: `requested` asked, `slashed` taken.
    event NodeSlashed(uint64 indexed epoch, bytes32 indexed nodeKey, uint256 requested, uint256 slashed);
    /// @notice `amount` was paid to `account`, whose claimed total is now `cumulativeAmount`.
    event Claimed(address indexed account, uint256 amount, uint256 cumulativeAmount);
    /// @notice The oracle set (ascending) and threshold changed.
    event OraclesSet(address[] oracles, uint256 threshold);
    /// @notice The emission schedule changed: `initialEmission >> ((e − fromEpoch) / halvingInterval)` for e >= fromEpoch.
    event EmissionSet(uint256 initialEmission, uint64 halvingInterval, uint64 fromEpoch);

    // ------------------------------------------------------------------ errors

    /// @notice A constructor address is zero, or an oracle is the zero address.
    error RewardsZeroAddress();
    /// @notice The epoch duration is zero.
    error RewardsInvalidEpochDuration(uint64 epochDuration);
    /// @notice The emission does not fit in uint96 or the halving interval is zero.
    error RewardsInvalidEmission(uint256 initialEmission, uint64 halvingInterval);
    /// @notice The token's remaining mint budget does not fit in uint96.
    error RewardsBudgetTooLarge(uint256 budget);
    /// @notice The oracle set is empty or larger than `MAX_ORACLES`, or the threshold is not in [1, count].
    error RewardsInvalidOracleSet(uint256 count, uint256 threshold);
    /// @notice `oracle` appears twice in the oracle set.
    error RewardsDuplicateOracle(address oracle);
    /// @notice Storing the config blob failed.
    error RewardsConfigStoreFailed();
    /// @notice The root is not for the next epoch.
    error RewardsEpochOutOfOrder(uint64 expected, uint64 got);
    /// @notice The epoch has not ended yet.
    error RewardsEpochNotEnded(uint64 epoch, uint256 endsAt);
    /// @notice The signatures are not a whole number of 65-byte signatures.
    error RewardsInvalidSignaturesLength(uint256 length);
    /// @notice Fewer signatures than the threshold.
    error RewardsNotEnoughSignatures(uint256 got, uint256 threshold);
    /// @notice Signature `index` does not recover (malformed, bad v, or malleable s).
    error RewardsInvalidSignature(uint256 index);
    /// @notice The signer of signature `index` is not above the previous one.
    error RewardsSignersNotAscending(uint256 index, address previous, address signer);
    /// @notice `signer` is not in the oracle set.
    error RewardsSignerNotOracle(address signer);
    /// @notice The cumulative total is below the previous root's.
    error RewardsCumulativeTotalDecreased(uint256 previous, uint256 total);
    /// @notice The cumulative total exceeds everything emitted (this epoch included).
    error RewardsCumulativeTotalTooHigh(uint256 total, uint256 emitted);
    /// @notice No root has been posted yet.
    error RewardsNoRoot();
    /// @notice The proof does not prove `(account, cumulativeAmount)` under the latest root.
    error RewardsInvalidProof(address account);
    /// @notice `account` has already claimed at least this cumulative amount.
    error RewardsNothingToClaim(address account);

    // ------------------------------------------------------------------ construction

    /// @notice Wires the contracts, fixes the epoch clock, sets the emission schedule and the oracle set.
    /// @dev Requirements: non-zero addresses, `epochDuration > 0`, `halvingInterval > 0`, `initialEmission` and
    /// `cap − totalMinted` fit in uint96, a valid oracle set. Emits `EmissionSet` and `OraclesSet`.
    constructor(
        IToken token_,
        IProviderRegistry registry_,
        IEscrow escrow_,
        address governance_,
        RewardsConfig memory config
    ) Governed(governance_) EIP712("Groundwork Rewards", "1") {
        if (address(token_) == address(0) || address(registry_) == address(0) || address(escrow_) == address(0)) {
            revert RewardsZeroAddress();
        }
        if (config.epochDuration == 0) revert RewardsInvalidEpochDuration(config.epochDuration);
        uint256 cap = token_.cap();
        uint256 minted = token_.totalMinted();
        uint256 budget = cap > minted ? cap - minted : 0;
        if (budget > type(uint96).max) revert RewardsBudgetTooLarge(budget);
        token = token_;
        registry = registry_;
        escrow = escrow_;
        genesisTime = config.genesisTime;
        epochDuration = config.epochDuration;
        emissionBudget = budget;
        _validateEmission(config.initialEmission, config.halvingInterval);
        address[] memory sorted = _validateOracles(config.oracles, config.threshold);
        _storeConfig(config.initialEmission, config.halvingInterval, 0, config.threshold, sorted);
        emit EmissionSet(config.initialEmission, config.halvingInterval, 0);
        emit OraclesSet(sorted, config.threshold);
    }

    // ------------------------------------------------------------------ governance

    /// @notice Replaces the emission schedule from the next unposted epoch `n`: epoch `e >= n` then emits
    /// `initialEmission >> ((e − n) / halvingInterval)` (capped). Posted epochs keep what they minted.
    /// @dev Only governance. Requirements: `halvingInterval > 0`, `initialEmission` fits in uint96.
    /// Emits `EmissionSet`.
    function setEmission(uint256 initialEmission, uint64 halvingInterval) external onlyGovernance {
        _validateEmission(initialEmission, halvingInterval);
        Config memory c = _loadConfig();
        uint64 from = _state.nextEpoch;
        _storeConfig(initialEmission, halvingInterval, from, c.threshold, _oracleList(c));
        emit EmissionSet(initialEmission, halvingInterval, from);
    }

    /// @notice Replaces the oracle set and threshold; applies to every root posted afterwards.
    /// @dev Only governance. Requirements: 1 <= oracles.length <= `MAX_ORACLES`, 1 <= threshold <= oracles.length,
    /// no zero address, no duplicates. The set is stored (and reported) in ascending order. Emits `OraclesSet`.
    function setOracles(address[] calldata oracles_, uint256 threshold_) external onlyGovernance {
        address[] memory sorted = _validateOracles(oracles_, threshold_);
        Config memory c = _loadConfig();
        _storeConfig(c.initialEmission, c.halvingInterval, c.anchorEpoch, threshold_, sorted);
        emit OraclesSet(sorted, threshold_);
    }

    // ------------------------------------------------------------------ roots

    /// @notice Posts the root of the next epoch: applies its jail and slash lists through the registry, mints the
    /// epoch's emission into this contract and records the epoch's stats.
    /// @dev Anyone may submit. Requirements: `root.epoch == nextEpoch()`; the epoch has ended; `signatures` is
    /// at least `threshold()` 65-byte (r, s, v) signatures over `rootDigest(root)` by oracles in strictly ascending
    /// signer order; `previous cumulativeTotal <= root.cumulativeTotal <= totalEmitted()` (this epoch's emission
    /// included). Emits `NodeJailed` / `NodeSlashed` per list entry and `RootPosted`.
    /// @param root The signed epoch root.
    /// @param signatures Concatenated 65-byte signatures.
    function postRoot(EpochRoot calldata root, bytes calldata signatures) external {
        (uint256 emission, uint256 revenue, address[] memory signers) = _acceptRoot(root, signatures);
        _applyPenalties(root.epoch, root.jailed, root.slashes);
        if (emission != 0) token.mint(address(this), emission);
        emit RootPosted(root.epoch, root.earningsRoot, root.cumulativeTotal, emission, revenue, signers);
    }

    // ------------------------------------------------------------------ claims

    /// @notice Pays `account` what it has earned up to the latest root and not yet claimed. Anyone may submit;
    /// the tokens always go to `account`.
    /// @dev Requirements: a root exists; `proof` proves the leaf
    /// `keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))))` under `latestRoot()` with
    /// sorted-pair hashing; `cumulativeAmount > claimed(account)`. Emits `Claimed`.
    /// @param account The leaf's account, who receives the tokens.
    /// @param cumulativeAmount The leaf's cumulative amount.
    /// @param proof Sibling hashes from the leaf up.
    function claim(address account, uint256 cumulativeAmount, bytes32[] calldata proof) external {
        bytes32 root = _latestRoot;
        if (root == 0) revert RewardsNoRoot();
        if (!MerkleProof.verifyCalldata(proof, root, _leaf(account, cumulativeAmount))) {
            revert RewardsInvalidProof(account);
        }
        uint256 already = _claimed[account];
        if (cumulativeAmount <= already) revert RewardsNothingToClaim(account);
        uint256 amount;
        // Cannot underflow: cumulativeAmount > already was just checked.
        unchecked {
            amount = cumulativeAmount - already;
        }
        _claimed[account] = cumulativeAmount;
        emit Claimed(account, amount, cumulativeAmount);
        token.safeTransfer(account, amount);
    }

    // ------------------------------------------------------------------ views

    /// @notice The epoch running now (0 before genesis).
    function currentEpoch() external view returns (uint64) {
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < genesisTime) return 0;
        return uint64((block.timestamp - genesisTime) / epochDuration);
    }

    /// @notice The epoch whose root `postRoot` accepts next (0 before any root).
    function nextEpoch() external view returns (uint64) {
        return _state.nextEpoch;
    }

    /// @notice The epoch of the latest posted root, or `type(uint64).max` when none has been posted
    /// (it is `nextEpoch() − 1` with wrap-around).
    function latestEpoch() external view returns (uint64) {
        // Wraps on purpose: no root yet reads as type(uint64).max.
        unchecked {
            return _state.nextEpoch - 1;
        }
    }

    /// @notice The earnings root claims are checked against (zero before the first root).
    function latestRoot() external view returns (bytes32) {
        return _latestRoot;
    }

    /// @notice The cumulative total of the latest root.
    function cumulativeTotal() external view returns (uint256) {
        return _state.cumulativeTotal;
    }

    /// @notice Everything minted by this contract so far.
    function totalEmitted() external view returns (uint256) {
        return _state.totalEmitted;
    }

    /// @notice What was recorded for `epoch` (all zero if it is not posted).
    function epochStats(uint64 epoch) external view returns (EpochStats memory) {
        return _epochStats[epoch];
    }

    /// @notice Escrow revenue counted between the posts of `epoch − 1` and `epoch` (for epoch 0: since the escrow
    /// started). Zero for an unposted epoch.
    function revenueOf(uint64 epoch) external view returns (uint256) {
        if (epoch >= _state.nextEpoch) return 0;
        uint256 cumulative = _epochStats[epoch].cumulativeRevenue;
        if (epoch == 0) return cumulative;
        return cumulative - _epochStats[epoch - 1].cumulativeRevenue;
    }

    /// @notice For a posted epoch, what it minted; otherwise what the current schedule gives it, capped by what
    /// the budget has left now (exact for `nextEpoch()`, an upper bound beyond).
    function emissionFor(uint64 epoch) external view returns (uint256) {
        State memory s = _state;
        if (epoch < s.nextEpoch) return _epochStats[epoch].emission;
        return _capped(_scheduled(_loadConfig(), epoch), s.totalEmitted);
    }

    /// @notice The schedule in force: epoch `e >= fromEpoch` emits `initialEmission >> ((e − fromEpoch) / halvingInterval)`.
    function emissionSchedule()
        external
        view
        returns (uint256 initialEmission, uint64 halvingInterval, uint64 fromEpoch)
    {
        Config memory c = _loadConfig();
        return (c.initialEmission, uint64(c.halvingInterval), uint64(c.anchorEpoch));
    }

    /// @notice The cumulative amount `account` has claimed.
    function claimed(address account) external view returns (uint256) {
        return _claimed[account];
    }

    /// @notice The oracle set, ascending.
    function oracles() external view returns (address[] memory) {
        return _oracleList(_loadConfig());
    }

    /// @notice Signatures a root needs.
    function threshold() external view returns (uint256) {
        return _loadConfig().threshold;
    }

    /// @notice Whether `account` is in the oracle set.
    function isOracle(address account) external view returns (bool) {
        Config memory c = _loadConfig();
        for (uint256 i; i < c.count; ++i) {
            if (_oracleAt(c, i) == account) return true;
        }
        return false;
    }

    /// @notice The EIP-712 digest the oracles sign for `root`.
    function rootDigest(EpochRoot calldata root) external view returns (bytes32) {
        return _rootDigest(root);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Checks `root` and its signatures, then records it: state slot, latest root, epoch stats.
    /// Returns the epoch's emission (not yet minted), the escrow's revenue counter and the signers.
    function _acceptRoot(EpochRoot calldata root, bytes calldata signatures)
        private
        returns (uint256 emission, uint256 revenue, address[] memory signers)
    {
        State memory s = _state;
        uint64 epoch = root.epoch;
        if (epoch != s.nextEpoch) revert RewardsEpochOutOfOrder(s.nextEpoch, epoch);
        {
            uint256 endsAt = _epochStart(uint256(epoch) + 1);
            // forge-lint: disable-next-line(block-timestamp)
            if (block.timestamp < endsAt) revert RewardsEpochNotEnded(epoch, endsAt);
        }
        Config memory c = _loadConfig();
        signers = _checkSignatures(_rootDigest(root), signatures, c);

        emission = _capped(_scheduled(c, epoch), s.totalEmitted);
        uint256 emitted;
        // Cannot overflow: emission <= emissionBudget − totalEmitted, so the sum is <= emissionBudget < 2^96.
        unchecked {
            emitted = s.totalEmitted + emission;
        }
        uint256 total = root.cumulativeTotal;
        if (total < s.cumulativeTotal) revert RewardsCumulativeTotalDecreased(s.cumulativeTotal, total);
        if (total > emitted) revert RewardsCumulativeTotalTooHigh(total, emitted);
        revenue = escrow.totalRevenue();

        // Casts: emitted and total are <= emissionBudget < 2^96; epoch + 1 cannot overflow because block.timestamp
        // cannot reach the end of epoch 2^64 − 1; postedAt fits uint32 until 2106.
        _writeState(epoch + 1, emitted, total);
        _latestRoot = root.earningsRoot;
        _writeStats(epoch, emission, SafeCast.toUint128(revenue));
    }

    /// @dev One SSTORE of the packed state slot (fields fit: see `_acceptRoot`).
    function _writeState(uint256 next, uint256 emitted, uint256 total) private {
        uint256 packed = next | (emitted << 64) | (total << 160);
        assembly ("memory-safe") {
            sstore(_state.slot, packed)
        }
    }

    /// @dev One SSTORE of the epoch's stats slot (emission < 2^96, revenue < 2^128, timestamp < 2^32 until 2106).
    function _writeStats(uint256 epoch, uint256 emission, uint256 revenue) private {
        uint256 packed = emission | (revenue << 96) | (block.timestamp << 224);
        mapping(uint256 => EpochStats) storage stats = _epochStats;
        assembly ("memory-safe") {
            mstore(0x00, epoch)
            mstore(0x20, stats.slot)
            sstore(keccak256(0x00, 0x40), packed)
        }
    }

    /// @dev `emission` clamped to what the mint budget has left after `totalEmitted_`.
    function _capped(uint256 emission, uint256 totalEmitted_) private view returns (uint256) {
        uint256 left;
        // Cannot underflow: totalEmitted only grows by emissions clamped to `emissionBudget − totalEmitted`.
        unchecked {
            left = emissionBudget - totalEmitted_;
        }
        return emission > left ? left : emission;
    }

    function _epochStart(uint256 epoch) private view returns (uint256) {
        return uint256(genesisTime) + epoch * epochDuration;
    }

    function _scheduled(Config memory c, uint256 epoch) private pure returns (uint256) {
        // `>>` by 256 or more yields 0, so far-future epochs emit nothing.
        return c.initialEmission >> ((epoch - c.anchorEpoch) / c.halvingInterval);
    }

    function _leaf(address account, uint256 cumulativeAmount) private pure returns (bytes32 leaf) {
        // keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount)))) in scratch space.
        assembly ("memory-safe") {
            mstore(0x00, account)
            mstore(0x20, cumulativeAmount)
            mstore(0x00, keccak256(0x00, 0x40))
            leaf := keccak256(0x00, 0x20)
        }
    }

    function _rootDigest(EpochRoot calldata root) private view returns (bytes32) {
        bytes32[] calldata jailed = root.jailed;
        Slash[] calldata slashes = root.slashes;
        bytes32 slashTypehash = SLASH_TYPEHASH;
        bytes32 jailedHash;
        bytes32 slashesHash;
        // Scratch use of free memory (not allocated): jailed keys, then each Slash's hashStruct.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            let size := shl(5, jailed.length)
            calldatacopy(ptr, jailed.offset, size)
            jailedHash := keccak256(ptr, size)
            let n := slashes.length
            let hashes := add(ptr, 0x60)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                mstore(ptr, slashTypehash)
                calldatacopy(add(ptr, 0x20), add(slashes.offset, shl(6, i)), 0x40)
                mstore(add(hashes, shl(5, i)), keccak256(ptr, 0x60))
            }
            slashesHash := keccak256(hashes, shl(5, n))
        }
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    EPOCH_ROOT_TYPEHASH, root.epoch, root.earningsRoot, root.cumulativeTotal, jailedHash, slashesHash
                )
            )
        );
    }

    /// @dev Checks the signatures and returns the signers. Signers ascend strictly and the oracle list is sorted,
    /// so membership is one forward walk over both.
    function _checkSignatures(bytes32 digest, bytes calldata signatures, Config memory c)
        private
        pure
        returns (address[] memory signers)
    {
        uint256 count = signatures.length / 65;
        if (count * 65 != signatures.length) revert RewardsInvalidSignaturesLength(signatures.length);
        if (count < c.threshold) revert RewardsNotEnoughSignatures(count, c.threshold);
        signers = new address[](count);
        address previous;
        uint256 j;
        for (uint256 i; i < count; ++i) {
            bytes32 r;
            bytes32 s;
            uint8 v;
            assembly ("memory-safe") {
                let o := add(signatures.offset, mul(i, 65))
                r := calldataload(o)
                s := calldataload(add(o, 0x20))
                v := byte(0, calldataload(add(o, 0x40)))
            }
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, v, r, s);
            if (err != ECDSA.RecoverError.NoError) revert RewardsInvalidSignature(i);
            if (signer <= previous) revert RewardsSignersNotAscending(i, previous, signer);
            while (j < c.count && _oracleAt(c, j) < signer) ++j;
            if (j == c.count || _oracleAt(c, j) != signer) revert RewardsSignerNotOracle(signer);
            ++j;
            previous = signer;
            signers[i] = signer;
        }
    }

    function _applyPenalties(uint64 epoch, bytes32[] calldata jailed, Slash[] calldata slashes) private {
        for (uint256 i; i < jailed.length; ++i) {
            registry.jail(jailed[i]);
            emit NodeJailed(epoch, jailed[i]);
        }
        for (uint256 i; i < slashes.length; ++i) {
            uint256 taken = registry.slash(slashes[i].nodeKey, slashes[i].amount);
            emit NodeSlashed(epoch, slashes[i].nodeKey, slashes[i].amount, taken);
        }
    }

    function _validateEmission(uint256 initialEmission, uint64 halvingInterval) private pure {
        if (halvingInterval == 0 || initialEmission > type(uint96).max) {
            revert RewardsInvalidEmission(initialEmission, halvingInterval);
        }
    }

    /// @dev Returns a sorted copy of `list` after checking size, threshold, zero and duplicate entries.
    function _validateOracles(address[] memory list, uint256 threshold_)
        private
        pure
        returns (address[] memory sorted)
    {
        uint256 n = list.length;
        if (n == 0 || n > MAX_ORACLES || threshold_ == 0 || threshold_ > n) {
            revert RewardsInvalidOracleSet(n, threshold_);
        }
        sorted = new address[](n);
        for (uint256 i; i < n; ++i) {
            address a = list[i];
            if (a == address(0)) revert RewardsZeroAddress();
            uint256 k = i;
            while (k > 0 && sorted[k - 1] > a) {
                sorted[k] = sorted[k - 1];
                --k;
            }
            if (k > 0 && sorted[k - 1] == a) revert RewardsDuplicateOracle(a);
            sorted[k] = a;
        }
    }

    /// @dev Stores the config blob as the runtime code of a new contract (a leading STOP byte makes it
    /// uncallable) and points `_config` at it.
    function _storeConfig(
        uint256 initialEmission,
        uint256 halvingInterval,
        uint256 anchorEpoch,
        uint256 threshold_,
        address[] memory sorted
    ) private {
        // Casts: every value was validated to fit (initialEmission < 2^96, threshold <= MAX_ORACLES) or is an epoch.
        bytes memory runtime = abi.encodePacked(
            hex"00",
            // forge-lint: disable-next-line(unsafe-typecast)
            uint96(initialEmission),
            // forge-lint: disable-next-line(unsafe-typecast)
            uint64(halvingInterval),
            // forge-lint: disable-next-line(unsafe-typecast)
            uint64(anchorEpoch),
            // forge-lint: disable-next-line(unsafe-typecast)
            uint8(threshold_),
            sorted
        );
        // abi.encodePacked pads array elements to 32 bytes; repack the addresses to 20 bytes each.
        assembly ("memory-safe") {
            let n := mload(sorted)
            let dst := add(runtime, add(0x20, 30))
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                mstore(add(dst, mul(i, 20)), shl(96, mload(add(sorted, shl(5, add(i, 1))))))
            }
            mstore(runtime, add(30, mul(n, 20)))
        }
        // Creation code: PUSH1 0x0B MSIZE DUP2 CODESIZE SUB DUP1 SWAP3 MSIZE CODECOPY RETURN — returns
        // everything after these 11 bytes as the runtime code.
        bytes memory creation = abi.encodePacked(hex"600B5981380380925939F3", runtime);
        address pointer;
        assembly ("memory-safe") {
            pointer := create(0, add(creation, 0x20), mload(creation))
        }
        if (pointer == address(0)) revert RewardsConfigStoreFailed();
        _config = pointer;
    }

    function _loadConfig() private view returns (Config memory c) {
        address pointer = _config;
        assembly ("memory-safe") {
            let size := sub(extcodesize(pointer), 1)
            let buf := mload(0x40)
            extcodecopy(pointer, buf, 1, size)
            mstore(0x40, add(buf, and(add(size, 0x3f), not(0x1f))))
            let w := mload(buf)
            mstore(c, shr(160, w))
            mstore(add(c, 0x20), and(shr(96, w), 0xffffffffffffffff))
            mstore(add(c, 0x40), and(shr(32, w), 0xffffffffffffffff))
            mstore(add(c, 0x60), byte(28, w))
            mstore(add(c, 0x80), div(sub(size, _HEADER), 20))
            mstore(add(c, 0xa0), add(buf, _HEADER))
        }
    }

    function _oracleAt(Config memory c, uint256 i) private pure returns (address oracle) {
        uint256 base = c.oracles;
        assembly ("memory-safe") {
            oracle := shr(96, mload(add(base, mul(i, 20))))
        }
    }

    function _oracleList(Config memory c) private pure returns (address[] memory list) {
        list = new address[](c.count);
        for (uint256 i; i < c.count; ++i) {
            list[i] = _oracleAt(c, i);
        }
    }
}
