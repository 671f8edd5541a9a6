// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {
    GovernorVotesQuorumFraction
} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {Test} from "./utils/Test.sol";
import {Governed} from "../src/Governed.sol";
import {GroundworkGovernor} from "../src/GroundworkGovernor.sol";
import {Token} from "../src/Token.sol";
import {Treasury} from "../src/Treasury.sol";

contract GovernanceTest is Test {
    uint256 internal constant START = 1_700_000_000;
    uint256 internal constant CAP = 1_000_000e18;
    uint256 internal constant MIN_DELAY = 2 days;
    uint48 internal constant VOTING_DELAY = 1 days;
    uint32 internal constant VOTING_PERIOD = 1 weeks;
    uint256 internal constant THRESHOLD = 1_000e18;
    uint256 internal constant QUORUM_PERCENT = 4;

    uint256 internal constant ALICE = 400_000e18;
    uint256 internal constant BOB = 200_000e18;
    uint256 internal constant DAVE = 2_000e18;
    uint256 internal constant TREASURY_FUNDS = 100_000e18;
    uint256 internal constant GENESIS = ALICE + BOB + DAVE + TREASURY_FUNDS;
    uint256 internal constant PAYOUT = 5_000e18;

    TimelockController internal timelock;
    Treasury internal treasury;
    Token internal token;
    GroundworkGovernor internal governor;

    address internal alice;
    address internal bob;
    address internal carol;
    address internal dave;

    // the proposal under test, kept in storage to keep the test functions' stacks small
    address[] internal targets;
    uint256[] internal values;
    bytes[] internal calldatas;
    string internal description;

    function setUp() public {
        vm.warp(START);
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
        dave = makeAddr("dave");

        // deployment order of docs/contracts.md (ProviderRegistry, Escrow and Rewards left out)
        address[] memory executors = new address[](1); // address(0): anyone may execute a ready operation
        timelock = new TimelockController(MIN_DELAY, new address[](0), executors, address(this));
        treasury = new Treasury(address(timelock));

        address[] memory holders = new address[](4);
        uint256[] memory amounts = new uint256[](4);
        (holders[0], amounts[0]) = (alice, ALICE);
        (holders[1], amounts[1]) = (bob, BOB);
        (holders[2], amounts[2]) = (dave, DAVE);
        (holders[3], amounts[3]) = (address(treasury), TREASURY_FUNDS);
        token = new Token("Groundwork", "GRND", CAP, makeAddr("rewards"), holders, amounts);

        governor = new GroundworkGovernor(
            IVotes(address(token)), timelock, VOTING_DELAY, VOTING_PERIOD, THRESHOLD, QUORUM_PERCENT
        );

        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        timelock.grantRole(timelock.CANCELLER_ROLE(), address(governor));
        timelock.renounceRole(timelock.DEFAULT_ADMIN_ROLE(), address(this));

        vm.prank(alice);
        token.delegate(alice);
        vm.prank(bob);
        token.delegate(bob);
        vm.prank(dave);
        token.delegate(dave);
        vm.warp(START + 1); // the delegations are now in the past, visible to propose's threshold check

        targets.push(address(treasury));
        values.push(0);
        calldatas.push(abi.encodeCall(Treasury.release, (IERC20(address(token)), carol, PAYOUT)));
        description = "Pay carol 5,000 GRND from the treasury";
    }

    // ---------------------------------------------------------------- helpers

    function _propose(address proposer) internal returns (uint256 proposalId) {
        vm.prank(proposer);
        proposalId = governor.propose(targets, values, calldatas, description);
    }

    function _descriptionHash() internal view returns (bytes32) {
        return keccak256(bytes(description));
    }

    function _vote(address voter, uint256 proposalId, uint8 support) internal {
        vm.prank(voter);
        governor.castVote(proposalId, support);
    }

    function _stateBitmap(IGovernor.ProposalState state) internal pure returns (bytes32) {
        return bytes32(1 << uint8(state));
    }

    function _assertState(uint256 proposalId, IGovernor.ProposalState expected, string memory message) internal view {
        assertEq(uint256(governor.state(proposalId)), uint256(expected), message);
    }

    // ---------------------------------------------------------------- deployment

    function test_governor_parameters() public view {
        assertEq(governor.name(), "Groundwork Governor", "name");
        assertEq(governor.version(), "1", "version");
        assertEq(governor.votingDelay(), VOTING_DELAY, "voting delay");
        assertEq(governor.votingPeriod(), VOTING_PERIOD, "voting period");
        assertEq(governor.proposalThreshold(), THRESHOLD, "threshold");
        assertEq(governor.quorumNumerator(), QUORUM_PERCENT, "quorum numerator");
        assertEq(governor.quorumDenominator(), 100, "quorum denominator");
        assertEq(governor.timelock(), address(timelock), "timelock");
        assertEq(address(governor.token()), address(token), "token");
        assertEq(uint256(governor.clock()), block.timestamp, "clock");
        assertEq(governor.CLOCK_MODE(), "mode=timestamp", "clock mode");
        assertEq(governor.COUNTING_MODE(), "support=bravo&quorum=for,abstain", "counting mode");
        assertTrue(governor.proposalNeedsQueuing(0), "needs queuing");
        assertEq(governor.quorum(START), GENESIS * QUORUM_PERCENT / 100, "quorum at start");
        assertTrue(governor.supportsInterface(type(IGovernor).interfaceId), "IGovernor");
    }

    function test_governor_constructorRevertsOnZeroVotingPeriod() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorInvalidVotingPeriod.selector, 0));
        new GroundworkGovernor(IVotes(address(token)), timelock, VOTING_DELAY, 0, THRESHOLD, QUORUM_PERCENT);
    }

    function test_governor_constructorRevertsOnQuorumAbove100() public {
        vm.expectRevert(
            abi.encodeWithSelector(GovernorVotesQuorumFraction.GovernorInvalidQuorumFraction.selector, 101, 100)
        );
        new GroundworkGovernor(IVotes(address(token)), timelock, VOTING_DELAY, VOTING_PERIOD, THRESHOLD, 101);
    }

    function test_timelock_rolesAfterDeployment() public view {
        assertFalse(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), address(this)), "deployer admin renounced");
        assertFalse(timelock.hasRole(timelock.PROPOSER_ROLE(), address(this)), "deployer not proposer");
        assertTrue(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), address(timelock)), "timelock self-admin");
        assertTrue(timelock.hasRole(timelock.PROPOSER_ROLE(), address(governor)), "governor proposer");
        assertTrue(timelock.hasRole(timelock.CANCELLER_ROLE(), address(governor)), "governor canceller");
        assertTrue(timelock.hasRole(timelock.EXECUTOR_ROLE(), address(0)), "open executor");
        assertEq(timelock.getMinDelay(), MIN_DELAY, "min delay");
        assertEq(treasury.governance(), address(timelock), "treasury governance");
    }

    function test_deployer_cannotGrantRolesOrSchedule() public {
        bytes32 adminRole = timelock.DEFAULT_ADMIN_ROLE();
        bytes32 proposerRole = timelock.PROPOSER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, address(this), adminRole)
        );
        timelock.grantRole(proposerRole, address(this));

        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, address(this), proposerRole
            )
        );
        timelock.schedule(address(treasury), 0, calldatas[0], 0, 0, MIN_DELAY);
    }

    function test_release_directCallsRevert() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorized.selector, address(this)));
        treasury.release(IERC20(address(token)), carol, PAYOUT);

        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorized.selector, alice));
        vm.prank(alice);
        treasury.release(IERC20(address(token)), carol, PAYOUT);

        // the governor itself is not governance either: only the timelock is
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorized.selector, address(governor)));
        vm.prank(address(governor));
        treasury.release(IERC20(address(token)), carol, PAYOUT);
    }

    // ---------------------------------------------------------------- lifecycle

    function test_lifecycle_proposeVoteQueueExecute() public {
        uint256 expectedId = governor.hashProposal(targets, values, calldatas, _descriptionHash());
        uint256 snapshot = block.timestamp + VOTING_DELAY;
        uint256 deadline = snapshot + VOTING_PERIOD;

        // propose
        vm.expectEmit(address(governor));
        emit IGovernor.ProposalCreated(
            expectedId, alice, targets, values, new string[](1), calldatas, snapshot, deadline, description
        );
        uint256 proposalId = _propose(alice);
        assertEq(proposalId, expectedId, "proposal id");
        assertEq(governor.proposalSnapshot(proposalId), snapshot, "snapshot");
        assertEq(governor.proposalDeadline(proposalId), deadline, "deadline");
        assertEq(governor.proposalProposer(proposalId), alice, "proposer");
        _assertState(proposalId, IGovernor.ProposalState.Pending, "pending");

        // voting is closed until after the snapshot
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector,
                proposalId,
                IGovernor.ProposalState.Pending,
                _stateBitmap(IGovernor.ProposalState.Active)
            )
        );
        _vote(alice, proposalId, 1);

        // vote
        vm.warp(snapshot + 1);
        _assertState(proposalId, IGovernor.ProposalState.Active, "active");
        vm.expectEmit(address(governor));
        emit IGovernor.VoteCast(alice, proposalId, 1, ALICE, "");
        _vote(alice, proposalId, 1);
        _vote(bob, proposalId, 0);
        _vote(dave, proposalId, 2);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorAlreadyCastVote.selector, alice));
        _vote(alice, proposalId, 1);
        (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(proposalId);
        assertEq(against, BOB, "against");
        assertEq(forVotes, ALICE, "for");
        assertEq(abstain, DAVE, "abstain");
        assertTrue(governor.hasVoted(proposalId, bob), "bob voted");

        // succeeded after the deadline
        vm.warp(deadline + 1);
        _assertState(proposalId, IGovernor.ProposalState.Succeeded, "succeeded");

        // queue
        uint256 eta = block.timestamp + MIN_DELAY;
        vm.expectEmit(address(governor));
        emit IGovernor.ProposalQueued(proposalId, eta);
        governor.queue(targets, values, calldatas, _descriptionHash());
        _assertState(proposalId, IGovernor.ProposalState.Queued, "queued");
        assertEq(governor.proposalEta(proposalId), eta, "eta");

        // the timelock refuses before the delay has passed
        bytes32 salt = bytes32(bytes20(address(governor))) ^ _descriptionHash();
        bytes32 operationId = timelock.hashOperationBatch(targets, values, calldatas, 0, salt);
        assertTrue(timelock.isOperationPending(operationId), "operation pending");
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                operationId,
                bytes32(1 << uint8(TimelockController.OperationState.Ready))
            )
        );
        governor.execute(targets, values, calldatas, _descriptionHash());

        // execute
        vm.warp(eta);
        vm.expectEmit(address(treasury));
        emit Treasury.TreasuryReleased(IERC20(address(token)), carol, PAYOUT);
        vm.expectEmit(address(governor));
        emit IGovernor.ProposalExecuted(proposalId);
        vm.prank(carol); // the executor role is open: anyone may trigger execution
        governor.execute(targets, values, calldatas, _descriptionHash());

        _assertState(proposalId, IGovernor.ProposalState.Executed, "executed");
        assertTrue(timelock.isOperationDone(operationId), "operation done");
        assertEq(token.balanceOf(carol), PAYOUT, "carol paid");
        assertEq(token.balanceOf(address(treasury)), TREASURY_FUNDS - PAYOUT, "treasury debited");
    }

    function test_propose_revertsBelowThreshold() public {
        vm.expectRevert(
            abi.encodeWithSelector(IGovernor.GovernorInsufficientProposerVotes.selector, carol, 0, THRESHOLD)
        );
        _propose(carol);
    }

    function test_proposal_defeatedWithoutQuorum() public {
        uint256 proposalId = _propose(dave);
        vm.warp(governor.proposalSnapshot(proposalId) + 1);
        _vote(dave, proposalId, 1); // 2,000 for, quorum is 4% of 702,000
        vm.warp(governor.proposalDeadline(proposalId) + 1);
        _assertState(proposalId, IGovernor.ProposalState.Defeated, "defeated");
        vm.expectRevert(
            abi.encodeWithSelector(
                IGovernor.GovernorUnexpectedProposalState.selector,
                proposalId,
                IGovernor.ProposalState.Defeated,
                _stateBitmap(IGovernor.ProposalState.Succeeded)
            )
        );
        governor.queue(targets, values, calldatas, _descriptionHash());
    }

    function test_proposal_defeatedByMajorityAgainst() public {
        uint256 proposalId = _propose(bob);
        vm.warp(governor.proposalSnapshot(proposalId) + 1);
        _vote(bob, proposalId, 1);
        _vote(alice, proposalId, 0);
        vm.warp(governor.proposalDeadline(proposalId) + 1);
        _assertState(proposalId, IGovernor.ProposalState.Defeated, "defeated");
    }

    function test_votes_useSnapshotNotCurrentBalance() public {
        uint256 proposalId = _propose(alice);
        // alice moves her tokens to bob after the proposal but before the snapshot ends: bob's weight grows
        vm.prank(alice);
        token.transfer(bob, 100_000e18);
        vm.warp(governor.proposalSnapshot(proposalId) + 1);
        // a transfer after the snapshot does not change the weights
        vm.prank(bob);
        token.transfer(alice, 300_000e18);
        vm.expectEmit(address(governor));
        emit IGovernor.VoteCast(bob, proposalId, 0, BOB + 100_000e18, "");
        _vote(bob, proposalId, 0);
        assertEq(governor.getVotes(alice, governor.proposalSnapshot(proposalId)), ALICE - 100_000e18, "alice");
    }

    function test_cancel_byProposerWhilePending() public {
        uint256 proposalId = _propose(alice);
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorUnableToCancel.selector, proposalId, bob));
        vm.prank(bob);
        governor.cancel(targets, values, calldatas, _descriptionHash());

        vm.expectEmit(address(governor));
        emit IGovernor.ProposalCanceled(proposalId);
        vm.prank(alice);
        governor.cancel(targets, values, calldatas, _descriptionHash());
        _assertState(proposalId, IGovernor.ProposalState.Canceled, "canceled");
    }

    function test_governorSettings_onlyThroughGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(IGovernor.GovernorOnlyExecutor.selector, alice));
        vm.prank(alice);
        governor.setVotingPeriod(2 weeks);

        targets[0] = address(governor);
        calldatas[0] = abi.encodeCall(governor.setVotingPeriod, (2 weeks));
        description = "Lengthen the voting period";
        uint256 proposalId = _propose(alice);
        vm.warp(governor.proposalSnapshot(proposalId) + 1);
        _vote(alice, proposalId, 1);
        vm.warp(governor.proposalDeadline(proposalId) + 1);
        governor.queue(targets, values, calldatas, _descriptionHash());
        vm.warp(block.timestamp + MIN_DELAY);
        governor.execute(targets, values, calldatas, _descriptionHash());
        assertEq(governor.votingPeriod(), 2 weeks, "voting period changed");
    }
}
