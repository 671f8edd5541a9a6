// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {Test} from "./utils/Test.sol";
import {Vm} from "./utils/Vm.sol";
import {Token} from "../src/Token.sol";
import {IToken} from "../src/interfaces/IToken.sol";

/// @dev Shared deployment for the token tests.
abstract contract TokenFixture is Test {
    uint256 internal constant CAP = 1_000_000e18;
    uint256 internal constant ALICE_GENESIS = 100_000e18;
    uint256 internal constant BOB_GENESIS = 50_000e18;
    uint256 internal constant GENESIS = ALICE_GENESIS + BOB_GENESIS;
    uint256 internal constant START = 1_700_000_000;

    Token internal token;
    address internal minter;
    address internal alice;
    uint256 internal aliceKey;
    address internal bob;
    address internal carol;

    function setUp() public virtual {
        vm.warp(START);
        minter = makeAddr("rewards");
        (alice, aliceKey) = makeKey("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
        token = new Token("Groundwork", "GRND", CAP, minter, _pair(alice, bob), _pair(ALICE_GENESIS, BOB_GENESIS));
    }

    function _pair(address a, address b) internal pure returns (address[] memory list) {
        list = new address[](2);
        list[0] = a;
        list[1] = b;
    }

    function _pair(uint256 a, uint256 b) internal pure returns (uint256[] memory list) {
        list = new uint256[](2);
        list[0] = a;
        list[1] = b;
    }
}

contract TokenConstructorTest is TokenFixture {
    function test_constructor_setsMetadataAndGenesis() public view {
        assertEq(token.name(), "Groundwork", "name");
        assertEq(token.symbol(), "GRND", "symbol");
        assertEq(token.decimals(), 18, "decimals");
        assertEq(token.cap(), CAP, "cap");
        assertEq(token.minter(), minter, "minter");
        assertEq(token.balanceOf(alice), ALICE_GENESIS, "alice genesis");
        assertEq(token.balanceOf(bob), BOB_GENESIS, "bob genesis");
        assertEq(token.totalSupply(), GENESIS, "supply");
        assertEq(token.totalMinted(), GENESIS, "minted");
        assertEq(token.totalBurned(), 0, "burned");
    }

    function test_constructor_emitsGenesisTransfers() public {
        vm.expectEmit();
        emit IERC20.Transfer(address(0), alice, ALICE_GENESIS);
        vm.expectEmit();
        emit IERC20.Transfer(address(0), bob, BOB_GENESIS);
        new Token("Groundwork", "GRND", CAP, minter, _pair(alice, bob), _pair(ALICE_GENESIS, BOB_GENESIS));
    }

    function test_constructor_allowsEmptyGenesis() public {
        Token empty = new Token("G", "G", CAP, minter, new address[](0), new uint256[](0));
        assertEq(empty.totalSupply(), 0, "supply");
        assertEq(empty.totalMinted(), 0, "minted");
    }

    function test_constructor_allowsGenesisOfExactlyCap() public {
        Token full = new Token("G", "G", CAP, minter, _pair(alice, bob), _pair(CAP - 1, 1));
        assertEq(full.totalMinted(), CAP, "minted");
    }

    function test_constructor_allowsMaxVotesCap() public {
        Token big = new Token("G", "G", type(uint208).max, minter, new address[](0), new uint256[](0));
        assertEq(big.cap(), type(uint208).max, "cap");
    }

    function test_constructor_revertsOnZeroMinter() public {
        vm.expectRevert(abi.encodeWithSelector(Token.TokenZeroAddress.selector));
        new Token("G", "G", CAP, address(0), new address[](0), new uint256[](0));
    }

    function test_constructor_revertsOnZeroCap() public {
        vm.expectRevert(abi.encodeWithSelector(Token.TokenInvalidCap.selector, 0));
        new Token("G", "G", 0, minter, new address[](0), new uint256[](0));
    }

    function test_constructor_revertsOnCapAboveVotesLimit() public {
        uint256 tooBig = uint256(type(uint208).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(Token.TokenInvalidCap.selector, tooBig));
        new Token("G", "G", tooBig, minter, new address[](0), new uint256[](0));
    }

    function test_constructor_revertsOnLengthMismatch() public {
        uint256[] memory one = new uint256[](1);
        vm.expectRevert(abi.encodeWithSelector(Token.TokenGenesisLengthMismatch.selector, 2, 1));
        new Token("G", "G", CAP, minter, _pair(alice, bob), one);
    }

    function test_constructor_revertsWhenGenesisExceedsCap() public {
        vm.expectRevert(abi.encodeWithSelector(Token.TokenCapExceeded.selector, CAP + 1, CAP));
        new Token("G", "G", CAP, minter, _pair(alice, bob), _pair(CAP, 1));
    }

    function test_constructor_revertsOnZeroGenesisHolder() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        new Token("G", "G", CAP, minter, _pair(alice, address(0)), _pair(1, 1));
    }
}

contract TokenSupplyTest is TokenFixture {
    function test_mint_byMinter() public {
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(0), carol, 1_000e18);
        vm.prank(minter);
        token.mint(carol, 1_000e18);
        assertEq(token.balanceOf(carol), 1_000e18, "carol");
        assertEq(token.totalSupply(), GENESIS + 1_000e18, "supply");
        assertEq(token.totalMinted(), GENESIS + 1_000e18, "minted");
        assertEq(token.totalBurned(), 0, "burned");
    }

    function test_mint_throughIToken() public {
        IToken asInterface = IToken(address(token));
        vm.prank(minter);
        asInterface.mint(carol, 7);
        assertEq(asInterface.balanceOf(carol), 7, "carol");
        assertEq(asInterface.cap(), CAP, "cap");
        assertEq(asInterface.totalMinted(), GENESIS + 7, "minted");
        assertEq(asInterface.totalBurned(), 0, "burned");
    }

    function test_mint_upToExactlyCap() public {
        vm.prank(minter);
        token.mint(carol, CAP - GENESIS);
        assertEq(token.totalMinted(), CAP, "minted");
        assertEq(token.totalSupply(), CAP, "supply");
    }

    function test_mint_zeroAmount() public {
        vm.prank(minter);
        token.mint(carol, 0);
        assertEq(token.totalMinted(), GENESIS, "minted");
    }

    function test_mint_revertsForNonMinter() public {
        vm.expectRevert(abi.encodeWithSelector(Token.TokenUnauthorizedMinter.selector, alice));
        vm.prank(alice);
        token.mint(alice, 1);
    }

    function test_mint_revertsAboveCap() public {
        uint256 amount = CAP - GENESIS + 1;
        vm.expectRevert(abi.encodeWithSelector(Token.TokenCapExceeded.selector, CAP + 1, CAP));
        vm.prank(minter);
        token.mint(carol, amount);
    }

    function test_mint_revertsOnOverflowingAmountWithSaturatedTotal() public {
        vm.expectRevert(abi.encodeWithSelector(Token.TokenCapExceeded.selector, type(uint256).max, CAP));
        vm.prank(minter);
        token.mint(carol, type(uint256).max);
    }

    function test_mint_revertsToZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(minter);
        token.mint(address(0), 1);
    }

    function test_mint_burnedTokensDoNotFreeCapRoom() public {
        vm.prank(minter);
        token.mint(carol, CAP - GENESIS);
        vm.prank(alice);
        token.burn(10e18);
        assertEq(token.totalSupply(), CAP - 10e18, "supply");
        assertEq(token.totalMinted(), CAP, "minted");
        vm.expectRevert(abi.encodeWithSelector(Token.TokenCapExceeded.selector, CAP + 1, CAP));
        vm.prank(minter);
        token.mint(carol, 1);
    }

    function test_burn() public {
        vm.expectEmit(address(token));
        emit IERC20.Transfer(alice, address(0), 400e18);
        vm.prank(alice);
        token.burn(400e18);
        assertEq(token.balanceOf(alice), ALICE_GENESIS - 400e18, "alice");
        assertEq(token.totalSupply(), GENESIS - 400e18, "supply");
        assertEq(token.totalBurned(), 400e18, "burned");
        assertEq(token.totalMinted(), GENESIS, "minted");
    }

    function test_burn_revertsOnInsufficientBalance() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, bob, BOB_GENESIS, BOB_GENESIS + 1)
        );
        vm.prank(bob);
        token.burn(BOB_GENESIS + 1);
    }

    function test_burnFrom_spendsAllowance() public {
        vm.prank(alice);
        token.approve(carol, 500e18);
        vm.expectEmit(address(token));
        emit IERC20.Transfer(alice, address(0), 200e18);
        vm.prank(carol);
        token.burnFrom(alice, 200e18);
        assertEq(token.allowance(alice, carol), 300e18, "allowance");
        assertEq(token.balanceOf(alice), ALICE_GENESIS - 200e18, "alice");
        assertEq(token.balanceOf(carol), 0, "carol");
        assertEq(token.totalBurned(), 200e18, "burned");
        assertEq(token.totalMinted(), GENESIS, "minted");
    }

    function test_burnFrom_infiniteAllowanceIsNotDecreased() public {
        vm.prank(alice);
        token.approve(carol, type(uint256).max);
        vm.prank(carol);
        token.burnFrom(alice, 1e18);
        assertEq(token.allowance(alice, carol), type(uint256).max, "allowance");
        assertEq(token.totalBurned(), 1e18, "burned");
    }

    function test_burnFrom_revertsOnInsufficientAllowance() public {
        vm.prank(alice);
        token.approve(carol, 5);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, carol, 5, 6));
        vm.prank(carol);
        token.burnFrom(alice, 6);
    }

    function test_burnFrom_revertsOnInsufficientBalance() public {
        vm.prank(bob);
        token.approve(carol, type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, bob, BOB_GENESIS, BOB_GENESIS + 1)
        );
        vm.prank(carol);
        token.burnFrom(bob, BOB_GENESIS + 1);
    }

    function test_transferAndTransferFrom() public {
        vm.expectEmit(address(token));
        emit IERC20.Transfer(alice, bob, 10e18);
        vm.prank(alice);
        assertTrue(token.transfer(bob, 10e18), "transfer");
        assertEq(token.balanceOf(alice), ALICE_GENESIS - 10e18, "alice");
        assertEq(token.balanceOf(bob), BOB_GENESIS + 10e18, "bob");

        vm.expectEmit(address(token));
        emit IERC20.Approval(bob, carol, 3e18);
        vm.prank(bob);
        assertTrue(token.approve(carol, 3e18), "approve");

        vm.prank(carol);
        assertTrue(token.transferFrom(bob, carol, 2e18), "transferFrom");
        assertEq(token.balanceOf(carol), 2e18, "carol");
        assertEq(token.allowance(bob, carol), 1e18, "allowance");
        assertEq(token.totalSupply(), GENESIS, "supply unchanged");
        assertEq(token.totalBurned(), 0, "nothing burned");
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_mint_withinCap(uint256 first, uint256 second) public {
        first = bound(first, 0, CAP - GENESIS);
        second = bound(second, 0, CAP - GENESIS - first);
        vm.startPrank(minter);
        token.mint(carol, first);
        token.mint(bob, second);
        vm.stopPrank();
        assertEq(token.balanceOf(carol), first, "carol");
        assertEq(token.balanceOf(bob), BOB_GENESIS + second, "bob");
        assertEq(token.totalMinted(), GENESIS + first + second, "minted");
        assertLe(token.totalMinted(), CAP, "cap");
    }

    function testFuzz_mint_aboveCapReverts(uint256 amount) public {
        amount = bound(amount, CAP - GENESIS + 1, type(uint256).max);
        uint256 wouldBe = amount > type(uint256).max - GENESIS ? type(uint256).max : GENESIS + amount;
        vm.expectRevert(abi.encodeWithSelector(Token.TokenCapExceeded.selector, wouldBe, CAP));
        vm.prank(minter);
        token.mint(carol, amount);
    }

    function testFuzz_mint_nonMinterReverts(address caller, uint256 amount) public {
        vm.assume(caller != minter);
        vm.expectRevert(abi.encodeWithSelector(Token.TokenUnauthorizedMinter.selector, caller));
        vm.prank(caller);
        token.mint(carol, amount);
    }

    function testFuzz_burn_keepsTotalMinted(uint256 minted, uint256 burned) public {
        minted = bound(minted, 0, CAP - GENESIS);
        burned = bound(burned, 0, minted);
        vm.prank(minter);
        token.mint(carol, minted);
        vm.prank(carol);
        token.burn(burned);
        assertEq(token.balanceOf(carol), minted - burned, "carol");
        assertEq(token.totalBurned(), burned, "burned");
        assertEq(token.totalSupply(), GENESIS + minted - burned, "supply");
        assertEq(token.totalMinted(), GENESIS + minted, "minted");
        assertEq(token.totalMinted(), token.totalSupply() + token.totalBurned(), "identity");
    }

    function testFuzz_burnFrom_accounting(uint256 allowance, uint256 amount) public {
        allowance = bound(allowance, 0, ALICE_GENESIS);
        amount = bound(amount, 0, ALICE_GENESIS);
        vm.prank(alice);
        token.approve(carol, allowance);
        if (amount > allowance) {
            vm.expectRevert(
                abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, carol, allowance, amount)
            );
        }
        vm.prank(carol);
        token.burnFrom(alice, amount);
        uint256 burned = amount > allowance ? 0 : amount;
        assertEq(token.balanceOf(alice), ALICE_GENESIS - burned, "alice");
        assertEq(token.allowance(alice, carol), allowance - burned, "allowance");
        assertEq(token.totalBurned(), burned, "burned");
        assertEq(token.totalMinted(), GENESIS, "minted");
    }

    function testFuzz_burnThenMint_capCountsBurned(uint256 burned, uint256 amount) public {
        burned = bound(burned, 0, ALICE_GENESIS);
        amount = bound(amount, 0, CAP);
        vm.prank(alice);
        token.burn(burned);
        if (amount > CAP - GENESIS) {
            vm.expectRevert(abi.encodeWithSelector(Token.TokenCapExceeded.selector, GENESIS + amount, CAP));
        }
        vm.prank(minter);
        token.mint(carol, amount);
        assertLe(token.totalMinted(), CAP, "cap");
        assertEq(token.totalMinted(), token.totalSupply() + token.totalBurned(), "identity");
    }
}

contract TokenPermitTest is TokenFixture {
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    function _domainSeparator() internal view returns (bytes32) {
        return
            keccak256(
                abi.encode(DOMAIN_TYPEHASH, keccak256("Groundwork"), keccak256("1"), block.chainid, address(token))
            );
    }

    function _permitDigest(address owner, address spender, uint256 value, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline));
        return keccak256(abi.encodePacked("\x19\x01", _domainSeparator(), structHash));
    }

    function test_domainSeparator() public view {
        assertEq(token.DOMAIN_SEPARATOR(), _domainSeparator(), "domain separator");
        (, string memory name, string memory version, uint256 chainId, address verifying,,) = token.eip712Domain();
        assertEq(name, "Groundwork", "name");
        assertEq(version, "1", "version");
        assertEq(chainId, block.chainid, "chain id");
        assertEq(verifying, address(token), "verifying contract");
    }

    function test_permit_setsAllowanceAndUsesNonce() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _permitDigest(alice, carol, 123e18, 0, deadline));
        vm.expectEmit(address(token));
        emit IERC20.Approval(alice, carol, 123e18);
        vm.prank(bob); // anyone may submit the permit
        token.permit(alice, carol, 123e18, deadline, v, r, s);
        assertEq(token.allowance(alice, carol), 123e18, "allowance");
        assertEq(token.nonces(alice), 1, "nonce");

        vm.prank(carol);
        token.transferFrom(alice, carol, 123e18);
        assertEq(token.balanceOf(carol), 123e18, "carol");
    }

    function test_permit_atDeadline() public {
        uint256 deadline = block.timestamp;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _permitDigest(alice, carol, 1, 0, deadline));
        token.permit(alice, carol, 1, deadline, v, r, s);
        assertEq(token.allowance(alice, carol), 1, "allowance");
    }

    function test_permit_revertsWhenExpired() public {
        uint256 deadline = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _permitDigest(alice, carol, 1, 0, deadline));
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(alice, carol, 1, deadline, v, r, s);
    }

    function test_permit_revertsOnWrongSigner() public {
        (address mallory, uint256 malloryKey) = makeKey("mallory");
        uint256 deadline = block.timestamp + 1;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(malloryKey, _permitDigest(alice, carol, 1, 0, deadline));
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, mallory, alice));
        token.permit(alice, carol, 1, deadline, v, r, s);
    }

    function test_permit_revertsOnReplay() public {
        uint256 deadline = block.timestamp + 1;
        bytes32 digest = _permitDigest(alice, carol, 1, 0, deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, digest);
        token.permit(alice, carol, 1, deadline, v, r, s);
        // With the nonce now 1 the same signature recovers to some other address.
        address recovered = ecrecover(_permitDigest(alice, carol, 1, 1, deadline), v, r, s);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, recovered, alice));
        token.permit(alice, carol, 1, deadline, v, r, s);
    }
}

contract TokenVotesTest is TokenFixture {
    bytes32 internal constant DELEGATION_TYPEHASH =
        keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");

    function test_clock_isTimestamp() public {
        assertEq(uint256(token.clock()), START, "clock");
        vm.warp(START + 12345);
        assertEq(uint256(token.clock()), START + 12345, "clock after warp");
        assertEq(token.CLOCK_MODE(), "mode=timestamp", "mode");
    }

    function test_balancesCarryNoVotesUntilDelegated() public view {
        assertEq(token.getVotes(alice), 0, "alice votes");
        assertEq(token.delegates(alice), address(0), "alice delegate");
        assertEq(uint256(token.numCheckpoints(alice)), 0, "checkpoints");
    }

    function test_delegate_selfEmitsAndCheckpoints() public {
        vm.expectEmit(address(token));
        emit IVotes.DelegateChanged(alice, address(0), alice);
        vm.expectEmit(address(token));
        emit IVotes.DelegateVotesChanged(alice, 0, ALICE_GENESIS);
        vm.prank(alice);
        token.delegate(alice);

        assertEq(token.delegates(alice), alice, "delegate");
        assertEq(token.getVotes(alice), ALICE_GENESIS, "votes");
        assertEq(uint256(token.numCheckpoints(alice)), 1, "checkpoints");
        Checkpoints.Checkpoint208 memory checkpoint = token.checkpoints(alice, 0);
        assertEq(uint256(checkpoint._key), START, "checkpoint key is the timestamp");
        assertEq(uint256(checkpoint._value), ALICE_GENESIS, "checkpoint value");
    }

    function test_pastVotesAndSupplyByTimestamp() public {
        vm.prank(alice);
        token.delegate(alice);
        vm.prank(bob);
        token.delegate(carol);

        vm.warp(START + 100);
        vm.prank(alice);
        token.transfer(bob, 30_000e18); // bob's tokens vote through carol

        vm.warp(START + 200);
        vm.prank(minter);
        token.mint(alice, 5_000e18);

        vm.warp(START + 300);
        vm.prank(bob);
        token.burn(10_000e18);

        vm.warp(START + 400);

        assertEq(token.getPastVotes(alice, START), ALICE_GENESIS, "alice @0");
        assertEq(token.getPastVotes(alice, START + 99), ALICE_GENESIS, "alice @99");
        assertEq(token.getPastVotes(alice, START + 100), ALICE_GENESIS - 30_000e18, "alice @100");
        assertEq(token.getPastVotes(alice, START + 200), ALICE_GENESIS - 25_000e18, "alice @200");
        assertEq(token.getVotes(alice), ALICE_GENESIS - 25_000e18, "alice now");

        assertEq(token.getPastVotes(carol, START), BOB_GENESIS, "carol @0");
        assertEq(token.getPastVotes(carol, START + 100), BOB_GENESIS + 30_000e18, "carol @100");
        assertEq(token.getPastVotes(carol, START + 300), BOB_GENESIS + 20_000e18, "carol @300");
        assertEq(token.getVotes(bob), 0, "bob delegated away");

        assertEq(token.getPastTotalSupply(START), GENESIS, "supply @0");
        assertEq(token.getPastTotalSupply(START + 200), GENESIS + 5_000e18, "supply @200");
        assertEq(token.getPastTotalSupply(START + 300), GENESIS - 5_000e18, "supply @300");

        assertEq(uint256(token.numCheckpoints(alice)), 3, "alice checkpoints");
        assertEq(uint256(token.checkpoints(alice, 2)._key), START + 200, "alice last checkpoint key");
    }

    function test_getPastVotes_revertsOnFutureLookup() public {
        vm.expectRevert(abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, START, uint48(START)));
        token.getPastVotes(alice, START);
        vm.expectRevert(abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, START + 1, uint48(START)));
        token.getPastTotalSupply(START + 1);
    }

    function test_redelegate_movesVotes() public {
        vm.startPrank(alice);
        token.delegate(alice);
        vm.expectEmit(address(token));
        emit IVotes.DelegateChanged(alice, alice, bob);
        vm.expectEmit(address(token));
        emit IVotes.DelegateVotesChanged(alice, ALICE_GENESIS, 0);
        vm.expectEmit(address(token));
        emit IVotes.DelegateVotesChanged(bob, 0, ALICE_GENESIS);
        token.delegate(bob);
        vm.stopPrank();
        assertEq(token.getVotes(alice), 0, "alice");
        assertEq(token.getVotes(bob), ALICE_GENESIS, "bob");
    }

    function _delegationSig(uint256 key, address delegatee, uint256 nonce, uint256 expiry)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 structHash = keccak256(abi.encode(DELEGATION_TYPEHASH, delegatee, nonce, expiry));
        return vm.sign(key, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    function test_delegateBySig() public {
        uint256 expiry = block.timestamp + 1 days;
        (uint8 v, bytes32 r, bytes32 s) = _delegationSig(aliceKey, carol, 0, expiry);
        vm.expectEmit(address(token));
        emit IVotes.DelegateChanged(alice, address(0), carol);
        token.delegateBySig(carol, 0, expiry, v, r, s);
        assertEq(token.delegates(alice), carol, "delegate");
        assertEq(token.getVotes(carol), ALICE_GENESIS, "votes");
        assertEq(token.nonces(alice), 1, "nonce shared with permit");
    }

    function test_delegateBySig_revertsWhenExpired() public {
        uint256 expiry = block.timestamp - 1;
        (uint8 v, bytes32 r, bytes32 s) = _delegationSig(aliceKey, carol, 0, expiry);
        vm.expectRevert(abi.encodeWithSelector(IVotes.VotesExpiredSignature.selector, expiry));
        token.delegateBySig(carol, 0, expiry, v, r, s);
    }

    function test_delegateBySig_revertsOnWrongNonce() public {
        uint256 expiry = block.timestamp + 1;
        (uint8 v, bytes32 r, bytes32 s) = _delegationSig(aliceKey, carol, 1, expiry);
        vm.expectRevert(abi.encodeWithSelector(Nonces.InvalidAccountNonce.selector, alice, 0));
        token.delegateBySig(carol, 1, expiry, v, r, s);
    }

    function testFuzz_votesFollowBalances(uint256 transferAmount, uint256 burnAmount) public {
        transferAmount = bound(transferAmount, 0, ALICE_GENESIS);
        burnAmount = bound(burnAmount, 0, ALICE_GENESIS - transferAmount);
        vm.prank(alice);
        token.delegate(alice);
        vm.prank(bob);
        token.delegate(bob);
        vm.startPrank(alice);
        token.transfer(bob, transferAmount);
        token.burn(burnAmount);
        vm.stopPrank();
        assertEq(token.getVotes(alice), token.balanceOf(alice), "alice votes == balance");
        assertEq(token.getVotes(bob), token.balanceOf(bob), "bob votes == balance");
        vm.warp(START + 1);
        assertEq(token.getPastTotalSupply(START), token.totalSupply(), "past supply");
    }
}

// ---------------------------------------------------------------- invariant

/// @dev Drives the token through random mints (as minter), transfers, burns, burnFroms and delegations among a
/// fixed set of actors, keeping ghost totals.
contract TokenHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    Token public immutable token;
    address public immutable minter;
    address[] internal _actors;

    uint256 public ghostMinted;
    uint256 public ghostBurned;

    constructor(Token token_, address minter_, address[] memory actors_) {
        token = token_;
        minter = minter_;
        _actors = actors_;
    }

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % _actors.length];
    }

    function _bound(uint256 x, uint256 max) internal pure returns (uint256) {
        return max == type(uint256).max ? x : x % (max + 1);
    }

    function mint(uint256 toSeed, uint256 amount) external {
        amount = _bound(amount, token.cap() - token.totalMinted());
        vm.prank(minter);
        token.mint(_actor(toSeed), amount);
        ghostMinted += amount;
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        amount = _bound(amount, token.balanceOf(from));
        vm.prank(from);
        token.transfer(_actor(toSeed), amount);
    }

    function burn(uint256 fromSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        amount = _bound(amount, token.balanceOf(from));
        vm.prank(from);
        token.burn(amount);
        ghostBurned += amount;
    }

    function burnFrom(uint256 ownerSeed, uint256 spenderSeed, uint256 amount) external {
        address owner = _actor(ownerSeed);
        address spender = _actor(spenderSeed);
        amount = _bound(amount, token.balanceOf(owner));
        vm.prank(owner);
        token.approve(spender, amount);
        vm.prank(spender);
        token.burnFrom(owner, amount);
        ghostBurned += amount;
    }

    function delegate(uint256 fromSeed, uint256 toSeed) external {
        vm.prank(_actor(fromSeed));
        token.delegate(_actor(toSeed));
    }
}

contract TokenInvariantTest is TokenFixture {
    TokenHandler internal handler;

    function setUp() public override {
        super.setUp();
        address[] memory actors = new address[](4);
        actors[0] = alice;
        actors[1] = bob;
        actors[2] = carol;
        actors[3] = makeAddr("dave");
        handler = new TokenHandler(token, minter, actors);
        targetContract(address(handler));
    }

    function invariant_mintedEqualsBalancesPlusBurned() public view {
        address[] memory actors = handler.actors();
        uint256 sum;
        for (uint256 i = 0; i < actors.length; ++i) {
            sum += token.balanceOf(actors[i]);
        }
        assertEq(sum, token.totalSupply(), "balances == supply");
        assertEq(token.totalMinted(), sum + token.totalBurned(), "minted == balances + burned");
    }

    function invariant_mintedWithinCap() public view {
        assertLe(token.totalMinted(), token.cap(), "minted <= cap");
    }

    function invariant_ghostTotals() public view {
        assertEq(token.totalMinted(), GENESIS + handler.ghostMinted(), "minted == genesis + ghost mints");
        assertEq(token.totalBurned(), handler.ghostBurned(), "burned == ghost burns");
    }

    function invariant_votesEqualDelegatedBalances() public view {
        address[] memory actors = handler.actors();
        uint256 votes;
        uint256 delegated;
        for (uint256 i = 0; i < actors.length; ++i) {
            votes += token.getVotes(actors[i]);
            if (token.delegates(actors[i]) != address(0)) delegated += token.balanceOf(actors[i]);
        }
        assertEq(votes, delegated, "votes == delegated balances");
    }
}
