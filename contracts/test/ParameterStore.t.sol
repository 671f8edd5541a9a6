// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Governed} from "../src/Governed.sol";
import {ParameterStore} from "../src/ParameterStore.sol";
import {Test} from "./utils/Test.sol";

contract ParameterStoreTest is Test {
    ParameterStore internal store;
    address internal governance = makeAddr("governance");
    bytes32 internal constant SLASH = keccak256("oracle.slashAmount");
    bytes32 internal constant AUDIT = keccak256("gateway.auditShareBps");

    function setUp() public {
        bytes32[] memory keys = new bytes32[](1);
        keys[0] = SLASH;
        uint256[] memory values = new uint256[](1);
        values[0] = 100 ether;
        store = new ParameterStore(governance, keys, values);
    }

    function test_constructor_setsGenesisAndEmits() public {
        bytes32[] memory keys = new bytes32[](2);
        keys[0] = SLASH;
        keys[1] = AUDIT;
        uint256[] memory values = new uint256[](2);
        values[0] = 1;
        values[1] = 0;
        vm.expectEmit();
        emit ParameterStore.ParameterSet(SLASH, 1);
        vm.expectEmit();
        emit ParameterStore.ParameterSet(AUDIT, 0);
        ParameterStore s = new ParameterStore(governance, keys, values);
        assertEq(s.get(SLASH), 1, "slash");
        assertEq(s.get(AUDIT), 0, "zero is a value, not unset");
        assertTrue(s.isSet(AUDIT), "set");
    }

    function test_constructor_revertsOnLengthMismatch() public {
        vm.expectRevert(abi.encodeWithSelector(ParameterStore.ParameterStoreLengthMismatch.selector, 1, 0));
        new ParameterStore(governance, new bytes32[](1), new uint256[](0));
    }

    function test_constructor_revertsOnZeroGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedZeroAddress.selector));
        new ParameterStore(address(0), new bytes32[](0), new uint256[](0));
    }

    function test_set_byGovernance() public {
        vm.expectEmit(address(store));
        emit ParameterStore.ParameterSet(AUDIT, 2500);
        vm.prank(governance);
        store.set(AUDIT, 2500);
        assertEq(store.get(AUDIT), 2500, "audit");
    }

    function test_set_revertsForOthers() public {
        address stranger = makeAddr("stranger");
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorized.selector, stranger));
        vm.prank(stranger);
        store.set(SLASH, 0);
        assertEq(store.get(SLASH), 100 ether, "unchanged");
    }

    function test_get_revertsOnUnknownKey() public {
        vm.expectRevert(abi.encodeWithSelector(ParameterStore.ParameterStoreUnknownKey.selector, AUDIT));
        store.get(AUDIT);
        assertFalse(store.isSet(AUDIT), "unset");
    }

    function test_getMany() public {
        vm.prank(governance);
        store.set(AUDIT, 7);
        bytes32[] memory keys = new bytes32[](2);
        keys[0] = AUDIT;
        keys[1] = SLASH;
        uint256[] memory values = store.getMany(keys);
        assertEq(values[0], 7, "audit");
        assertEq(values[1], 100 ether, "slash");
        keys[1] = keccak256("nope");
        vm.expectRevert(abi.encodeWithSelector(ParameterStore.ParameterStoreUnknownKey.selector, keys[1]));
        store.getMany(keys);
    }

    function testFuzz_set_anyValueRoundTrips(bytes32 key, uint256 value) public {
        vm.prank(governance);
        store.set(key, value);
        assertEq(store.get(key), value, "value");
        assertTrue(store.isSet(key), "set");
    }
}
