// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Escrow} from "../src/Escrow.sol";
import {ProviderRegistry} from "../src/ProviderRegistry.sol";
import {Rewards} from "../src/Rewards.sol";
import {Token} from "../src/Token.sol";
import {Vm} from "./utils/Vm.sol";
import {Test} from "./utils/Test.sol";
import {SystemFixture} from "./utils/System.sol";

/// @notice Drives the real, production-wired contracts with four actors (each a customer, a provider owner and an
/// earner), keeping ghost books of everything that should have happened. It holds the oracle keys: it builds the
/// epoch roots, signs them with a random subset of oracles and sometimes with too few.
/// @dev Every action bounds its inputs into the valid range so that most calls do real work; expected failures
/// (forged claims, under-threshold roots, claims before the first root) are made inside try/catch and counted.
/// Time only moves forward through the ghost clock `now_`, re-applied at the start of every action.
contract SystemHandler is Test {
    uint256 internal constant N = 4;
    uint256 internal constant MIN_STAKE = 1000 ether;
    uint256 internal constant MAX_NODES = 8;
    bytes32 internal constant COMPUTE = keccak256("compute");
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

    Token internal immutable token;
    Escrow internal immutable escrow;
    ProviderRegistry internal immutable registry;
    Rewards internal immutable rewards;
    address internal immutable treasury;

    uint256[] internal oracleKeys; // ascending by address
    address[N] public actors;
    uint256[N] internal actorKeys;
    uint256 public now_;

    // ---------------------------------------------------------------- escrow books
    mapping(address => uint256) public deposited;
    mapping(address => uint256) public withdrawn;
    mapping(address => uint256) public paidOut; // gross of every VoucherRedeemed as customer
    mapping(address => mapping(address => uint256)) public signed; // largest cumulative signed per pair
    uint256 public escrowTreasuryTotal; // Σ treasuryAmount of VoucherRedeemed
    uint256 public revenueTotal; // Σ paid of VoucherRedeemed
    uint256 public splitMismatches;

    // ---------------------------------------------------------------- registry books
    bytes32[] public nodeKeys;
    mapping(bytes32 => address) public ownerOf;
    mapping(bytes32 => uint256) public everStaked; // register + addStake
    mapping(bytes32 => uint256) public slashedOf;
    uint256 public slashedTotal;
    uint256 public slashAboveHoldings; // a slash took more than bonded + unbonding
    uint256 public slashMismatches; // a slash took other than min(requested, bonded + unbonding)

    // ---------------------------------------------------------------- rewards books
    uint256[N] public maxPosted; // cumulative amount of each actor in the latest (= largest) root
    bytes32[N] internal leaves;
    mapping(address => uint256) public receivedViaClaimed;
    uint256 public claimedEventMismatches;
    uint256 public preRootClaimAttempts;
    uint256 public preRootClaimSuccesses;
    uint256 public forgedClaimAttempts;
    uint256 public forgedClaimSuccesses;
    uint256 public underThresholdAttempts;
    uint256 public underThresholdAccepted;
    uint256 public validRootsRejected;
    uint256 public validClaimsRejected;

    // ---------------------------------------------------------------- call statistics
    uint256 public calls;
    uint256 public skipped; // returned early: nothing sensible to do in the current state
    uint256 public deposits;
    uint256 public withdrawalRequests;
    uint256 public withdrawals;
    uint256 public redemptions; // single redeem calls
    uint256 public batches;
    uint256 public registrations;
    uint256 public stakeAdds;
    uint256 public unbonds;
    uint256 public unbondedWithdrawals;
    uint256 public roots;
    uint256 public jails;
    uint256 public slashes;
    uint256 public claims;

    constructor(
        Token token_,
        Escrow escrow_,
        ProviderRegistry registry_,
        Rewards rewards_,
        address treasury_,
        uint256[] memory oracleKeys_
    ) {
        token = token_;
        escrow = escrow_;
        registry = registry_;
        rewards = rewards_;
        treasury = treasury_;
        oracleKeys = oracleKeys_;
        for (uint256 i; i < N; ++i) {
            (actors[i], actorKeys[i]) = makeKey(string.concat("actor", vm.toString(i)));
        }
        now_ = block.timestamp;
    }

    modifier step() {
        vm.warp(now_);
        ++calls;
        _;
    }

    function _advance(uint256 dt) internal {
        now_ += dt;
        vm.warp(now_);
    }

    function _skip() internal {
        ++skipped;
    }

    function nodeCount() external view returns (uint256) {
        return nodeKeys.length;
    }

    function actorCount() external pure returns (uint256) {
        return N;
    }

    // ================================================================ escrow

    function deposit(uint256 who, uint256 amount, bool withPermit) external step {
        if (!_deposit(who % N, amount, withPermit)) _skip();
    }

    function _deposit(uint256 who, uint256 amount, bool withPermit) internal returns (bool) {
        address a = actors[who];
        uint256 balance = token.balanceOf(a);
        if (balance == 0) return false;
        amount = bound(amount, 1, balance < 20_000 ether ? balance : 20_000 ether);
        if (withPermit) {
            uint256 deadline = now_ + 1;
            bytes32 structHash =
                keccak256(abi.encode(PERMIT_TYPEHASH, a, address(escrow), amount, token.nonces(a), deadline));
            bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(actorKeys[who], digest);
            vm.prank(a);
            escrow.depositWithPermit(amount, deadline, v, r, s);
        } else {
            vm.startPrank(a);
            token.approve(address(escrow), amount);
            escrow.deposit(amount);
            vm.stopPrank();
        }
        deposited[a] += amount;
        ++deposits;
        return true;
    }

    function requestWithdrawal(uint256 who, uint256 amount) external step {
        address a = actors[who % N];
        amount = bound(amount, 1, escrow.depositOf(a) + 1000 ether); // may ask for more than is left
        vm.prank(a);
        escrow.requestWithdrawal(amount);
        ++withdrawalRequests;
    }

    function withdraw(uint256 who, uint256 extraWait) external step {
        address a = actors[who % N];
        (uint256 amount, uint64 unlockTime) = escrow.pendingWithdrawal(a);
        if (amount == 0) {
            // Nothing pending: ask now, then wait out the delay.
            uint256 ask = bound(extraWait, 1, escrow.depositOf(a) + 1000 ether);
            vm.prank(a);
            escrow.requestWithdrawal(ask);
            ++withdrawalRequests;
            (, unlockTime) = escrow.pendingWithdrawal(a);
        }
        if (now_ < unlockTime) _advance(unlockTime - now_ + bound(extraWait, 0, 60));
        uint256 before = token.balanceOf(a);
        vm.prank(a);
        escrow.withdraw();
        withdrawn[a] += token.balanceOf(a) - before;
        ++withdrawals;
    }

    function redeem(uint256 customerSeed, uint256 providerSeed, uint256 amount) external step {
        uint256 c = customerSeed % N;
        address customer = actors[c];
        address provider = actors[providerSeed % N]; // may be the customer itself (self-dealing)
        uint256 available = escrow.depositOf(customer);
        if (available == 0) {
            if (!_deposit(c, amount, false)) return _skip();
            available = escrow.depositOf(customer);
        }
        // Sometimes above the deposit: the voucher is then partly covered.
        uint256 cumulative = signed[customer][provider] + bound(amount, 1, available + available / 4);
        signed[customer][provider] = cumulative;
        Escrow.Voucher memory v = Escrow.Voucher(customer, provider, cumulative);
        bytes memory sig = signDigest(actorKeys[c], escrow.voucherDigest(v));
        vm.recordLogs();
        vm.prank(provider);
        escrow.redeem(v, sig);
        _bookRedemptions(vm.getRecordedLogs());
        ++redemptions;
    }

    function redeemBatch(uint256 providerSeed, uint256 seed) external step {
        address provider = actors[providerSeed % N];
        Escrow.Voucher[] memory vs = new Escrow.Voucher[](N);
        bytes[] memory sigs = new bytes[](N);
        uint256 count;
        for (uint256 c; c < N; ++c) {
            address customer = actors[c];
            uint256 available = escrow.depositOf(customer);
            if (available == 0 || uint256(keccak256(abi.encode(seed, c))) % 4 == 0) continue;
            uint256 cumulative =
                signed[customer][provider] + bound(uint256(keccak256(abi.encode(seed, c, 1))), 1, available);
            signed[customer][provider] = cumulative;
            vs[count] = Escrow.Voucher(customer, provider, cumulative);
            sigs[count] = signDigest(actorKeys[c], escrow.voucherDigest(vs[count]));
            ++count;
        }
        if (count == 0) {
            // Nobody has a deposit: fund one customer and pay this provider from it.
            uint256 c = seed % N;
            if (!_deposit(c, seed >> 8, false)) return _skip();
            address customer = actors[c];
            uint256 cumulative = signed[customer][provider] + escrow.depositOf(customer) / 2 + 1;
            signed[customer][provider] = cumulative;
            vs[0] = Escrow.Voucher(customer, provider, cumulative);
            sigs[0] = signDigest(actorKeys[c], escrow.voucherDigest(vs[0]));
            count = 1;
        }
        assembly {
            mstore(vs, count)
            mstore(sigs, count)
        }
        vm.recordLogs();
        vm.prank(provider);
        escrow.redeemBatch(vs, sigs);
        _bookRedemptions(vm.getRecordedLogs());
        ++batches;
    }

    function _bookRedemptions(Vm.Log[] memory logs) internal {
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(escrow) || logs[i].topics[0] != Escrow.VoucherRedeemed.selector) continue;
            address customer = address(uint160(uint256(logs[i].topics[1])));
            (, uint256 paid, uint256 toProvider, uint256 toTreasury, uint256 burned) =
                abi.decode(logs[i].data, (uint256, uint256, uint256, uint256, uint256));
            paidOut[customer] += paid;
            revenueTotal += paid;
            escrowTreasuryTotal += toTreasury;
            (, uint16 tBps, uint16 bBps) = escrow.shares();
            if (
                toTreasury != paid * tBps / 10_000 || burned != paid * bBps / 10_000
                    || toProvider + toTreasury + burned != paid
            ) ++splitMismatches;
        }
    }

    // ================================================================ registry

    function register(uint256 who, uint256 stake) external step {
        if (!_register(who % N, stake)) _skip();
    }

    function _register(uint256 who, uint256 stake) internal returns (bool) {
        address a = actors[who];
        uint256 balance = token.balanceOf(a);
        if (balance < MIN_STAKE || nodeKeys.length >= MAX_NODES) return false;
        stake = bound(stake, MIN_STAKE, balance < 3 * MIN_STAKE ? balance : 3 * MIN_STAKE);
        bytes32 nodeKey = keccak256(abi.encode("node", nodeKeys.length));
        bytes32[] memory types = new bytes32[](1);
        types[0] = COMPUTE;
        vm.startPrank(a);
        token.approve(address(registry), stake);
        registry.register(nodeKey, types, "", 0, stake, new bytes(64));
        vm.stopPrank();
        nodeKeys.push(nodeKey);
        ownerOf[nodeKey] = a;
        everStaked[nodeKey] += stake;
        ++registrations;
        return true;
    }

    /// @dev A node key chosen by `seed`; registers one first when there is none.
    function _node(uint256 seed) internal returns (bool, bytes32) {
        if (nodeKeys.length == 0 && !_register(seed % N, seed)) return (false, 0);
        return (true, nodeKeys[seed % nodeKeys.length]);
    }

    function addStake(uint256 nodeSeed, uint256 amount) external step {
        (bool ok, bytes32 nodeKey) = _node(nodeSeed);
        if (!ok) return _skip();
        address owner = ownerOf[nodeKey];
        uint256 balance = token.balanceOf(owner);
        if (balance == 0) return _skip();
        amount = bound(amount, 1, balance < 2 * MIN_STAKE ? balance : 2 * MIN_STAKE);
        vm.startPrank(owner);
        token.approve(address(registry), amount);
        registry.addStake(nodeKey, amount);
        vm.stopPrank();
        everStaked[nodeKey] += amount;
        ++stakeAdds;
    }

    function unbond(uint256 nodeSeed, uint256 amount) external step {
        if (!_unbond(nodeSeed, amount)) _skip();
    }

    /// @dev Unbonds from the first node at or after `nodeSeed` that has bonded stake.
    function _unbond(uint256 nodeSeed, uint256 amount) internal returns (bool) {
        (bool ok, bytes32 nodeKey) = _node(nodeSeed);
        if (!ok) return false;
        uint256 stake;
        for (uint256 k; k < nodeKeys.length; ++k) {
            nodeKey = nodeKeys[(nodeSeed + k) % nodeKeys.length];
            stake = registry.getProvider(nodeKey).stake;
            if (stake != 0) break;
        }
        if (stake == 0) return false;
        amount = bound(amount, 1, stake);
        if (stake - amount != 0 && stake - amount < MIN_STAKE) amount = stake; // leave 0 or at least the minimum
        vm.prank(ownerOf[nodeKey]);
        registry.unbond(nodeKey, amount);
        ++unbonds;
        return true;
    }

    function withdrawUnbonded(uint256 nodeSeed) external step {
        (bool ok, bytes32 nodeKey) = _node(nodeSeed);
        if (!ok) return _skip();
        ProviderRegistry.Provider memory p;
        for (uint256 k; k < nodeKeys.length; ++k) {
            nodeKey = nodeKeys[(nodeSeed + k) % nodeKeys.length];
            p = registry.getProvider(nodeKey);
            if (p.unbonding != 0) break;
        }
        if (p.unbonding == 0) {
            // Nothing unbonding anywhere: start an unbonding, then wait it out.
            if (!_unbond(nodeSeed, nodeSeed >> 8)) return _skip();
            for (uint256 k; k < nodeKeys.length; ++k) {
                nodeKey = nodeKeys[k];
                p = registry.getProvider(nodeKey);
                if (p.unbonding != 0) break;
            }
        }
        if (now_ < p.unbondingReleaseTime) _advance(p.unbondingReleaseTime - now_);
        vm.prank(p.owner);
        registry.withdrawUnbonded(nodeKey);
        ++unbondedWithdrawals;
    }

    // ================================================================ rewards

    function postRoot(uint256 seed, uint256 signerSeed, uint256 penaltySeed) external step {
        uint64 epoch = rewards.nextEpoch();
        uint256 end = uint256(rewards.genesisTime()) + (uint256(epoch) + 1) * rewards.epochDuration();
        if (now_ < end) _advance(end - now_);

        // Earnings: cumulative amounts never decrease; their total never exceeds what will have been emitted.
        uint256 budget = rewards.totalEmitted() + rewards.emissionFor(epoch) - rewards.cumulativeTotal();
        uint256[N] memory next;
        bytes32[N] memory newLeaves;
        uint256 total = rewards.cumulativeTotal();
        for (uint256 i; i < N; ++i) {
            uint256 inc = bound(uint256(keccak256(abi.encode(seed, i))), 0, budget / N);
            next[i] = maxPosted[i] + inc;
            total += inc;
            newLeaves[i] = keccak256(bytes.concat(keccak256(abi.encode(actors[i], next[i]))));
        }

        Rewards.EpochRoot memory root;
        root.epoch = epoch;
        root.earningsRoot = _root(newLeaves);
        root.cumulativeTotal = total;
        uint256[] memory holdingsBefore;
        (root.jailed, root.slashes, holdingsBefore) = _penalties(penaltySeed);

        (bytes memory sigs, uint256 count) = _sign(rewards.rootDigest(root), signerSeed);
        uint256 threshold = rewards.threshold();
        if (count < threshold) ++underThresholdAttempts;
        try rewards.postRoot(root, sigs) {
            if (count < threshold) {
                ++underThresholdAccepted;
                return;
            }
            maxPosted = next;
            leaves = newLeaves;
            ++roots;
            jails += root.jailed.length;
            _bookSlashes(root.slashes, holdingsBefore);
        } catch {
            if (count >= threshold) ++validRootsRejected;
        }
    }

    /// @dev Up to two jails and up to two slashes (on distinct nodes) over registered node keys; a slash may ask
    /// for up to 1.5x what the node holds.
    function _penalties(uint256 seed)
        internal
        view
        returns (bytes32[] memory jailed, Rewards.Slash[] memory cuts, uint256[] memory holdingsBefore)
    {
        uint256 n = nodeKeys.length;
        uint256 maxEach = n < 2 ? n : 2;
        jailed = new bytes32[](bound(seed, 0, maxEach));
        for (uint256 i; i < jailed.length; ++i) {
            jailed[i] = nodeKeys[uint256(keccak256(abi.encode(seed, "jail", i))) % n];
        }
        cuts = new Rewards.Slash[](bound(seed >> 8, 0, maxEach));
        holdingsBefore = new uint256[](cuts.length);
        uint256 first = n == 0 ? 0 : uint256(keccak256(abi.encode(seed, "slash"))) % n;
        for (uint256 i; i < cuts.length; ++i) {
            bytes32 nodeKey = nodeKeys[(first + i) % n];
            ProviderRegistry.Provider memory p = registry.getProvider(nodeKey);
            holdingsBefore[i] = p.stake + p.unbonding;
            uint256 amount = bound(uint256(keccak256(abi.encode(seed, "amount", i))), 0, holdingsBefore[i] * 3 / 2 + 1);
            cuts[i] = Rewards.Slash(nodeKey, amount);
        }
    }

    function _bookSlashes(Rewards.Slash[] memory cuts, uint256[] memory holdingsBefore) internal {
        for (uint256 i; i < cuts.length; ++i) {
            ProviderRegistry.Provider memory p = registry.getProvider(cuts[i].nodeKey);
            uint256 holdingsAfter = p.stake + p.unbonding;
            uint256 taken = holdingsBefore[i] - holdingsAfter;
            if (taken > holdingsBefore[i]) ++slashAboveHoldings;
            uint256 expected = cuts[i].amount < holdingsBefore[i] ? cuts[i].amount : holdingsBefore[i];
            if (taken != expected) ++slashMismatches;
            slashedOf[cuts[i].nodeKey] += taken;
            slashedTotal += taken;
            ++slashes;
        }
    }

    /// @dev Signatures of a uniformly random subset of oracles, in ascending order: usually at least the
    /// threshold, one time in eight fewer (possibly none).
    function _sign(bytes32 digest, uint256 seed) internal view returns (bytes memory sigs, uint256 count) {
        uint256 n = oracleKeys.length;
        uint256 threshold = rewards.threshold();
        uint256 want = seed % 8 == 0 ? bound(seed >> 3, 0, threshold - 1) : bound(seed >> 3, threshold, n);
        uint256 need = want;
        for (uint256 i; i < n && need > 0; ++i) {
            if (uint256(keccak256(abi.encode(seed, i))) % (n - i) < need) {
                sigs = bytes.concat(sigs, signDigest(oracleKeys[i], digest));
                --need;
                ++count;
            }
        }
    }

    function claim(uint256 who, uint256 amount) external step {
        uint256 i = who % N;
        address account = actors[i];
        if (rewards.latestRoot() == bytes32(0)) {
            ++preRootClaimAttempts;
            try rewards.claim(account, bound(amount, 1, 1e24), new bytes32[](0)) {
                ++preRootClaimSuccesses;
            } catch {}
            return;
        }
        _claimValid(i);
    }

    function _claimValid(uint256 i) internal {
        address account = actors[i];
        uint256 cumulative = maxPosted[i];
        uint256 already = rewards.claimed(account);
        vm.recordLogs();
        try rewards.claim(account, cumulative, _proof(i)) {
            Vm.Log[] memory logs = vm.getRecordedLogs();
            for (uint256 k; k < logs.length; ++k) {
                if (logs[k].emitter != address(rewards) || logs[k].topics[0] != Rewards.Claimed.selector) continue;
                (uint256 paid, uint256 newCumulative) = abi.decode(logs[k].data, (uint256, uint256));
                receivedViaClaimed[address(uint160(uint256(logs[k].topics[1])))] += paid;
                if (newCumulative != cumulative || paid != cumulative - already) ++claimedEventMismatches;
            }
            ++claims;
        } catch {
            if (cumulative > already) ++validClaimsRejected; // only "nothing new to claim" may fail
        }
    }

    /// @dev Claims that must fail: more than the leaf, someone else's leaf, a made-up proof, an outsider.
    function forgedClaim(uint256 who, uint256 mode, uint256 x) external step {
        uint256 i = who % N;
        address account = actors[i];
        uint256 amount = maxPosted[i];
        bytes32[] memory proof = _proof(i);
        mode = mode % 4;
        if (mode == 0) {
            amount += bound(x, 1, 1e24);
        } else if (mode == 1) {
            uint256 j = (i + 1 + x % (N - 1)) % N;
            amount = maxPosted[j];
            proof = _proof(j);
        } else if (mode == 2) {
            proof[0] = keccak256(abi.encode(x));
            proof[1] = keccak256(abi.encode(x, 1));
        } else {
            account = address(uint160(uint256(keccak256(abi.encode("outsider", x)))));
        }
        bool noRoot = rewards.latestRoot() == bytes32(0);
        if (noRoot) ++preRootClaimAttempts;
        ++forgedClaimAttempts;
        try rewards.claim(account, amount, proof) {
            ++forgedClaimSuccesses;
            if (noRoot) ++preRootClaimSuccesses;
        } catch {}
    }

    function warp(uint256 dt) external step {
        _advance(bound(dt, 1, 2 hours));
    }

    /// @dev Called after each run: everyone claims what the latest root gives it.
    function claimAll() external {
        vm.warp(now_);
        if (rewards.latestRoot() == bytes32(0)) return;
        for (uint256 i; i < N; ++i) {
            if (maxPosted[i] > rewards.claimed(actors[i])) _claimValid(i);
        }
    }

    // ================================================================ four-leaf tree

    function _root(bytes32[N] memory l) internal pure returns (bytes32) {
        return _hashPair(_hashPair(l[0], l[1]), _hashPair(l[2], l[3]));
    }

    function _proof(uint256 i) internal view returns (bytes32[] memory proof) {
        proof = new bytes32[](2);
        proof[0] = leaves[i ^ 1];
        proof[1] = i < 2 ? _hashPair(leaves[2], leaves[3]) : _hashPair(leaves[0], leaves[1]);
    }

    function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }
}

contract SystemInvariantTest is SystemFixture {
    SystemHandler internal handler;
    address[] internal holdersOfTokens;

    event log_named_uint(string key, uint256 val);

    function setUp() public {
        _deploySystem(5, 3);
        handler = new SystemHandler(token, escrow, registry, rewards, address(treasury), oracleKeys);
        for (uint256 i; i < handler.actorCount(); ++i) {
            address actor = handler.actors(i);
            vm.prank(holders[i % holders.length]);
            token.transfer(actor, 250_000 ether);
            holdersOfTokens.push(actor);
        }
        for (uint256 i; i < holders.length; ++i) {
            holdersOfTokens.push(holders[i]);
        }
        holdersOfTokens.push(address(escrow));
        holdersOfTokens.push(address(registry));
        holdersOfTokens.push(address(rewards));
        holdersOfTokens.push(address(treasury));
        holdersOfTokens.push(address(timelock));
        holdersOfTokens.push(address(governor));
        holdersOfTokens.push(address(handler));
        holdersOfTokens.push(address(this));

        bytes4[] memory selectors = new bytes4[](14);
        selectors[0] = SystemHandler.deposit.selector;
        selectors[1] = SystemHandler.requestWithdrawal.selector;
        selectors[2] = SystemHandler.withdraw.selector;
        selectors[3] = SystemHandler.redeem.selector;
        selectors[4] = SystemHandler.redeemBatch.selector;
        selectors[5] = SystemHandler.register.selector;
        selectors[6] = SystemHandler.addStake.selector;
        selectors[7] = SystemHandler.unbond.selector;
        selectors[8] = SystemHandler.withdrawUnbonded.selector;
        selectors[9] = SystemHandler.postRoot.selector;
        selectors[10] = SystemHandler.claim.selector;
        selectors[11] = SystemHandler.forgedClaim.selector;
        selectors[12] = SystemHandler.warp.selector;
        selectors[13] = SystemHandler.postRoot.selector; // twice as likely: roots drive the claims
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    // ---------------------------------------------------------------- token

    /// @dev Nothing is created or lost across the whole system: every minted token sits with a known holder or
    /// was burned, and the cap holds.
    function invariant_tokenConservation() public view {
        uint256 sum;
        for (uint256 i; i < holdersOfTokens.length; ++i) {
            sum += token.balanceOf(holdersOfTokens[i]);
        }
        assertEq(sum, token.totalSupply(), "every token has a known holder");
        assertEq(token.totalMinted(), sum + token.totalBurned(), "minted == balances + burned");
        assertLe(token.totalMinted(), token.cap(), "cap");
        assertEq(token.totalMinted(), 3 * GENESIS_EACH + rewards.totalEmitted(), "only Rewards mints after genesis");
    }

    // ---------------------------------------------------------------- rewards

    /// @dev Each actor has claimed exactly what the Claimed events paid it, never more than the latest root gives
    /// it; everything claimed is within everything emitted, and Rewards holds exactly the unclaimed rest.
    function invariant_claimsNeverExceedSigned() public view {
        uint256 sumClaimed;
        uint256 sumPosted;
        for (uint256 i; i < handler.actorCount(); ++i) {
            address a = handler.actors(i);
            uint256 c = rewards.claimed(a);
            assertEq(c, handler.receivedViaClaimed(a), "claimed == received via Claimed");
            assertLe(c, handler.maxPosted(i), "claimed <= max cumulative posted");
            sumClaimed += c;
            sumPosted += handler.maxPosted(i);
        }
        assertLe(sumClaimed, rewards.totalEmitted(), "claimed <= emitted");
        assertEq(rewards.cumulativeTotal(), sumPosted, "cumulative total == sum of leaves");
        assertLe(rewards.cumulativeTotal(), rewards.totalEmitted(), "cumulative total <= emitted");
        assertEq(token.balanceOf(address(rewards)), rewards.totalEmitted() - sumClaimed, "Rewards holds the rest");
        assertEq(handler.claimedEventMismatches(), 0, "Claimed event amounts");
        assertEq(handler.validClaimsRejected(), 0, "a valid claim was refused");
    }

    /// @dev No claim before the first root, no forged claim, no root below the threshold, no valid root refused.
    function invariant_noClaimWithoutSignedRoot() public view {
        assertEq(handler.preRootClaimSuccesses(), 0, "claim before any root");
        assertEq(handler.forgedClaimSuccesses(), 0, "forged claim paid");
        assertEq(handler.underThresholdAccepted(), 0, "root below threshold accepted");
        assertEq(handler.validRootsRejected(), 0, "valid root refused");
        assertEq(rewards.nextEpoch(), handler.roots(), "one epoch per accepted root");
    }

    // ---------------------------------------------------------------- registry

    /// @dev A slash takes min(requested, bonded + unbonding), never more than a node ever staked; the treasury's
    /// income is exactly slashes + escrow treasury shares; the registry holds exactly the stakes.
    function invariant_slashNeverExceedsStake() public view {
        assertEq(handler.slashAboveHoldings(), 0, "slash above holdings");
        assertEq(handler.slashMismatches(), 0, "slash != min(requested, holdings)");
        uint256 held;
        for (uint256 i; i < handler.nodeCount(); ++i) {
            bytes32 nodeKey = handler.nodeKeys(i);
            assertLe(handler.slashedOf(nodeKey), handler.everStaked(nodeKey), "slashed <= ever staked");
            ProviderRegistry.Provider memory p = registry.getProvider(nodeKey);
            held += p.stake + p.unbonding;
        }
        assertEq(token.balanceOf(address(registry)), held, "registry == bonded + unbonding");
        assertEq(
            token.balanceOf(address(treasury)),
            handler.slashedTotal() + handler.escrowTreasuryTotal(),
            "treasury == slashes + escrow shares"
        );
    }

    // ---------------------------------------------------------------- escrow

    /// @dev A customer's deposit pays out (vouchers + withdrawals) at most what was deposited, exactly accounting
    /// for what is left; the escrow holds exactly the deposits; no pair is paid above what was signed.
    function invariant_escrowNeverPaysMoreThanDeposited() public view {
        uint256 sumDeposits;
        for (uint256 i; i < handler.actorCount(); ++i) {
            address c = handler.actors(i);
            uint256 out = handler.paidOut(c) + handler.withdrawn(c);
            assertLe(out, handler.deposited(c), "paid out <= deposited");
            assertEq(out + escrow.depositOf(c), handler.deposited(c), "per-customer conservation");
            sumDeposits += escrow.depositOf(c);
            uint256 redeemedAsCustomer;
            for (uint256 j; j < handler.actorCount(); ++j) {
                address p = handler.actors(j);
                assertLe(escrow.redeemed(c, p), handler.signed(c, p), "redeemed <= signed");
                redeemedAsCustomer += escrow.redeemed(c, p);
            }
            assertEq(redeemedAsCustomer, handler.paidOut(c), "redeemed == VoucherRedeemed payments");
        }
        assertEq(token.balanceOf(address(escrow)), sumDeposits, "escrow balance == sum of deposits");
        assertEq(escrow.totalRevenue(), handler.revenueTotal(), "revenue == sum of redemptions");
        assertEq(handler.splitMismatches(), 0, "split");
    }

    // ---------------------------------------------------------------- after each run

    /// @dev Everyone claims: each actor then holds exactly the largest cumulative amount posted for it. Also checks
    /// that the run mostly did real work rather than skipping.
    function afterInvariant() public {
        handler.claimAll();
        for (uint256 i; i < handler.actorCount(); ++i) {
            address a = handler.actors(i);
            assertEq(rewards.claimed(a), handler.maxPosted(i), "claimed == max cumulative posted");
            assertEq(handler.receivedViaClaimed(a), handler.maxPosted(i), "received == max cumulative posted");
        }
        invariant_claimsNeverExceedSigned();
        if (handler.calls() >= 32) assertLe(handler.skipped() * 4, handler.calls(), "at most a quarter skipped");
        emit log_named_uint("calls", handler.calls());
        emit log_named_uint("skipped", handler.skipped());
        emit log_named_uint("roots", handler.roots());
        emit log_named_uint("claims", handler.claims());
        emit log_named_uint("redemptions", handler.redemptions());
        emit log_named_uint("batches", handler.batches());
    }
}
