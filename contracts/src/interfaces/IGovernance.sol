// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Category, Grade, PartyKind, Party, Policy} from "../types/DataRightsTypes.sol";

/// @title Roles, admitted parties and registry policy
/// @notice Who may act in the registry and under which rules.
interface IGovernance is IAccessControl {
    /// @notice A registrar admitted `account` as a party.
    event PartyAdmitted(address indexed account, address indexed registrar, Party party);
    /// @notice A registrar suspended `account`; a suspended party cannot act.
    event PartySuspended(address indexed account, address indexed registrar, bytes32 reasonHash);
    /// @notice A registrar lifted the suspension of `account`.
    event PartyReinstated(address indexed account, address indexed registrar, bytes32 reasonHash);
    /// @notice The credit record of `account` changed (disputes lost, objections upheld).
    event PartyCreditChanged(address indexed account, uint32 disputesLost, uint32 objectionsUpheld);
    /// @notice The admin replaced the policy.
    event PolicyChanged(Policy policy);
    /// @notice The admin put a domain on, or took it off, the negative list (负面清单).
    event DomainListed(uint16 indexed domain, bool restricted);
    /// @notice The admin put a source category on, or took it off, the negative list.
    event CategoryListed(Category indexed category, bool restricted);

    /// @notice `account` has not been admitted as a party.
    error PartyNotAdmitted(address account);
    /// @notice `account` was already admitted.
    error PartyAlreadyAdmitted(address account);
    /// @notice `account` is suspended.
    error PartyIsSuspended(address account);
    /// @notice `account` is not suspended.
    error PartyNotSuspended(address account);
    /// @notice Core-grade data (核心数据) cannot be registered for trading.
    error CoreGradeNotTradable();
    /// @notice The domain is on the negative list.
    error DomainRestricted(uint16 domain);
    /// @notice The source category is on the negative list.
    error CategoryRestricted(Category category);
    /// @notice A policy value is out of its allowed range.
    error PolicyValueInvalid(string field);
    /// @notice The identity commitment is empty.
    error IdentityCommitmentMissing();
    /// @notice Only the registry's own contracts may call this.
    error CallerNotModule(address caller);

    /// @notice Admit `account` as a party of `kind` with a hash of its identity (e.g. a credit code).
    /// @dev Registrar only.
    function admitParty(address account, PartyKind kind, bytes32 identityCommitment) external;

    /// @notice Suspend `account`, giving the hash of a statement of reasons. Registrar only.
    function suspendParty(address account, bytes32 reasonHash) external;

    /// @notice Lift the suspension of `account`. Registrar only.
    function reinstateParty(address account, bytes32 reasonHash) external;

    /// @notice Replace the policy. Admin only.
    function setPolicy(Policy calldata policy) external;

    /// @notice Put `domain` on (`restricted`) or off the negative list. Admin only.
    function setDomainRestricted(uint16 domain, bool restricted) external;

    /// @notice Put `category` on (`restricted`) or off the negative list. Admin only.
    function setCategoryRestricted(Category category, bool restricted) external;

    /// @notice Count a lost dispute against `account`. Dispute registry only.
    function recordDisputeLost(address account) external;

    /// @notice Count an upheld objection against `account`. Rights registry only.
    function recordObjectionUpheld(address account) external;

    /// @notice The admission record of `account`.
    function party(address account) external view returns (Party memory);

    /// @notice Revert unless `account` is an admitted, unsuspended party.
    function requireActiveParty(address account) external view;

    /// @notice Revert unless data of this grade, category and domain may be registered or granted.
    function requireTradable(Grade grade, Category category, uint16 domain) external view;

    /// @notice The current policy.
    function policy() external view returns (Policy memory);

    /// @notice Whether `domain` is on the negative list.
    function isDomainRestricted(uint16 domain) external view returns (bool);

    /// @notice Whether `category` is on the negative list.
    function isCategoryRestricted(Category category) external view returns (bool);

    /// @notice The contract's version.
    function version() external pure returns (string memory);
}
