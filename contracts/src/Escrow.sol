// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {Governed} from "./Governed.sol";
import {IEscrow} from "./interfaces/IEscrow.sol";
import {IToken} from "./interfaces/IToken.sol";

/// @title Groundwork customer escrow
/// @notice Customers deposit tokens here and pay providers off-chain with EIP-712 cumulative vouchers
/// (`Voucher(address customer,address provider,uint256 cumulativeAmount)`, domain `Groundwork Escrow`, version `1`).
/// A provider redeems the latest voucher to collect everything not yet collected; each redemption is split between
/// the provider, the treasury and a burn by governed shares (basis points summing to 10,000). Withdrawals are delayed
/// by `withdrawalDelay` so that providers can redeem outstanding vouchers before the customer leaves.
/// @dev Rounding: the treasury and burn parts are rounded down; the rounding dust goes to the provider, so
/// `providerAmount + treasuryAmount + burnAmount == paid` exactly for every redemption.
contract Escrow is Governed, EIP712, IEscrow {
    using SafeERC20 for IToken;

    /// @notice A customer's promise to pay `provider` a running total of `cumulativeAmount` tokens.
    /// @dev Each newer voucher for the same (customer, provider) pair carries a larger cumulative amount; redeeming
    /// it pays only the difference with what has already been redeemed.
    struct Voucher {
        address customer;
        address provider;
        uint256 cumulativeAmount;
    }

    /// @dev A customer's pending withdrawal request; `amount == 0` means none.
    struct WithdrawalRequest {
        uint256 amount;
        uint64 unlockTime;
    }

    /// @notice The EIP-712 type hash of {Voucher}.
    bytes32 public constant VOUCHER_TYPEHASH =
        keccak256("Voucher(address customer,address provider,uint256 cumulativeAmount)");

    /// @dev Denominator of the shares.
    uint256 private constant _BPS = 10_000;

    /// @notice The Groundwork token held in escrow.
    IToken public immutable token;
    /// @notice Receives the treasury share of every redemption.
    address public immutable treasury;

    mapping(address customer => uint256) private _deposits;
    mapping(address customer => mapping(address provider => uint256)) private _redeemed;
    mapping(address customer => WithdrawalRequest) private _withdrawals;
    // The three shares and the delay share one storage slot: a redemption reads them with one cold SLOAD.
    uint16 private _providerBps;
    uint16 private _treasuryBps;
    uint16 private _burnBps;
    uint64 private _withdrawalDelay;
    uint256 private _totalRevenue;

    /// @notice `amount` was added to `customer`'s deposit, paid by `payer`.
    event Deposited(address indexed customer, address indexed payer, uint256 amount);
    /// @notice `customer` asked to withdraw `amount`, possible from `unlockTime`; replaces any earlier request.
    event WithdrawalRequested(address indexed customer, uint256 amount, uint64 unlockTime);
    /// @notice `customer` cancelled a pending request for `amount`.
    event WithdrawalCancelled(address indexed customer, uint256 amount);
    /// @notice `amount` was paid back to `customer` from its deposit.
    event Withdrawn(address indexed customer, uint256 amount);
    /// @notice A voucher was redeemed: `paid` left `customer`'s deposit and was split into the three amounts.
    /// `redeemed(customer, provider)` grew by `paid`; it equals `cumulativeAmount` unless the deposit fell short.
    event VoucherRedeemed(
        address indexed customer,
        address indexed provider,
        uint256 cumulativeAmount,
        uint256 paid,
        uint256 providerAmount,
        uint256 treasuryAmount,
        uint256 burnAmount
    );
    /// @notice The redemption split changed.
    event SharesSet(uint16 providerBps, uint16 treasuryBps, uint16 burnBps);
    /// @notice The withdrawal delay changed; it applies to requests made from now on.
    event WithdrawalDelaySet(uint64 withdrawalDelay);

    /// @notice The signature is not `customer`'s (EOA) or not accepted by `customer` (ERC-1271) for this voucher.
    error EscrowInvalidSignature(address customer);
    /// @notice `redeemed` already reaches the voucher's `cumulativeAmount`: an old or already redeemed voucher.
    error EscrowNothingToRedeem(address customer, address provider, uint256 cumulativeAmount, uint256 redeemed);
    /// @notice `customer` has no deposit left to pay the voucher.
    error EscrowInsufficientDeposit(address customer);
    /// @notice The pending withdrawal unlocks only at `unlockTime`.
    error EscrowWithdrawalLocked(uint64 unlockTime);
    /// @notice `customer` has no pending withdrawal request.
    error EscrowNoWithdrawalPending(address customer);
    /// @notice The shares do not sum to 10,000 basis points.
    error EscrowInvalidShares(uint16 providerBps, uint16 treasuryBps, uint16 burnBps);
    /// @notice An amount of zero was given where a positive amount is required.
    error EscrowZeroAmount();
    /// @notice The vouchers and signatures arrays differ in length.
    error EscrowLengthMismatch(uint256 vouchers, uint256 signatures);
    /// @notice Only the voucher's `provider` may redeem it; `caller` is someone else.
    error EscrowNotVoucherProvider(address provider, address caller);
    /// @notice A required address is zero.
    error EscrowZeroAddress();

    /// @param token_ The Groundwork token.
    /// @param governance_ The governance timelock, the only account allowed to change the shares and the delay.
    /// @param treasury_ Receives the treasury share of every redemption.
    /// @param withdrawalDelay_ Seconds between a withdrawal request and the moment it can be executed.
    /// @param providerShareBps Provider share of each redemption, in basis points.
    /// @param treasuryShareBps Treasury share of each redemption, in basis points.
    /// @param burnShareBps Burned share of each redemption, in basis points. The three must sum to 10,000.
    constructor(
        IToken token_,
        address governance_,
        address treasury_,
        uint64 withdrawalDelay_,
        uint16 providerShareBps,
        uint16 treasuryShareBps,
        uint16 burnShareBps
    ) Governed(governance_) EIP712("Groundwork Escrow", "1") {
        if (address(token_) == address(0) || treasury_ == address(0)) revert EscrowZeroAddress();
        token = token_;
        treasury = treasury_;
        _setShares(providerShareBps, treasuryShareBps, burnShareBps);
        _setWithdrawalDelay(withdrawalDelay_);
    }

    // ------------------------------------------------------------------ deposits

    /// @notice Adds `amount` of the caller's tokens to the caller's deposit.
    /// @dev Requires `amount > 0` and an allowance of at least `amount` to this contract. Emits {Deposited}.
    function deposit(uint256 amount) external {
        _deposit(msg.sender, msg.sender, amount);
    }

    /// @notice Adds `amount` of the caller's tokens to `customer`'s deposit (e.g. a company funding a wallet).
    /// @dev Requires `customer != 0`, `amount > 0` and an allowance of at least `amount`. Emits {Deposited}.
    function depositFor(address customer, uint256 amount) external {
        if (customer == address(0)) revert EscrowZeroAddress();
        _deposit(customer, msg.sender, amount);
    }

    /// @notice Approves this contract with an ERC-2612 permit and deposits `amount` of the caller's tokens in one call.
    /// @dev The permit is tried and its failure ignored: if someone front-ran it (the permit was already used), the
    /// allowance is in place and the deposit goes through; if the allowance is missing the transfer reverts with the
    /// token's `ERC20InsufficientAllowance`. Requires `amount > 0`. Emits {Deposited}.
    function depositWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external {
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _deposit(msg.sender, msg.sender, amount);
    }

    // ------------------------------------------------------------------ withdrawals

    /// @notice Asks to withdraw `amount` from the caller's deposit after `withdrawalDelay` seconds.
    /// @dev Replaces any earlier request (and restarts the delay). `amount` may exceed the deposit: {withdraw} pays
    /// what is left at that time. Vouchers stay redeemable during the delay. Requires `amount > 0`. The unlock time
    /// `block.timestamp + withdrawalDelay` is capped at `type(uint64).max`.
    /// Emits {WithdrawalRequested}.
    function requestWithdrawal(uint256 amount) external {
        if (amount == 0) revert EscrowZeroAmount();
        // Saturates rather than overflows: a delay pushing the unlock past uint64 simply never unlocks.
        uint256 unlockAt = block.timestamp + _withdrawalDelay;
        // casting to 'uint64' is safe because unlockAt <= type(uint64).max in that branch
        // forge-lint: disable-next-line(unsafe-typecast)
        uint64 unlockTime = unlockAt > type(uint64).max ? type(uint64).max : uint64(unlockAt);
        _withdrawals[msg.sender] = WithdrawalRequest({amount: amount, unlockTime: unlockTime});
        emit WithdrawalRequested(msg.sender, amount, unlockTime);
    }

    /// @notice Cancels the caller's pending withdrawal request.
    /// @dev Reverts with {EscrowNoWithdrawalPending} when there is none. Emits {WithdrawalCancelled}.
    function cancelWithdrawal() external {
        uint256 amount = _withdrawals[msg.sender].amount;
        if (amount == 0) revert EscrowNoWithdrawalPending(msg.sender);
        delete _withdrawals[msg.sender];
        emit WithdrawalCancelled(msg.sender, amount);
    }

    /// @notice Executes the caller's unlocked withdrawal request: pays `min(requested, deposit)` and clears it.
    /// @dev Reverts with {EscrowNoWithdrawalPending} without a request and {EscrowWithdrawalLocked} before its
    /// unlock time. When vouchers drained the deposit during the delay the payment may be 0; the request is still
    /// cleared. Emits {Withdrawn}.
    function withdraw() external {
        WithdrawalRequest memory request = _withdrawals[msg.sender];
        if (request.amount == 0) revert EscrowNoWithdrawalPending(msg.sender);
        // The delay is days long: a validator's few seconds of timestamp leeway do not matter.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < request.unlockTime) revert EscrowWithdrawalLocked(request.unlockTime);

        uint256 available = _deposits[msg.sender];
        uint256 amount = request.amount < available ? request.amount : available;
        delete _withdrawals[msg.sender];
        // Cannot underflow: amount <= available.
        unchecked {
            _deposits[msg.sender] = available - amount;
        }
        emit Withdrawn(msg.sender, amount);
        if (amount != 0) token.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ redemption

    /// @notice Redeems `voucher`, paying `min(cumulativeAmount - redeemed, deposit)` from the customer's deposit,
    /// split between the provider (the caller), the treasury and a burn. Rounding dust goes to the provider.
    /// @dev Requirements: the caller is `voucher.provider` ({EscrowNotVoucherProvider}); `signature` is the
    /// customer's EIP-712 signature of the voucher, ECDSA for an EOA or ERC-1271 for a contract wallet
    /// ({EscrowInvalidSignature}); something is left to redeem ({EscrowNothingToRedeem}); the customer has a
    /// deposit ({EscrowInsufficientDeposit}). A partly covered voucher stays redeemable for the rest after a top-up.
    /// Emits {VoucherRedeemed}.
    function redeem(Voucher calldata voucher, bytes calldata signature) external {
        (uint256 treasuryBps, uint256 burnBps) = (_treasuryBps, _burnBps);
        (uint256 paid, uint256 treasuryAmount, uint256 burnAmount) = _redeem(voucher, signature, treasuryBps, burnBps);
        _totalRevenue += paid;
        _payOut(paid, treasuryAmount, burnAmount);
    }

    /// @notice Redeems several vouchers, all naming the caller as provider, with one transfer to the provider, one
    /// to the treasury and one burn at the end.
    /// @dev Each voucher is checked and accounted as in {redeem}, in order (two vouchers of the same customer are
    /// both applied); any failing voucher reverts the whole batch. An empty batch does nothing.
    /// Requires `vouchers.length == signatures.length` ({EscrowLengthMismatch}). Emits one {VoucherRedeemed} each.
    function redeemBatch(Voucher[] calldata vouchers, bytes[] calldata signatures) external {
        uint256 count = vouchers.length;
        if (count != signatures.length) revert EscrowLengthMismatch(count, signatures.length);
        (uint256 treasuryBps, uint256 burnBps) = (_treasuryBps, _burnBps);

        uint256 totalPaid;
        uint256 treasuryTotal;
        uint256 burnTotal;
        for (uint256 i; i < count; ++i) {
            (uint256 paid, uint256 treasuryAmount, uint256 burnAmount) =
                _redeem(vouchers[i], signatures[i], treasuryBps, burnBps);
            // Cannot overflow: each `paid` is taken out of a deposit, and the deposits together never exceed the
            // escrow's token balance, so the sums are bounded by the token supply; treasuryAmount and burnAmount
            // are parts of `paid`.
            unchecked {
                totalPaid += paid;
                treasuryTotal += treasuryAmount;
                burnTotal += burnAmount;
            }
        }
        _totalRevenue += totalPaid;
        _payOut(totalPaid, treasuryTotal, burnTotal);
    }

    // ------------------------------------------------------------------ governance

    /// @notice Sets the redemption split. Only governance.
    /// @dev Requires `providerBps + treasuryBps + burnBps == 10,000` ({EscrowInvalidShares}). Applies to redemptions
    /// from the next call on. Emits {SharesSet}.
    function setShares(uint16 providerBps, uint16 treasuryBps, uint16 burnBps) external onlyGovernance {
        _setShares(providerBps, treasuryBps, burnBps);
    }

    /// @notice Sets the withdrawal delay in seconds. Only governance.
    /// @dev Pending requests keep the unlock time they were given. Emits {WithdrawalDelaySet}.
    function setWithdrawalDelay(uint64 withdrawalDelay_) external onlyGovernance {
        _setWithdrawalDelay(withdrawalDelay_);
    }

    // ------------------------------------------------------------------ views

    /// @notice `customer`'s deposit not yet redeemed or withdrawn.
    function depositOf(address customer) external view returns (uint256) {
        return _deposits[customer];
    }

    /// @notice Everything `provider` has been paid (gross, before the split) from `customer`'s vouchers.
    function redeemed(address customer, address provider) external view returns (uint256) {
        return _redeemed[customer][provider];
    }

    /// @notice `customer`'s pending withdrawal request; `(0, 0)` when there is none.
    function pendingWithdrawal(address customer) external view returns (uint256 amount, uint64 unlockTime) {
        WithdrawalRequest memory request = _withdrawals[customer];
        return (request.amount, request.unlockTime);
    }

    /// @notice The redemption split in basis points (sums to 10,000).
    function shares() external view returns (uint16 providerBps, uint16 treasuryBps, uint16 burnBps) {
        return (_providerBps, _treasuryBps, _burnBps);
    }

    /// @notice Seconds between a withdrawal request and the moment it can be executed.
    function withdrawalDelay() external view returns (uint64) {
        return _withdrawalDelay;
    }

    /// @notice The EIP-712 digest a customer signs for `voucher` (for off-chain signers and tests).
    function voucherDigest(Voucher calldata voucher) external view returns (bytes32) {
        return _voucherDigest(voucher);
    }

    /// @inheritdoc IEscrow
    function totalRevenue() external view returns (uint256) {
        return _totalRevenue;
    }

    // ------------------------------------------------------------------ internal

    function _deposit(address customer, address payer, uint256 amount) private {
        if (amount == 0) revert EscrowZeroAmount();
        _deposits[customer] += amount;
        emit Deposited(customer, payer, amount);
        token.safeTransferFrom(payer, address(this), amount);
    }

    /// @dev Checks one voucher, moves `paid` from the customer's deposit to `redeemed` and splits it. Moves no
    /// tokens and does not touch `_totalRevenue`: the callers do that once.
    function _redeem(Voucher calldata voucher, bytes calldata signature, uint256 treasuryBps, uint256 burnBps)
        private
        returns (uint256 paid, uint256 treasuryAmount, uint256 burnAmount)
    {
        address customer = voucher.customer;
        address provider = voucher.provider;
        uint256 cumulativeAmount = voucher.cumulativeAmount;
        if (provider != msg.sender) revert EscrowNotVoucherProvider(provider, msg.sender);
        if (!SignatureChecker.isValidSignatureNowCalldata(customer, _voucherDigest(voucher), signature)) {
            revert EscrowInvalidSignature(customer);
        }

        uint256 alreadyRedeemed = _redeemed[customer][provider];
        if (cumulativeAmount <= alreadyRedeemed) {
            revert EscrowNothingToRedeem(customer, provider, cumulativeAmount, alreadyRedeemed);
        }
        uint256 available = _deposits[customer];
        if (available == 0) revert EscrowInsufficientDeposit(customer);

        // Cannot underflow: cumulativeAmount > alreadyRedeemed (checked above) and paid <= available.
        // Cannot overflow: alreadyRedeemed + paid <= cumulativeAmount.
        unchecked {
            uint256 owed = cumulativeAmount - alreadyRedeemed;
            paid = owed < available ? owed : available;
            _deposits[customer] = available - paid;
            _redeemed[customer][provider] = alreadyRedeemed + paid;
        }
        (treasuryAmount, burnAmount) = _split(paid, treasuryBps, burnBps);
        // Cannot underflow: _split guarantees treasuryAmount + burnAmount <= paid.
        unchecked {
            emit VoucherRedeemed(
                customer,
                provider,
                cumulativeAmount,
                paid,
                paid - treasuryAmount - burnAmount,
                treasuryAmount,
                burnAmount
            );
        }
    }

    /// @dev floor(paid * bps / 10,000) for the treasury and the burn, computed as
    /// `(paid / 10,000) * bps + (paid % 10,000) * bps / 10,000` so that no intermediate product can overflow.
    /// The provider gets `paid - treasuryAmount - burnAmount`, rounding dust included; since
    /// `treasuryBps + burnBps <= 10,000`, `treasuryAmount + burnAmount <= floor(paid * (treasuryBps + burnBps) /
    /// 10,000) <= paid`.
    function _split(uint256 paid, uint256 treasuryBps, uint256 burnBps)
        private
        pure
        returns (uint256 treasuryAmount, uint256 burnAmount)
    {
        // Cannot overflow: q * bps <= q * 10,000 <= paid, r * bps < 10,000 * 10,000 (bps <= 10,000), and each sum
        // is at most floor(paid * bps / 10,000) <= paid.
        unchecked {
            uint256 q = paid / _BPS;
            uint256 r = paid % _BPS;
            treasuryAmount = q * treasuryBps + (r * treasuryBps) / _BPS;
            burnAmount = q * burnBps + (r * burnBps) / _BPS;
        }
    }

    /// @dev The interactions, after all the accounting: `paid` minus the treasury and burn parts goes to the
    /// provider, who is always the caller.
    function _payOut(uint256 paid, uint256 treasuryAmount, uint256 burnAmount) private {
        uint256 providerAmount;
        // Cannot underflow: every treasury and burn part is split out of its own `paid` (see _split).
        unchecked {
            providerAmount = paid - treasuryAmount - burnAmount;
        }
        if (providerAmount != 0) token.safeTransfer(msg.sender, providerAmount);
        if (treasuryAmount != 0) token.safeTransfer(treasury, treasuryAmount);
        if (burnAmount != 0) token.burn(burnAmount);
    }

    function _voucherDigest(Voucher calldata voucher) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(VOUCHER_TYPEHASH, voucher.customer, voucher.provider, voucher.cumulativeAmount))
        );
    }

    function _setShares(uint16 providerBps, uint16 treasuryBps, uint16 burnBps) private {
        if (uint256(providerBps) + treasuryBps + burnBps != _BPS) {
            revert EscrowInvalidShares(providerBps, treasuryBps, burnBps);
        }
        (_providerBps, _treasuryBps, _burnBps) = (providerBps, treasuryBps, burnBps);
        emit SharesSet(providerBps, treasuryBps, burnBps);
    }

    function _setWithdrawalDelay(uint64 withdrawalDelay_) private {
        _withdrawalDelay = withdrawalDelay_;
        emit WithdrawalDelaySet(withdrawalDelay_);
    }
}
