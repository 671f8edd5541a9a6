// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SystemFixture} from "./utils/System.sol";

/// @notice The contracts together, deployed as production deploys them.
contract SystemTest is SystemFixture {
    function setUp() public {
        _deploySystem(3, 2);
    }

    function test_deploy_leavesNoAdmin() public view {
        assertFalse(timelock.hasRole(timelock.DEFAULT_ADMIN_ROLE(), address(this)), "deployer admin");
        assertTrue(timelock.hasRole(timelock.PROPOSER_ROLE(), address(governor)), "governor proposer");
        assertEq(token.minter(), address(rewards), "minter");
        assertEq(registry.rewards(), address(rewards), "registry rewards");
    }
}
