// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IDisputeRegistry} from "./interfaces/IDisputeRegistry.sol";
import {IGovernance} from "./interfaces/IGovernance.sol";
import {Roles} from "./libraries/Roles.sol";
import {RightsRegistry} from "./RightsRegistry.sol";
import {Dispute, DisputeStatus, Objection, SubjectKind} from "./types/DataRightsTypes.sol";

/// @title The dispute registry: objections during public notice, and disputes
/// @notice Any admitted party may object (异议) to a certificate during its public notice window; an
/// open objection blocks issuance until a registrar resolves it. Any admitted party raises a dispute against an asset, a certificate or a grant with evidence;
/// the subject is frozen while the dispute is open (no transfer, new grant, renewal or use as an input),
/// and registration on the same asset is refused while an ownership dispute is open. A registrar assigns
/// an arbitrator, who rules: dismissed (unfrozen) or upheld (revoked, the consequences carried downstream).
contract DisputeRegistry is IDisputeRegistry {
    IGovernance private immutable _GOVERNANCE;
    RightsRegistry private immutable _RIGHTS;

    mapping(uint256 disputeId => Dispute) private _disputes;
    uint256 private _disputeCount;
    mapping(uint256 objectionId => Objection) private _objections;
    uint256 private _objectionCount;

    /// @param governance the governance contract
    /// @param rights the rights registry holding the subjects
    constructor(IGovernance governance, RightsRegistry rights) {
        _GOVERNANCE = governance;
        _RIGHTS = rights;
    }

    /// @notice File an objection (异议) against a certificate during its public notice window.
    /// @param certificateId the certificate in notice
    /// @param evidenceHash hash of the evidence supporting the objection
    /// @return objectionId the objection's id
    function fileObjection(uint256 certificateId, bytes32 evidenceHash) external returns (uint256 objectionId) {
        _GOVERNANCE.requireActiveParty(msg.sender);
        _RIGHTS.objectionFiled(certificateId);
        objectionId = ++_objectionCount;
        _objections[objectionId] = Objection({certificateId: uint64(certificateId), filer: msg.sender, open: true});
        emit ObjectionFiled(objectionId, certificateId, msg.sender, evidenceHash);
    }

    /// @notice Resolve an objection. Upholding it rejects the application and counts against the
    /// applicant's credit record. Registrar only.
    /// @param objectionId the open objection
    /// @param upheld whether the objection is well founded
    /// @param reasonHash hash of the registrar's statement of reasons
    function resolveObjection(uint256 objectionId, bool upheld, bytes32 reasonHash) external {
        _checkRegistrar();
        Objection storage o = _objections[objectionId];
        if (!o.open) revert ObjectionNotOpen(objectionId);
        o.open = false;
        uint256 certificateId = o.certificateId;
        emit ObjectionResolved(objectionId, certificateId, msg.sender, upheld, reasonHash);
        _RIGHTS.objectionResolved(certificateId, upheld, reasonHash);
    }

    /// @notice Raise a dispute against a subject, with the hash of the claimant's evidence.
    /// @param kind what the subject is
    /// @param subject the asset id, or the certificate or grant id as bytes32
    /// @param evidenceHash hash of the evidence (anchor it in the evidence registry too)
    /// @return disputeId the dispute's id
    function raiseDispute(SubjectKind kind, bytes32 subject, bytes32 evidenceHash) external returns (uint256 disputeId) {
        _GOVERNANCE.requireActiveParty(msg.sender);
        if (evidenceHash == bytes32(0)) revert EvidenceMissing();
        (bytes32 asset, address respondent, bool ownership) = _RIGHTS.freeze(kind, subject);
        if (respondent == msg.sender) revert SelfDispute(msg.sender);
        disputeId = ++_disputeCount;
        _disputes[disputeId] = Dispute({
            claimant: msg.sender,
            status: DisputeStatus.Raised,
            kind: kind,
            ownership: ownership,
            raisedAt: uint40(block.timestamp),
            arbitrator: address(0),
            subject: subject
        });
        emit DisputeRaised(disputeId, msg.sender, respondent, kind, subject, asset, ownership, evidenceHash);
    }

    /// @notice Assign (or reassign) the arbitrator of an open dispute. Registrar only.
    /// @param disputeId the open dispute
    /// @param arbitrator an account with the arbitrator role that is not a party to the dispute
    function assignArbitrator(uint256 disputeId, address arbitrator) external {
        _checkRegistrar();
        Dispute storage d = _open(disputeId);
        if (!_GOVERNANCE.hasRole(Roles.ARBITRATOR, arbitrator)) revert NotArbitrator(arbitrator);
        if (arbitrator == d.claimant || arbitrator == _respondent(d)) revert ArbitratorConflicted(arbitrator);
        d.arbitrator = arbitrator;
        d.status = DisputeStatus.Assigned;
        emit ArbitratorAssigned(disputeId, arbitrator, msg.sender);
    }

    /// @notice Submit further evidence to an open dispute. Claimant, respondent or arbitrator only.
    /// @param disputeId the open dispute
    /// @param evidenceHash hash of the evidence
    function submitEvidence(uint256 disputeId, bytes32 evidenceHash) external {
        Dispute storage d = _open(disputeId);
        if (evidenceHash == bytes32(0)) revert EvidenceMissing();
        bool participant = msg.sender == d.claimant || msg.sender == d.arbitrator || msg.sender == _respondent(d);
        if (!participant) revert NotDisputeParticipant(disputeId, msg.sender);
        emit DisputeEvidenceSubmitted(disputeId, msg.sender, evidenceHash);
    }

    /// @notice Rule on a dispute with the hash of the reasoned decision. Assigned arbitrator only.
    /// Upholding revokes the subject, counts a lost dispute against the respondent and queues the
    /// downstream cascade (continue it with `RightsRegistry.continueCascade`).
    /// @param disputeId the dispute
    /// @param uphold whether the claim is upheld
    /// @param decisionHash hash of the reasoned decision
    function rule(uint256 disputeId, bool uphold, bytes32 decisionHash) external {
        Dispute storage d = _open(disputeId);
        if (d.arbitrator == address(0)) revert ArbitratorNotAssigned(disputeId);
        if (msg.sender != d.arbitrator) revert NotAssignedArbitrator(disputeId, msg.sender);
        address respondent = _respondent(d);
        d.status = uphold ? DisputeStatus.Upheld : DisputeStatus.Dismissed;
        _RIGHTS.unfreeze(d.kind, d.subject);
        if (uphold) {
            _RIGHTS.revokeSubject(d.kind, d.subject, decisionHash);
            _GOVERNANCE.recordDisputeLost(respondent);
        }
        emit DisputeRuled(disputeId, msg.sender, uphold, decisionHash);
    }

    /// @inheritdoc IDisputeRegistry
    function dispute(uint256 disputeId) external view returns (Dispute memory) {
        return _disputes[disputeId];
    }

    /// @inheritdoc IDisputeRegistry
    function objection(uint256 objectionId) external view returns (Objection memory) {
        return _objections[objectionId];
    }

    /// @inheritdoc IDisputeRegistry
    function disputeCount() external view returns (uint256) {
        return _disputeCount;
    }

    /// @inheritdoc IDisputeRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _open(uint256 disputeId) private view returns (Dispute storage d) {
        d = _disputes[disputeId];
        if (d.status == DisputeStatus.None) revert DisputeNotFound(disputeId);
        if (d.status == DisputeStatus.Dismissed || d.status == DisputeStatus.Upheld) revert DisputeClosed(disputeId);
    }

    function _checkRegistrar() private view {
        if (!_GOVERNANCE.hasRole(Roles.REGISTRAR, msg.sender)) {
            revert IAccessControl.AccessControlUnauthorizedAccount(msg.sender, Roles.REGISTRAR);
        }
    }

    function _respondent(Dispute storage d) private view returns (address respondent) {
        (, respondent,) = _RIGHTS.describeSubject(d.kind, d.subject);
    }
}
