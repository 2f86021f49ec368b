// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IEvidenceRegistry} from "./interfaces/IEvidenceRegistry.sol";
import {IGovernance} from "./interfaces/IGovernance.sol";
import {Roles} from "./libraries/Roles.sol";
import {Sha256Merkle} from "./libraries/Sha256Merkle.sol";
import {Anchor, EvidenceType, SubjectKind} from "./types/DataRightsTypes.sol";

/// @title The evidence registry
/// @notice Anchors the SHA-256 of a document, or one Merkle root over any number of documents (each
/// provable by an inclusion proof, docs/MERKLE.md), about a subject. The cost of a batch does not grow
/// with its size. The subject is recorded as given; an anchor is the submitter's timestamped claim.
contract EvidenceRegistry is IEvidenceRegistry {
    IGovernance private immutable _GOVERNANCE;

    mapping(bytes32 documentHash => Anchor) private _anchors;
    mapping(bytes32 root => Anchor) private _batches;

    /// @param governance the governance contract
    constructor(IGovernance governance) {
        _GOVERNANCE = governance;
    }

    /// @notice Anchor one document's SHA-256 about a subject.
    /// @param documentHash SHA-256 of the document
    /// @param evidenceType what the document is (review reports need the reviewer role)
    /// @param subjectKind what the subject is
    /// @param subject the asset id, or the certificate, grant or dispute id as bytes32 (zero: none)
    /// @param uri where the document may be fetched by those entitled to it
    function anchor(bytes32 documentHash, EvidenceType evidenceType, SubjectKind subjectKind, bytes32 subject, string calldata uri)
        external
    {
        if (documentHash == bytes32(0)) revert HashMissing();
        if (_anchors[documentHash].anchoredAt != 0) revert AlreadyAnchored(documentHash);
        _checkSubmitter(evidenceType);
        uint40 now_ = uint40(block.timestamp);
        _anchors[documentHash] = Anchor(msg.sender, now_, evidenceType, subjectKind, 0);
        emit EvidenceAnchored(documentHash, msg.sender, evidenceType, subjectKind, subject, now_, uri);
    }

    /// @notice Anchor one Merkle root over `count` document hashes about a subject.
    /// @param root the Merkle root (docs/MERKLE.md, document-batch leaves)
    /// @param count how many documents the root covers
    /// @param evidenceType what the documents are
    /// @param subjectKind what the subject is
    /// @param subject the subject (zero: none)
    /// @param uri where the batch manifest may be fetched
    function anchorBatch(
        bytes32 root,
        uint32 count,
        EvidenceType evidenceType,
        SubjectKind subjectKind,
        bytes32 subject,
        string calldata uri
    ) external {
        if (root == bytes32(0)) revert HashMissing();
        if (count == 0) revert BatchEmpty();
        if (_batches[root].anchoredAt != 0) revert AlreadyAnchored(root);
        _checkSubmitter(evidenceType);
        uint40 now_ = uint40(block.timestamp);
        _batches[root] = Anchor(msg.sender, now_, evidenceType, subjectKind, count);
        emit EvidenceBatchAnchored(root, msg.sender, count, evidenceType, subjectKind, subject, now_, uri);
    }

    /// @inheritdoc IEvidenceRegistry
    function anchorOf(bytes32 documentHash) external view returns (Anchor memory) {
        return _anchors[documentHash];
    }

    /// @inheritdoc IEvidenceRegistry
    function batchOf(bytes32 root) external view returns (Anchor memory) {
        return _batches[root];
    }

    /// @inheritdoc IEvidenceRegistry
    function verifyInBatch(bytes32 root, bytes32 documentHash, uint256 index, bytes32[] calldata siblings)
        external
        view
        returns (bool)
    {
        uint32 count = _batches[root].count;
        if (count == 0) return false;
        return Sha256Merkle.verify(root, Sha256Merkle.leafHash(documentHash), index, count, siblings);
    }

    /// @inheritdoc IEvidenceRegistry
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _checkSubmitter(EvidenceType evidenceType) private view {
        if (evidenceType == EvidenceType.ReviewReport) {
            if (!_GOVERNANCE.hasRole(Roles.REVIEWER, msg.sender)) revert ReviewerRoleRequired(msg.sender);
        } else {
            _GOVERNANCE.requireActiveParty(msg.sender);
        }
    }
}
