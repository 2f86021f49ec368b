// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Anchor, EvidenceType, SubjectKind} from "../types/DataRightsTypes.sol";

/// @title Evidence anchors (存证): single documents and Merkle batches
interface IEvidenceRegistry {
    /// @notice A document's SHA-256 was anchored about a subject.
    event EvidenceAnchored(
        bytes32 indexed documentHash, address indexed submitter, EvidenceType evidenceType, SubjectKind subjectKind, bytes32 subject, uint40 anchoredAt, string uri
    );
    /// @notice A Merkle root over `count` document hashes was anchored about a subject.
    event EvidenceBatchAnchored(
        bytes32 indexed root, address indexed submitter, uint32 count, EvidenceType evidenceType, SubjectKind subjectKind, bytes32 subject, uint40 anchoredAt, string uri
    );

    /// @notice The document hash or batch root is already anchored.
    error AlreadyAnchored(bytes32 hash);
    /// @notice The hash is zero.
    error HashMissing();
    /// @notice A batch needs at least one document.
    error BatchEmpty();
    /// @notice Review reports are anchored by reviewers only.
    error ReviewerRoleRequired(address account);

    /// @notice The anchor of a single document, or a zero record.
    function anchorOf(bytes32 documentHash) external view returns (Anchor memory);
    /// @notice The anchor of a batch root, or a zero record.
    function batchOf(bytes32 root) external view returns (Anchor memory);
    /// @notice Whether `documentHash` is the `index`-th document under the anchored batch `root`.
    function verifyInBatch(bytes32 root, bytes32 documentHash, uint256 index, bytes32[] calldata siblings)
        external
        view
        returns (bool);
    /// @notice The contract's version.
    function version() external pure returns (string memory);
}
