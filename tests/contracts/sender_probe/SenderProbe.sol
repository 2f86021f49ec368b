// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Probes for the transaction sender and deployment tests.
/// @notice `SenderProbe` and `ProbePartner` each hold the other's address as an immutable,
/// so they can only be deployed together at precomputed addresses.
contract SenderProbe {
    /// @notice `value` is above the probe's limit `limit`.
    error ProbeValueTooLarge(uint256 value, uint256 limit);
    /// @notice `caller` is not the probe's partner `partner`.
    error ProbeCallerNotPartner(address caller, address partner);

    /// @notice `sender` stored `value`; `count` is the number of stores so far.
    event ValueStored(address indexed sender, uint256 value, uint256 count);

    uint256 public constant LIMIT = 1_000_000;

    address public immutable partner;
    uint256 private _value;
    uint256 private _count;

    constructor(address partner_) {
        partner = partner_;
    }

    function store(uint256 newValue) external {
        if (newValue > LIMIT) revert ProbeValueTooLarge(newValue, LIMIT);
        _value = newValue;
        _count += 1;
        emit ValueStored(msg.sender, newValue, _count);
    }

    function storeFromPartner(uint256 newValue) external {
        if (msg.sender != partner) revert ProbeCallerNotPartner(msg.sender, partner);
        _value = newValue;
    }

    /// @dev Only here to produce an `Error(string)` revert.
    function failWithReason() external pure {
        revert("probe reason");
    }

    /// @dev Only here to produce a `Panic(0x12)` (division by zero).
    function divide(uint256 numerator, uint256 denominator) external pure returns (uint256) {
        return numerator / denominator;
    }

    function value() external view returns (uint256) {
        return _value;
    }

    function count() external view returns (uint256) {
        return _count;
    }
}

contract ProbePartner {
    address public immutable probe;

    constructor(address probe_) {
        probe = probe_;
    }
}
