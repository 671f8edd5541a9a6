// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {Governed} from "../src/Governed.sol";
import {ProviderRegistry} from "../src/ProviderRegistry.sol";
import {Test} from "./utils/Test.sol";

/// @dev A plain ERC20 anyone can mint, standing in for the real Token.
contract TestToken is ERC20 {
    constructor() ERC20("Test Token", "TEST") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

abstract contract RegistryFixture is Test {
    bytes32 internal constant COMPUTE = keccak256("compute");
    bytes32 internal constant STORAGE = keccak256("storage");
    bytes32 internal constant RENDER = keccak256("render");
    bytes32 internal constant DISABLED = keccak256("disabled");

    uint256 internal constant COMPUTE_MIN = 100e18;
    uint256 internal constant STORAGE_MIN = 50e18;
    uint256 internal constant RENDER_MIN = 200e18;

    uint64 internal constant UNBONDING = 7 days;
    uint64 internal constant JAIL = 1 days;
    uint256 internal constant START = 1_700_000_000;

    /// @dev Canonical example cells from the H3 documentation (resolution 9 and 5).
    uint64 internal constant CELL_RES9 = 0x8928308280fffff;
    uint64 internal constant CELL_RES5 = 0x85283473fffffff;
    /// @dev Base cell 0 at resolution 0: every digit unused (7).
    uint64 internal constant CELL_RES0 = 0x8001fffffffffff;

    TestToken internal token;
    ProviderRegistry internal registry;
    address internal governance;
    address internal treasury;
    address internal rewards;

    function _deploy() internal {
        vm.warp(START);
        governance = makeAddr("governance");
        treasury = makeAddr("treasury");
        rewards = makeAddr("rewards");
        token = new TestToken();
        registry = new ProviderRegistry(
            IERC20(address(token)), governance, treasury, rewards, UNBONDING, JAIL, new bytes32[](0), new uint256[](0)
        );
        vm.startPrank(governance);
        registry.setMinStake(COMPUTE, COMPUTE_MIN);
        registry.setMinStake(STORAGE, STORAGE_MIN);
        registry.setMinStake(RENDER, RENDER_MIN);
        vm.stopPrank();
    }

    function _sig() internal pure returns (bytes memory) {
        return abi.encodePacked(keccak256("r"), keccak256("s"));
    }

    function _types(bytes32 a) internal pure returns (bytes32[] memory types) {
        types = new bytes32[](1);
        types[0] = a;
    }

    function _types(bytes32 a, bytes32 b) internal pure returns (bytes32[] memory types) {
        types = new bytes32[](2);
        types[0] = a;
        types[1] = b;
    }

    function _fund(address account, uint256 amount) internal {
        token.mint(account, amount);
        vm.prank(account);
        token.approve(address(registry), type(uint256).max);
    }

    function _register(address owner, bytes32 nodeKey, bytes32[] memory types, uint256 stake) internal {
        _fund(owner, stake);
        vm.prank(owner);
        registry.register(nodeKey, types, "https://node.example:8443", CELL_RES9, stake, _sig());
    }
}

contract ProviderRegistryTest is RegistryFixture {
    bytes32 internal constant KEY = keccak256("node-1");
    bytes32 internal constant KEY2 = keccak256("node-2");
    address internal alice;
    address internal bob;

    function setUp() public {
        _deploy();
        alice = makeAddr("alice");
        bob = makeAddr("bob");
    }

    // ================================================================ constructor

    function test_constructor_setsImmutablesAndPeriods() public view {
        assertEq(address(registry.token()), address(token), "token");
        assertEq(registry.governance(), governance, "governance");
        assertEq(registry.treasury(), treasury, "treasury");
        assertEq(registry.rewards(), rewards, "rewards");
        assertEq(registry.unbondingPeriod(), UNBONDING, "unbonding period");
        assertEq(registry.jailDuration(), JAIL, "jail duration");
        assertEq(registry.providerCount(), 0, "count");
        assertEq(registry.MAX_RESOURCE_TYPES(), 16, "max types");
        assertEq(registry.MAX_ENDPOINT_LENGTH(), 256, "max endpoint");
        assertEq(registry.NODE_SIG_LENGTH(), 64, "sig length");
        assertEq(registry.MAX_PERIOD(), 365 days, "max period");
    }

    function test_constructor_emitsPeriods() public {
        vm.expectEmit();
        emit ProviderRegistry.UnbondingPeriodSet(3 days);
        vm.expectEmit();
        emit ProviderRegistry.JailDurationSet(2 hours);
        new ProviderRegistry(
            IERC20(address(token)), governance, treasury, rewards, 3 days, 2 hours, new bytes32[](0), new uint256[](0)
        );
    }

    function test_constructor_setsGenesisMinStakes() public {
        bytes32[] memory types = new bytes32[](2);
        types[0] = keccak256("alpha");
        types[1] = keccak256("beta");
        uint256[] memory mins = new uint256[](2);
        mins[0] = 5 ether;
        mins[1] = 7 ether;
        vm.expectEmit();
        emit ProviderRegistry.MinStakeSet(types[0], 5 ether);
        vm.expectEmit();
        emit ProviderRegistry.MinStakeSet(types[1], 7 ether);
        ProviderRegistry r =
            new ProviderRegistry(IERC20(address(token)), governance, treasury, rewards, UNBONDING, JAIL, types, mins);
        assertEq(r.minStake(types[0]), 5 ether, "alpha");
        assertEq(r.minStake(types[1]), 7 ether, "beta");
        assertEq(r.requiredStake(types), 7 ether, "required");
    }

    function test_constructor_revertsOnGenesisLengthMismatch() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryLengthMismatch.selector, 1, 0));
        new ProviderRegistry(
            IERC20(address(token)), governance, treasury, rewards, UNBONDING, JAIL, new bytes32[](1), new uint256[](0)
        );
    }

    function test_constructor_revertsOnZeroToken() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryZeroAddress.selector));
        new ProviderRegistry(
            IERC20(address(0)), governance, treasury, rewards, UNBONDING, JAIL, new bytes32[](0), new uint256[](0)
        );
    }

    function test_constructor_revertsOnZeroTreasury() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryZeroAddress.selector));
        new ProviderRegistry(
            IERC20(address(token)), governance, address(0), rewards, UNBONDING, JAIL, new bytes32[](0), new uint256[](0)
        );
    }

    function test_constructor_revertsOnZeroRewards() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryZeroAddress.selector));
        new ProviderRegistry(
            IERC20(address(token)),
            governance,
            treasury,
            address(0),
            UNBONDING,
            JAIL,
            new bytes32[](0),
            new uint256[](0)
        );
    }

    function test_constructor_revertsOnZeroGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedZeroAddress.selector));
        new ProviderRegistry(
            IERC20(address(token)), address(0), treasury, rewards, UNBONDING, JAIL, new bytes32[](0), new uint256[](0)
        );
    }

    function test_constructor_revertsOnLongPeriods() public {
        uint64 tooLong = 365 days + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryPeriodTooLong.selector, tooLong, 365 days)
        );
        new ProviderRegistry(
            IERC20(address(token)), governance, treasury, rewards, tooLong, JAIL, new bytes32[](0), new uint256[](0)
        );
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryPeriodTooLong.selector, tooLong, 365 days)
        );
        new ProviderRegistry(
            IERC20(address(token)),
            governance,
            treasury,
            rewards,
            UNBONDING,
            tooLong,
            new bytes32[](0),
            new uint256[](0)
        );
    }

    // ================================================================ register

    function test_register_storesProviderAndPullsStake() public {
        bytes32[] memory types = _types(COMPUTE, STORAGE);
        uint256 stake = 150e18;
        _fund(alice, stake + 1e18);

        vm.expectEmit(address(registry));
        emit ProviderRegistry.ProviderRegistered(KEY, alice, types, "https://a.example", CELL_RES5, stake, _sig());
        vm.prank(alice);
        registry.register(KEY, types, "https://a.example", CELL_RES5, stake, _sig());

        assertEq(token.balanceOf(alice), 1e18, "owner balance");
        assertEq(token.balanceOf(address(registry)), stake, "registry balance");

        ProviderRegistry.Provider memory p = registry.getProvider(KEY);
        assertEq(p.owner, alice, "owner");
        assertEq(p.stake, stake, "stake");
        assertEq(p.unbonding, 0, "unbonding");
        assertEq(p.unbondingReleaseTime, 0, "release");
        assertEq(p.jailedUntil, 0, "jailed");
        assertEq(p.h3Cell, CELL_RES5, "cell");
        assertEq(p.endpoint, "https://a.example", "endpoint");
        assertEq(p.nodeSig, _sig(), "sig");
        assertEq(p.resourceTypes.length, 2, "types length");
        assertEq(p.resourceTypes[0], COMPUTE, "type 0");
        assertEq(p.resourceTypes[1], STORAGE, "type 1");

        assertTrue(registry.isRegistered(KEY), "registered");
        assertTrue(registry.isActive(KEY), "active");
        assertEq(registry.providerCount(), 1, "count");
        assertEq(registry.providerAt(0), KEY, "at 0");
    }

    function test_register_acceptsExactMinimumNoCellEmptyEndpointMaxTypesAndEndpoint() public {
        // Exactly the required stake, no H3 cell, empty endpoint.
        _fund(alice, 1_000e18);
        vm.prank(alice);
        registry.register(KEY, _types(RENDER, STORAGE), "", 0, RENDER_MIN, _sig());
        assertEq(registry.getProvider(KEY).stake, RENDER_MIN, "stake");
        assertEq(registry.getProvider(KEY).h3Cell, 0, "cell");
        assertTrue(registry.isActive(KEY), "active");

        // MAX_RESOURCE_TYPES types and a MAX_ENDPOINT_LENGTH endpoint.
        bytes32[] memory types = new bytes32[](16);
        vm.startPrank(governance);
        for (uint256 i = 0; i < 16; ++i) {
            types[i] = bytes32(i + 1);
            registry.setMinStake(types[i], 1e18);
        }
        vm.stopPrank();
        string memory endpoint = string(new bytes(256));
        vm.prank(alice);
        registry.register(KEY2, types, endpoint, CELL_RES0, 1e18, _sig());
        assertEq(registry.getProvider(KEY2).resourceTypes.length, 16, "types");
        assertEq(bytes(registry.getProvider(KEY2).endpoint).length, 256, "endpoint");
        assertEq(registry.providerCount(), 2, "count");
        assertEq(registry.providerAt(1), KEY2, "at 1");
    }

    function test_register_revertsOnZeroNodeKey() public {
        _fund(alice, COMPUTE_MIN);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryZeroNodeKey.selector));
        vm.prank(alice);
        registry.register(bytes32(0), _types(COMPUTE), "", 0, COMPUTE_MIN, _sig());
    }

    function test_register_revertsWhenAlreadyRegistered() public {
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        _fund(bob, COMPUTE_MIN);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryAlreadyRegistered.selector, KEY));
        vm.prank(bob);
        registry.register(KEY, _types(COMPUTE), "", 0, COMPUTE_MIN, _sig());
    }

    function test_register_revertsOnBadSignatureLength() public {
        _fund(alice, COMPUTE_MIN);
        uint256[4] memory lengths = [uint256(0), 63, 65, 96];
        for (uint256 i = 0; i < lengths.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInvalidNodeSignature.selector, lengths[i])
            );
            vm.prank(alice);
            registry.register(KEY, _types(COMPUTE), "", 0, COMPUTE_MIN, new bytes(lengths[i]));
        }
    }

    function test_register_revertsOnNoResourceTypes() public {
        _fund(alice, COMPUTE_MIN);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNoResourceTypes.selector));
        vm.prank(alice);
        registry.register(KEY, new bytes32[](0), "", 0, COMPUTE_MIN, _sig());
    }

    function test_register_revertsOnTooManyResourceTypes() public {
        _fund(alice, COMPUTE_MIN);
        bytes32[] memory types = new bytes32[](17);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryTooManyResourceTypes.selector, 17, 16));
        vm.prank(alice);
        registry.register(KEY, types, "", 0, COMPUTE_MIN, _sig());
    }

    function test_register_revertsOnDuplicateResourceType() public {
        _fund(alice, 1_000e18);
        bytes32[] memory types = new bytes32[](3);
        types[0] = COMPUTE;
        types[1] = STORAGE;
        types[2] = COMPUTE;
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryDuplicateResourceType.selector, COMPUTE)
        );
        vm.prank(alice);
        registry.register(KEY, types, "", 0, 1_000e18, _sig());
    }

    function test_register_revertsOnUnknownResourceType() public {
        _fund(alice, 1_000e18);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnknownResourceType.selector, DISABLED));
        vm.prank(alice);
        registry.register(KEY, _types(COMPUTE, DISABLED), "", 0, 1_000e18, _sig());
    }

    function test_register_revertsOnTypeDisabledByGovernance() public {
        vm.prank(governance);
        registry.setMinStake(STORAGE, 0);
        _fund(alice, 1_000e18);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnknownResourceType.selector, STORAGE));
        vm.prank(alice);
        registry.register(KEY, _types(STORAGE), "", 0, 1_000e18, _sig());
    }

    function test_register_revertsOnLongEndpoint() public {
        _fund(alice, COMPUTE_MIN);
        string memory endpoint = string(new bytes(257));
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryEndpointTooLong.selector, 257, 256));
        vm.prank(alice);
        registry.register(KEY, _types(COMPUTE), endpoint, 0, COMPUTE_MIN, _sig());
    }

    function test_register_revertsOnInvalidH3Cell() public {
        _fund(alice, COMPUTE_MIN);
        uint64[5] memory bad = [
            CELL_RES9 | (uint64(1) << 63), // reserved bit set
            (CELL_RES9 & ~(uint64(0xF) << 59)) | (uint64(2) << 59), // mode 2 (directed edge)
            uint64(1),
            type(uint64).max,
            CELL_RES9 | (uint64(0x7) << 18) // digit 9 = 7 inside resolution 9
        ];
        for (uint256 i = 0; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInvalidH3Cell.selector, bad[i]));
            vm.prank(alice);
            registry.register(KEY, _types(COMPUTE), "", bad[i], COMPUTE_MIN, _sig());
        }
    }

    function test_register_revertsOnInsufficientStake() public {
        _fund(alice, 1_000e18);
        vm.expectRevert(
            abi.encodeWithSelector(
                ProviderRegistry.ProviderRegistryInsufficientStake.selector, RENDER_MIN - 1, RENDER_MIN
            )
        );
        vm.prank(alice);
        registry.register(KEY, _types(COMPUTE, RENDER), "", 0, RENDER_MIN - 1, _sig());
    }

    function test_register_revertsWithoutAllowance() public {
        token.mint(alice, COMPUTE_MIN);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(registry), 0, COMPUTE_MIN)
        );
        vm.prank(alice);
        registry.register(KEY, _types(COMPUTE), "", 0, COMPUTE_MIN, _sig());
    }

    function test_register_revertsWithoutBalance() public {
        _fund(alice, COMPUTE_MIN - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, COMPUTE_MIN - 1, COMPUTE_MIN)
        );
        vm.prank(alice);
        registry.register(KEY, _types(COMPUTE), "", 0, COMPUTE_MIN, _sig());
    }

    // ================================================================ updateOffer

    function test_updateOffer_replacesOffer() public {
        _register(alice, KEY, _types(COMPUTE, RENDER), RENDER_MIN);
        bytes32[] memory types = _types(STORAGE);

        vm.expectEmit(address(registry));
        emit ProviderRegistry.OfferUpdated(KEY, types, "tcp://b.example:9000", 0);
        vm.prank(alice);
        registry.updateOffer(KEY, types, "tcp://b.example:9000", 0);

        ProviderRegistry.Provider memory p = registry.getProvider(KEY);
        assertEq(p.resourceTypes.length, 1, "types");
        assertEq(p.resourceTypes[0], STORAGE, "type");
        assertEq(p.endpoint, "tcp://b.example:9000", "endpoint");
        assertEq(p.h3Cell, 0, "cell");
        assertEq(p.stake, RENDER_MIN, "stake unchanged");
        assertEq(p.owner, alice, "owner unchanged");
        assertEq(p.nodeSig, _sig(), "sig unchanged");
        assertEq(token.balanceOf(address(registry)), RENDER_MIN, "no token movement");
    }

    function test_updateOffer_revertsWhenStakeDoesNotCoverNewTypes() public {
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInsufficientStake.selector, COMPUTE_MIN, RENDER_MIN)
        );
        vm.prank(alice);
        registry.updateOffer(KEY, _types(RENDER), "", 0);
    }

    function test_updateOffer_revertsForNonOwner() public {
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotOwner.selector, KEY, bob));
        vm.prank(bob);
        registry.updateOffer(KEY, _types(COMPUTE), "", 0);
    }

    function test_updateOffer_revertsForUnknownProvider() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnknownProvider.selector, KEY));
        vm.prank(alice);
        registry.updateOffer(KEY, _types(COMPUTE), "", 0);
    }

    function test_updateOffer_validatesOffer() public {
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNoResourceTypes.selector));
        registry.updateOffer(KEY, new bytes32[](0), "", 0);
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryDuplicateResourceType.selector, COMPUTE)
        );
        registry.updateOffer(KEY, _types(COMPUTE, COMPUTE), "", 0);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnknownResourceType.selector, DISABLED));
        registry.updateOffer(KEY, _types(DISABLED), "", 0);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryEndpointTooLong.selector, 300, 256));
        registry.updateOffer(KEY, _types(COMPUTE), string(new bytes(300)), 0);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInvalidH3Cell.selector, uint64(5)));
        registry.updateOffer(KEY, _types(COMPUTE), "", 5);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryTooManyResourceTypes.selector, 20, 16));
        registry.updateOffer(KEY, new bytes32[](20), "", 0);
        vm.stopPrank();
    }

    function test_updateOffer_afterFullUnbondNeedsStakeFirst() public {
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        vm.startPrank(alice);
        registry.unbond(KEY, COMPUTE_MIN);
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInsufficientStake.selector, 0, STORAGE_MIN)
        );
        registry.updateOffer(KEY, _types(STORAGE), "", 0);
        vm.stopPrank();
        _fund(alice, STORAGE_MIN);
        vm.startPrank(alice);
        registry.addStake(KEY, STORAGE_MIN);
        registry.updateOffer(KEY, _types(STORAGE), "", 0);
        vm.stopPrank();
        assertTrue(registry.isActive(KEY), "active again");
    }

    // ================================================================ addStake

    function test_addStake_bondsMore() public {
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        _fund(alice, 30e18);

        vm.expectEmit(address(registry));
        emit ProviderRegistry.StakeAdded(KEY, 30e18, COMPUTE_MIN + 30e18);
        vm.prank(alice);
        registry.addStake(KEY, 30e18);

        assertEq(registry.getProvider(KEY).stake, COMPUTE_MIN + 30e18, "stake");
        assertEq(token.balanceOf(alice), 0, "owner balance");
        assertEq(token.balanceOf(address(registry)), COMPUTE_MIN + 30e18, "registry balance");
    }

    function test_addStake_revertsOnZero() public {
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryZeroAmount.selector));
        vm.prank(alice);
        registry.addStake(KEY, 0);
    }

    function test_addStake_revertsForNonOwner() public {
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        _fund(bob, 1e18);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotOwner.selector, KEY, bob));
        vm.prank(bob);
        registry.addStake(KEY, 1e18);
    }

    function test_addStake_revertsForUnknownProvider() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnknownProvider.selector, KEY));
        vm.prank(alice);
        registry.addStake(KEY, 1e18);
    }

    // ================================================================ unbond

    function test_unbond_movesStakeToUnbonding() public {
        _register(alice, KEY, _types(COMPUTE), 150e18);
        uint64 release = uint64(block.timestamp) + UNBONDING;

        vm.expectEmit(address(registry));
        emit ProviderRegistry.UnbondingStarted(KEY, 50e18, 100e18, 50e18, release);
        vm.prank(alice);
        registry.unbond(KEY, 50e18);

        ProviderRegistry.Provider memory p = registry.getProvider(KEY);
        assertEq(p.stake, 100e18, "stake");
        assertEq(p.unbonding, 50e18, "unbonding");
        assertEq(p.unbondingReleaseTime, release, "release");
        assertEq(token.balanceOf(address(registry)), 150e18, "tokens stay");
        assertTrue(registry.isActive(KEY), "still active");
    }

    function test_unbond_allMakesInactive() public {
        _register(alice, KEY, _types(COMPUTE), 150e18);
        vm.prank(alice);
        registry.unbond(KEY, 150e18);
        assertEq(registry.getProvider(KEY).stake, 0, "stake");
        assertEq(registry.getProvider(KEY).unbonding, 150e18, "unbonding");
        assertFalse(registry.isActive(KEY), "inactive");
        assertTrue(registry.isRegistered(KEY), "still registered");
    }

    function test_unbond_againAddsAndResetsReleaseTime() public {
        _register(alice, KEY, _types(COMPUTE), 300e18);
        vm.prank(alice);
        registry.unbond(KEY, 50e18);
        vm.warp(block.timestamp + 3 days);
        uint64 release = uint64(block.timestamp) + UNBONDING;

        vm.expectEmit(address(registry));
        emit ProviderRegistry.UnbondingStarted(KEY, 70e18, 180e18, 120e18, release);
        vm.prank(alice);
        registry.unbond(KEY, 70e18);

        assertEq(registry.getProvider(KEY).unbonding, 120e18, "unbonding");
        assertEq(registry.getProvider(KEY).unbondingReleaseTime, release, "release reset");
    }

    function test_unbond_usesCurrentPeriod() public {
        _register(alice, KEY, _types(COMPUTE), 300e18);
        vm.prank(governance);
        registry.setUnbondingPeriod(0);
        vm.prank(alice);
        registry.unbond(KEY, 10e18);
        assertEq(registry.getProvider(KEY).unbondingReleaseTime, block.timestamp, "release now");
        vm.prank(alice);
        registry.withdrawUnbonded(KEY);
        assertEq(token.balanceOf(alice), 10e18, "withdrawn at once");
    }

    function test_unbond_revertsWhenRemainderBelowMinimum() public {
        _register(alice, KEY, _types(COMPUTE, STORAGE), 150e18);
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInsufficientStake.selector, 100e18 - 1, COMPUTE_MIN)
        );
        vm.prank(alice);
        registry.unbond(KEY, 50e18 + 1);
    }

    function test_unbond_revertsWhenExceedingStake() public {
        _register(alice, KEY, _types(COMPUTE), 150e18);
        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnbondExceedsStake.selector, 150e18 + 1, 150e18)
        );
        vm.prank(alice);
        registry.unbond(KEY, 150e18 + 1);
    }

    function test_unbond_revertsOnZero() public {
        _register(alice, KEY, _types(COMPUTE), 150e18);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryZeroAmount.selector));
        vm.prank(alice);
        registry.unbond(KEY, 0);
    }

    function test_unbond_revertsForNonOwner() public {
        _register(alice, KEY, _types(COMPUTE), 150e18);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotOwner.selector, KEY, bob));
        vm.prank(bob);
        registry.unbond(KEY, 1e18);
    }

    function test_unbond_revertsForUnknownProvider() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnknownProvider.selector, KEY));
        vm.prank(alice);
        registry.unbond(KEY, 1e18);
    }

    function test_unbond_allowedWhileJailed() public {
        _register(alice, KEY, _types(COMPUTE), 150e18);
        vm.prank(rewards);
        registry.jail(KEY);
        vm.prank(alice);
        registry.unbond(KEY, 150e18);
        assertEq(registry.getProvider(KEY).unbonding, 150e18, "unbonding");
    }

    // ================================================================ withdrawUnbonded

    function test_withdrawUnbonded_paysOwnerAfterRelease() public {
        _register(alice, KEY, _types(COMPUTE), 150e18);
        vm.prank(alice);
        registry.unbond(KEY, 50e18);
        vm.warp(block.timestamp + UNBONDING);

        vm.expectEmit(address(registry));
        emit ProviderRegistry.UnbondedWithdrawn(KEY, alice, 50e18);
        vm.prank(alice);
        registry.withdrawUnbonded(KEY);

        assertEq(token.balanceOf(alice), 50e18, "owner balance");
        assertEq(token.balanceOf(address(registry)), 100e18, "registry balance");
        ProviderRegistry.Provider memory p = registry.getProvider(KEY);
        assertEq(p.unbonding, 0, "unbonding");
        assertEq(p.unbondingReleaseTime, 0, "release cleared");
        assertEq(p.stake, 100e18, "stake");
    }

    function test_withdrawUnbonded_revertsBeforeRelease() public {
        _register(alice, KEY, _types(COMPUTE), 150e18);
        vm.prank(alice);
        registry.unbond(KEY, 50e18);
        uint256 release = block.timestamp + UNBONDING;
        vm.warp(release - 1);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryStillUnbonding.selector, release));
        vm.prank(alice);
        registry.withdrawUnbonded(KEY);
    }

    function test_withdrawUnbonded_revertsWhenNothingUnbonding() public {
        _register(alice, KEY, _types(COMPUTE), 150e18);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNothingToWithdraw.selector, KEY));
        vm.prank(alice);
        registry.withdrawUnbonded(KEY);
    }

    function test_withdrawUnbonded_revertsTwice() public {
        _register(alice, KEY, _types(COMPUTE), 150e18);
        vm.prank(alice);
        registry.unbond(KEY, 50e18);
        vm.warp(block.timestamp + UNBONDING);
        vm.startPrank(alice);
        registry.withdrawUnbonded(KEY);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNothingToWithdraw.selector, KEY));
        registry.withdrawUnbonded(KEY);
        vm.stopPrank();
    }

    function test_withdrawUnbonded_revertsForNonOwner() public {
        _register(alice, KEY, _types(COMPUTE), 150e18);
        vm.prank(alice);
        registry.unbond(KEY, 50e18);
        vm.warp(block.timestamp + UNBONDING);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNotOwner.selector, KEY, bob));
        vm.prank(bob);
        registry.withdrawUnbonded(KEY);
    }

    function test_withdrawUnbonded_revertsForUnknownProvider() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnknownProvider.selector, KEY));
        vm.prank(alice);
        registry.withdrawUnbonded(KEY);
    }

    // ================================================================ jail

    function test_jail_jailsForDuration() public {
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        uint64 until = uint64(block.timestamp) + JAIL;

        vm.expectEmit(address(registry));
        emit ProviderRegistry.ProviderJailed(KEY, until);
        vm.prank(rewards);
        registry.jail(KEY);

        assertEq(registry.getProvider(KEY).jailedUntil, until, "until");
        assertFalse(registry.isActive(KEY), "jailed");
        vm.warp(until - 1);
        assertFalse(registry.isActive(KEY), "still jailed");
        vm.warp(until);
        assertTrue(registry.isActive(KEY), "released");
    }

    function test_jail_extendsButNeverShortens() public {
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        vm.prank(rewards);
        registry.jail(KEY);
        uint64 first = uint64(block.timestamp) + JAIL;

        // A later jail extends.
        vm.warp(block.timestamp + 1 hours);
        uint64 second = uint64(block.timestamp) + JAIL;
        vm.expectEmit(address(registry));
        emit ProviderRegistry.ProviderJailed(KEY, second);
        vm.prank(rewards);
        registry.jail(KEY);
        assertEq(registry.getProvider(KEY).jailedUntil, second, "extended");
        assertGt(second, first, "later");

        // A shorter duration keeps the longer term.
        vm.prank(governance);
        registry.setJailDuration(1 minutes);
        vm.expectEmit(address(registry));
        emit ProviderRegistry.ProviderJailed(KEY, second);
        vm.prank(rewards);
        registry.jail(KEY);
        assertEq(registry.getProvider(KEY).jailedUntil, second, "kept");
    }

    function test_jail_revertsForNonRewards() public {
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryOnlyRewards.selector, governance));
        vm.prank(governance);
        registry.jail(KEY);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryOnlyRewards.selector, alice));
        vm.prank(alice);
        registry.jail(KEY);
    }

    function test_jail_revertsForUnknownProvider() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnknownProvider.selector, KEY));
        vm.prank(rewards);
        registry.jail(KEY);
    }

    // ================================================================ slash

    function test_slash_takesFromBondedFirst() public {
        _register(alice, KEY, _types(COMPUTE), 300e18);
        vm.prank(alice);
        registry.unbond(KEY, 100e18);

        vm.expectEmit(address(registry));
        emit ProviderRegistry.ProviderSlashed(KEY, 150e18, 150e18);
        vm.prank(rewards);
        uint256 slashed = registry.slash(KEY, 150e18);

        assertEq(slashed, 150e18, "slashed");
        assertEq(registry.getProvider(KEY).stake, 50e18, "stake");
        assertEq(registry.getProvider(KEY).unbonding, 100e18, "unbonding untouched");
        assertEq(token.balanceOf(treasury), 150e18, "treasury");
        assertEq(token.balanceOf(address(registry)), 150e18, "registry");
        assertFalse(registry.isActive(KEY), "below minimum");
    }

    function test_slash_thenTakesFromUnbonding() public {
        _register(alice, KEY, _types(COMPUTE), 300e18);
        vm.prank(alice);
        registry.unbond(KEY, 100e18);
        uint64 release = registry.getProvider(KEY).unbondingReleaseTime;

        vm.expectEmit(address(registry));
        emit ProviderRegistry.ProviderSlashed(KEY, 250e18, 250e18);
        vm.prank(rewards);
        uint256 slashed = registry.slash(KEY, 250e18);

        assertEq(slashed, 250e18, "slashed");
        assertEq(registry.getProvider(KEY).stake, 0, "stake");
        assertEq(registry.getProvider(KEY).unbonding, 50e18, "unbonding");
        assertEq(registry.getProvider(KEY).unbondingReleaseTime, release, "release kept");
        assertEq(token.balanceOf(treasury), 250e18, "treasury");
        assertEq(token.balanceOf(address(registry)), 50e18, "registry");
    }

    function test_slash_neverMoreThanHeld() public {
        _register(alice, KEY, _types(COMPUTE), 300e18);
        vm.prank(alice);
        registry.unbond(KEY, 100e18);

        vm.expectEmit(address(registry));
        emit ProviderRegistry.ProviderSlashed(KEY, type(uint256).max, 300e18);
        vm.prank(rewards);
        uint256 slashed = registry.slash(KEY, type(uint256).max);

        assertEq(slashed, 300e18, "slashed");
        assertEq(registry.getProvider(KEY).stake, 0, "stake");
        assertEq(registry.getProvider(KEY).unbonding, 0, "unbonding");
        assertEq(token.balanceOf(treasury), 300e18, "treasury");
        assertEq(token.balanceOf(address(registry)), 0, "registry");

        // Nothing left: slashes 0 without reverting, still emits.
        vm.expectEmit(address(registry));
        emit ProviderRegistry.ProviderSlashed(KEY, 1e18, 0);
        vm.prank(rewards);
        assertEq(registry.slash(KEY, 1e18), 0, "nothing left");
        assertEq(token.balanceOf(treasury), 300e18, "treasury unchanged");

        // The unbonding was slashed to zero: nothing is left to withdraw.
        vm.warp(block.timestamp + UNBONDING);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryNothingToWithdraw.selector, KEY));
        vm.prank(alice);
        registry.withdrawUnbonded(KEY);
    }

    function test_slash_zeroAmount() public {
        _register(alice, KEY, _types(COMPUTE), 300e18);
        vm.expectEmit(address(registry));
        emit ProviderRegistry.ProviderSlashed(KEY, 0, 0);
        vm.prank(rewards);
        assertEq(registry.slash(KEY, 0), 0, "zero");
        assertEq(registry.getProvider(KEY).stake, 300e18, "stake");
    }

    function test_slash_revertsForNonRewards() public {
        _register(alice, KEY, _types(COMPUTE), 300e18);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryOnlyRewards.selector, alice));
        vm.prank(alice);
        registry.slash(KEY, 1e18);
    }

    function test_slash_revertsForUnknownProvider() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryUnknownProvider.selector, KEY));
        vm.prank(rewards);
        registry.slash(KEY, 1e18);
    }

    // ================================================================ governance

    function test_setMinStake_setsAndEmits() public {
        vm.expectEmit(address(registry));
        emit ProviderRegistry.MinStakeSet(DISABLED, 7e18);
        vm.prank(governance);
        registry.setMinStake(DISABLED, 7e18);
        assertEq(registry.minStake(DISABLED), 7e18, "min");

        vm.expectEmit(address(registry));
        emit ProviderRegistry.MinStakeSet(DISABLED, 0);
        vm.prank(governance);
        registry.setMinStake(DISABLED, 0);
        assertEq(registry.minStake(DISABLED), 0, "disabled");
    }

    function test_setMinStake_raisingMakesExistingProviderInactive() public {
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        vm.prank(governance);
        registry.setMinStake(COMPUTE, COMPUTE_MIN + 1);
        assertFalse(registry.isActive(KEY), "inactive");
        _fund(alice, 1);
        vm.prank(alice);
        registry.addStake(KEY, 1);
        assertTrue(registry.isActive(KEY), "active again");
    }

    function test_setMinStake_disablingAllOfferedTypesMakesInactive() public {
        _register(alice, KEY, _types(COMPUTE, STORAGE), COMPUTE_MIN);
        vm.prank(governance);
        registry.setMinStake(COMPUTE, 0);
        assertTrue(registry.isActive(KEY), "storage still enabled");
        vm.prank(governance);
        registry.setMinStake(STORAGE, 0);
        assertFalse(registry.isActive(KEY), "nothing enabled");
        // Unbonding all of it is still possible (remainder 0).
        vm.prank(alice);
        registry.unbond(KEY, COMPUTE_MIN);
    }

    function test_setUnbondingPeriod_setsAndEmits() public {
        vm.expectEmit(address(registry));
        emit ProviderRegistry.UnbondingPeriodSet(14 days);
        vm.prank(governance);
        registry.setUnbondingPeriod(14 days);
        assertEq(registry.unbondingPeriod(), 14 days, "period");

        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryPeriodTooLong.selector, 366 days, 365 days)
        );
        vm.prank(governance);
        registry.setUnbondingPeriod(366 days);
    }

    function test_setUnbondingPeriod_doesNotMoveRunningUnbonding() public {
        _register(alice, KEY, _types(COMPUTE), 300e18);
        vm.prank(alice);
        registry.unbond(KEY, 10e18);
        uint64 release = registry.getProvider(KEY).unbondingReleaseTime;
        vm.prank(governance);
        registry.setUnbondingPeriod(30 days);
        assertEq(registry.getProvider(KEY).unbondingReleaseTime, release, "unchanged");
    }

    function test_setJailDuration_setsAndEmits() public {
        vm.expectEmit(address(registry));
        emit ProviderRegistry.JailDurationSet(3 days);
        vm.prank(governance);
        registry.setJailDuration(3 days);
        assertEq(registry.jailDuration(), 3 days, "duration");

        vm.expectRevert(
            abi.encodeWithSelector(ProviderRegistry.ProviderRegistryPeriodTooLong.selector, 366 days, 365 days)
        );
        vm.prank(governance);
        registry.setJailDuration(366 days);
    }

    function test_governedSetters_revertForOthers() public {
        vm.startPrank(rewards);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorized.selector, rewards));
        registry.setMinStake(COMPUTE, 1);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorized.selector, rewards));
        registry.setUnbondingPeriod(1);
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorized.selector, rewards));
        registry.setJailDuration(1);
        vm.stopPrank();
    }

    // ================================================================ views

    function test_requiredStake_isLargestMinimum() public view {
        assertEq(registry.requiredStake(_types(COMPUTE)), COMPUTE_MIN, "compute");
        assertEq(registry.requiredStake(_types(STORAGE, COMPUTE)), COMPUTE_MIN, "storage+compute");
        assertEq(registry.requiredStake(_types(RENDER, COMPUTE)), RENDER_MIN, "render+compute");
        assertEq(registry.requiredStake(_types(DISABLED)), 0, "disabled counts 0");
        assertEq(registry.requiredStake(new bytes32[](0)), 0, "none");
    }

    function test_bindingMessage_matchesSpec() public {
        bytes32 expected =
            keccak256(abi.encode("groundwork.registry.bind", block.chainid, address(registry), KEY, alice));
        assertEq(registry.bindingMessage(KEY, alice), expected, "message");
        assertTrue(registry.bindingMessage(KEY, bob) != expected, "owner bound");
        assertTrue(registry.bindingMessage(KEY2, alice) != expected, "key bound");
        vm.chainId(block.chainid + 1);
        assertTrue(registry.bindingMessage(KEY, alice) != expected, "chain bound");
    }

    function test_getProvider_unknownIsEmpty() public view {
        ProviderRegistry.Provider memory p = registry.getProvider(KEY);
        assertEq(p.owner, address(0), "owner");
        assertEq(p.stake, 0, "stake");
        assertEq(p.resourceTypes.length, 0, "types");
        assertFalse(registry.isRegistered(KEY), "registered");
        assertFalse(registry.isActive(KEY), "active");
    }

    function test_providerAt_revertsOutOfBounds() public {
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryIndexOutOfBounds.selector, 0, 0));
        registry.providerAt(0);
        _register(alice, KEY, _types(COMPUTE), COMPUTE_MIN);
        vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryIndexOutOfBounds.selector, 1, 1));
        registry.providerAt(1);
    }

    function test_isValidH3Cell_knownCells() public view {
        assertTrue(registry.isValidH3Cell(CELL_RES9), "res 9");
        assertTrue(registry.isValidH3Cell(CELL_RES5), "res 5");
        assertTrue(registry.isValidH3Cell(CELL_RES0), "res 0");
        assertTrue(registry.isValidH3Cell(0x8f2830828052d25), "res 15");
        assertFalse(registry.isValidH3Cell(0), "zero");
        assertFalse(registry.isValidH3Cell(CELL_RES9 | (uint64(1) << 63)), "reserved bit");
        // Base cell 122 does not exist.
        assertFalse(registry.isValidH3Cell((CELL_RES0 & ~(uint64(0x7F) << 45)) | (uint64(122) << 45)), "base 122");
        assertTrue(registry.isValidH3Cell((CELL_RES0 & ~(uint64(0x7F) << 45)) | (uint64(121) << 45)), "base 121");
        // Resolution 5 with digit 6 not 7 (unused digits must be 7).
        assertFalse(registry.isValidH3Cell(CELL_RES5 & ~(uint64(1) << 27)), "unused digit not 7");
    }

    // ================================================================ fuzz

    /// @dev Builds a valid cell from any resolution, base cell and digits.
    function testFuzz_isValidH3Cell_acceptsConstructedCells(uint8 res, uint8 base, uint256 digitSeed) public view {
        uint64 resolution = uint64(bound(res, 0, 15));
        uint64 h = (uint64(1) << 59) | (resolution << 52) | (uint64(bound(base, 0, 121)) << 45);
        for (uint64 i = 1; i <= 15; ++i) {
            uint64 digit = i <= resolution ? uint64(uint256(keccak256(abi.encode(digitSeed, i))) % 7) : 7;
            h |= digit << (3 * (15 - i));
        }
        assertTrue(registry.isValidH3Cell(h), "constructed cell");
        assertFalse(registry.isValidH3Cell(h | (uint64(1) << 63)), "reserved bit");
        assertFalse(registry.isValidH3Cell(h ^ (uint64(1) << 60)), "mode 3");
    }

    function testFuzz_slash_boundedAndConserved(uint256 stake, uint256 unbondAmount, uint256 amount) public {
        stake = bound(stake, COMPUTE_MIN, 1e30);
        unbondAmount = bound(unbondAmount, 0, stake);
        if (unbondAmount != 0 && stake - unbondAmount != 0 && stake - unbondAmount < COMPUTE_MIN) {
            unbondAmount = stake;
        }
        _register(alice, KEY, _types(COMPUTE), stake);
        if (unbondAmount != 0) {
            vm.prank(alice);
            registry.unbond(KEY, unbondAmount);
        }
        uint256 bonded = stake - unbondAmount;

        vm.prank(rewards);
        uint256 slashed = registry.slash(KEY, amount);

        uint256 expected = amount < stake ? amount : stake;
        assertEq(slashed, expected, "slashed = min(amount, held)");
        assertLe(slashed, stake, "never more than held");
        uint256 fromBonded = expected < bonded ? expected : bonded;
        ProviderRegistry.Provider memory p = registry.getProvider(KEY);
        assertEq(p.stake, bonded - fromBonded, "bonded first");
        assertEq(p.unbonding, unbondAmount - (expected - fromBonded), "then unbonding");
        assertEq(token.balanceOf(treasury), slashed, "treasury gets exactly the slash");
        assertEq(token.balanceOf(address(registry)), stake - slashed, "registry keeps the rest");
        assertEq(p.stake + p.unbonding, token.balanceOf(address(registry)), "accounting");
    }

    function testFuzz_unbondAndWithdraw(uint256 stake, uint256 amount, uint256 wait) public {
        stake = bound(stake, STORAGE_MIN, 1e30);
        amount = bound(amount, 1, stake);
        wait = bound(wait, 0, 2 * UNBONDING);
        _register(alice, KEY, _types(STORAGE), stake);
        uint256 remaining = stake - amount;

        vm.prank(alice);
        if (remaining != 0 && remaining < STORAGE_MIN) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ProviderRegistry.ProviderRegistryInsufficientStake.selector, remaining, STORAGE_MIN
                )
            );
            registry.unbond(KEY, amount);
            return;
        }
        registry.unbond(KEY, amount);
        uint256 release = block.timestamp + UNBONDING;
        assertEq(registry.getProvider(KEY).stake, remaining, "stake");
        assertEq(registry.isActive(KEY), remaining != 0, "active iff bonded");

        vm.warp(block.timestamp + wait);
        vm.prank(alice);
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < release) {
            vm.expectRevert(abi.encodeWithSelector(ProviderRegistry.ProviderRegistryStillUnbonding.selector, release));
            registry.withdrawUnbonded(KEY);
            return;
        }
        registry.withdrawUnbonded(KEY);
        assertEq(token.balanceOf(alice), amount, "owner paid");
        assertEq(token.balanceOf(address(registry)), remaining, "registry keeps bonded");
    }

    function testFuzz_addStake(uint256 stake, uint256 amount) public {
        stake = bound(stake, COMPUTE_MIN, 1e30);
        amount = bound(amount, 1, 1e30);
        _register(alice, KEY, _types(COMPUTE), stake);
        _fund(alice, amount);
        vm.prank(alice);
        registry.addStake(KEY, amount);
        assertEq(registry.getProvider(KEY).stake, stake + amount, "stake");
        assertEq(token.balanceOf(address(registry)), stake + amount, "registry");
        assertEq(token.balanceOf(alice), 0, "owner");
    }

    function testFuzz_register_requiresLargestMinimum(uint256 stake, bool withRender) public {
        bytes32[] memory types = withRender ? _types(STORAGE, RENDER) : _types(STORAGE, COMPUTE);
        uint256 required = withRender ? RENDER_MIN : COMPUTE_MIN;
        stake = bound(stake, 0, 2 * required);
        _fund(alice, stake);
        vm.prank(alice);
        if (stake < required) {
            vm.expectRevert(
                abi.encodeWithSelector(ProviderRegistry.ProviderRegistryInsufficientStake.selector, stake, required)
            );
        }
        registry.register(KEY, types, "", 0, stake, _sig());
        if (stake >= required) assertTrue(registry.isActive(KEY), "active");
    }
}

/// @dev Drives the registry with random but mostly valid calls and keeps ghost totals.
contract RegistryHandler is Test {
    ProviderRegistry internal immutable _registry;
    TestToken internal immutable _token;
    address internal immutable _rewards;
    address internal immutable _governance;

    address[] internal _actors;
    bytes32[] internal _keys;
    bytes32[] internal _typeIds;

    uint256 public ghostTotalSlashed;
    uint256 public ghostRegistered;
    bool public ghostSlashExceeded;
    bool public ghostReturnMismatch;
    mapping(bytes32 nodeKey => uint256) public ghostNet;

    constructor(ProviderRegistry registry_, TestToken token_, address rewards_, address governance_) {
        _registry = registry_;
        _token = token_;
        _rewards = rewards_;
        _governance = governance_;
        for (uint256 i = 0; i < 3; ++i) {
            _actors.push(vm.addr(0xA11CE + i));
        }
        for (uint256 i = 0; i < 6; ++i) {
            _keys.push(keccak256(abi.encode("handler-node", i)));
        }
        _typeIds.push(keccak256("compute"));
        _typeIds.push(keccak256("storage"));
        _typeIds.push(keccak256("render"));
    }

    function keyCount() external view returns (uint256) {
        return _keys.length;
    }

    function keyAt(uint256 i) external view returns (bytes32) {
        return _keys[i];
    }

    function register(uint256 actorSeed, uint256 keySeed, uint256 typeSeed, uint256 stake) external {
        address actor = _actors[actorSeed % _actors.length];
        bytes32 key = _keys[keySeed % _keys.length];
        if (_registry.isRegistered(key)) return;
        bytes32[] memory types = new bytes32[](1 + typeSeed % 2);
        types[0] = _typeIds[typeSeed % 3];
        if (types.length == 2) types[1] = _typeIds[(typeSeed + 1) % 3];
        uint256 required = _registry.requiredStake(types);
        if (required == 0) return;
        stake = bound(stake, required, required * 10);
        _token.mint(actor, stake);
        vm.startPrank(actor);
        _token.approve(address(_registry), stake);
        _registry.register(key, types, "", 0, stake, new bytes(64));
        vm.stopPrank();
        ghostNet[key] += stake;
        ++ghostRegistered;
    }

    function addStake(uint256 keySeed, uint256 amount) external {
        bytes32 key = _keys[keySeed % _keys.length];
        address owner = _registry.getProvider(key).owner;
        if (owner == address(0)) return;
        amount = bound(amount, 1, 1e24);
        _token.mint(owner, amount);
        vm.startPrank(owner);
        _token.approve(address(_registry), amount);
        _registry.addStake(key, amount);
        vm.stopPrank();
        ghostNet[key] += amount;
    }

    function unbond(uint256 keySeed, uint256 amount) external {
        bytes32 key = _keys[keySeed % _keys.length];
        ProviderRegistry.Provider memory p = _registry.getProvider(key);
        if (p.owner == address(0) || p.stake == 0) return;
        amount = bound(amount, 1, p.stake);
        uint256 remaining = p.stake - amount;
        if (remaining != 0 && remaining < _registry.requiredStake(p.resourceTypes)) amount = p.stake;
        vm.prank(p.owner);
        _registry.unbond(key, amount);
    }

    function withdrawUnbonded(uint256 keySeed, uint256 wait) external {
        bytes32 key = _keys[keySeed % _keys.length];
        ProviderRegistry.Provider memory p = _registry.getProvider(key);
        if (p.owner == address(0) || p.unbonding == 0) return;
        vm.warp(block.timestamp + bound(wait, 0, 10 days));
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < p.unbondingReleaseTime) return;
        uint256 before = _token.balanceOf(p.owner);
        vm.prank(p.owner);
        _registry.withdrawUnbonded(key);
        if (_token.balanceOf(p.owner) - before != p.unbonding) ghostReturnMismatch = true;
        if (p.unbonding > ghostNet[key]) ghostReturnMismatch = true;
        else ghostNet[key] -= p.unbonding;
    }

    function slash(uint256 keySeed, uint256 amount) external {
        bytes32 key = _keys[keySeed % _keys.length];
        ProviderRegistry.Provider memory p = _registry.getProvider(key);
        if (p.owner == address(0)) return;
        uint256 held = p.stake + p.unbonding;
        // Mostly within the stake, sometimes far beyond it.
        if (amount % 4 != 0) amount = bound(amount, 0, held + held / 2);
        address treasury = _registry.treasury();
        uint256 treasuryBefore = _token.balanceOf(treasury);
        vm.prank(_rewards);
        uint256 slashed = _registry.slash(key, amount);
        if (slashed > held || slashed > amount) ghostSlashExceeded = true;
        if (_token.balanceOf(treasury) - treasuryBefore != slashed) ghostReturnMismatch = true;
        ghostTotalSlashed += slashed;
        if (slashed > ghostNet[key]) ghostSlashExceeded = true;
        else ghostNet[key] -= slashed;
    }

    function jail(uint256 keySeed) external {
        bytes32 key = _keys[keySeed % _keys.length];
        if (!_registry.isRegistered(key)) return;
        vm.prank(_rewards);
        _registry.jail(key);
    }

    function setMinStake(uint256 typeSeed, uint256 amount) external {
        vm.prank(_governance);
        _registry.setMinStake(_typeIds[typeSeed % 3], bound(amount, 1, 1e21));
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 3 days));
    }
}

contract ProviderRegistryInvariantTest is RegistryFixture {
    RegistryHandler internal handler;

    function setUp() public {
        _deploy();
        handler = new RegistryHandler(registry, token, rewards, governance);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](8);
        selectors[0] = RegistryHandler.register.selector;
        selectors[1] = RegistryHandler.addStake.selector;
        selectors[2] = RegistryHandler.unbond.selector;
        selectors[3] = RegistryHandler.withdrawUnbonded.selector;
        selectors[4] = RegistryHandler.slash.selector;
        selectors[5] = RegistryHandler.jail.selector;
        selectors[6] = RegistryHandler.setMinStake.selector;
        selectors[7] = RegistryHandler.warp.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    function _held() internal view returns (uint256 total) {
        uint256 count = registry.providerCount();
        for (uint256 i = 0; i < count; ++i) {
            ProviderRegistry.Provider memory p = registry.getProvider(registry.providerAt(i));
            total += p.stake + p.unbonding;
        }
    }

    function invariant_balanceEqualsBondedPlusUnbonding() public view {
        assertEq(token.balanceOf(address(registry)), _held(), "registry balance");
    }

    function invariant_treasuryGetsExactlyTheSlashes() public view {
        assertEq(token.balanceOf(treasury), handler.ghostTotalSlashed(), "treasury");
    }

    function invariant_slashNeverExceedsStake() public view {
        assertFalse(handler.ghostSlashExceeded(), "slash exceeded stake");
        assertFalse(handler.ghostReturnMismatch(), "transfer mismatch");
    }

    function invariant_perProviderAccounting() public view {
        assertEq(registry.providerCount(), handler.ghostRegistered(), "count");
        for (uint256 i = 0; i < handler.keyCount(); ++i) {
            bytes32 key = handler.keyAt(i);
            ProviderRegistry.Provider memory p = registry.getProvider(key);
            assertEq(p.stake + p.unbonding, handler.ghostNet(key), "net per provider");
        }
    }
}
