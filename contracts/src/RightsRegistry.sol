// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IGovernance} from "./interfaces/IGovernance.sol";
import {IRightsRegistry} from "./interfaces/IRightsRegistry.sol";
import {AssetLedger} from "./rights/AssetLedger.sol";
import {CertificateLedger} from "./rights/CertificateLedger.sol";
import {GrantLedger} from "./rights/GrantLedger.sol";
import {RightsBase} from "./rights/RightsBase.sol";
import {
    AssetCore,
    AssetStatus,
    AuthKind,
    Certificate,
    CertificateStatus,
    Grant,
    GrantStatus,
    Right,
    SubjectKind
} from "./types/DataRightsTypes.sol";

/// @title The rights registry: assets, certificates, grants, lineage, freezes and the revocation cascade
/// @notice The dispute registry freezes subjects while disputes are open and revokes them on an
/// upheld ruling. A revocation ends everything resting on the revoked right at once (validity walks
/// up the parent chain); flagging the products made downstream is a queue that anyone may continue in
/// bounded steps with `continueCascade`.
contract RightsRegistry is AssetLedger, CertificateLedger, GrantLedger {
    uint256 private constant _ID_MASK = (uint256(1) << 248) - 1;

    mapping(uint256 position => bytes32 subject) private _queueSubject;
    mapping(uint256 position => SubjectKind kind) private _queueKind;
    uint256 private _queueHead;
    uint256 private _queueTail;
    /// @dev How many edges of the entry at the head of the queue are done.
    uint256 private _headCursor;

    /// @param governance the governance contract (roles, parties, policy)
    /// @param grantDesk the contract that submits signed grants and approved requests
    /// @param disputes the dispute registry
    constructor(IGovernance governance, address grantDesk, address disputes)
        RightsBase(governance, grantDesk, disputes)
    {}

    // ------------------------------------------------------------ dispute hooks

    /// @notice Freeze a subject while a dispute is open. Dispute registry only.
    /// @param kind what the subject is
    /// @param subject the asset id, or the certificate or grant id as bytes32
    /// @return asset the asset concerned
    /// @return respondent the party whose right is disputed
    /// @return ownership whether the dispute is about ownership (an asset or a holding certificate)
    function freeze(SubjectKind kind, bytes32 subject)
        external
        returns (bytes32 asset, address respondent, bool ownership)
    {
        _checkModule(DISPUTES);
        (asset, respondent, ownership) = _describe(kind, subject);
        if (!_disputable(kind, subject)) revert SubjectNotDisputable(kind, subject);
        _countDispute(kind, subject, asset, ownership, true);
    }

    /// @notice Lift one dispute's freeze from a subject. Dispute registry only.
    /// @param kind what the subject is
    /// @param subject the subject
    function unfreeze(SubjectKind kind, bytes32 subject) external {
        _checkModule(DISPUTES);
        (bytes32 asset,, bool ownership) = _describe(kind, subject);
        _countDispute(kind, subject, asset, ownership, false);
    }

    /// @dev A dispute over an asset itself freezes the asset, which already refuses applications on
    /// it; one over a holding certificate also counts as an ownership dispute over its asset.
    function _countDispute(SubjectKind kind, bytes32 subject, bytes32 asset, bool ownership, bool opened) private {
        uint16 open = opened ? _openDisputes[kind][subject] + 1 : _openDisputes[kind][subject] - 1;
        _openDisputes[kind][subject] = open;
        if (ownership && kind != SubjectKind.Asset) {
            _ownershipDisputes[asset] = opened ? _ownershipDisputes[asset] + 1 : _ownershipDisputes[asset] - 1;
        }
        emit SubjectFreezeChanged(kind, subject, open);
    }

    function _disputable(SubjectKind kind, bytes32 subject) private view returns (bool) {
        if (kind == SubjectKind.Asset) return _assets[subject].status != AssetStatus.Revoked;
        if (kind == SubjectKind.Grant) return _grants[uint256(subject)].status == GrantStatus.Active;
        CertificateStatus status = _certificates[uint256(subject)].status;
        return status == CertificateStatus.Notice || status == CertificateStatus.Active;
    }

    /// @notice Revoke a subject on an upheld ruling and queue the downstream cascade. Dispute registry only.
    /// @param kind what the subject is
    /// @param subject the subject
    /// @param decisionHash hash of the reasoned decision
    function revokeSubject(SubjectKind kind, bytes32 subject, bytes32 decisionHash) external {
        _checkModule(DISPUTES);
        if (kind == SubjectKind.Asset) {
            AssetCore storage core = _requireAsset(subject);
            if (core.status != AssetStatus.Revoked) {
                core.status = AssetStatus.Revoked;
                emit AssetStatusChanged(subject, AssetStatus.Revoked, SubjectKind.Asset, decisionHash);
            }
            _enqueue(SubjectKind.Asset, subject);
        } else if (kind == SubjectKind.Certificate) {
            uint256 id = uint256(subject);
            if (_requireCertificate(id).status != CertificateStatus.Revoked) {
                _end(id, CertificateStatus.Revoked, ACTION_REVOKED, decisionHash);
            }
            _enqueue(SubjectKind.Certificate, subject);
        } else {
            uint256 id = uint256(subject);
            if (_requireGrant(id).status == GrantStatus.Revoked) _enqueue(SubjectKind.Grant, subject);
            else _revokeGrant(id, decisionHash);
        }
    }

    // ------------------------------------------------------------ cascade

    /// @notice Carry revocations downstream by up to `maxSteps` steps: products made from a revoked
    /// asset, or under a revoked certificate or grant (or anything resting on them), are flagged
    /// `Tainted`, and their own downstream follows. Anyone may call this.
    /// @param maxSteps the most steps in this call (bounds the gas): one per edge processed, and one
    /// per queue entry that has no edges
    /// @return remaining queue entries left, including a partly processed head
    function continueCascade(uint256 maxSteps) external returns (uint256 remaining) {
        if (maxSteps == 0) revert CascadeStepsInvalid();
        uint256 head = _queueHead;
        uint256 cursor = _headCursor;
        uint256 steps = 0;
        while (head < _queueTail && steps < maxSteps) {
            (bool more, uint256 done) = _cascadeEntry(head, cursor, maxSteps - steps);
            // An entry with no edges still costs storage reads and deletes: it counts as one
            // step, so a call's gas stays bounded by `maxSteps` however many leaves are queued.
            uint256 used = done - cursor;
            steps += used == 0 ? 1 : used;
            if (more) {
                cursor = done;
                break;
            }
            delete _queueSubject[head];
            delete _queueKind[head];
            ++head;
            cursor = 0;
        }
        (_queueHead, _headCursor) = (head, cursor);
        remaining = _queueTail - head;
        emit CascadeContinued(msg.sender, head, remaining);
    }

    /// @dev Process edges [cursor, cursor+budget) of one queue entry; `more` if edges are left.
    function _cascadeEntry(uint256 position, uint256 cursor, uint256 budget)
        private
        returns (bool more, uint256 done)
    {
        bytes32 subject = _queueSubject[position];
        SubjectKind kind = _queueKind[position];
        if (kind == SubjectKind.Asset) return _taintAll(_children[subject], cursor, budget, kind, subject);
        uint256 node = (uint256(kind) << 248) | uint256(subject);
        bytes32[] storage products = _derivedUnder[node];
        uint256 nProducts = products.length;
        if (cursor < nProducts) {
            (more, done) = _taintAll(products, cursor, budget, kind, subject);
            if (more) return (more, done);
            budget -= done - cursor;
            cursor = done;
        }
        uint256[] storage deps = _dependents[node];
        uint256 end = nProducts + deps.length;
        for (done = cursor; done < end && budget > 0; ++done) {
            uint256 dep = deps[done - nProducts];
            _enqueue(SubjectKind(dep >> 248), bytes32(dep & _ID_MASK));
            --budget;
        }
        more = done < end;
    }

    function _taintAll(bytes32[] storage products, uint256 cursor, uint256 budget, SubjectKind causeKind, bytes32 cause)
        private
        returns (bool more, uint256 done)
    {
        uint256 end = products.length;
        for (done = cursor; done < end && budget > 0; ++done) {
            bytes32 product = products[done];
            AssetCore storage core = _assets[product];
            if (core.status == AssetStatus.Active) {
                core.status = AssetStatus.Tainted;
                emit AssetStatusChanged(product, AssetStatus.Tainted, causeKind, cause);
                _enqueue(SubjectKind.Asset, product);
            }
            --budget;
        }
        more = done < end;
    }

    function _enqueue(SubjectKind kind, bytes32 subject) internal override {
        uint256 position = _queueTail++;
        _queueSubject[position] = subject;
        _queueKind[position] = kind;
        emit CascadeQueued(position, kind, subject);
    }

    function _describe(SubjectKind kind, bytes32 subject)
        private
        view
        returns (bytes32 asset, address respondent, bool ownership)
    {
        if (kind == SubjectKind.Asset) {
            return (subject, _requireAsset(subject).registrant, true);
        }
        uint256 id = uint256(subject);
        if (kind == SubjectKind.Certificate) {
            Certificate storage c = _requireCertificate(id);
            return (c.asset, _ownerOf(id), c.right == Right.Holding);
        }
        _requireGrant(id);
        return (_grantAsset(id), _grants[id].grantee, false);
    }

    // ------------------------------------------------------------ views

    /// @dev Registry rules for token moves live in CertificateLedger.
    function _update(address to, uint256 tokenId, address auth)
        internal
        override(ERC721, CertificateLedger)
        returns (address)
    {
        return super._update(to, tokenId, auth);
    }

    /// @notice The subject's asset, respondent and whether a dispute over it is about ownership.
    /// @param kind what the subject is
    /// @param subject the subject
    function describeSubject(SubjectKind kind, bytes32 subject)
        external
        view
        returns (bytes32 asset, address respondent, bool ownership)
    {
        return _describe(kind, subject);
    }

    /// @inheritdoc IRightsRegistry
    function assetCore(bytes32 asset) external view returns (AssetCore memory) {
        return _assets[asset];
    }

    /// @inheritdoc IRightsRegistry
    function certificate(uint256 certificateId) external view returns (Certificate memory) {
        return _certificates[certificateId];
    }

    /// @inheritdoc IRightsRegistry
    function grantRecord(uint256 grantId) external view returns (Grant memory) {
        return _grants[grantId];
    }

    /// @inheritdoc IRightsRegistry
    function grantAsset(uint256 grantId) external view returns (bytes32) {
        _requireGrant(grantId);
        return _grantAsset(grantId);
    }

    /// @inheritdoc IRightsRegistry
    function grantor(uint256 grantId) external view returns (address) {
        _requireGrant(grantId);
        return _grantorOf(grantId);
    }

    /// @inheritdoc IRightsRegistry
    function isCertificateEffective(uint256 certificateId) external view returns (bool) {
        return _certificateValid(certificateId, false);
    }

    /// @inheritdoc IRightsRegistry
    function isGrantEffective(uint256 grantId) external view returns (bool) {
        return _grantValid(grantId, false);
    }

    /// @inheritdoc IRightsRegistry
    function canProcess(address account, bytes32 asset, AuthKind authKind, uint256 authId) external view returns (bool) {
        return _assets[asset].status == AssetStatus.Active && !_subjectFrozen(SubjectKind.Asset, asset)
            && _canProcess(account, asset, authKind, authId, true);
    }

    /// @inheritdoc IRightsRegistry
    function openDisputes(SubjectKind kind, bytes32 subject) external view returns (uint16) {
        return _openDisputes[kind][subject];
    }

    /// @inheritdoc IRightsRegistry
    function openOwnershipDisputes(bytes32 asset) external view returns (uint16) {
        return _ownershipDisputes[asset];
    }

    /// @inheritdoc IRightsRegistry
    function children(bytes32 asset) external view returns (bytes32[] memory) {
        return _children[asset];
    }

    /// @inheritdoc IRightsRegistry
    function assetCount() external view returns (uint256) {
        return _assetCount;
    }

    /// @notice Certificates applied for so far (token ids run from 1 to this).
    function certificateCount() external view returns (uint256) {
        return _certificateCount;
    }

    /// @notice Grants issued so far (ids run from 1 to this).
    function grantCount() external view returns (uint256) {
        return _grantCount;
    }

    /// @inheritdoc IRightsRegistry
    function cascadeBounds() external view returns (uint256 head, uint256 tail) {
        return (_queueHead, _queueTail);
    }

    /// @inheritdoc IRightsRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }
}
