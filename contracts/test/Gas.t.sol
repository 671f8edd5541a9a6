// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Escrow} from "../src/Escrow.sol";
import {Rewards} from "../src/Rewards.sol";
import {SystemFixture} from "./utils/System.sol";

/// @notice Gas of the hot paths on the real, production-wired suite (3-of-5 oracle set). Each measurement is its
/// own test, so that storage starts in a realistic state; `vm.snapshotGasLastCall` writes
/// `snapshots/SystemGasTest.json`, the committed gas snapshot. Measurements and sanity checks only.
contract SystemGasTest is SystemFixture {
    uint256 internal constant DEPTH = 20;
    uint256 internal constant BATCH = 10;

    event log_named_uint(string key, uint256 val);

    address internal provider;
    address internal claimant;
    uint256[BATCH] internal customerKeys;
    address[BATCH] internal customers;

    function setUp() public {
        _deploySystem(5, 3);
        provider = makeAddr("gasProvider");
        claimant = makeAddr("gasClaimant");
        vm.prank(holders[1]);
        token.transfer(provider, 10_000 ether);
        _register(provider, keccak256("gas node"), MIN_STAKE);
        for (uint256 i; i < BATCH; ++i) {
            (customers[i], customerKeys[i]) = makeKey(string.concat("gasCustomer", vm.toString(i)));
            vm.prank(holders[0]);
            token.transfer(customers[i], 1_000 ether);
            vm.startPrank(customers[i]);
            token.approve(address(escrow), 1_000 ether);
            escrow.deposit(1_000 ether);
            vm.stopPrank();
        }
        // Epoch 0 is posted: later posts measure the steady state (state slot and treasury already non-zero).
        _postRoot(_emptyRoot(0, bytes32(0), 0), 3);
    }

    /// @dev Each measured call is its own transaction in production: mark every account it touches cold again
    /// (forge runs a test as one transaction, so the preparation above it would otherwise warm them).
    function _cold() internal {
        vm.cool(address(token));
        vm.cool(address(rewards));
        vm.cool(vm.computeCreateAddress(address(rewards), 1)); // the oracle-set / schedule blob
        vm.cool(address(escrow));
        vm.cool(address(registry));
        vm.cool(address(treasury));
        vm.cool(provider);
        vm.cool(claimant);
        for (uint256 i; i < BATCH; ++i) {
            vm.cool(customers[i]);
        }
    }

    // ---------------------------------------------------------------- roots

    function _epoch1Root() internal pure returns (Rewards.EpochRoot memory) {
        return _emptyRoot(1, keccak256("earnings of epoch 1"), 1_000 ether);
    }

    function test_gas_postRoot_3of5_3signatures() public {
        Rewards.EpochRoot memory root = _epoch1Root();
        vm.warp(uint256(genesisTime) + 2 * EPOCH);
        bytes memory sigs = _signRoot(root, 3);
        _cold();
        rewards.postRoot(root, sigs);
        uint256 gasUsed = vm.snapshotGasLastCall("postRoot 3-of-5, 3 signatures");
        emit log_named_uint("postRoot 3 signatures", gasUsed);
        assertEq(rewards.nextEpoch(), 2, "posted");
    }

    function test_gas_postRoot_3of5_5signatures() public {
        Rewards.EpochRoot memory root = _epoch1Root();
        vm.warp(uint256(genesisTime) + 2 * EPOCH);
        bytes memory sigs = _signRoot(root, 5);
        _cold();
        rewards.postRoot(root, sigs);
        uint256 gasUsed = vm.snapshotGasLastCall("postRoot 3-of-5, 5 signatures");
        emit log_named_uint("postRoot 5 signatures", gasUsed);
        assertEq(rewards.nextEpoch(), 2, "posted");
    }

    // ---------------------------------------------------------------- claims

    /// @dev A depth-20 tree (about a million leaves) built synthetically: the claimant's leaf and 20 siblings.
    function _deepRoot(uint256 cumulative) internal view returns (bytes32 root, bytes32[] memory proof) {
        proof = new bytes32[](DEPTH);
        root = _leaf(claimant, cumulative);
        for (uint256 i; i < DEPTH; ++i) {
            proof[i] = keccak256(abi.encode("sibling", i));
            root = _hashPair(root, proof[i]);
        }
    }

    function _postDeep(uint64 epoch, uint256 cumulative) internal returns (bytes32[] memory proof) {
        bytes32 root;
        (root, proof) = _deepRoot(cumulative);
        _postRoot(_emptyRoot(epoch, root, cumulative), 3);
    }

    function test_gas_claim_first_depth20() public {
        bytes32[] memory proof = _postDeep(1, 100 ether);
        _cold();
        rewards.claim(claimant, 100 ether, proof);
        uint256 gasUsed = vm.snapshotGasLastCall("claim first, depth-20 proof");
        emit log_named_uint("claim first", gasUsed);
        assertEq(token.balanceOf(claimant), 100 ether, "paid");
    }

    function test_gas_claim_repeat_depth20() public {
        bytes32[] memory proof = _postDeep(1, 100 ether);
        rewards.claim(claimant, 100 ether, proof);
        proof = _postDeep(2, 250 ether);
        _cold();
        rewards.claim(claimant, 250 ether, proof);
        uint256 gasUsed = vm.snapshotGasLastCall("claim repeat, depth-20 proof");
        emit log_named_uint("claim repeat", gasUsed);
        assertEq(token.balanceOf(claimant), 250 ether, "paid the difference");
    }

    // ---------------------------------------------------------------- vouchers

    function test_gas_redeem_firstForPair() public {
        (Escrow.Voucher memory v, bytes memory sig) = _voucher(customerKeys[0], provider, 1 ether);
        _cold();
        vm.prank(provider);
        escrow.redeem(v, sig);
        uint256 gasUsed = vm.snapshotGasLastCall("redeem single, first for pair");
        emit log_named_uint("redeem first", gasUsed);
        assertEq(escrow.redeemed(customers[0], provider), 1 ether, "redeemed");
    }

    function test_gas_redeem_repeatForPair() public {
        (Escrow.Voucher memory v, bytes memory sig) = _voucher(customerKeys[0], provider, 1 ether);
        vm.prank(provider);
        escrow.redeem(v, sig);
        (v, sig) = _voucher(customerKeys[0], provider, 2 ether);
        _cold();
        vm.prank(provider);
        escrow.redeem(v, sig);
        uint256 gasUsed = vm.snapshotGasLastCall("redeem single, repeat for pair");
        emit log_named_uint("redeem repeat", gasUsed);
        assertEq(escrow.redeemed(customers[0], provider), 2 ether, "redeemed");
    }

    function test_gas_redeemBatch10() public {
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](BATCH);
        bytes[] memory sigs = new bytes[](BATCH);
        for (uint256 i; i < BATCH; ++i) {
            (vs[i], sigs[i]) = _voucher(customerKeys[i], provider, 1 ether);
        }
        _cold();
        vm.prank(provider);
        escrow.redeemBatch(vs, sigs);
        uint256 gasUsed = vm.snapshotGasLastCall("redeemBatch of 10, first for each pair");
        emit log_named_uint("redeemBatch of 10", gasUsed);
        assertEq(escrow.totalRevenue(), BATCH * 1 ether, "all paid");
    }

    // ---------------------------------------------------------------- baseline

    /// @dev Paying per job with a plain transfer (both balances already non-zero): the baseline vouchers beat.
    function test_gas_tokenTransfer_baseline() public {
        _cold();
        vm.prank(holders[0]);
        token.transfer(provider, 1 ether);
        uint256 gasUsed = vm.snapshotGasLastCall("token transfer (pay-per-job baseline)");
        emit log_named_uint("transfer", gasUsed);
        assertEq(token.balanceOf(provider), 10_000 ether - MIN_STAKE + 1 ether, "transferred");
    }
}
