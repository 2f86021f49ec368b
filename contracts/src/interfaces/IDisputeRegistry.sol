// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Dispute, Objection, SubjectKind} from "../types/DataRightsTypes.sol";

/// @title Disputes (争议): raised with evidence, assigned to an arbitrator, ruled with a reasoned decision
interface IDisputeRegistry {
    /// @notice A dispute was raised; the subject is frozen until the ruling.
    event DisputeRaised(
        uint256 indexed disputeId,
        address indexed claimant,
        address indexed respondent,
        SubjectKind kind,
        bytes32 subject,
        bytes32 asset,
        bool ownership,
        bytes32 evidenceHash
    );
    /// @notice An objection (异议) was filed against a certificate in its public notice window.
    event ObjectionFiled(uint256 indexed objectionId, uint256 indexed certificateId, address indexed filer, bytes32 evidenceHash);
    /// @notice A registrar resolved an objection; an upheld objection rejects the application.
    event ObjectionResolved(
        uint256 indexed objectionId, uint256 indexed certificateId, address indexed registrar, bool upheld, bytes32 reasonHash
    );
    /// @notice A registrar assigned (or reassigned) the arbitrator.
    event ArbitratorAssigned(uint256 indexed disputeId, address indexed arbitrator, address indexed registrar);
    /// @notice A party to the dispute, or its arbitrator, submitted further evidence.
    event DisputeEvidenceSubmitted(uint256 indexed disputeId, address indexed submitter, bytes32 evidenceHash);
    /// @notice The arbitrator ruled: dismissed (the subject is unfrozen) or upheld (the subject is revoked).
    event DisputeRuled(uint256 indexed disputeId, address indexed arbitrator, bool upheld, bytes32 decisionHash);

    /// @notice No objection has this id, or it is resolved.
    error ObjectionNotOpen(uint256 objectionId);
    /// @notice No dispute has this id.
    error DisputeNotFound(uint256 disputeId);
    /// @notice The dispute is already ruled.
    error DisputeClosed(uint256 disputeId);
    /// @notice No arbitrator is assigned yet.
    error ArbitratorNotAssigned(uint256 disputeId);
    /// @notice `account` lacks the arbitrator role.
    error NotArbitrator(address account);
    /// @notice `account` is a party to the dispute and cannot arbitrate it.
    error ArbitratorConflicted(address account);
    /// @notice Only the assigned arbitrator may rule.
    error NotAssignedArbitrator(uint256 disputeId, address account);
    /// @notice Only the claimant, the respondent or the arbitrator may submit evidence.
    error NotDisputeParticipant(uint256 disputeId, address account);
    /// @notice A party cannot dispute its own right.
    error SelfDispute(address account);
    /// @notice Evidence is required.
    error EvidenceMissing();

    /// @notice The stored state of a dispute.
    function dispute(uint256 disputeId) external view returns (Dispute memory);
    /// @notice The stored state of an objection.
    function objection(uint256 objectionId) external view returns (Objection memory);
    /// @notice Disputes raised so far (ids run from 1 to this).
    function disputeCount() external view returns (uint256);
    /// @notice The contract's version.
    function version() external pure returns (string memory);
}
