// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Test} from "./utils/Test.sol";
import {Governed} from "../src/Governed.sol";
import {Token} from "../src/Token.sol";
import {Treasury} from "../src/Treasury.sol";

/// @dev An ERC-20 whose transfer returns false instead of reverting (SafeERC20 must catch it).
contract FalseReturningToken {
    function transfer(address, uint256) external pure returns (bool) {
        return false;
    }
}

contract TreasuryTest is Test {
    uint256 internal constant FUNDS = 10_000e18;

    Token internal token;
    Treasury internal treasury;
    address internal timelock;
    address internal recipient;

    function setUp() public {
        timelock = makeAddr("timelock");
        recipient = makeAddr("recipient");
        treasury = new Treasury(timelock);
        address[] memory holders = new address[](1);
        holders[0] = address(treasury);
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = FUNDS;
        token = new Token("Groundwork", "GRND", 1_000_000e18, makeAddr("rewards"), holders, amounts);
    }

    function test_constructor_setsGovernance() public view {
        assertEq(treasury.governance(), timelock, "governance");
    }

    function test_constructor_revertsOnZeroGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedZeroAddress.selector));
        new Treasury(address(0));
    }

    function test_release_paysRecipient() public {
        vm.expectEmit(address(token));
        emit IERC20.Transfer(address(treasury), recipient, 2_500e18);
        vm.expectEmit(address(treasury));
        emit Treasury.TreasuryReleased(token, recipient, 2_500e18);
        vm.prank(timelock);
        treasury.release(token, recipient, 2_500e18);
        assertEq(token.balanceOf(recipient), 2_500e18, "recipient");
        assertEq(token.balanceOf(address(treasury)), FUNDS - 2_500e18, "treasury");
        assertEq(token.totalSupply(), FUNDS, "supply unchanged");
    }

    function test_release_everything() public {
        vm.prank(timelock);
        treasury.release(token, recipient, FUNDS);
        assertEq(token.balanceOf(address(treasury)), 0, "treasury emptied");
        assertEq(token.balanceOf(recipient), FUNDS, "recipient");
    }

    function test_release_revertsForNonGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorized.selector, recipient));
        vm.prank(recipient);
        treasury.release(token, recipient, 1);
    }

    function test_release_revertsOnZeroToken() public {
        vm.expectRevert(abi.encodeWithSelector(Treasury.TreasuryZeroToken.selector));
        vm.prank(timelock);
        treasury.release(IERC20(address(0)), recipient, 1);
    }

    function test_release_revertsOnZeroRecipient() public {
        vm.expectRevert(abi.encodeWithSelector(Treasury.TreasuryZeroRecipient.selector));
        vm.prank(timelock);
        treasury.release(token, address(0), 1);
    }

    function test_release_revertsOnInsufficientBalance() public {
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, address(treasury), FUNDS, FUNDS + 1)
        );
        vm.prank(timelock);
        treasury.release(token, recipient, FUNDS + 1);
    }

    function test_release_revertsWhenTokenReturnsFalse() public {
        FalseReturningToken bad = new FalseReturningToken();
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(bad)));
        vm.prank(timelock);
        treasury.release(IERC20(address(bad)), recipient, 1);
    }

    function testFuzz_release(uint256 amount, address to) public {
        vm.assume(to != address(0) && to != address(treasury));
        amount = bound(amount, 0, FUNDS);
        uint256 before = token.balanceOf(to);
        vm.prank(timelock);
        treasury.release(token, to, amount);
        assertEq(token.balanceOf(to), before + amount, "recipient");
        assertEq(token.balanceOf(address(treasury)), FUNDS - amount, "treasury");
    }

    function testFuzz_release_onlyGovernance(address caller) public {
        vm.assume(caller != timelock);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorized.selector, caller));
        vm.prank(caller);
        treasury.release(token, recipient, 1);
    }
}
