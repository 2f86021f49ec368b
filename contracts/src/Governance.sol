// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IGovernance} from "./interfaces/IGovernance.sol";
import {Roles} from "./libraries/Roles.sol";
import {Category, Grade, PartyKind, Party, Policy} from "./types/DataRightsTypes.sol";

/// @title Governance: roles, admitted parties and the registry's policy
/// @notice The admin (DEFAULT_ADMIN_ROLE) grants the registrar, reviewer and arbitrator roles and
/// sets the policy; registrars admit and suspend parties. Every change emits an event.
contract Governance is AccessControl, IGovernance {
    uint40 private constant _MAX_WINDOW = 365 days;
    uint40 private constant _MAX_TERM = 50 * 365 days;
    uint8 private constant _MAX_DEPTH_LIMIT = 8;

    address private immutable _RIGHTS;
    address private immutable _DISPUTES;

    mapping(address account => Party) private _parties;
    mapping(uint16 domain => bool) private _restrictedDomains;
    mapping(Category category => bool) private _restrictedCategories;
    Policy private _policy;

    /// @param admin the initial admin; it also receives the registrar role
    /// @param rights the rights registry, allowed to record upheld objections
    /// @param disputes the dispute registry, allowed to record lost disputes
    constructor(address admin, address rights, address disputes) {
        _RIGHTS = rights;
        _DISPUTES = disputes;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(Roles.REGISTRAR, admin);
        _setPolicy(
            Policy({
                noticeWindow: 10 days,
                defaultTerm: 3 * 365 days,
                maxPublicDataGrantTerm: 5 * 365 days,
                maxGrantDepth: 2
            })
        );
    }

    /// @inheritdoc IGovernance
    function admitParty(address account, PartyKind kind, bytes32 identityCommitment)
        external
        onlyRole(Roles.REGISTRAR)
    {
        if (_parties[account].admitted) revert PartyAlreadyAdmitted(account);
        if (identityCommitment == bytes32(0)) revert IdentityCommitmentMissing();
        Party memory record = Party({
            kind: kind,
            admitted: true,
            suspended: false,
            admittedAt: uint40(block.timestamp),
            disputesLost: 0,
            objectionsUpheld: 0,
            identityCommitment: identityCommitment
        });
        _parties[account] = record;
        emit PartyAdmitted(account, msg.sender, record);
    }

    /// @inheritdoc IGovernance
    function suspendParty(address account, bytes32 reasonHash) external onlyRole(Roles.REGISTRAR) {
        Party storage p = _admitted(account);
        if (p.suspended) revert PartyIsSuspended(account);
        p.suspended = true;
        emit PartySuspended(account, msg.sender, reasonHash);
    }

    /// @inheritdoc IGovernance
    function reinstateParty(address account, bytes32 reasonHash) external onlyRole(Roles.REGISTRAR) {
        Party storage p = _admitted(account);
        if (!p.suspended) revert PartyNotSuspended(account);
        p.suspended = false;
        emit PartyReinstated(account, msg.sender, reasonHash);
    }

    /// @inheritdoc IGovernance
    function setPolicy(Policy calldata newPolicy) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setPolicy(newPolicy);
    }

    /// @inheritdoc IGovernance
    function setDomainRestricted(uint16 domain, bool restricted) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _restrictedDomains[domain] = restricted;
        emit DomainListed(domain, restricted);
    }

    /// @inheritdoc IGovernance
    function setCategoryRestricted(Category category, bool restricted)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _restrictedCategories[category] = restricted;
        emit CategoryListed(category, restricted);
    }

    /// @inheritdoc IGovernance
    function recordDisputeLost(address account) external {
        if (msg.sender != _DISPUTES) revert CallerNotModule(msg.sender);
        Party storage p = _parties[account];
        p.disputesLost += 1;
        emit PartyCreditChanged(account, p.disputesLost, p.objectionsUpheld);
    }

    /// @inheritdoc IGovernance
    function recordObjectionUpheld(address account) external {
        if (msg.sender != _RIGHTS) revert CallerNotModule(msg.sender);
        Party storage p = _parties[account];
        p.objectionsUpheld += 1;
        emit PartyCreditChanged(account, p.disputesLost, p.objectionsUpheld);
    }

    /// @inheritdoc IGovernance
    function party(address account) external view returns (Party memory) {
        return _parties[account];
    }

    /// @inheritdoc IGovernance
    function requireActiveParty(address account) external view {
        Party storage p = _parties[account];
        if (!p.admitted) revert PartyNotAdmitted(account);
        if (p.suspended) revert PartyIsSuspended(account);
    }

    /// @inheritdoc IGovernance
    function requireTradable(Grade grade, Category category, uint16 domain) external view {
        if (grade == Grade.Core) revert CoreGradeNotTradable();
        if (_restrictedCategories[category]) revert CategoryRestricted(category);
        if (_restrictedDomains[domain]) revert DomainRestricted(domain);
    }

    /// @inheritdoc IGovernance
    function policy() external view returns (Policy memory) {
        return _policy;
    }

    /// @inheritdoc IGovernance
    function isDomainRestricted(uint16 domain) external view returns (bool) {
        return _restrictedDomains[domain];
    }

    /// @inheritdoc IGovernance
    function isCategoryRestricted(Category category) external view returns (bool) {
        return _restrictedCategories[category];
    }

    /// @inheritdoc IGovernance
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _admitted(address account) private view returns (Party storage p) {
        p = _parties[account];
        if (!p.admitted) revert PartyNotAdmitted(account);
    }

    function _setPolicy(Policy memory newPolicy) private {
        if (newPolicy.noticeWindow == 0 || newPolicy.noticeWindow > _MAX_WINDOW) {
            revert PolicyValueInvalid("noticeWindow");
        }
        if (newPolicy.defaultTerm == 0 || newPolicy.defaultTerm > _MAX_TERM) {
            revert PolicyValueInvalid("defaultTerm");
        }
        if (newPolicy.maxPublicDataGrantTerm == 0 || newPolicy.maxPublicDataGrantTerm > _MAX_TERM) {
            revert PolicyValueInvalid("maxPublicDataGrantTerm");
        }
        if (newPolicy.maxGrantDepth > _MAX_DEPTH_LIMIT) revert PolicyValueInvalid("maxGrantDepth");
        _policy = newPolicy;
        emit PolicyChanged(newPolicy);
    }
}
