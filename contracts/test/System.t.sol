// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {Escrow} from "../src/Escrow.sol";
import {Governed} from "../src/Governed.sol";
import {ProviderRegistry} from "../src/ProviderRegistry.sol";
import {Rewards} from "../src/Rewards.sol";
import {Treasury} from "../src/Treasury.sol";
import {SystemFixture} from "./utils/System.sol";

/// @notice The contracts together, deployed as production deploys them: every flow below goes through the real
/// Token, ProviderRegistry, Escrow, Rewards, Treasury, Governor and Timelock, never a double.
contract SystemTest is SystemFixture {
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 internal constant NODE_A = keccak256("node A");
    bytes32 internal constant NODE_B = keccak256("node B");
    bytes32 internal constant NODE_W = keccak256("node wash");

    address internal customer;
    uint256 internal customerKey;
    address internal provider;
    address internal other;

    // The proposal under test, in storage to keep the stacks small.
    address[] internal targets;
    uint256[] internal values;
    bytes[] internal calldatas;

    function setUp() public {
        _deploySystem(3, 2);
        (customer, customerKey) = makeKey("customer");
        provider = makeAddr("provider");
        other = makeAddr("otherEarner");
        vm.prank(holders[0]);
        token.transfer(customer, 10_000 ether);
        vm.prank(holders[1]);
        token.transfer(provider, 10_000 ether);
    }

    function test_deploy_leavesNoAdmin() public view {
        assertFalse(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), address(this)), "deployer admin");
        assertTrue(timelock.hasRole(timelock.PROPOSER_ROLE(), address(governor)), "governor proposer");
        assertEq(token.minter(), address(rewards), "minter");
        assertEq(registry.rewards(), address(rewards), "registry rewards");
    }

    // ================================================================ helpers

    function _permitSig(uint256 ownerKey, address spender, uint256 value, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        address owner = vm.addr(ownerKey);
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, token.nonces(owner), deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (v, r, s) = vm.sign(ownerKey, digest);
    }

    function _depositWithPermit(uint256 key, uint256 amount) internal {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permitSig(key, address(escrow), amount, deadline);
        vm.prank(vm.addr(key));
        escrow.depositWithPermit(amount, deadline, v, r, s);
    }

    function _signers(uint256 count) internal view returns (address[] memory list) {
        list = new address[](count);
        for (uint256 i; i < count; ++i) {
            list[i] = vm.addr(oracleKeys[i]);
        }
    }

    function _endOf(uint64 epoch) internal view returns (uint256) {
        return uint256(genesisTime) + uint256(epoch + 1) * EPOCH;
    }

    /// @dev Redeems `voucher` as its provider and checks the exact split against the given basis points.
    function _redeemExact(Escrow.Voucher memory voucher, bytes memory sig, uint256 treasuryBps, uint256 burnBps)
        internal
        returns (uint256 paid)
    {
        address p = voucher.provider;
        uint256 providerBefore = token.balanceOf(p);
        uint256 treasuryBefore = token.balanceOf(address(treasury));
        uint256 burnedBefore = token.totalBurned();
        uint256 supplyBefore = token.totalSupply();
        uint256 revenueBefore = escrow.totalRevenue();
        paid = voucher.cumulativeAmount - escrow.redeemed(voucher.customer, p);
        uint256 toTreasury = paid * treasuryBps / 10_000;
        uint256 burned = paid * burnBps / 10_000;

        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(
            voucher.customer, p, voucher.cumulativeAmount, paid, paid - toTreasury - burned, toTreasury, burned
        );
        vm.prank(p);
        escrow.redeem(voucher, sig);

        assertEq(token.balanceOf(p) - providerBefore, paid - toTreasury - burned, "provider share");
        assertEq(token.balanceOf(address(treasury)) - treasuryBefore, toTreasury, "treasury share");
        assertEq(token.totalBurned() - burnedBefore, burned, "burned share");
        assertEq(supplyBefore - token.totalSupply(), burned, "supply fell by the burn");
        assertEq(escrow.totalRevenue() - revenueBefore, paid, "revenue grows by the gross");
    }

    // ================================================================ end to end

    /// @dev Deposit with permit → register → three cumulative vouchers, one redemption (85/5/10) → epoch 0 root
    /// (emission, revenue) → epoch 1 earnings tree and claim → epoch 2 higher cumulative pays only the difference.
    function test_endToEnd_depositRedeemPostClaim() public {
        // ---- the customer funds its escrow with a permit (no prior approve transaction)
        vm.expectEmit(address(escrow));
        emit Escrow.Deposited(customer, customer, 600 ether);
        _depositWithPermit(customerKey, 600 ether);
        assertEq(escrow.depositOf(customer), 600 ether, "deposit");
        assertEq(token.balanceOf(customer), 9_400 ether, "customer wallet");
        assertEq(token.balanceOf(address(escrow)), 600 ether, "escrow balance");
        assertEq(token.allowance(customer, address(escrow)), 0, "permit allowance fully used");
        assertEq(token.nonces(customer), 1, "permit nonce used");

        // ---- the provider binds its node key with the minimum stake
        _registerAndCheck(provider, NODE_A, MIN_STAKE);

        // ---- three jobs (10, 15, 20 tokens): the customer signs a cumulative voucher after each
        (Escrow.Voucher memory v1, bytes memory s1) = _voucher(customerKey, provider, 10 ether);
        (Escrow.Voucher memory v2, bytes memory s2) = _voucher(customerKey, provider, 25 ether);
        (Escrow.Voucher memory v3, bytes memory s3) = _voucher(customerKey, provider, 45 ether);
        // ... and the provider redeems only the latest: 45 = 38.25 provider / 2.25 treasury / 4.5 burned.
        uint256 paid = _redeemExact(v3, s3, 500, 1000);
        assertEq(paid, 45 ether, "one redemption covers the three jobs");
        assertEq(token.balanceOf(provider), 10_000 ether - MIN_STAKE + 38.25 ether, "provider got 85%");
        assertEq(token.balanceOf(address(treasury)), 2.25 ether, "treasury got 5%");
        assertEq(token.totalBurned(), 4.5 ether, "10% burned");
        assertEq(escrow.depositOf(customer), 555 ether, "deposit debited by the gross");
        assertEq(escrow.redeemed(customer, provider), 45 ether, "redeemed");
        assertEq(escrow.totalRevenue(), 45 ether, "revenue");
        // The older vouchers are now worthless: they never replay.
        vm.startPrank(provider);
        vm.expectRevert(
            abi.encodeWithSelector(Escrow.EscrowNothingToRedeem.selector, customer, provider, 10 ether, 45 ether)
        );
        escrow.redeem(v1, s1);
        vm.expectRevert(
            abi.encodeWithSelector(Escrow.EscrowNothingToRedeem.selector, customer, provider, 25 ether, 45 ether)
        );
        escrow.redeem(v2, s2);
        vm.stopPrank();

        _epoch0Root();
        _epoch1TreeAndClaim();
        _epoch2HigherCumulative();
    }

    function _registerAndCheck(address owner, bytes32 nodeKey, uint256 stake) internal {
        uint256 registryBefore = token.balanceOf(address(registry));
        bytes32[] memory types = new bytes32[](1);
        types[0] = COMPUTE;
        vm.prank(owner);
        token.approve(address(registry), stake);
        vm.expectEmit(address(registry));
        emit ProviderRegistry.ProviderRegistered(nodeKey, owner, types, "", 0, stake, new bytes(64));
        vm.prank(owner);
        registry.register(nodeKey, types, "", 0, stake, new bytes(64));
        assertTrue(registry.isActive(nodeKey), "registered node active");
        assertEq(registry.getProvider(nodeKey).owner, owner, "owner bound");
        assertEq(registry.getProvider(nodeKey).stake, stake, "stake bonded");
        assertEq(token.balanceOf(address(registry)) - registryBefore, stake, "stake held by the registry");
    }

    function _epoch0Root() internal {
        assertEq(rewards.emissionFor(0), EMISSION, "scheduled emission");
        vm.expectRevert(Rewards.RewardsNoRoot.selector);
        rewards.claim(provider, 1, new bytes32[](0));

        Rewards.EpochRoot memory root = _emptyRoot(0, bytes32(0), 0);
        uint256 supplyBefore = token.totalSupply();
        vm.warp(_endOf(0));
        bytes memory sigs = _signRoot(root, 2);
        vm.expectEmit(address(rewards));
        emit Rewards.RootPosted(0, bytes32(0), 0, EMISSION, 45 ether, _signers(2));
        rewards.postRoot(root, sigs);

        assertEq(token.balanceOf(address(rewards)), EMISSION, "emission minted into Rewards");
        assertEq(token.totalSupply() - supplyBefore, EMISSION, "supply grew by exactly the emission");
        assertEq(token.totalMinted(), 3 * GENESIS_EACH + EMISSION, "totalMinted");
        assertEq(rewards.totalEmitted(), EMISSION, "totalEmitted");
        Rewards.EpochStats memory stats = rewards.epochStats(0);
        assertEq(stats.emission, EMISSION, "stats emission");
        assertEq(stats.cumulativeRevenue, escrow.totalRevenue(), "stats revenue == escrow.totalRevenue()");
        assertEq(stats.postedAt, block.timestamp, "postedAt");
        assertEq(rewards.revenueOf(0), 45 ether, "revenueOf(0)");
        assertEq(rewards.latestEpoch(), 0, "latest epoch");
    }

    function _epoch1TreeAndClaim() internal {
        // A fourth job (5 tokens) lands during epoch 1: it is epoch 1's revenue.
        (Escrow.Voucher memory v4, bytes memory s4) = _voucher(customerKey, provider, 50 ether);
        _redeemExact(v4, s4, 500, 1000);

        bytes32 leafP = _leaf(provider, 3_000 ether);
        bytes32 leafO = _leaf(other, 1_000 ether);
        Rewards.EpochRoot memory root = _emptyRoot(1, _hashPair(leafP, leafO), 4_000 ether);
        _postRoot(root, 2);
        assertEq(rewards.revenueOf(1), 5 ether, "revenueOf(1)");
        assertEq(rewards.epochStats(1).cumulativeRevenue, escrow.totalRevenue(), "cumulative revenue");
        assertEq(rewards.totalEmitted(), 2 * EMISSION, "two emissions");

        bytes32[] memory proof = new bytes32[](1);
        proof[0] = leafO;
        uint256 before = token.balanceOf(provider);
        vm.expectEmit(address(rewards));
        emit Rewards.Claimed(provider, 3_000 ether, 3_000 ether);
        vm.prank(provider);
        rewards.claim(provider, 3_000 ether, proof);
        assertEq(token.balanceOf(provider) - before, 3_000 ether, "provider got exactly its leaf");
        assertEq(rewards.claimed(provider), 3_000 ether, "claimed");
        assertEq(token.balanceOf(address(rewards)), 2 * EMISSION - 3_000 ether, "rewards paid out");
        // The same leaf again pays nothing.
        vm.expectRevert(abi.encodeWithSelector(Rewards.RewardsNothingToClaim.selector, provider));
        rewards.claim(provider, 3_000 ether, proof);
    }

    function _epoch2HigherCumulative() internal {
        bytes32 leafP = _leaf(provider, 4_250 ether);
        bytes32 leafO = _leaf(other, 1_000 ether);
        Rewards.EpochRoot memory root = _emptyRoot(2, _hashPair(leafP, leafO), 5_250 ether);
        _postRoot(root, 3); // all three oracles may sign too
        assertEq(rewards.revenueOf(2), 0, "no revenue in epoch 2");

        // The old leaf no longer proves anything under the new root.
        bytes32[] memory oldProof = new bytes32[](1);
        oldProof[0] = _leaf(other, 1_000 ether);
        vm.expectRevert(abi.encodeWithSelector(Rewards.RewardsInvalidProof.selector, provider));
        rewards.claim(provider, 3_000 ether, oldProof);

        bytes32[] memory proof = new bytes32[](1);
        proof[0] = leafO;
        uint256 before = token.balanceOf(provider);
        vm.expectEmit(address(rewards));
        emit Rewards.Claimed(provider, 1_250 ether, 4_250 ether);
        vm.prank(other); // anyone may submit; the tokens go to the leaf's account
        rewards.claim(provider, 4_250 ether, proof);
        assertEq(token.balanceOf(provider) - before, 1_250 ether, "only the difference is paid");
        assertEq(token.balanceOf(other), 0, "submitter gets nothing");

        // `other` claims its unchanged 1,000 for the first time under the newest root.
        bytes32[] memory proofO = new bytes32[](1);
        proofO[0] = leafP;
        rewards.claim(other, 1_000 ether, proofO);
        assertEq(token.balanceOf(other), 1_000 ether, "other's leaf");
        assertEq(token.balanceOf(address(rewards)), 3 * EMISSION - 5_250 ether, "Rewards keeps the rest");
        assertEq(token.totalMinted(), token.totalSupply() + token.totalBurned(), "conservation");
    }

    // ================================================================ penalties through a signed root

    /// @dev One root jails A and slashes B by more than B holds (bonded + unbonding): A is out for exactly
    /// jailDuration, B loses everything it had at stake and the treasury receives exactly that.
    function test_penalties_jailAndOverSlashThroughRoot() public {
        address ownerB = makeAddr("ownerB");
        vm.prank(holders[2]);
        token.transfer(ownerB, 2_000 ether);
        _register(provider, NODE_A, MIN_STAKE);
        _register(ownerB, NODE_B, 2_000 ether);
        vm.prank(ownerB);
        registry.unbond(NODE_B, 500 ether);
        assertEq(registry.getProvider(NODE_B).stake, 1_500 ether, "B bonded");
        assertEq(registry.getProvider(NODE_B).unbonding, 500 ether, "B unbonding");

        Rewards.EpochRoot memory root = _emptyRoot(0, bytes32(0), 0);
        root.jailed = new bytes32[](1);
        root.jailed[0] = NODE_A;
        root.slashes = new Rewards.Slash[](1);
        root.slashes[0] = Rewards.Slash({nodeKey: NODE_B, amount: 10_000 ether});

        uint256 registryBefore = token.balanceOf(address(registry));
        uint256 treasuryBefore = token.balanceOf(address(treasury));
        vm.warp(_endOf(0));
        uint64 until = uint64(block.timestamp) + JAIL;
        bytes memory sigs = _signRoot(root, 2);
        vm.expectEmit(address(registry));
        emit ProviderRegistry.ProviderJailed(NODE_A, until);
        vm.expectEmit(address(rewards));
        emit Rewards.NodeJailed(0, NODE_A);
        vm.expectEmit(address(registry));
        emit ProviderRegistry.ProviderSlashed(NODE_B, 10_000 ether, 2_000 ether);
        vm.expectEmit(address(rewards));
        emit Rewards.NodeSlashed(0, NODE_B, 10_000 ether, 2_000 ether);
        rewards.postRoot(root, sigs);

        // B: bonded 1,500 + unbonding 500, all gone to the treasury, nothing more.
        assertEq(registry.getProvider(NODE_B).stake, 0, "B bonded slashed");
        assertEq(registry.getProvider(NODE_B).unbonding, 0, "B unbonding slashed");
        assertEq(token.balanceOf(address(treasury)) - treasuryBefore, 2_000 ether, "treasury got bonded+unbonding");
        assertEq(registryBefore - token.balanceOf(address(registry)), 2_000 ether, "registry fell by the slash");
        assertEq(token.balanceOf(address(registry)), MIN_STAKE, "registry holds A's stake only");
        assertFalse(registry.isActive(NODE_B), "B inactive without stake");

        // A: stake untouched, jailed for exactly jailDuration from the post, then active again.
        assertEq(registry.getProvider(NODE_A).stake, MIN_STAKE, "A not slashed");
        assertEq(registry.getProvider(NODE_A).jailedUntil, until, "A jailed until post + jailDuration");
        assertFalse(registry.isActive(NODE_A), "A jailed");
        vm.warp(until - 1);
        assertFalse(registry.isActive(NODE_A), "A still jailed a second before");
        vm.warp(until);
        assertTrue(registry.isActive(NODE_A), "A active again");

        // B's unbonding was taken too: nothing left to withdraw after the unbonding period.
        vm.warp(block.timestamp + UNBONDING);
        vm.prank(ownerB);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNothingToWithdraw.selector, NODE_B));
        registry.withdrawUnbonded(NODE_B);
    }

    /// @dev The jail window itself, observed right after the post (no other warp in between).
    function test_penalties_jailLastsExactlyJailDuration() public {
        _register(provider, NODE_A, MIN_STAKE);
        Rewards.EpochRoot memory root = _emptyRoot(0, bytes32(0), 0);
        root.jailed = new bytes32[](1);
        root.jailed[0] = NODE_A;
        _postRoot(root, 2);
        uint256 postedAt = block.timestamp;
        assertFalse(registry.isActive(NODE_A), "jailed right after the post");
        vm.warp(postedAt + JAIL - 1);
        assertFalse(registry.isActive(NODE_A), "still jailed one second before the end");
        vm.warp(postedAt + JAIL);
        assertTrue(registry.isActive(NODE_A), "active again once jailDuration has passed");
        // A second jail in a later root starts a new term from that root.
        Rewards.EpochRoot memory next = _emptyRoot(rewards.nextEpoch(), bytes32(0), 0);
        next.jailed = root.jailed;
        _postRoot(next, 2);
        assertFalse(registry.isActive(NODE_A), "jailed again");
    }

    // ================================================================ signatures

    function test_signatures_belowThresholdReverts() public {
        Rewards.EpochRoot memory root = _emptyRoot(0, bytes32(0), 0);
        vm.warp(_endOf(0));
        bytes memory one = _signRoot(root, 1);
        vm.expectRevert(abi.encodeWithSelector(Rewards.RewardsNotEnoughSignatures.selector, 1, 2));
        rewards.postRoot(root, one);
        assertEq(rewards.nextEpoch(), 0, "nothing posted");
        assertEq(token.balanceOf(address(rewards)), 0, "nothing minted");
        // The same root with a second signature lands.
        rewards.postRoot(root, _signRoot(root, 2));
        assertEq(rewards.nextEpoch(), 1, "posted");
    }

    /// @dev The jail list is inside the signed struct: swapping it after signing changes the digest, so each
    /// signature recovers to some unrelated address. The first signature is checked first; its recovered address
    /// is above `previous == address(0)`, so the ascending check passes and the membership check fails:
    /// `RewardsSignerNotOracle(<address recovered from the tampered digest>)`, which we compute here exactly.
    function test_signatures_tamperedJailListReverts() public {
        _register(provider, NODE_A, MIN_STAKE);
        address ownerB = makeAddr("ownerB");
        vm.prank(holders[2]);
        token.transfer(ownerB, MIN_STAKE);
        _register(ownerB, NODE_B, MIN_STAKE);

        Rewards.EpochRoot memory root = _emptyRoot(0, bytes32(0), 0);
        root.jailed = new bytes32[](1);
        root.jailed[0] = NODE_A;
        vm.warp(_endOf(0));
        bytes memory sigs = _signRoot(root, 2);

        root.jailed[0] = NODE_B; // the submitter swaps the victim
        address recovered = _recoverFirst(rewards.rootDigest(root), sigs);
        assertFalse(rewards.isOracle(recovered), "recovers to a non-oracle");
        vm.expectRevert(abi.encodeWithSelector(Rewards.RewardsSignerNotOracle.selector, recovered));
        rewards.postRoot(root, sigs);

        // Dropping the jail list entirely fails the same way.
        root.jailed = new bytes32[](0);
        recovered = _recoverFirst(rewards.rootDigest(root), sigs);
        vm.expectRevert(abi.encodeWithSelector(Rewards.RewardsSignerNotOracle.selector, recovered));
        rewards.postRoot(root, sigs);

        // Neither node was touched; the honest root still lands and jails A only.
        assertTrue(registry.isActive(NODE_A) && registry.isActive(NODE_B), "untouched");
        root.jailed = new bytes32[](1);
        root.jailed[0] = NODE_A;
        rewards.postRoot(root, sigs);
        assertFalse(registry.isActive(NODE_A), "A jailed");
        assertTrue(registry.isActive(NODE_B), "B free");
    }

    /// @dev Oracle 0 signs a wrong root, oracle 1 the right one: the two signatures never make a quorum for
    /// either root, because each is over a different digest.
    function test_signatures_differentRootsDoNotCombine() public {
        Rewards.EpochRoot memory right = _emptyRoot(0, keccak256("right"), 0);
        Rewards.EpochRoot memory wrong = _emptyRoot(0, keccak256("wrong"), 0);
        vm.warp(_endOf(0));
        bytes32 rightDigest = rewards.rootDigest(right);
        bytes32 wrongDigest = rewards.rootDigest(wrong);
        bytes memory mixed =
            bytes.concat(signDigest(oracleKeys[0], wrongDigest), signDigest(oracleKeys[1], rightDigest));

        // Submitted as the right root: signature 0 (over the wrong digest) recovers to a stranger.
        address stranger = _recoverFirst(rightDigest, mixed);
        vm.expectRevert(abi.encodeWithSelector(Rewards.RewardsSignerNotOracle.selector, stranger));
        rewards.postRoot(right, mixed);
        // Submitted as the wrong root: signature 0 is a real oracle's, signature 1 recovers to a stranger, which
        // fails the ascending check (stranger below oracle 0) or else the membership check.
        vm.expectRevert(_secondSignerError(wrongDigest, mixed));
        rewards.postRoot(wrong, mixed);
        // Reordering the mixed signatures does not help either.
        bytes memory swapped =
            bytes.concat(signDigest(oracleKeys[1], rightDigest), signDigest(oracleKeys[0], wrongDigest));
        vm.expectRevert(_secondSignerError(rightDigest, swapped));
        rewards.postRoot(right, swapped);
        // One oracle signing twice is not two signatures.
        bytes memory twice =
            bytes.concat(signDigest(oracleKeys[1], rightDigest), signDigest(oracleKeys[1], rightDigest));
        vm.expectRevert(
            abi.encodeWithSelector(
                Rewards.RewardsSignersNotAscending.selector, 1, vm.addr(oracleKeys[1]), vm.addr(oracleKeys[1])
            )
        );
        rewards.postRoot(right, twice);
        assertEq(rewards.nextEpoch(), 0, "nothing posted");
        rewards.postRoot(right, _signRoot(right, 2));
        assertEq(rewards.latestRoot(), keccak256("right"), "the right root with two real signatures");
    }

    function _recoverFirst(bytes32 digest, bytes memory sigs) internal pure returns (address) {
        return _recoverAt(digest, sigs, 0);
    }

    function _recoverAt(bytes32 digest, bytes memory sigs, uint256 i) internal pure returns (address) {
        bytes32 r;
        bytes32 s;
        uint8 v;
        uint256 o = i * 65;
        assembly {
            r := mload(add(sigs, add(o, 0x20)))
            s := mload(add(sigs, add(o, 0x40)))
            v := byte(0, mload(add(sigs, add(o, 0x60))))
        }
        return ecrecover(digest, v, r, s);
    }

    /// @dev The exact error for a pair whose first signature is a real oracle's and whose second is not over
    /// `digest`: the stranger it recovers to fails the ascending check or, above the first signer, membership.
    function _secondSignerError(bytes32 digest, bytes memory sigs) internal view returns (bytes memory) {
        address first = _recoverAt(digest, sigs, 0);
        address second = _recoverAt(digest, sigs, 1);
        assertTrue(rewards.isOracle(first) && !rewards.isOracle(second), "one real signer, one stranger");
        if (second <= first) {
            return abi.encodeWithSelector(Rewards.RewardsSignersNotAscending.selector, 1, first, second);
        }
        return abi.encodeWithSelector(Rewards.RewardsSignerNotOracle.selector, second);
    }

    // ================================================================ governance

    /// @dev Holders delegate, propose, vote, queue, wait the timelock delay and execute.
    function _govern(string memory description) internal {
        bytes32 descriptionHash = _queueProposal(description);
        governor.execute(targets, values, calldatas, descriptionHash);
        uint256 id = governor.hashProposal(targets, values, calldatas, descriptionHash);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Executed), "executed");
    }

    /// @dev Everything up to and including the timelock delay; the caller executes.
    function _queueProposal(string memory description) internal returns (bytes32 descriptionHash) {
        vm.prank(holders[0]);
        token.delegate(holders[0]);
        vm.prank(holders[1]);
        token.delegate(holders[1]);
        vm.warp(block.timestamp + 1); // delegations are in the past for the proposal threshold

        vm.prank(holders[0]);
        uint256 id = governor.propose(targets, values, calldatas, description);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Pending), "pending");
        vm.warp(governor.proposalSnapshot(id) + 1);
        vm.prank(holders[0]);
        governor.castVote(id, 1);
        vm.prank(holders[1]);
        governor.castVote(id, 1);
        vm.warp(governor.proposalDeadline(id) + 1);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Succeeded), "succeeded");
        descriptionHash = keccak256(bytes(description));
        governor.queue(targets, values, calldatas, descriptionHash);
        assertEq(uint256(governor.state(id)), uint256(IGovernor.ProposalState.Queued), "queued");
        // Not before the timelock delay.
        vm.expectRevert();
        governor.execute(targets, values, calldatas, descriptionHash);
        vm.warp(block.timestamp + TIMELOCK_DELAY);
    }

    function test_governance_setSharesThenRedemptionSplits80_10_10() public {
        targets.push(address(escrow));
        values.push(0);
        calldatas.push(abi.encodeCall(Escrow.setShares, (8000, 1000, 1000)));
        bytes32 descriptionHash = _queueProposal("Escrow shares 80/10/10");
        vm.expectEmit(address(escrow));
        emit Escrow.SharesSet(8000, 1000, 1000);
        governor.execute(targets, values, calldatas, descriptionHash);
        (uint16 p, uint16 t, uint16 b) = escrow.shares();
        assertEq(uint256(p) * 1e8 + uint256(t) * 1e4 + b, 8000 * 1e8 + 1000 * 1e4 + 1000, "shares");

        vm.prank(customer);
        token.approve(address(escrow), 1_000 ether);
        vm.prank(customer);
        escrow.deposit(1_000 ether);
        (Escrow.Voucher memory v, bytes memory sig) = _voucher(customerKey, provider, 123 ether);
        uint256 providerBefore = token.balanceOf(provider);
        _redeemExact(v, sig, 1000, 1000);
        assertEq(token.balanceOf(provider) - providerBefore, 98.4 ether, "80%");
        assertEq(token.balanceOf(address(treasury)), 12.3 ether, "10%");
        assertEq(token.totalBurned(), 12.3 ether, "10% burned");
    }

    function test_governance_setOraclesAndMinStake() public {
        address[] memory newOracles = new address[](4);
        uint256[] memory newKeys = new uint256[](4);
        for (uint256 i; i < 4; ++i) {
            (newOracles[i], newKeys[i]) = makeKey(string.concat("newOracle", vm.toString(i)));
        }
        targets.push(address(rewards));
        values.push(0);
        calldatas.push(abi.encodeCall(Rewards.setOracles, (newOracles, 3)));
        targets.push(address(registry));
        values.push(0);
        calldatas.push(abi.encodeCall(ProviderRegistry.setMinStake, (COMPUTE, 5_000 ether)));
        _register(provider, NODE_A, MIN_STAKE); // registered under the old minimum
        _govern("Rotate the oracles to 3-of-4; raise the compute minimum stake");

        assertEq(rewards.threshold(), 3, "threshold");
        address[] memory set = rewards.oracles();
        assertEq(set.length, 4, "oracle count");
        for (uint256 i; i < 4; ++i) {
            assertTrue(rewards.isOracle(newOracles[i]), "new oracle");
            if (i > 0) assertLt(uint160(set[i - 1]), uint160(set[i]), "stored ascending");
        }
        assertFalse(rewards.isOracle(vm.addr(oracleKeys[0])), "old oracle removed");
        assertEq(registry.minStake(COMPUTE), 5_000 ether, "min stake");
        assertFalse(registry.isActive(NODE_A), "existing provider now under the minimum");

        // The old oracles can no longer post; three of the new ones can.
        Rewards.EpochRoot memory root = _emptyRoot(0, bytes32(0), 0);
        vm.warp(_endOf(0) > block.timestamp ? _endOf(0) : block.timestamp);
        bytes memory oldSigs = _signRoot(root, 3);
        vm.expectRevert(abi.encodeWithSelector(Rewards.RewardsSignerNotOracle.selector, vm.addr(oracleKeys[0])));
        rewards.postRoot(root, oldSigs);
        delete oracleKeys;
        for (uint256 i; i < 4; ++i) {
            uint256 k = newKeys[i];
            uint256 j = oracleKeys.length;
            oracleKeys.push(k);
            while (j > 0 && vm.addr(oracleKeys[j - 1]) > vm.addr(k)) {
                oracleKeys[j] = oracleKeys[j - 1];
                oracleKeys[--j] = k;
            }
        }
        bytes memory twoSigs = _signRoot(root, 2);
        vm.expectRevert(abi.encodeWithSelector(Rewards.RewardsNotEnoughSignatures.selector, 2, 3));
        rewards.postRoot(root, twoSigs);
        rewards.postRoot(root, _signRoot(root, 3));
        assertEq(rewards.nextEpoch(), 1, "posted by the new set");

        // Topping up to the new minimum makes the provider active again.
        vm.startPrank(provider);
        token.approve(address(registry), 4_000 ether);
        registry.addStake(NODE_A, 4_000 ether);
        vm.stopPrank();
        assertTrue(registry.isActive(NODE_A), "active at the new minimum");
    }

    function test_governance_directSettersRevertForEOAs() public {
        address[] memory eoas = new address[](3);
        eoas[0] = holders[0];
        eoas[1] = address(this); // the deployer keeps nothing either
        eoas[2] = vm.addr(oracleKeys[0]);
        address[] memory set = new address[](1);
        set[0] = holders[0];
        for (uint256 i; i < eoas.length; ++i) {
            address caller = eoas[i];
            bytes memory err = abi.encodeWithSelector(Governed.GovernedUnauthorized.selector, caller);
            vm.startPrank(caller);
            vm.expectRevert(err);
            escrow.setShares(8000, 1000, 1000);
            vm.expectRevert(err);
            escrow.setWithdrawalDelay(0);
            vm.expectRevert(err);
            rewards.setOracles(set, 1);
            vm.expectRevert(err);
            rewards.setEmission(1, 1);
            vm.expectRevert(err);
            registry.setMinStake(COMPUTE, 1);
            vm.expectRevert(err);
            registry.setUnbondingPeriod(0);
            vm.expectRevert(err);
            registry.setJailDuration(0);
            vm.expectRevert(err);
            treasury.release(IERC20(address(token)), caller, 0);
            vm.stopPrank();
        }
    }

    // ================================================================ wash trading

    /// @dev A customer that is also the provider pays itself: every round trip loses the treasury share (5 %) and
    /// the burn (10 %), so self-dealing to inflate `totalRevenue` always costs exactly 15 % of the volume.
    function test_washTrading_selfDealingLoses15PercentPerRound() public {
        (address washer, uint256 washerKey) = makeKey("washer");
        vm.prank(holders[2]);
        token.transfer(washer, 20_000 ether);
        _register(washer, NODE_W, MIN_STAKE); // a real provider, with a node

        uint256[5] memory amounts = [uint256(1_000 ether), 2_500 ether, 10 ether, 4_000 ether, 777 ether];
        uint256 cumulative;
        uint256 revenueBefore = escrow.totalRevenue();
        uint256 totalLost;
        for (uint256 i; i < amounts.length; ++i) {
            uint256 amount = amounts[i];
            uint256 before = token.balanceOf(washer);
            vm.startPrank(washer);
            token.approve(address(escrow), amount);
            escrow.deposit(amount);
            vm.stopPrank();
            cumulative += amount;
            (Escrow.Voucher memory v, bytes memory sig) = _voucher(washerKey, washer, cumulative);
            _redeemExact(v, sig, 500, 1000);
            uint256 afterRound = token.balanceOf(washer);
            assertLt(afterRound, before, "strictly poorer every round");
            assertEq(before - afterRound, amount * 1500 / 10_000, "loses exactly 15% of the round");
            assertEq(escrow.depositOf(washer), 0, "nothing parked in escrow");
            totalLost += before - afterRound;
        }
        assertEq(escrow.totalRevenue() - revenueBefore, cumulative, "fake revenue recorded");
        assertEq(totalLost, cumulative * 1500 / 10_000, "total cost 15% of the fake volume");
        assertEq(token.balanceOf(address(treasury)), cumulative * 500 / 10_000, "treasury kept 5%");
        assertEq(token.totalBurned(), cumulative * 1000 / 10_000, "10% burned");
    }
}
