// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Escrow} from "../../src/Escrow.sol";
import {GroundworkGovernor} from "../../src/GroundworkGovernor.sol";
import {ProviderRegistry} from "../../src/ProviderRegistry.sol";
import {Rewards} from "../../src/Rewards.sol";
import {Token} from "../../src/Token.sol";
import {Treasury} from "../../src/Treasury.sol";
import {IEscrow} from "../../src/interfaces/IEscrow.sol";
import {IProviderRegistry} from "../../src/interfaces/IProviderRegistry.sol";
import {IToken} from "../../src/interfaces/IToken.sol";
import {Test} from "./Test.sol";

/// @notice The whole contract suite deployed exactly as `src/chain/deploy.ts` does it (same order, the Rewards
/// address predicted, the timelock handed to the governor), plus signing helpers for roots and vouchers.
abstract contract SystemFixture is Test {
    bytes32 internal constant COMPUTE = keccak256("compute");
    bytes32 internal constant RENDER = keccak256("render");
    uint256 internal constant MIN_STAKE = 1000 ether;
    uint256 internal constant CAP = 1_000_000_000 ether;
    uint256 internal constant GENESIS_EACH = 1_000_000 ether;
    uint256 internal constant EMISSION = 10_000 ether;
    uint64 internal constant EPOCH = 60;
    uint64 internal constant HALVING = 100;
    uint64 internal constant UNBONDING = 1 hours;
    uint64 internal constant JAIL = 10 minutes;
    uint64 internal constant WITHDRAWAL_DELAY = 10 minutes;
    uint256 internal constant TIMELOCK_DELAY = 60;

    TimelockController internal timelock;
    Treasury internal treasury;
    Token internal token;
    GroundworkGovernor internal governor;
    ProviderRegistry internal registry;
    Escrow internal escrow;
    Rewards internal rewards;
    uint64 internal genesisTime;

    uint256[] internal oracleKeys;
    address[] internal holders;

    function _deploySystem(uint256 oracleCount, uint256 threshold) internal {
        genesisTime = uint64(block.timestamp);
        address[] memory oracles = new address[](oracleCount);
        for (uint256 i = 0; i < oracleCount; ++i) {
            (address oracle, uint256 key) = makeKey(string.concat("oracle", vm.toString(i)));
            oracles[i] = oracle;
            oracleKeys.push(key);
        }
        // Signers must come in ascending address order: sort the keys by address once.
        for (uint256 i = 1; i < oracleKeys.length; ++i) {
            for (uint256 j = i; j > 0 && vm.addr(oracleKeys[j - 1]) > vm.addr(oracleKeys[j]); --j) {
                (oracleKeys[j - 1], oracleKeys[j]) = (oracleKeys[j], oracleKeys[j - 1]);
            }
        }
        holders.push(makeAddr("alice"));
        holders.push(makeAddr("bob"));
        holders.push(makeAddr("carol"));
        uint256[] memory amounts = new uint256[](holders.length);
        for (uint256 i = 0; i < holders.length; ++i) {
            amounts[i] = GENESIS_EACH;
        }

        uint64 nonce = vm.getNonce(address(this));
        address predictedRewards = vm.computeCreateAddress(address(this), nonce + 6);
        address[] memory none = new address[](0);
        address[] memory anyone = new address[](1);
        timelock = new TimelockController(TIMELOCK_DELAY, none, anyone, address(this));
        treasury = new Treasury(address(timelock));
        token = new Token("Groundwork", "GWK", CAP, predictedRewards, holders, amounts);
        governor = new GroundworkGovernor(IVotes(address(token)), timelock, 1, 300, 1000 ether, 4);
        bytes32[] memory types = new bytes32[](2);
        types[0] = COMPUTE;
        types[1] = RENDER;
        uint256[] memory mins = new uint256[](2);
        mins[0] = MIN_STAKE;
        mins[1] = MIN_STAKE;
        registry = new ProviderRegistry(
            IERC20(address(token)), address(timelock), address(treasury), predictedRewards, UNBONDING, JAIL, types, mins
        );
        escrow =
            new Escrow(IToken(address(token)), address(timelock), address(treasury), WITHDRAWAL_DELAY, 8500, 500, 1000);
        rewards = new Rewards(
            IToken(address(token)),
            IProviderRegistry(address(registry)),
            IEscrow(address(escrow)),
            address(timelock),
            Rewards.RewardsConfig({
                genesisTime: genesisTime,
                epochDuration: EPOCH,
                initialEmission: EMISSION,
                halvingInterval: HALVING,
                oracles: oracles,
                threshold: threshold
            })
        );
        require(address(rewards) == predictedRewards, "rewards address prediction");
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));
    }

    // ---------------------------------------------------------------- signing helpers

    function _emptyRoot(uint64 epoch, bytes32 earningsRoot, uint256 cumulativeTotal)
        internal
        pure
        returns (Rewards.EpochRoot memory root)
    {
        root.epoch = epoch;
        root.earningsRoot = earningsRoot;
        root.cumulativeTotal = cumulativeTotal;
        root.jailed = new bytes32[](0);
        root.slashes = new Rewards.Slash[](0);
    }

    /// @dev Signatures of the first `count` oracles (ascending by address).
    function _signRoot(Rewards.EpochRoot memory root, uint256 count) internal view returns (bytes memory signatures) {
        bytes32 digest = rewards.rootDigest(root);
        for (uint256 i = 0; i < count; ++i) {
            signatures = bytes.concat(signatures, signDigest(oracleKeys[i], digest));
        }
    }

    function _postRoot(Rewards.EpochRoot memory root, uint256 signers) internal {
        uint256 endsAt = uint256(genesisTime) + uint256(root.epoch + 1) * EPOCH;
        if (block.timestamp < endsAt) vm.warp(endsAt);
        rewards.postRoot(root, _signRoot(root, signers));
    }

    function _voucher(uint256 customerKey, address provider, uint256 cumulative)
        internal
        view
        returns (Escrow.Voucher memory voucher, bytes memory signature)
    {
        voucher = Escrow.Voucher({customer: vm.addr(customerKey), provider: provider, cumulativeAmount: cumulative});
        signature = signDigest(customerKey, escrow.voucherDigest(voucher));
    }

    function _register(address owner, bytes32 nodeKey, uint256 stake) internal {
        bytes32[] memory types = new bytes32[](1);
        types[0] = COMPUTE;
        vm.startPrank(owner);
        token.approve(address(registry), stake);
        registry.register(nodeKey, types, "", 0, stake, new bytes(64));
        vm.stopPrank();
    }

    /// @dev The OpenZeppelin StandardMerkleTree leaf the Rewards contract checks.
    function _leaf(address account, uint256 cumulativeAmount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount))));
    }

    function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }
}
