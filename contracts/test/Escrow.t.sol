// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {Escrow} from "../src/Escrow.sol";
import {Governed} from "../src/Governed.sol";
import {IToken} from "../src/interfaces/IToken.sol";
import {Test} from "./utils/Test.sol";
import {Vm} from "./utils/Vm.sol";

/// @dev Stand-in for the Groundwork Token (written separately): ERC20 + Permit, open mint for set-up, counted burns.
contract TestToken is ERC20, ERC20Permit, IToken {
    uint256 public totalBurned;
    uint256 public burnCalls;

    constructor() ERC20("Test Groundwork", "tGW") ERC20Permit("Test Groundwork") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function burn(uint256 amount) external {
        _burn(msg.sender, amount);
        totalBurned += amount;
        ++burnCalls;
    }

    function cap() external pure returns (uint256) {
        return type(uint256).max;
    }

    function totalMinted() external view returns (uint256) {
        return totalSupply() + totalBurned;
    }
}

/// @dev ERC-1271 contract wallet that accepts its owner's ECDSA signature (unless switched off).
contract MockWallet is IERC1271 {
    address public immutable owner;
    bool public accepting = true;

    constructor(address owner_) {
        owner = owner_;
    }

    function setAccepting(bool accepting_) external {
        accepting = accepting_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(hash, signature);
        bool ok = accepting && err == ECDSA.RecoverError.NoError && recovered == owner;
        return ok ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}

/// @dev Shared set-up and helpers.
abstract contract EscrowBase is Test {
    uint64 internal constant DELAY = 1 days;
    uint16 internal constant PROVIDER_BPS = 8000;
    uint16 internal constant TREASURY_BPS = 1500;
    uint16 internal constant BURN_BPS = 500;
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    TestToken internal token;
    Escrow internal escrow;
    address internal governance;
    address internal treasury;
    address internal provider;
    address internal provider2;
    address internal alice;
    uint256 internal aliceKey;
    address internal bob;
    uint256 internal bobKey;

    struct Balances {
        uint256 provider;
        uint256 treasury;
        uint256 escrow;
        uint256 burned;
        uint256 deposit;
        uint256 revenue;
    }

    function setUp() public virtual {
        governance = makeAddr("governance");
        treasury = makeAddr("treasury");
        provider = makeAddr("provider");
        provider2 = makeAddr("provider2");
        (alice, aliceKey) = makeKey("alice");
        (bob, bobKey) = makeKey("bob");
        token = new TestToken();
        escrow = new Escrow(token, governance, treasury, DELAY, PROVIDER_BPS, TREASURY_BPS, BURN_BPS);
    }

    function _fund(address customer, uint256 amount) internal {
        token.mint(customer, amount);
        vm.startPrank(customer);
        token.approve(address(escrow), amount);
        escrow.deposit(amount);
        vm.stopPrank();
    }

    function _voucher(address customer, address provider_, uint256 cumulative)
        internal
        pure
        returns (Escrow.Voucher memory)
    {
        return Escrow.Voucher({customer: customer, provider: provider_, cumulativeAmount: cumulative});
    }

    function _sign(uint256 key, Escrow.Voucher memory v) internal view returns (bytes memory) {
        return signDigest(key, escrow.voucherDigest(v));
    }

    /// @dev Independent EIP-712 digest, for any chain id and verifying contract.
    function _digest(Escrow.Voucher memory v, uint256 chainId, address verifyingContract)
        internal
        pure
        returns (bytes32)
    {
        bytes32 domainSeparator = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("Groundwork Escrow"),
                keccak256("1"),
                chainId,
                verifyingContract
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Voucher(address customer,address provider,uint256 cumulativeAmount)"),
                v.customer,
                v.provider,
                v.cumulativeAmount
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
    }

    function _redeem(address caller, Escrow.Voucher memory v, bytes memory sig) internal {
        vm.prank(caller);
        escrow.redeem(v, sig);
    }

    function _balances(address customer, address provider_) internal view returns (Balances memory b) {
        b.provider = token.balanceOf(provider_);
        b.treasury = token.balanceOf(treasury);
        b.escrow = token.balanceOf(address(escrow));
        b.burned = token.totalBurned();
        b.deposit = escrow.depositOf(customer);
        b.revenue = escrow.totalRevenue();
    }

    /// @dev Expected (provider, treasury, burn) parts of `paid` under the given shares.
    function _parts(uint256 paid, uint256 treasuryBps, uint256 burnBps)
        internal
        pure
        returns (uint256 providerPart, uint256 treasuryPart, uint256 burnPart)
    {
        treasuryPart = Math.mulDiv(paid, treasuryBps, 10_000);
        burnPart = Math.mulDiv(paid, burnBps, 10_000);
        providerPart = paid - treasuryPart - burnPart;
    }

    /// @dev Asserts the exact movements of one redemption of `paid` under the default shares.
    function _assertPaid(Balances memory before, address customer, address provider_, uint256 paid) internal view {
        (uint256 providerPart, uint256 treasuryPart, uint256 burnPart) = _parts(paid, TREASURY_BPS, BURN_BPS);
        Balances memory afterwards = _balances(customer, provider_);
        assertEq(afterwards.provider - before.provider, providerPart, "provider received");
        assertEq(afterwards.treasury - before.treasury, treasuryPart, "treasury received");
        assertEq(afterwards.burned - before.burned, burnPart, "burned");
        assertEq(before.escrow - afterwards.escrow, paid, "escrow balance decrease");
        assertEq(before.deposit - afterwards.deposit, paid, "deposit decrease");
        assertEq(afterwards.revenue - before.revenue, paid, "revenue increase");
    }

    function _permit(uint256 key, address owner, uint256 value, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, address(escrow), value, token.nonces(owner), deadline));
        return vm.sign(key, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }
}

contract EscrowTest is EscrowBase {
    // ================================================================== constructor

    function test_constructor_setsParameters() public view {
        assertEq(address(escrow.token()), address(token), "token");
        assertEq(escrow.treasury(), treasury, "treasury");
        assertEq(escrow.governance(), governance, "governance");
        assertEq(escrow.withdrawalDelay(), DELAY, "delay");
        (uint16 p, uint16 t, uint16 b) = escrow.shares();
        assertEq(p, PROVIDER_BPS, "provider bps");
        assertEq(t, TREASURY_BPS, "treasury bps");
        assertEq(b, BURN_BPS, "burn bps");
        assertEq(escrow.totalRevenue(), 0, "revenue");
        assertEq(
            escrow.VOUCHER_TYPEHASH(),
            keccak256("Voucher(address customer,address provider,uint256 cumulativeAmount)"),
            "typehash"
        );
        (, string memory name, string memory version, uint256 chainId, address verifying,,) = escrow.eip712Domain();
        assertEq(name, "Groundwork Escrow", "domain name");
        assertEq(version, "1", "domain version");
        assertEq(chainId, block.chainid, "domain chain id");
        assertEq(verifying, address(escrow), "domain verifying contract");
    }

    function test_constructor_emitsSharesSetAndWithdrawalDelaySet() public {
        address predicted = vm.computeCreateAddress(address(this), vm.getNonce(address(this)));
        vm.expectEmit(predicted);
        emit Escrow.SharesSet(7000, 2000, 1000);
        vm.expectEmit(predicted);
        emit Escrow.WithdrawalDelaySet(3 days);
        Escrow deployed = new Escrow(token, governance, treasury, 3 days, 7000, 2000, 1000);
        assertEq(address(deployed), predicted, "predicted address");
    }

    function test_constructor_revertsOnZeroToken() public {
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowZeroAddress.selector));
        new Escrow(IToken(address(0)), governance, treasury, DELAY, PROVIDER_BPS, TREASURY_BPS, BURN_BPS);
    }

    function test_constructor_revertsOnZeroTreasury() public {
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowZeroAddress.selector));
        new Escrow(token, governance, address(0), DELAY, PROVIDER_BPS, TREASURY_BPS, BURN_BPS);
    }

    function test_constructor_revertsOnZeroGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedZeroAddress.selector));
        new Escrow(token, address(0), treasury, DELAY, PROVIDER_BPS, TREASURY_BPS, BURN_BPS);
    }

    function test_constructor_revertsOnInvalidShares() public {
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidShares.selector, 8000, 1500, 501));
        new Escrow(token, governance, treasury, DELAY, 8000, 1500, 501);
    }

    // ================================================================== deposits

    function test_deposit_creditsCallerAndPullsTokens() public {
        token.mint(alice, 1000);
        vm.prank(alice);
        token.approve(address(escrow), 1000);

        vm.expectEmit(address(escrow));
        emit Escrow.Deposited(alice, alice, 600);
        vm.prank(alice);
        escrow.deposit(600);

        assertEq(escrow.depositOf(alice), 600, "deposit");
        assertEq(token.balanceOf(alice), 400, "alice balance");
        assertEq(token.balanceOf(address(escrow)), 600, "escrow balance");
        assertEq(token.allowance(alice, address(escrow)), 400, "allowance left");

        vm.prank(alice);
        escrow.deposit(400);
        assertEq(escrow.depositOf(alice), 1000, "deposits add up");
    }

    function test_deposit_revertsOnZeroAmount() public {
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowZeroAmount.selector));
        vm.prank(alice);
        escrow.deposit(0);
    }

    function test_deposit_revertsWithoutAllowance() public {
        token.mint(alice, 1000);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(escrow), 0, 1000)
        );
        vm.prank(alice);
        escrow.deposit(1000);
    }

    function test_depositFor_creditsCustomerFromPayer() public {
        token.mint(bob, 500);
        vm.prank(bob);
        token.approve(address(escrow), 500);

        vm.expectEmit(address(escrow));
        emit Escrow.Deposited(alice, bob, 500);
        vm.prank(bob);
        escrow.depositFor(alice, 500);

        assertEq(escrow.depositOf(alice), 500, "alice credited");
        assertEq(escrow.depositOf(bob), 0, "bob not credited");
        assertEq(token.balanceOf(bob), 0, "bob paid");
        assertEq(token.balanceOf(address(escrow)), 500, "escrow balance");
    }

    function test_depositFor_revertsOnZeroCustomer() public {
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowZeroAddress.selector));
        vm.prank(bob);
        escrow.depositFor(address(0), 1);
    }

    function test_depositFor_revertsOnZeroAmount() public {
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowZeroAmount.selector));
        vm.prank(bob);
        escrow.depositFor(alice, 0);
    }

    function test_depositWithPermit_depositsInOneCall() public {
        token.mint(alice, 1000);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(aliceKey, alice, 700, deadline);

        vm.expectEmit(address(escrow));
        emit Escrow.Deposited(alice, alice, 700);
        vm.prank(alice);
        escrow.depositWithPermit(700, deadline, v, r, s);

        assertEq(escrow.depositOf(alice), 700, "deposit");
        assertEq(token.balanceOf(alice), 300, "alice balance");
        assertEq(token.nonces(alice), 1, "permit used");
        assertEq(token.allowance(alice, address(escrow)), 0, "allowance consumed");
    }

    function test_depositWithPermit_succeedsWhenPermitWasFrontRun() public {
        token.mint(alice, 1000);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(aliceKey, alice, 700, deadline);
        // Someone copies the permit from the mempool and submits it first.
        vm.prank(bob);
        token.permit(alice, address(escrow), 700, deadline, v, r, s);

        vm.expectEmit(address(escrow));
        emit Escrow.Deposited(alice, alice, 700);
        vm.prank(alice);
        escrow.depositWithPermit(700, deadline, v, r, s);
        assertEq(escrow.depositOf(alice), 700, "deposit despite front-run");
    }

    function test_depositWithPermit_revertsWhenPermitInvalidAndNoAllowance() public {
        token.mint(alice, 1000);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(bobKey, alice, 700, deadline); // wrong signer
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(escrow), 0, 700)
        );
        vm.prank(alice);
        escrow.depositWithPermit(700, deadline, v, r, s);
    }

    function test_depositWithPermit_revertsOnZeroAmount() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(aliceKey, alice, 0, deadline);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowZeroAmount.selector));
        vm.prank(alice);
        escrow.depositWithPermit(0, deadline, v, r, s);
    }

    // ================================================================== withdrawals

    function test_requestWithdrawal_recordsRequest() public {
        _fund(alice, 1000);
        uint64 unlock = uint64(block.timestamp) + DELAY;
        vm.expectEmit(address(escrow));
        emit Escrow.WithdrawalRequested(alice, 400, unlock);
        vm.prank(alice);
        escrow.requestWithdrawal(400);

        (uint256 amount, uint64 unlockTime) = escrow.pendingWithdrawal(alice);
        assertEq(amount, 400, "pending amount");
        assertEq(unlockTime, unlock, "unlock time");
        assertEq(escrow.depositOf(alice), 1000, "deposit untouched until withdraw");
    }

    function test_requestWithdrawal_replacesEarlierRequest() public {
        _fund(alice, 1000);
        vm.prank(alice);
        escrow.requestWithdrawal(400);
        vm.warp(block.timestamp + 1 hours);

        uint64 unlock = uint64(block.timestamp) + DELAY;
        vm.expectEmit(address(escrow));
        emit Escrow.WithdrawalRequested(alice, 900, unlock);
        vm.prank(alice);
        escrow.requestWithdrawal(900);

        (uint256 amount, uint64 unlockTime) = escrow.pendingWithdrawal(alice);
        assertEq(amount, 900, "replaced amount");
        assertEq(unlockTime, unlock, "delay restarted");
    }

    function test_requestWithdrawal_revertsOnZeroAmount() public {
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowZeroAmount.selector));
        vm.prank(alice);
        escrow.requestWithdrawal(0);
    }

    function test_requestWithdrawal_capsUnlockTimeAtUint64Max() public {
        vm.prank(governance);
        escrow.setWithdrawalDelay(type(uint64).max);
        vm.prank(alice);
        escrow.requestWithdrawal(1);
        (, uint64 unlockTime) = escrow.pendingWithdrawal(alice);
        assertEq(unlockTime, type(uint64).max, "saturated unlock time");
    }

    function test_cancelWithdrawal_clearsRequest() public {
        _fund(alice, 1000);
        vm.prank(alice);
        escrow.requestWithdrawal(400);

        vm.expectEmit(address(escrow));
        emit Escrow.WithdrawalCancelled(alice, 400);
        vm.prank(alice);
        escrow.cancelWithdrawal();

        (uint256 amount, uint64 unlockTime) = escrow.pendingWithdrawal(alice);
        assertEq(amount, 0, "no pending amount");
        assertEq(unlockTime, 0, "no unlock time");
    }

    function test_cancelWithdrawal_revertsWithoutRequest() public {
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNoWithdrawalPending.selector, alice));
        vm.prank(alice);
        escrow.cancelWithdrawal();
    }

    function test_withdraw_paysAtUnlockTime() public {
        _fund(alice, 1000);
        vm.prank(alice);
        escrow.requestWithdrawal(400);
        vm.warp(block.timestamp + DELAY);

        vm.expectEmit(address(escrow));
        emit Escrow.Withdrawn(alice, 400);
        vm.prank(alice);
        escrow.withdraw();

        assertEq(escrow.depositOf(alice), 600, "deposit left");
        assertEq(token.balanceOf(alice), 400, "alice paid");
        assertEq(token.balanceOf(address(escrow)), 600, "escrow balance");
        (uint256 amount,) = escrow.pendingWithdrawal(alice);
        assertEq(amount, 0, "request cleared");
    }

    function test_withdraw_revertsBeforeUnlock() public {
        _fund(alice, 1000);
        vm.prank(alice);
        escrow.requestWithdrawal(400);
        uint64 unlock = uint64(block.timestamp) + DELAY;
        vm.warp(unlock - 1);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowWithdrawalLocked.selector, unlock));
        vm.prank(alice);
        escrow.withdraw();
    }

    function test_withdraw_revertsWithoutRequest() public {
        _fund(alice, 1000);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNoWithdrawalPending.selector, alice));
        vm.prank(alice);
        escrow.withdraw();
    }

    function test_withdraw_revertsAfterCancel() public {
        _fund(alice, 1000);
        vm.startPrank(alice);
        escrow.requestWithdrawal(400);
        escrow.cancelWithdrawal();
        vm.warp(block.timestamp + DELAY);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNoWithdrawalPending.selector, alice));
        escrow.withdraw();
        vm.stopPrank();
    }

    function test_withdraw_secondWithdrawReverts() public {
        _fund(alice, 1000);
        vm.prank(alice);
        escrow.requestWithdrawal(400);
        vm.warp(block.timestamp + DELAY);
        vm.startPrank(alice);
        escrow.withdraw();
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNoWithdrawalPending.selector, alice));
        escrow.withdraw();
        vm.stopPrank();
    }

    function test_withdraw_paysWhatIsLeftAfterRedemptionsDuringDelay() public {
        _fund(alice, 1000);
        vm.prank(alice);
        escrow.requestWithdrawal(1000);

        // The provider redeems during the delay: that is what the delay is for.
        vm.warp(block.timestamp + DELAY - 1);
        Escrow.Voucher memory v = _voucher(alice, provider, 300);
        _redeem(provider, v, _sign(aliceKey, v));
        vm.warp(block.timestamp + 1);

        vm.expectEmit(address(escrow));
        emit Escrow.Withdrawn(alice, 700);
        vm.prank(alice);
        escrow.withdraw();
        assertEq(token.balanceOf(alice), 700, "alice paid the rest");
        assertEq(escrow.depositOf(alice), 0, "deposit empty");
        assertEq(token.balanceOf(address(escrow)), 0, "escrow empty");
    }

    function test_withdraw_paysZeroWhenDepositDrained() public {
        _fund(alice, 300);
        vm.prank(alice);
        escrow.requestWithdrawal(300);
        Escrow.Voucher memory v = _voucher(alice, provider, 300);
        _redeem(provider, v, _sign(aliceKey, v));
        vm.warp(block.timestamp + DELAY);

        vm.expectEmit(address(escrow));
        emit Escrow.Withdrawn(alice, 0);
        vm.prank(alice);
        escrow.withdraw();
        assertEq(token.balanceOf(alice), 0, "nothing paid");
        (uint256 amount,) = escrow.pendingWithdrawal(alice);
        assertEq(amount, 0, "request cleared");
    }

    function test_withdraw_keepsUnlockTimeWhenDelayChanges() public {
        _fund(alice, 1000);
        vm.prank(alice);
        escrow.requestWithdrawal(100);
        vm.prank(governance);
        escrow.setWithdrawalDelay(30 days);
        vm.warp(block.timestamp + DELAY);
        vm.prank(alice);
        escrow.withdraw();
        assertEq(token.balanceOf(alice), 100, "old unlock time kept");
    }

    // ================================================================== redeem

    function test_redeem_paysAndSplits() public {
        _fund(alice, 10_000);
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = _sign(aliceKey, v);
        Balances memory before = _balances(alice, provider);

        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(alice, provider, 1000, 1000, 800, 150, 50);
        _redeem(provider, v, sig);

        _assertPaid(before, alice, provider, 1000);
        assertEq(token.balanceOf(provider), 800, "provider 80%");
        assertEq(token.balanceOf(treasury), 150, "treasury 15%");
        assertEq(token.totalBurned(), 50, "burned 5%");
        assertEq(escrow.redeemed(alice, provider), 1000, "redeemed");
        assertEq(escrow.depositOf(alice), 9000, "deposit left");
        assertEq(escrow.totalRevenue(), 1000, "revenue");
    }

    function test_redeem_cumulativeVoucherPaysOnlyTheDifference() public {
        _fund(alice, 10_000);
        Escrow.Voucher memory v1 = _voucher(alice, provider, 1000);
        _redeem(provider, v1, _sign(aliceKey, v1));

        Escrow.Voucher memory v2 = _voucher(alice, provider, 2500);
        bytes memory sig2 = _sign(aliceKey, v2);
        Balances memory before = _balances(alice, provider);
        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(alice, provider, 2500, 1500, 1200, 225, 75);
        _redeem(provider, v2, sig2);

        _assertPaid(before, alice, provider, 1500);
        assertEq(escrow.redeemed(alice, provider), 2500, "redeemed cumulative");
        assertEq(escrow.totalRevenue(), 2500, "revenue cumulative");
    }

    function test_redeem_revertsOnReplayOfSameVoucher() public {
        _fund(alice, 10_000);
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = _sign(aliceKey, v);
        _redeem(provider, v, sig);

        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNothingToRedeem.selector, alice, provider, 1000, 1000));
        _redeem(provider, v, sig);
    }

    function test_redeem_revertsOnOlderVoucher() public {
        _fund(alice, 10_000);
        Escrow.Voucher memory old = _voucher(alice, provider, 1000);
        bytes memory oldSig = _sign(aliceKey, old);
        Escrow.Voucher memory latest = _voucher(alice, provider, 3000);
        _redeem(provider, latest, _sign(aliceKey, latest));

        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNothingToRedeem.selector, alice, provider, 1000, 3000));
        _redeem(provider, old, oldSig);
    }

    function test_redeem_revertsOnZeroCumulativeAmount() public {
        _fund(alice, 10_000);
        Escrow.Voucher memory v = _voucher(alice, provider, 0);
        bytes memory sig = _sign(aliceKey, v);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNothingToRedeem.selector, alice, provider, 0, 0));
        _redeem(provider, v, sig);
    }

    function test_redeem_partialPaymentThenRestAfterTopUp() public {
        _fund(alice, 600);
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = _sign(aliceKey, v);

        Balances memory before = _balances(alice, provider);
        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(alice, provider, 1000, 600, 480, 90, 30);
        _redeem(provider, v, sig);
        _assertPaid(before, alice, provider, 600);
        assertEq(escrow.redeemed(alice, provider), 600, "partly redeemed");
        assertEq(escrow.depositOf(alice), 0, "deposit exhausted");

        // Empty deposit: the same voucher cannot pay yet.
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInsufficientDeposit.selector, alice));
        _redeem(provider, v, sig);

        _fund(alice, 1000);
        before = _balances(alice, provider);
        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(alice, provider, 1000, 400, 320, 60, 20);
        _redeem(provider, v, sig);
        _assertPaid(before, alice, provider, 400);
        assertEq(escrow.redeemed(alice, provider), 1000, "fully redeemed");
        assertEq(escrow.depositOf(alice), 600, "top-up rest");

        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNothingToRedeem.selector, alice, provider, 1000, 1000));
        _redeem(provider, v, sig);
    }

    function test_redeem_revertsWhenCustomerNeverDeposited() public {
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = _sign(aliceKey, v);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInsufficientDeposit.selector, alice));
        _redeem(provider, v, sig);
    }

    function test_redeem_revertsWhenCallerIsNotProvider() public {
        _fund(alice, 10_000);
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = _sign(aliceKey, v);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNotVoucherProvider.selector, provider, bob));
        _redeem(bob, v, sig);
    }

    function test_redeem_revertsOnSignatureByAnotherKey() public {
        _fund(alice, 10_000);
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = _sign(bobKey, v);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, alice));
        _redeem(provider, v, sig);
    }

    function test_redeem_revertsOnTamperedAmount() public {
        _fund(alice, 10_000);
        bytes memory sig = _sign(aliceKey, _voucher(alice, provider, 1000));
        Escrow.Voucher memory tampered = _voucher(alice, provider, 5000);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, alice));
        _redeem(provider, tampered, sig);
    }

    function test_redeem_revertsOnMalformedSignature() public {
        _fund(alice, 10_000);
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = _sign(aliceKey, v);
        bytes memory truncated = new bytes(64);
        for (uint256 i; i < 64; ++i) {
            truncated[i] = sig[i];
        }
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, alice));
        _redeem(provider, v, truncated);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, alice));
        _redeem(provider, v, "");
    }

    function test_redeem_revertsForZeroCustomer() public {
        Escrow.Voucher memory v = _voucher(address(0), provider, 1000);
        bytes memory sig = _sign(aliceKey, v);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, address(0)));
        _redeem(provider, v, sig);
    }

    function test_redeem_acceptsErc1271Wallet() public {
        MockWallet wallet = new MockWallet(alice);
        token.mint(bob, 1000);
        vm.startPrank(bob);
        token.approve(address(escrow), 1000);
        escrow.depositFor(address(wallet), 1000);
        vm.stopPrank();

        Escrow.Voucher memory v = _voucher(address(wallet), provider, 400);
        bytes memory sig = _sign(aliceKey, v);
        Balances memory before = _balances(address(wallet), provider);
        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(address(wallet), provider, 400, 400, 320, 60, 20);
        _redeem(provider, v, sig);
        _assertPaid(before, address(wallet), provider, 400);
    }

    function test_redeem_revertsWhenErc1271WalletRejects() public {
        MockWallet wallet = new MockWallet(alice);
        token.mint(bob, 1000);
        vm.startPrank(bob);
        token.approve(address(escrow), 1000);
        escrow.depositFor(address(wallet), 1000);
        vm.stopPrank();

        Escrow.Voucher memory v = _voucher(address(wallet), provider, 400);
        bytes memory sigByOther = _sign(bobKey, v);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, address(wallet)));
        _redeem(provider, v, sigByOther);

        bytes memory ownerSig = _sign(aliceKey, v);
        wallet.setAccepting(false);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, address(wallet)));
        _redeem(provider, v, ownerSig);
    }

    function test_redeem_roundingDustGoesToProvider() public {
        _fund(alice, 10_000);
        // 19 * 15% = 2.85 -> 2, 19 * 5% = 0.95 -> 0, provider 17 (its exact share 15.2 plus the dust).
        Escrow.Voucher memory v = _voucher(alice, provider, 19);
        bytes memory sig = _sign(aliceKey, v);
        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(alice, provider, 19, 19, 17, 2, 0);
        _redeem(provider, v, sig);
        assertEq(token.balanceOf(provider), 17, "provider incl. dust");
        assertEq(token.balanceOf(treasury), 2, "treasury rounded down");
        assertEq(token.totalBurned(), 0, "burn rounded down");
        assertEq(token.burnCalls(), 0, "no zero burn");
    }

    function test_redeem_skipsTransfersForZeroShares() public {
        vm.prank(governance);
        escrow.setShares(10_000, 0, 0);
        _fund(alice, 10_000);
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = _sign(aliceKey, v);
        vm.recordLogs();
        _redeem(provider, v, sig);
        assertEq(_countTransfersFromEscrow(), 1, "only the provider transfer");
        assertEq(token.balanceOf(provider), 1000, "provider gets all");
        assertEq(token.burnCalls(), 0, "no burn");
    }

    function test_redeem_pairsAreIndependent() public {
        _fund(alice, 10_000);
        Escrow.Voucher memory v1 = _voucher(alice, provider, 1000);
        Escrow.Voucher memory v2 = _voucher(alice, provider2, 700);
        _redeem(provider, v1, _sign(aliceKey, v1));
        _redeem(provider2, v2, _sign(aliceKey, v2));
        assertEq(escrow.redeemed(alice, provider), 1000, "pair 1");
        assertEq(escrow.redeemed(alice, provider2), 700, "pair 2");
        assertEq(escrow.depositOf(alice), 8300, "deposit");
        assertEq(token.balanceOf(provider2), 560, "provider2 80%");
    }

    function test_redeem_revertsAfterChainIdChange() public {
        _fund(alice, 10_000);
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = _sign(aliceKey, v);
        vm.chainId(block.chainid + 1);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, alice));
        _redeem(provider, v, sig);
    }

    function test_redeem_usesNewSharesAfterSetShares() public {
        _fund(alice, 10_000);
        vm.prank(governance);
        escrow.setShares(5000, 3000, 2000);
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = _sign(aliceKey, v);
        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(alice, provider, 1000, 1000, 500, 300, 200);
        _redeem(provider, v, sig);
        assertEq(token.balanceOf(provider), 500, "provider");
        assertEq(token.balanceOf(treasury), 300, "treasury");
        assertEq(token.totalBurned(), 200, "burned");
    }

    // ================================================================== redeemBatch

    function test_redeemBatch_paysAllWithOneTransferEach() public {
        _fund(alice, 10_000);
        _fund(bob, 10_000);
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](2);
        bytes[] memory sigs = new bytes[](2);
        vs[0] = _voucher(alice, provider, 1000);
        vs[1] = _voucher(bob, provider, 3000);
        sigs[0] = _sign(aliceKey, vs[0]);
        sigs[1] = _sign(bobKey, vs[1]);

        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(alice, provider, 1000, 1000, 800, 150, 50);
        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(bob, provider, 3000, 3000, 2400, 450, 150);
        vm.recordLogs();
        vm.prank(provider);
        escrow.redeemBatch(vs, sigs);

        assertEq(_countTransfersFromEscrow(), 3, "one provider transfer, one treasury transfer, one burn");
        assertEq(token.burnCalls(), 1, "one burn call");
        assertEq(token.balanceOf(provider), 3200, "provider");
        assertEq(token.balanceOf(treasury), 600, "treasury");
        assertEq(token.totalBurned(), 200, "burned");
        assertEq(escrow.depositOf(alice), 9000, "alice deposit");
        assertEq(escrow.depositOf(bob), 7000, "bob deposit");
        assertEq(escrow.redeemed(alice, provider), 1000, "alice redeemed");
        assertEq(escrow.redeemed(bob, provider), 3000, "bob redeemed");
        assertEq(escrow.totalRevenue(), 4000, "revenue");
        assertEq(token.balanceOf(address(escrow)), 16_000, "escrow balance");
    }

    function test_redeemBatch_roundsEachVoucherSeparately() public {
        _fund(alice, 10_000);
        _fund(bob, 10_000);
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](2);
        bytes[] memory sigs = new bytes[](2);
        vs[0] = _voucher(alice, provider, 19);
        vs[1] = _voucher(bob, provider, 19);
        sigs[0] = _sign(aliceKey, vs[0]);
        sigs[1] = _sign(bobKey, vs[1]);
        vm.prank(provider);
        escrow.redeemBatch(vs, sigs);
        // Each voucher: 17 / 2 / 0 (see the single-voucher dust test); the totals add the per-voucher parts.
        assertEq(token.balanceOf(provider), 34, "provider");
        assertEq(token.balanceOf(treasury), 4, "treasury");
        assertEq(token.totalBurned(), 0, "burned");
    }

    function test_redeemBatch_appliesTwoVouchersOfTheSameCustomerInOrder() public {
        _fund(alice, 10_000);
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](2);
        bytes[] memory sigs = new bytes[](2);
        vs[0] = _voucher(alice, provider, 1000);
        vs[1] = _voucher(alice, provider, 1500);
        sigs[0] = _sign(aliceKey, vs[0]);
        sigs[1] = _sign(aliceKey, vs[1]);
        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(alice, provider, 1000, 1000, 800, 150, 50);
        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(alice, provider, 1500, 500, 400, 75, 25);
        vm.prank(provider);
        escrow.redeemBatch(vs, sigs);
        assertEq(escrow.redeemed(alice, provider), 1500, "redeemed");
        assertEq(token.balanceOf(provider), 1200, "provider");
    }

    function test_redeemBatch_capsByDeposit() public {
        _fund(alice, 500);
        _fund(bob, 10_000);
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](2);
        bytes[] memory sigs = new bytes[](2);
        vs[0] = _voucher(alice, provider, 1000);
        vs[1] = _voucher(bob, provider, 1000);
        sigs[0] = _sign(aliceKey, vs[0]);
        sigs[1] = _sign(bobKey, vs[1]);
        vm.expectEmit(address(escrow));
        emit Escrow.VoucherRedeemed(alice, provider, 1000, 500, 400, 75, 25);
        vm.prank(provider);
        escrow.redeemBatch(vs, sigs);
        assertEq(escrow.redeemed(alice, provider), 500, "alice partly");
        assertEq(escrow.redeemed(bob, provider), 1000, "bob fully");
        assertEq(escrow.totalRevenue(), 1500, "revenue");
    }

    function test_redeemBatch_revertsOnLengthMismatch() public {
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](2);
        bytes[] memory sigs = new bytes[](1);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowLengthMismatch.selector, 2, 1));
        vm.prank(provider);
        escrow.redeemBatch(vs, sigs);
    }

    function test_redeemBatch_revertsWhenAnyVoucherNamesAnotherProvider() public {
        _fund(alice, 10_000);
        _fund(bob, 10_000);
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](2);
        bytes[] memory sigs = new bytes[](2);
        vs[0] = _voucher(alice, provider, 1000);
        vs[1] = _voucher(bob, provider2, 1000);
        sigs[0] = _sign(aliceKey, vs[0]);
        sigs[1] = _sign(bobKey, vs[1]);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNotVoucherProvider.selector, provider2, provider));
        vm.prank(provider);
        escrow.redeemBatch(vs, sigs);
    }

    function test_redeemBatch_revertsOnDuplicateVoucher() public {
        _fund(alice, 10_000);
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](2);
        bytes[] memory sigs = new bytes[](2);
        vs[0] = _voucher(alice, provider, 1000);
        vs[1] = vs[0];
        sigs[0] = _sign(aliceKey, vs[0]);
        sigs[1] = sigs[0];
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNothingToRedeem.selector, alice, provider, 1000, 1000));
        vm.prank(provider);
        escrow.redeemBatch(vs, sigs);
    }

    function test_redeemBatch_revertsOnAnyInvalidSignature() public {
        _fund(alice, 10_000);
        _fund(bob, 10_000);
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](2);
        bytes[] memory sigs = new bytes[](2);
        vs[0] = _voucher(alice, provider, 1000);
        vs[1] = _voucher(bob, provider, 1000);
        sigs[0] = _sign(aliceKey, vs[0]);
        sigs[1] = _sign(aliceKey, vs[1]);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, bob));
        vm.prank(provider);
        escrow.redeemBatch(vs, sigs);
    }

    function test_redeemBatch_revertsOnAnyEmptyDeposit() public {
        _fund(alice, 10_000);
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](2);
        bytes[] memory sigs = new bytes[](2);
        vs[0] = _voucher(alice, provider, 1000);
        vs[1] = _voucher(bob, provider, 1000);
        sigs[0] = _sign(aliceKey, vs[0]);
        sigs[1] = _sign(bobKey, vs[1]);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInsufficientDeposit.selector, bob));
        vm.prank(provider);
        escrow.redeemBatch(vs, sigs);
    }

    function test_redeemBatch_emptyBatchDoesNothing() public {
        vm.recordLogs();
        vm.prank(provider);
        escrow.redeemBatch(new Escrow.Voucher[](0), new bytes[](0));
        assertEq(vm.getRecordedLogs().length, 0, "no events");
        assertEq(escrow.totalRevenue(), 0, "revenue");
    }

    // ================================================================== governance

    function test_setShares_updatesAndEmits() public {
        vm.expectEmit(address(escrow));
        emit Escrow.SharesSet(6000, 3000, 1000);
        vm.prank(governance);
        escrow.setShares(6000, 3000, 1000);
        (uint16 p, uint16 t, uint16 b) = escrow.shares();
        assertEq(p, 6000, "provider bps");
        assertEq(t, 3000, "treasury bps");
        assertEq(b, 1000, "burn bps");
    }

    function test_setShares_revertsForNonGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorized.selector, alice));
        vm.prank(alice);
        escrow.setShares(6000, 3000, 1000);
    }

    function test_setShares_revertsWhenNotSummingTo10000() public {
        vm.startPrank(governance);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidShares.selector, 6000, 3000, 999));
        escrow.setShares(6000, 3000, 999);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidShares.selector, 0, 0, 0));
        escrow.setShares(0, 0, 0);
        // Would wrap to 10,000 in uint16 arithmetic: 65535 + 10001 = 75536 = 10000 mod 65536.
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidShares.selector, 65_535, 10_001, 0));
        escrow.setShares(65_535, 10_001, 0);
        vm.stopPrank();
    }

    function test_setWithdrawalDelay_updatesAndEmits() public {
        vm.expectEmit(address(escrow));
        emit Escrow.WithdrawalDelaySet(7 days);
        vm.prank(governance);
        escrow.setWithdrawalDelay(7 days);
        assertEq(escrow.withdrawalDelay(), 7 days, "delay");

        vm.prank(alice);
        escrow.requestWithdrawal(1);
        (, uint64 unlockTime) = escrow.pendingWithdrawal(alice);
        assertEq(unlockTime, block.timestamp + 7 days, "new requests use the new delay");
    }

    function test_setWithdrawalDelay_revertsForNonGovernance() public {
        vm.expectRevert(abi.encodeWithSelector(Governed.GovernedUnauthorized.selector, alice));
        vm.prank(alice);
        escrow.setWithdrawalDelay(7 days);
    }

    // ================================================================== views

    function test_voucherDigest_matchesIndependentEip712Hash() public view {
        Escrow.Voucher memory v = _voucher(alice, provider, 12_345);
        assertEq(escrow.voucherDigest(v), _digest(v, block.chainid, address(escrow)), "digest");
    }

    function test_views_defaultToZero() public view {
        assertEq(escrow.depositOf(alice), 0, "deposit");
        assertEq(escrow.redeemed(alice, provider), 0, "redeemed");
        (uint256 amount, uint64 unlockTime) = escrow.pendingWithdrawal(alice);
        assertEq(amount, 0, "pending");
        assertEq(unlockTime, 0, "unlock");
    }

    // ================================================================== fuzz

    /// @dev provider + treasury + burn == paid exactly, for any amount and any shares; dust goes to the provider.
    function testFuzz_split_partsSumToPaid(uint256 amount, uint256 treasuryBps, uint256 burnBps) public {
        amount = bound(amount, 1, type(uint256).max);
        treasuryBps = bound(treasuryBps, 0, 10_000);
        burnBps = bound(burnBps, 0, 10_000 - treasuryBps);
        uint256 providerBps = 10_000 - treasuryBps - burnBps;
        vm.prank(governance);
        // forge-lint: disable-next-line(unsafe-typecast)
        escrow.setShares(uint16(providerBps), uint16(treasuryBps), uint16(burnBps));

        _fund(alice, amount);
        Escrow.Voucher memory v = _voucher(alice, provider, amount);
        _redeem(provider, v, _sign(aliceKey, v));

        uint256 providerGot = token.balanceOf(provider);
        uint256 treasuryGot = token.balanceOf(treasury);
        uint256 burned = token.totalBurned();
        assertEq(providerGot + treasuryGot + burned, amount, "parts sum to paid");
        assertEq(treasuryGot, Math.mulDiv(amount, treasuryBps, 10_000), "treasury = floor(amount * bps)");
        assertEq(burned, Math.mulDiv(amount, burnBps, 10_000), "burn = floor(amount * bps)");
        uint256 providerExact = Math.mulDiv(amount, providerBps, 10_000);
        assertGe(providerGot, providerExact, "provider at least its share");
        assertLe(providerGot - providerExact, 2, "dust below 3 units");
        assertEq(token.balanceOf(address(escrow)), 0, "escrow emptied");
    }

    /// @dev A sequence of increasing cumulative vouchers pays exactly the final cumulative amount, capped by the
    /// deposit; every voucher already covered then reverts on replay.
    function testFuzz_cumulativeVouchers_payFinalAmountCappedByDeposit(uint256 depositAmount, uint64[6] memory steps)
        public
    {
        depositAmount = bound(depositAmount, 1, 1e30);
        _fund(alice, depositAmount);

        uint256[6] memory cumulative;
        bytes[6] memory sigs;
        uint256 cum;
        for (uint256 i; i < 6; ++i) {
            cum += bound(steps[i], 1, type(uint64).max);
            cumulative[i] = cum;
            Escrow.Voucher memory v = _voucher(alice, provider, cum);
            sigs[i] = _sign(aliceKey, v);
            uint256 alreadyRedeemed = escrow.redeemed(alice, provider);
            if (escrow.depositOf(alice) == 0) {
                vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInsufficientDeposit.selector, alice));
                _redeem(provider, v, sigs[i]);
            } else {
                Balances memory before = _balances(alice, provider);
                _redeem(provider, v, sigs[i]);
                uint256 expected = Math.min(cum, depositAmount) - alreadyRedeemed;
                _assertPaid(before, alice, provider, expected);
            }
            assertEq(escrow.redeemed(alice, provider), Math.min(cum, depositAmount), "redeemed so far");
        }

        uint256 total = Math.min(cum, depositAmount);
        assertEq(escrow.totalRevenue(), total, "revenue == final cumulative capped by deposit");
        assertEq(token.balanceOf(provider) + token.balanceOf(treasury) + token.totalBurned(), total, "everything paid");
        assertEq(escrow.depositOf(alice), depositAmount - total, "deposit left");

        for (uint256 i; i < 6; ++i) {
            Escrow.Voucher memory v = _voucher(alice, provider, cumulative[i]);
            if (cumulative[i] <= total) {
                vm.expectRevert(
                    abi.encodeWithSelector(Escrow.EscrowNothingToRedeem.selector, alice, provider, cumulative[i], total)
                );
            } else {
                vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInsufficientDeposit.selector, alice));
            }
            _redeem(provider, v, sigs[i]);
        }
    }

    /// @dev Once a cumulative amount is redeemed, any voucher at or below it reverts.
    function testFuzz_olderVoucherReplayReverts(uint256 older, uint256 newer) public {
        newer = bound(newer, 1, 1e36);
        older = bound(older, 0, newer);
        _fund(alice, 1e36);
        Escrow.Voucher memory vOld = _voucher(alice, provider, older);
        Escrow.Voucher memory vNew = _voucher(alice, provider, newer);
        bytes memory oldSig = _sign(aliceKey, vOld);
        bytes memory newSig = _sign(aliceKey, vNew);
        _redeem(provider, vNew, newSig);

        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNothingToRedeem.selector, alice, provider, older, newer));
        _redeem(provider, vOld, oldSig);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNothingToRedeem.selector, alice, provider, newer, newer));
        _redeem(provider, vNew, newSig);
    }

    function testFuzz_voucherSignedForAnotherChainIdFails(uint256 otherChainId) public {
        vm.assume(otherChainId != block.chainid);
        _fund(alice, 10_000);
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = signDigest(aliceKey, _digest(v, otherChainId, address(escrow)));
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, alice));
        _redeem(provider, v, sig);
    }

    function testFuzz_voucherSignedForAnotherEscrowFails(address otherEscrow) public {
        vm.assume(otherEscrow != address(escrow));
        _fund(alice, 10_000);
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = signDigest(aliceKey, _digest(v, block.chainid, otherEscrow));
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, alice));
        _redeem(provider, v, sig);
    }

    function testFuzz_voucherSignedForAnotherProviderFails(address otherProvider) public {
        vm.assume(otherProvider != provider);
        _fund(alice, 10_000);
        Escrow.Voucher memory forOther = _voucher(alice, otherProvider, 1000);
        bytes memory sig = _sign(aliceKey, forOther);

        // Submitted as is by someone who is not the named provider.
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowNotVoucherProvider.selector, otherProvider, provider));
        _redeem(provider, forOther, sig);

        // Rewritten to name the caller: the signature no longer matches.
        Escrow.Voucher memory rewritten = _voucher(alice, provider, 1000);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, alice));
        _redeem(provider, rewritten, sig);
    }

    function testFuzz_chainIdChangeInvalidatesVoucher(uint64 newChainId) public {
        vm.assume(newChainId != block.chainid && newChainId != 0);
        _fund(alice, 10_000);
        Escrow.Voucher memory v = _voucher(alice, provider, 1000);
        bytes memory sig = _sign(aliceKey, v);
        vm.chainId(newChainId);
        vm.expectRevert(abi.encodeWithSelector(Escrow.EscrowInvalidSignature.selector, alice));
        _redeem(provider, v, sig);
        // A voucher signed for the new chain id is accepted.
        bytes memory newSig = _sign(aliceKey, v);
        _redeem(provider, v, newSig);
        assertEq(escrow.redeemed(alice, provider), 1000, "redeemed on the new chain id");
    }

    function testFuzz_withdraw_paysMinOfRequestAndDeposit(uint256 depositAmount, uint256 request, uint256 spent)
        public
    {
        depositAmount = bound(depositAmount, 1, 1e30);
        request = bound(request, 1, type(uint256).max);
        spent = bound(spent, 0, depositAmount);
        _fund(alice, depositAmount);
        vm.prank(alice);
        escrow.requestWithdrawal(request);
        if (spent != 0) {
            Escrow.Voucher memory v = _voucher(alice, provider, spent);
            _redeem(provider, v, _sign(aliceKey, v));
        }
        vm.warp(block.timestamp + DELAY);
        uint256 expected = Math.min(request, depositAmount - spent);
        vm.expectEmit(address(escrow));
        emit Escrow.Withdrawn(alice, expected);
        vm.prank(alice);
        escrow.withdraw();
        assertEq(token.balanceOf(alice), expected, "withdrawn");
        assertEq(escrow.depositOf(alice), depositAmount - spent - expected, "deposit left");
        assertEq(token.balanceOf(address(escrow)), escrow.depositOf(alice), "escrow holds the deposit");
    }

    // ================================================================== helpers

    /// @dev Transfer events of the token out of the escrow since recordLogs (burns included: to == 0).
    function _countTransfersFromEscrow() internal returns (uint256 count) {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (
                logs[i].emitter == address(token) && logs[i].topics.length == 3
                    && logs[i].topics[0] == IERC20.Transfer.selector
                    && address(uint160(uint256(logs[i].topics[1]))) == address(escrow)
            ) ++count;
        }
    }
}

/// @dev Drives the escrow with random deposits, withdrawal requests, cancels, withdrawals after warps, share
/// changes, new and old vouchers (single and batched) and forgery attempts, keeping ghost totals for the invariants.
contract EscrowHandler is Test {
    uint256 internal constant N = 3;

    Escrow internal immutable escrow;
    TestToken internal immutable token;
    address internal immutable governance;
    address internal immutable treasury;
    address internal immutable funder;

    address[N] public customers;
    uint256[N] internal keys;
    address[N] public providers;

    struct Signed {
        uint256 cumulative;
        bytes signature;
    }

    mapping(address customer => uint256) public deposited;
    mapping(address customer => uint256) public withdrawn;
    mapping(address customer => mapping(address provider => uint256)) public maxSigned;
    mapping(address customer => mapping(address provider => uint256)) public paid;
    mapping(address customer => mapping(address provider => Signed[])) internal _signed;

    uint256 public totalPaid;
    uint256 public providerInflow;
    uint256 public treasuryInflow;
    uint256 public burnedInflow;
    uint256 public forgedSuccesses;
    uint256 public redemptions;
    uint256 public withdrawals;

    constructor(Escrow escrow_, TestToken token_, address governance_, address treasury_) {
        escrow = escrow_;
        token = token_;
        governance = governance_;
        treasury = treasury_;
        funder = makeAddr("funder");
        for (uint256 i; i < N; ++i) {
            (customers[i], keys[i]) = makeKey(string.concat("customer", vm.toString(i)));
            providers[i] = makeAddr(string.concat("provider", vm.toString(i)));
        }
    }

    // ------------------------------------------------------------------ actions

    function deposit(uint256 customerSeed, bool byFunder, uint256 amount) external {
        address customer = customers[customerSeed % N];
        amount = bound(amount, 1, 1e24);
        address payer = byFunder ? funder : customer;
        token.mint(payer, amount);
        vm.startPrank(payer);
        token.approve(address(escrow), amount);
        if (byFunder) escrow.depositFor(customer, amount);
        else escrow.deposit(amount);
        vm.stopPrank();
        deposited[customer] += amount;
    }

    function requestWithdrawal(uint256 customerSeed, uint256 amount) external {
        address customer = customers[customerSeed % N];
        amount = bound(amount, 1, 2e24);
        vm.prank(customer);
        escrow.requestWithdrawal(amount);
    }

    function cancelWithdrawal(uint256 customerSeed) external {
        address customer = customers[customerSeed % N];
        (uint256 pending,) = escrow.pendingWithdrawal(customer);
        if (pending == 0) return;
        vm.prank(customer);
        escrow.cancelWithdrawal();
    }

    function withdraw(uint256 customerSeed, uint256 warpBy) external {
        address customer = customers[customerSeed % N];
        vm.warp(block.timestamp + bound(warpBy, 0, 2 days));
        (uint256 pending, uint64 unlockTime) = escrow.pendingWithdrawal(customer);
        // forge-lint: disable-next-line(block-timestamp)
        if (pending == 0 || block.timestamp < unlockTime) return;
        uint256 balanceBefore = token.balanceOf(customer);
        vm.prank(customer);
        escrow.withdraw();
        withdrawn[customer] += token.balanceOf(customer) - balanceBefore;
        ++withdrawals;
    }

    function setShares(uint256 treasuryBps, uint256 burnBps) external {
        treasuryBps = bound(treasuryBps, 0, 10_000);
        burnBps = bound(burnBps, 0, 10_000 - treasuryBps);
        vm.prank(governance);
        // forge-lint: disable-next-line(unsafe-typecast)
        escrow.setShares(uint16(10_000 - treasuryBps - burnBps), uint16(treasuryBps), uint16(burnBps));
    }

    /// @dev The customer signs a new, larger cumulative voucher and the provider redeems it.
    function redeemNew(uint256 customerSeed, uint256 providerSeed, uint256 increment) external {
        uint256 c = customerSeed % N;
        address provider = providers[providerSeed % N];
        Signed memory s = _signNew(c, provider, increment);
        _redeemSingle(customers[c], provider, s);
    }

    /// @dev The provider (re)submits any voucher it was given before: pays only if it is above what was redeemed.
    function redeemOld(uint256 customerSeed, uint256 providerSeed, uint256 index) external {
        address customer = customers[customerSeed % N];
        address provider = providers[providerSeed % N];
        Signed[] storage list = _signed[customer][provider];
        if (list.length == 0) return;
        _redeemSingle(customer, provider, list[index % list.length]);
    }

    /// @dev One provider redeems up to four new vouchers, customers chosen by the seed (repeats allowed).
    function redeemBatch(uint256 providerSeed, uint256 customerSeeds, uint256 count, uint256 increment) external {
        address provider = providers[providerSeed % N];
        count = bound(count, 1, 4);
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](count);
        bytes[] memory sigs = new bytes[](count);
        for (uint256 i; i < count; ++i) {
            uint256 c = (customerSeeds >> (8 * i)) % N;
            Signed memory s = _signNew(c, provider, uint256(keccak256(abi.encode(increment, i))));
            vs[i] = Escrow.Voucher(customers[c], provider, s.cumulative);
            sigs[i] = s.signature;
        }
        uint256[N] memory redeemedBefore;
        for (uint256 c; c < N; ++c) {
            redeemedBefore[c] = escrow.redeemed(customers[c], provider);
        }
        Flows memory before = _flows(provider);
        vm.prank(provider);
        try escrow.redeemBatch(vs, sigs) {
            ++redemptions;
        } catch {}
        for (uint256 c; c < N; ++c) {
            uint256 delta = escrow.redeemed(customers[c], provider) - redeemedBefore[c];
            paid[customers[c]][provider] += delta;
            totalPaid += delta;
        }
        _recordFlows(provider, before);
    }

    /// @dev A provider tries to collect a voucher meant for someone else, or signed by the wrong key. Must fail.
    function forge_(uint256 customerSeed, uint256 providerSeed, uint256 mode) external {
        uint256 c = customerSeed % N;
        address thief = providers[providerSeed % N];
        address victim = providers[(providerSeed % N + 1) % N];
        uint256 cumulative = maxSigned[customers[c]][victim] + 1e24;
        Escrow.Voucher memory v;
        bytes memory sig;
        if (mode % 3 == 0) {
            // Voucher for the victim, submitted by the thief.
            v = Escrow.Voucher(customers[c], victim, cumulative);
            sig = signDigest(keys[c], escrow.voucherDigest(v));
        } else if (mode % 3 == 1) {
            // Victim's signature re-used on a voucher naming the thief.
            sig = signDigest(keys[c], escrow.voucherDigest(Escrow.Voucher(customers[c], victim, cumulative)));
            v = Escrow.Voucher(customers[c], thief, cumulative);
        } else {
            // Signed by another customer's key.
            v = Escrow.Voucher(customers[c], thief, cumulative);
            sig = signDigest(keys[(c + 1) % N], escrow.voucherDigest(v));
        }
        vm.prank(thief);
        try escrow.redeem(v, sig) {
            ++forgedSuccesses;
        } catch {}
    }

    // ------------------------------------------------------------------ internals

    struct Flows {
        uint256 provider;
        uint256 treasury;
        uint256 burned;
    }

    function _signNew(uint256 c, address provider, uint256 increment) internal returns (Signed memory s) {
        address customer = customers[c];
        s.cumulative = maxSigned[customer][provider] + bound(increment, 1, 5e23);
        maxSigned[customer][provider] = s.cumulative;
        s.signature = signDigest(keys[c], escrow.voucherDigest(Escrow.Voucher(customer, provider, s.cumulative)));
        _signed[customer][provider].push(s);
    }

    function _redeemSingle(address customer, address provider, Signed memory s) internal {
        uint256 redeemedBefore = escrow.redeemed(customer, provider);
        Flows memory before = _flows(provider);
        vm.prank(provider);
        try escrow.redeem(Escrow.Voucher(customer, provider, s.cumulative), s.signature) {
            ++redemptions;
        } catch {}
        uint256 delta = escrow.redeemed(customer, provider) - redeemedBefore;
        paid[customer][provider] += delta;
        totalPaid += delta;
        _recordFlows(provider, before);
    }

    function _flows(address provider) internal view returns (Flows memory f) {
        f.provider = token.balanceOf(provider);
        f.treasury = token.balanceOf(treasury);
        f.burned = token.totalBurned();
    }

    function _recordFlows(address provider, Flows memory before) internal {
        providerInflow += token.balanceOf(provider) - before.provider;
        treasuryInflow += token.balanceOf(treasury) - before.treasury;
        burnedInflow += token.totalBurned() - before.burned;
    }

    function customerCount() external pure returns (uint256) {
        return N;
    }
}

contract EscrowInvariantTest is Test {
    TestToken internal token;
    Escrow internal escrow;
    EscrowHandler internal handler;
    address internal treasury;

    function setUp() public {
        address governance = makeAddr("governance");
        treasury = makeAddr("treasury");
        token = new TestToken();
        escrow = new Escrow(token, governance, treasury, 1 days, 8000, 1500, 500);
        handler = new EscrowHandler(escrow, token, governance, treasury);
        // Every customer starts funded, so that early redemptions have something to pay from.
        for (uint256 i; i < handler.customerCount(); ++i) {
            handler.deposit(i, i % 2 == 0, 1e24);
        }

        bytes4[] memory selectors = new bytes4[](9);
        selectors[0] = EscrowHandler.deposit.selector;
        selectors[1] = EscrowHandler.requestWithdrawal.selector;
        selectors[2] = EscrowHandler.cancelWithdrawal.selector;
        selectors[3] = EscrowHandler.withdraw.selector;
        selectors[4] = EscrowHandler.setShares.selector;
        selectors[5] = EscrowHandler.redeemNew.selector;
        selectors[6] = EscrowHandler.redeemOld.selector;
        selectors[7] = EscrowHandler.redeemBatch.selector;
        selectors[8] = EscrowHandler.forge_.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// @dev The escrow holds exactly the customers' deposits: nothing is created or lost.
    function invariant_balanceEqualsSumOfDeposits() public view {
        uint256 sum;
        for (uint256 i; i < handler.customerCount(); ++i) {
            sum += escrow.depositOf(handler.customers(i));
        }
        assertEq(token.balanceOf(address(escrow)), sum, "escrow balance == sum of deposits");
    }

    /// @dev No (customer, provider) pair is ever paid more than the largest cumulative amount the customer signed.
    function invariant_paidNeverExceedsSigned() public view {
        for (uint256 i; i < handler.customerCount(); ++i) {
            address customer = handler.customers(i);
            for (uint256 j; j < handler.customerCount(); ++j) {
                address provider = handler.providers(j);
                uint256 redeemed = escrow.redeemed(customer, provider);
                assertLe(redeemed, handler.maxSigned(customer, provider), "redeemed <= max signed");
                assertEq(redeemed, handler.paid(customer, provider), "redeemed == observed payments");
            }
        }
    }

    /// @dev What left a customer's deposit (redemptions + withdrawals) never exceeds what was deposited for it;
    /// with what is still deposited it accounts for every token.
    function invariant_customerPaidOutNeverExceedsDeposited() public view {
        for (uint256 i; i < handler.customerCount(); ++i) {
            address customer = handler.customers(i);
            uint256 out = handler.withdrawn(customer);
            for (uint256 j; j < handler.customerCount(); ++j) {
                out += escrow.redeemed(customer, handler.providers(j));
            }
            assertLe(out, handler.deposited(customer), "paid out <= deposited");
            assertEq(out + escrow.depositOf(customer), handler.deposited(customer), "conservation per customer");
        }
    }

    /// @dev totalRevenue is the gross of all redemptions, and it went exactly to providers, treasury and burn.
    function invariant_revenueMatchesSplitOutflows() public view {
        assertEq(escrow.totalRevenue(), handler.totalPaid(), "revenue == sum of redemptions");
        assertEq(
            handler.providerInflow() + handler.treasuryInflow() + handler.burnedInflow(),
            handler.totalPaid(),
            "split parts == redemptions"
        );
        assertEq(token.balanceOf(treasury), handler.treasuryInflow(), "treasury only from redemptions");
        assertEq(token.totalBurned(), handler.burnedInflow(), "burns only from redemptions");
    }

    /// @dev No forged or misdirected voucher was ever paid.
    function invariant_noForgedRedemption() public view {
        assertEq(handler.forgedSuccesses(), 0, "forged voucher paid");
    }
}

/// @dev Gas of single and batched redemption in the steady state (provider, treasury and pairs already non-zero).
contract EscrowGasTest is EscrowBase {
    uint256 internal constant JOBS_PER_VOUCHER = 100;
    uint256 internal constant GAS_PER_JOB_TARGET = 2000;
    uint256 internal constant BATCH = 10;

    event log_named_uint(string key, uint256 val);

    uint256[BATCH] internal keys;
    address[BATCH] internal customers;

    function setUp() public override {
        super.setUp();
        for (uint256 i; i < BATCH; ++i) {
            (customers[i], keys[i]) = makeKey(string.concat("gasCustomer", vm.toString(i)));
            _fund(customers[i], 1e24);
            // First redemption of every pair, so later ones measure the steady state.
            Escrow.Voucher memory v = _voucher(customers[i], provider, 1e18);
            _redeem(provider, v, _sign(keys[i], v));
        }
    }

    function test_gas_redeemSingle() public {
        // A voucher covering 100 more jobs of 0.01 token each.
        Escrow.Voucher memory v = _voucher(customers[0], provider, 1e18 + JOBS_PER_VOUCHER * 1e16);
        bytes memory sig = _sign(keys[0], v);
        vm.prank(provider);
        escrow.redeem(v, sig);
        uint256 gasUsed = vm.snapshotGasLastCall("redeem single (steady state)");
        uint256 txGas = gasUsed + _intrinsic(abi.encodeCall(Escrow.redeem, (v, sig)));
        emit log_named_uint("redeem: execution gas", gasUsed);
        emit log_named_uint("redeem: tx gas incl. intrinsic + calldata", txGas);
        emit log_named_uint("redeem: tx gas per job (100 jobs)", txGas / JOBS_PER_VOUCHER);
        assertLe(txGas, JOBS_PER_VOUCHER * GAS_PER_JOB_TARGET, "single redeem within 2,000 gas per job");
    }

    function test_gas_redeemSingleFirstForPair() public {
        // Worst case: a new (customer, provider) pair and a provider with no balance yet.
        Escrow.Voucher memory v = _voucher(customers[0], provider2, JOBS_PER_VOUCHER * 1e16);
        bytes memory sig = _sign(keys[0], v);
        vm.prank(provider2);
        escrow.redeem(v, sig);
        uint256 gasUsed = vm.snapshotGasLastCall("redeem single (first for pair)");
        uint256 txGas = gasUsed + _intrinsic(abi.encodeCall(Escrow.redeem, (v, sig)));
        emit log_named_uint("redeem first: execution gas", gasUsed);
        emit log_named_uint("redeem first: tx gas incl. intrinsic + calldata", txGas);
        assertLe(txGas, JOBS_PER_VOUCHER * GAS_PER_JOB_TARGET, "first redeem within 2,000 gas per job");
    }

    function test_gas_redeemBatch() public {
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](BATCH);
        bytes[] memory sigs = new bytes[](BATCH);
        for (uint256 i; i < BATCH; ++i) {
            vs[i] = _voucher(customers[i], provider, 1e18 + JOBS_PER_VOUCHER * 1e16);
            sigs[i] = _sign(keys[i], vs[i]);
        }
        vm.prank(provider);
        escrow.redeemBatch(vs, sigs);
        uint256 gasUsed = vm.snapshotGasLastCall("redeemBatch of 10 (steady state)");
        uint256 txGas = gasUsed + _intrinsic(abi.encodeCall(Escrow.redeemBatch, (vs, sigs)));
        emit log_named_uint("batch of 10: execution gas", gasUsed);
        emit log_named_uint("batch of 10: tx gas incl. intrinsic + calldata", txGas);
        emit log_named_uint("batch of 10: tx gas per voucher", txGas / BATCH);
        emit log_named_uint("batch of 10: tx gas per job (100 jobs each)", txGas / (BATCH * JOBS_PER_VOUCHER));
        assertLe(txGas / BATCH, JOBS_PER_VOUCHER * GAS_PER_JOB_TARGET, "batch within 2,000 gas per job");
        assertEq(escrow.totalRevenue(), BATCH * (1e18 + JOBS_PER_VOUCHER * 1e16), "all paid");
    }

    /// @dev 21,000 + calldata cost (4 per zero byte, 16 per non-zero byte, pre-EIP-7623 pricing).
    function _intrinsic(bytes memory data) internal pure returns (uint256 gas) {
        gas = 21_000;
        for (uint256 i; i < data.length; ++i) {
            gas += data[i] == 0 ? 4 : 16;
        }
    }
}
