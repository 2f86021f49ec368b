// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {RightsBase} from "./RightsBase.sol";
import {Roles} from "../libraries/Roles.sol";
import {
    AssetCore, AuthKind, Certificate, CertificateStatus, Grant, Right, SubjectKind
} from "../types/DataRightsTypes.sol";

/// @title Registration certificates (登记证书) as ERC-721 tokens
/// @dev Lifecycle: apply (the public notice window starts at once) -> issue by a registrar after the
/// window with no open objection -> renew / correct / transfer / cancel / revoke. The token is minted
/// to the applicant at application; it moves only while the certificate is active, in term, unfrozen
/// and held in the holder's own name, whether through `transferCertificate` or a plain ERC-721 transfer.
abstract contract CertificateLedger is RightsBase {
    bytes32 internal constant ACTION_ISSUED = "ISSUED";
    bytes32 internal constant ACTION_RENEWED = "RENEWED";
    bytes32 internal constant ACTION_CORRECTED = "CORRECTED";
    bytes32 internal constant ACTION_REJECTED = "REJECTED";
    bytes32 internal constant ACTION_CANCELLED = "CANCELLED";
    bytes32 internal constant ACTION_REVOKED = "REVOKED";

    bytes32 private transient _transferReason;

    /// @notice Apply for a certificate of `right` on `asset` in the caller's name; the public notice
    /// window starts now. The holding right is applied for by the asset's registrant; processing and
    /// operating rights either in the caller's own name, resting on the caller's holding certificate,
    /// or resting on a grant to the caller (`basisGrant`); the right it rests on bounds its term.
    /// @param asset the asset id
    /// @param right the right applied for
    /// @param basisGrant the grant the right rests on, or 0
    /// @return certificateId the new certificate's token id
    function applyForCertificate(bytes32 asset, Right right, uint64 basisGrant) external returns (uint256 certificateId) {
        GOVERNANCE.requireActiveParty(msg.sender);
        AssetCore storage core = _requireUsableAsset(asset);
        if (_ownershipDisputes[asset] != 0) revert OwnershipDisputeOpen(asset);
        if (right == Right.Operating && _isPublicResource(core)) revert OperatingRightOnPublicResource(asset);
        GOVERNANCE.requireTradable(core.grade, core.category, core.domain);
        uint256 existing = _liveCertificate(asset, right, msg.sender);
        if (existing != 0) revert CertificateExists(asset, right, msg.sender, existing);
        uint256 basisCertificate = _checkApplicant(core, asset, right, basisGrant);

        certificateId = ++_certificateCount;
        Certificate memory c = Certificate({
            asset: asset,
            right: right,
            status: CertificateStatus.Notice,
            noticeEndsAt: uint40(block.timestamp) + GOVERNANCE.policy().noticeWindow,
            issuedAt: 0,
            validUntil: 0,
            openObjections: 0,
            basisGrant: basisGrant,
            basisCertificate: uint40(basisCertificate)
        });
        _certificates[certificateId] = c;
        if (right == Right.Holding) _holdingCertificate[asset] = certificateId;
        else _certificateByKey[_certificateKey(asset, right, msg.sender)] = certificateId;
        uint256 node = _authNode(AuthKind.Certificate, certificateId);
        if (basisGrant != 0) _dependents[_authNode(AuthKind.Grant, basisGrant)].push(node);
        if (basisCertificate != 0) _dependents[_authNode(AuthKind.Certificate, basisCertificate)].push(node);
        _mint(msg.sender, certificateId);
        emit CertificateApplied(certificateId, asset, msg.sender, c);
    }

    /// @notice Count an objection (异议) filed against a certificate during its notice window.
    /// Dispute registry only: objections are filed and resolved there.
    /// @param certificateId the certificate in notice
    function objectionFiled(uint256 certificateId) external {
        _checkModule(DISPUTES);
        Certificate storage c = _requireStatus(certificateId, CertificateStatus.Notice);
        if (block.timestamp >= c.noticeEndsAt) revert NoticeWindowClosed(certificateId, c.noticeEndsAt);
        c.openObjections += 1;
    }

    /// @notice Close an objection. Upholding it rejects the application and counts against the
    /// applicant's credit record. Dispute registry only.
    /// @param certificateId the certificate objected to
    /// @param upheld whether the objection is well founded
    /// @param reasonHash hash of the registrar's statement of reasons
    function objectionResolved(uint256 certificateId, bool upheld, bytes32 reasonHash) external {
        _checkModule(DISPUTES);
        Certificate storage c = _certificates[certificateId];
        c.openObjections -= 1;
        if (upheld && c.status == CertificateStatus.Notice) {
            _end(certificateId, CertificateStatus.Rejected, ACTION_REJECTED, reasonHash);
            GOVERNANCE.recordObjectionUpheld(_ownerOf(certificateId));
        }
    }

    /// @notice Issue a certificate after its notice window, with no open objection. Registrar only.
    /// @param certificateId the certificate in notice
    /// @param term validity in seconds from now; 0 for the policy's default (three years);
    /// a right resting on a grant never outlives the grant
    function issueCertificate(uint256 certificateId, uint40 term) external {
        _checkRole(Roles.REGISTRAR);
        Certificate storage c = _requireStatus(certificateId, CertificateStatus.Notice);
        if (block.timestamp < c.noticeEndsAt) revert NoticeWindowOpen(certificateId, c.noticeEndsAt);
        if (c.openObjections != 0) revert ObjectionsOpen(certificateId, c.openObjections);
        _requireUnfrozen(certificateId, c.asset);
        _requireUsableAsset(c.asset);
        // The applicant must still qualify: admitted and unsuspended, and still holding the right
        // its application rests on (its holding right may have moved during the notice).
        GOVERNANCE.requireActiveParty(_ownerOf(certificateId));
        _requireBasisValid(certificateId, c);
        uint40 now_ = uint40(block.timestamp);
        uint40 validUntil = now_ + (term == 0 ? GOVERNANCE.policy().defaultTerm : term);
        uint40 basisEnd = _basisEnd(c);
        if (validUntil > basisEnd) validUntil = basisEnd;
        c.status = CertificateStatus.Active;
        c.issuedAt = now_;
        c.validUntil = validUntil;
        emit CertificateUpdated(certificateId, ACTION_ISSUED, msg.sender, c, bytes32(0));
    }

    /// @notice Reject an application during its notice window. Registrar only.
    /// @param certificateId the certificate in notice
    /// @param reasonHash hash of the statement of reasons
    function rejectApplication(uint256 certificateId, bytes32 reasonHash) external {
        _checkRole(Roles.REGISTRAR);
        _requireStatus(certificateId, CertificateStatus.Notice);
        _end(certificateId, CertificateStatus.Rejected, ACTION_REJECTED, reasonHash);
    }

    /// @notice Renew (续展) an active, unfrozen certificate to a later end. Registrar only.
    /// @param certificateId the active certificate
    /// @param validUntil the new end of term, later than the current one
    /// @param reasonHash hash of the renewal application
    function renewCertificate(uint256 certificateId, uint40 validUntil, bytes32 reasonHash) external {
        _checkRole(Roles.REGISTRAR);
        Certificate storage c = _requireStatus(certificateId, CertificateStatus.Active);
        // An expired certificate no longer holds its (asset, right, holder) slot; reviving it could
        // leave two live certificates for one slot. The holder applies afresh instead.
        if (block.timestamp >= c.validUntil) revert CertificateExpired(certificateId, c.validUntil);
        _requireUnfrozen(certificateId, c.asset);
        _requireBasisValid(certificateId, c);
        if (validUntil <= c.validUntil || validUntil <= block.timestamp) revert TermInvalid(c.validUntil, validUntil);
        _checkWithinBasis(c, validUntil);
        c.validUntil = validUntil;
        emit CertificateUpdated(certificateId, ACTION_RENEWED, msg.sender, c, reasonHash);
    }

    /// @notice Correct (更正) the end of term of a pending or active certificate. Registrar only.
    /// @param certificateId the certificate
    /// @param validUntil the corrected end of term (ignored while in notice: it is set at issuance)
    /// @param reasonHash hash of the statement of reasons
    function correctCertificate(uint256 certificateId, uint40 validUntil, bytes32 reasonHash) external {
        _checkRole(Roles.REGISTRAR);
        Certificate storage c = _requireCertificate(certificateId);
        if (c.status == CertificateStatus.Active) {
            if (validUntil <= c.issuedAt) revert TermInvalid(c.issuedAt, validUntil);
            // A correction that extends the term is a renewal: frozen subjects cannot have it.
            if (validUntil > c.validUntil) {
                _requireUnfrozen(certificateId, c.asset);
                _requireBasisValid(certificateId, c);
            }
            _checkWithinBasis(c, validUntil);
            c.validUntil = validUntil;
        } else if (c.status != CertificateStatus.Notice) {
            revert CertificateStatusInvalid(certificateId, c.status);
        }
        emit CertificateUpdated(certificateId, ACTION_CORRECTED, msg.sender, c, reasonHash);
    }

    /// @notice Cancel (注销) a pending or active certificate; by its holder or a registrar.
    /// Grants resting on it end with it; products made earlier stay valid.
    /// @param certificateId the certificate
    /// @param reasonHash hash of the statement of reasons
    function cancelCertificate(uint256 certificateId, bytes32 reasonHash) external {
        Certificate storage c = _requireCertificate(certificateId);
        if (_ownerOf(certificateId) != msg.sender) _checkRole(Roles.REGISTRAR);
        else if (!GOVERNANCE.hasRole(Roles.REGISTRAR, msg.sender)) GOVERNANCE.requireActiveParty(msg.sender);
        if (c.status != CertificateStatus.Notice && c.status != CertificateStatus.Active) {
            revert CertificateStatusInvalid(certificateId, c.status);
        }
        // Withdrawing an application must not dodge its objections (and the applicant's credit record).
        if (c.openObjections != 0) revert ObjectionsOpen(certificateId, c.openObjections);
        _requireUnfrozen(certificateId, c.asset);
        _end(certificateId, CertificateStatus.Cancelled, ACTION_CANCELLED, reasonHash);
    }

    /// @notice Transfer (转移) a certificate to another admitted party, with a statement of reasons.
    /// Plain ERC-721 transfers follow the same rules.
    /// @param certificateId the active certificate held by the caller
    /// @param to the new holder
    /// @param reasonHash hash of the transfer agreement
    function transferCertificate(uint256 certificateId, address to, bytes32 reasonHash) external {
        _requireCertificate(certificateId);
        address holder = _ownerOf(certificateId);
        if (holder != msg.sender) revert NotCertificateHolder(certificateId, msg.sender);
        _transferReason = reasonHash;
        _transfer(holder, to, certificateId);
    }

    /// @dev Registry rules for every move of a token except mint (application) and burn (never used).
    function _update(address to, uint256 tokenId, address auth) internal virtual override returns (address from) {
        from = super._update(to, tokenId, auth);
        if (from == address(0) || to == address(0)) return from;
        Certificate storage c = _certificates[tokenId];
        if (c.status != CertificateStatus.Active) revert CertificateStatusInvalid(tokenId, c.status);
        if (block.timestamp >= c.validUntil) revert CertificateExpired(tokenId, c.validUntil);
        if (c.basisGrant != 0 || c.basisCertificate != 0) revert DependentRightNotTransferable(tokenId);
        _requireUnfrozen(tokenId, c.asset);
        _requireUsableAsset(c.asset);
        GOVERNANCE.requireActiveParty(from);
        GOVERNANCE.requireActiveParty(to);
        // Only holding certificates move (every other right rests on a grant or on its holder's
        // holding certificate), and an asset has one live holding certificate: this token. So the
        // recipient cannot already hold the right, and no (asset, right, holder) slot moves.
        emit CertificateTransferred(tokenId, from, to, _transferReason);
        _transferReason = bytes32(0);
    }

    /// @dev Who may apply; returns the holding certificate an own-name right rests on, or 0.
    function _checkApplicant(AssetCore storage core, bytes32 asset, Right right, uint64 basisGrant)
        private
        view
        returns (uint256 holding)
    {
        holding = _liveHolding(asset);
        if (right == Right.Holding) {
            if (basisGrant != 0) revert HoldingRightCannotRestOnGrant();
            if (core.registrant != msg.sender) revert HoldingRightNotRegistrant(asset, msg.sender);
            if (holding != 0) revert CertificateExists(asset, Right.Holding, _ownerOf(holding), holding);
            return 0;
        }
        if (basisGrant == 0) {
            // In one's own name: only the holder of the (pending or active) holding right.
            if (holding == 0 || _ownerOf(holding) != msg.sender) revert NotRightHolder(AuthKind.Certificate, holding, msg.sender);
            return holding;
        }
        Grant storage g = _requireGrant(basisGrant);
        if (g.grantee != msg.sender) revert NotRightHolder(AuthKind.Grant, basisGrant, msg.sender);
        if (g.right != right) revert RightExceedsParent(g.right, right);
        if (_grantAsset(basisGrant) != asset) revert ParentRightInactive(AuthKind.Grant, basisGrant);
        if (!_grantValid(basisGrant, true)) revert ParentRightInactive(AuthKind.Grant, basisGrant);
        return 0;
    }

    /// @dev The right a certificate rests on is still effective, unfrozen and (for an own-name
    /// right) still held by the certificate's holder.
    function _requireBasisValid(uint256 certificateId, Certificate storage c) private view {
        if (c.basisGrant != 0 && !_grantValid(c.basisGrant, true)) {
            revert ParentRightInactive(AuthKind.Grant, c.basisGrant);
        }
        uint256 holding = c.basisCertificate;
        if (holding != 0 && (!_certificateValid(holding, true) || _ownerOf(holding) != _ownerOf(certificateId))) {
            revert ParentRightInactive(AuthKind.Certificate, holding);
        }
    }

    /// @dev When the right a certificate rests on ends (no bound: type(uint40).max).
    function _basisEnd(Certificate storage c) private view returns (uint40) {
        if (c.basisGrant != 0) return _grants[c.basisGrant].validUntil;
        if (c.basisCertificate != 0) return _certificates[c.basisCertificate].validUntil;
        return type(uint40).max;
    }

    function _checkWithinBasis(Certificate storage c, uint40 validUntil) private view {
        uint40 basisEnd = _basisEnd(c);
        if (validUntil > basisEnd) revert GrantOutlivesParent(validUntil, basisEnd);
    }

    function _requireStatus(uint256 certificateId, CertificateStatus status) internal view returns (Certificate storage c) {
        c = _requireCertificate(certificateId);
        if (c.status != status) revert CertificateStatusInvalid(certificateId, c.status);
    }

    function _requireUnfrozen(uint256 certificateId, bytes32 asset) internal view {
        if (_subjectFrozen(SubjectKind.Certificate, bytes32(certificateId))) {
            revert SubjectFrozen(SubjectKind.Certificate, bytes32(certificateId));
        }
        if (_subjectFrozen(SubjectKind.Asset, asset)) revert SubjectFrozen(SubjectKind.Asset, asset);
    }

    /// @dev End a certificate for good: it frees its (asset, right, holder) slot.
    function _end(uint256 certificateId, CertificateStatus status, bytes32 action, bytes32 reasonHash) internal {
        Certificate storage c = _certificates[certificateId];
        c.status = status;
        if (c.right != Right.Holding) {
            bytes32 key = _certificateKey(c.asset, c.right, _ownerOf(certificateId));
            if (_certificateByKey[key] == certificateId) delete _certificateByKey[key];
        }
        emit CertificateUpdated(certificateId, action, msg.sender, c, reasonHash);
    }
}
