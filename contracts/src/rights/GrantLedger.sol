// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {RightsBase} from "./RightsBase.sol";
import {
    AssetCore, AuthKind, Category, Certificate, Grant, GrantStatus, GrantTerms, OpenClass, Right, SubjectKind
} from "../types/DataRightsTypes.sol";

/// @title Grants (授权): a right holder authorizes another party, never beyond its own right
/// @dev A grant rests on a certificate or on a sub-grantable parent grant; its right is the same as or
/// narrower than the parent's, its term lies inside the parent's and the chain depth is bounded by policy.
abstract contract GrantLedger is RightsBase {
    /// @notice Grant a right resting on a certificate or grant the caller holds.
    /// @param terms the grant's terms: parent right, grantee, right, purpose, scenario, scope,
    /// security measures, term, end-of-term duty, sub-granting and revocability
    /// @return grantId the new grant's id
    function grant(GrantTerms calldata terms) external returns (uint256 grantId) {
        return _issueGrant(msg.sender, terms);
    }

    /// @notice Grant on behalf of `grantor_` who consented off chain (an EIP-712 signature or an
    /// approved request). Grant desk only.
    /// @param grantor_ the right holder who signed or approved
    /// @param terms the grant's terms
    /// @return grantId the new grant's id
    function grantFor(address grantor_, GrantTerms calldata terms) external returns (uint256 grantId) {
        _checkModule(GRANT_DESK);
        return _issueGrant(grantor_, terms);
    }

    /// @notice Revoke a revocable grant; by its grantor (the current holder of the parent right).
    /// Everything resting on it ends at once; products made under it are flagged by the cascade.
    /// @param grantId the grant
    /// @param reasonHash hash of the statement of reasons
    function revokeGrant(uint256 grantId, bytes32 reasonHash) external {
        Grant storage g = _requireGrant(grantId);
        if (_grantorOf(grantId) != msg.sender) revert NotRightHolder(AuthKind.Grant, grantId, msg.sender);
        if (!g.revocable) revert GrantNotRevocable(grantId);
        if (g.status == GrantStatus.Revoked) revert GrantAlreadyRevoked(grantId);
        if (_subjectFrozen(SubjectKind.Grant, bytes32(grantId))) revert SubjectFrozen(SubjectKind.Grant, bytes32(grantId));
        _revokeGrant(grantId, reasonHash);
    }

    function _revokeGrant(uint256 grantId, bytes32 reasonHash) internal {
        _grants[grantId].status = GrantStatus.Revoked;
        emit GrantRevoked(grantId, msg.sender, reasonHash);
        _enqueue(SubjectKind.Grant, bytes32(grantId));
    }

    function _issueGrant(address grantor_, GrantTerms calldata t) private returns (uint256 grantId) {
        GOVERNANCE.requireActiveParty(grantor_);
        GOVERNANCE.requireActiveParty(t.grantee);
        if (t.grantee == grantor_) revert SelfGrant(grantor_);
        if (t.right == Right.Holding) revert HoldingRightNotGrantable();
        if (t.validFrom >= t.validUntil || t.validUntil <= block.timestamp) revert TermInvalid(t.validFrom, t.validUntil);
        (bytes32 asset, uint8 depth, uint256 passedFrom) = _checkParent(grantor_, t);
        _checkPolicy(asset, t, passedFrom);

        grantId = ++_grantCount;
        _grants[grantId] = Grant({
            grantee: t.grantee,
            right: t.right,
            status: GrantStatus.Active,
            depth: depth,
            subGrantable: t.subGrantable,
            revocable: t.revocable,
            parentKind: t.parentKind,
            validUntil: t.validUntil,
            validFrom: t.validFrom,
            parentId: uint64(t.parentId)
        });
        _dependents[_authNode(t.parentKind, t.parentId)].push(_authNode(AuthKind.Grant, grantId));
        emit GrantIssued(grantId, asset, grantor_, depth, t);
    }

    /// @dev The grantor holds an effective, unfrozen parent right that covers the grant, may pass it
    /// on, and outlives it. Returns the asset, the new grant's depth and the grant whose sub-granting
    /// flag and depth govern (0 when the grantor holds the right in its own name).
    function _checkParent(address grantor_, GrantTerms calldata t)
        private
        view
        returns (bytes32 asset, uint8 depth, uint256 passedFrom)
    {
        uint256 parentId = t.parentId;
        Right parentRight;
        uint40 parentEnd;
        if (t.parentKind == AuthKind.Certificate) {
            Certificate storage c = _requireCertificate(parentId);
            if (_ownerOf(parentId) != grantor_) revert NotRightHolder(AuthKind.Certificate, parentId, grantor_);
            if (!_certificateValid(parentId, true)) revert ParentRightInactive(AuthKind.Certificate, parentId);
            (asset, parentRight, parentEnd, passedFrom) = (c.asset, c.right, c.validUntil, c.basisGrant);
        } else {
            Grant storage p = _requireGrant(parentId);
            if (p.grantee != grantor_) revert NotRightHolder(AuthKind.Grant, parentId, grantor_);
            if (!_grantValid(parentId, true)) revert ParentRightInactive(AuthKind.Grant, parentId);
            (asset, parentRight, parentEnd, passedFrom) = (_grantAsset(parentId), p.right, p.validUntil, parentId);
        }
        if (!_rightCovers(parentRight, t.right)) revert RightExceedsParent(parentRight, t.right);
        if (t.validUntil > parentEnd) revert GrantOutlivesParent(t.validUntil, parentEnd);
        if (passedFrom != 0) {
            Grant storage from = _grants[passedFrom];
            if (!from.subGrantable) revert SubGrantNotAllowed(passedFrom);
            depth = from.depth + 1;
            uint8 maxDepth = GOVERNANCE.policy().maxGrantDepth;
            if (depth > maxDepth) revert GrantDepthExceeded(depth, maxDepth);
        }
    }

    function _checkPolicy(bytes32 asset, GrantTerms calldata t, uint256 passedFrom) private view {
        AssetCore storage core = _requireUsableAsset(asset);
        GOVERNANCE.requireTradable(core.grade, core.category, core.domain);
        if (core.category != Category.Public) return;
        if (core.openClass == OpenClass.NotOpen) revert NotOpenDataCannotBeGranted(asset);
        if (_isPublicResource(core)) {
            if (t.right == Right.Operating) revert OperatingRightOnPublicResource(asset);
            // Authorized operators process raw public data into products; they may not pass the
            // raw data on to third parties, whatever the grant's sub-granting flag says.
            if (passedFrom != 0) revert SubGrantNotAllowed(passedFrom);
        }
        uint40 maxTerm = GOVERNANCE.policy().maxPublicDataGrantTerm;
        uint40 term = t.validUntil - t.validFrom;
        if (term > maxTerm) revert PublicDataGrantTooLong(term, maxTerm);
    }

    function _enqueue(SubjectKind kind, bytes32 subject) internal virtual;
}
