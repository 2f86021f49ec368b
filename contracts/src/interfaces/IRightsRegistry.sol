// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {
    AssetCore,
    AssetKind,
    AssetRecord,
    AssetStatus,
    AuthKind,
    Certificate,
    CertificateStatus,
    Grant,
    GrantTerms,
    InputUse,
    Right,
    SubjectKind
} from "../types/DataRightsTypes.sol";

/// @title The rights registry: assets, certificates (ERC-721), grants, lineage and revocation cascade
/// @notice Every event carries the full new record so the state can be rebuilt from logs alone.
interface IRightsRegistry {
    // ---------------------------------------------------------------- events

    /// @notice An asset was registered. `sequence` is the registration serial number.
    event AssetRegistered(
        bytes32 indexed asset, address indexed registrant, uint256 sequence, AssetKind kind, uint40 registeredAt, AssetRecord record
    );
    /// @notice A product recorded its inputs and the authorization behind each (lineage edges).
    event ProductDerived(bytes32 indexed product, address indexed registrant, InputUse[] inputs);
    /// @notice A registrar corrected an asset's metadata (更正登记).
    event AssetCorrected(bytes32 indexed asset, address indexed registrar, bytes32 metadataHash, string metadataURI, bytes32 reasonHash);
    /// @notice An asset's status changed: `Tainted` by the revocation cascade, `Revoked` by a ruling.
    event AssetStatusChanged(bytes32 indexed asset, AssetStatus status, SubjectKind causeKind, bytes32 cause);

    /// @notice A certificate was applied for; its public notice window runs until `certificate.noticeEndsAt`.
    event CertificateApplied(uint256 indexed certificateId, bytes32 indexed asset, address indexed applicant, Certificate certificate);
    /// @notice A certificate's stored record changed: issued, renewed (续展), corrected (更正),
    /// rejected, cancelled (注销) or revoked (撤销); `action` names the registration type.
    event CertificateUpdated(uint256 indexed certificateId, bytes32 indexed action, address indexed actor, Certificate certificate, bytes32 reasonHash);
    /// @notice A certificate moved to a new holder (转移登记) through the registry's transfer rules.
    event CertificateTransferred(uint256 indexed certificateId, address indexed from, address indexed to, bytes32 reasonHash);

    /// @notice A grant (授权) was created; `grantor` held the parent right at that block.
    event GrantIssued(uint256 indexed grantId, bytes32 indexed asset, address indexed grantor, uint8 depth, GrantTerms terms);
    /// @notice A grant was revoked by its grantor or by a ruling.
    event GrantRevoked(uint256 indexed grantId, address indexed actor, bytes32 reasonHash);

    /// @notice A subject was frozen or unfrozen; `openDisputes` is the new count of open disputes on it.
    event SubjectFreezeChanged(SubjectKind indexed kind, bytes32 indexed subject, uint16 openDisputes);
    /// @notice A revocation entered the cascade queue at position `position`.
    event CascadeQueued(uint256 indexed position, SubjectKind kind, bytes32 subject);
    /// @notice The cascade processed queue entries up to (excluding) `head`; `remaining` entries are left.
    event CascadeContinued(address indexed caller, uint256 head, uint256 remaining);

    // ---------------------------------------------------------------- errors

    /// @notice No asset has this id (content hash).
    error AssetNotFound(bytes32 asset);
    /// @notice An asset with this content hash is already registered.
    error AssetAlreadyRegistered(bytes32 asset);
    /// @notice The content hash is zero.
    error ContentHashMissing();
    /// @notice The Merkle commitment is inconsistent (zero root with leaves, or leaves without a root).
    error MerkleCommitmentInvalid(bytes32 asset);
    /// @notice Public data needs an open class; other categories must use `NotApplicable`.
    error OpenClassInvalid(bytes32 asset);
    /// @notice The asset is revoked or tainted and cannot be used.
    error AssetNotUsable(bytes32 asset, AssetStatus status);
    /// @notice Empty batch, or more entries than `maxEntries`.
    error BatchSizeInvalid(uint256 size, uint256 maxEntries);
    /// @notice A product needs between one and `maxInputs` inputs.
    error InputCountInvalid(uint256 count, uint256 maxInputs);
    /// @notice The same input asset appears twice.
    error DuplicateInput(bytes32 asset);
    /// @notice `account` holds no active, in-term, unfrozen processing right on `asset` through this authorization.
    error ProcessingRightMissing(bytes32 asset, address account, AuthKind authKind, uint256 authId);

    /// @notice No certificate has this id.
    error CertificateNotFound(uint256 certificateId);
    /// @notice `holder` already has a pending or active certificate for this asset and right.
    error CertificateExists(bytes32 asset, Right right, address holder, uint256 certificateId);
    /// @notice The certificate is not in the status the operation needs.
    error CertificateStatusInvalid(uint256 certificateId, CertificateStatus status);
    /// @notice The certificate's term ended at `validUntil`.
    error CertificateExpired(uint256 certificateId, uint40 validUntil);
    /// @notice Only the asset's registrant may apply for the holding right in its own name.
    error HoldingRightNotRegistrant(bytes32 asset, address applicant);
    /// @notice The holding right never rests on a grant.
    error HoldingRightCannotRestOnGrant();
    /// @notice Raw public resources cannot carry an operating right; products made from them can.
    error OperatingRightOnPublicResource(bytes32 asset);
    /// @notice An ownership dispute is open over this asset: no new registration on it.
    error OwnershipDisputeOpen(bytes32 asset);
    /// @notice The public notice window is still running until `noticeEndsAt`.
    error NoticeWindowOpen(uint256 certificateId, uint40 noticeEndsAt);
    /// @notice The public notice window ended at `noticeEndsAt`.
    error NoticeWindowClosed(uint256 certificateId, uint40 noticeEndsAt);
    /// @notice Objections are open against the certificate.
    error ObjectionsOpen(uint256 certificateId, uint16 open);
    /// @notice The caller is not the certificate's holder.
    error NotCertificateHolder(uint256 certificateId, address account);
    /// @notice A right that rests on a grant or on its holder's holding certificate stays with its
    /// holder: it cannot be transferred on its own.
    error DependentRightNotTransferable(uint256 certificateId);
    /// @notice The new validity end is not later than the current one, or not in the future.
    error TermInvalid(uint40 validFrom, uint40 validUntil);

    /// @notice No grant has this id.
    error GrantNotFound(uint256 grantId);
    /// @notice The grantor does not hold the parent right (certificate holder or grantee).
    error NotRightHolder(AuthKind kind, uint256 id, address account);
    /// @notice The parent right is not active, in term and unrevoked at this block.
    error ParentRightInactive(AuthKind kind, uint256 id);
    /// @notice The granted right exceeds the parent right.
    error RightExceedsParent(Right parentRight, Right requested);
    /// @notice The grant would outlive the parent right, which ends at `parentValidUntil`.
    error GrantOutlivesParent(uint40 validUntil, uint40 parentValidUntil);
    /// @notice The parent grant does not allow sub-granting.
    error SubGrantNotAllowed(uint256 parentGrantId);
    /// @notice Sub-granting deeper than the policy's `maxDepth`.
    error GrantDepthExceeded(uint8 depth, uint8 maxDepth);
    /// @notice Public data that is not open (不予开放) cannot be granted to others.
    error NotOpenDataCannotBeGranted(bytes32 asset);
    /// @notice A grant over public data is longer than the policy allows.
    error PublicDataGrantTooLong(uint40 term, uint40 maxTerm);
    /// @notice The grant was made irrevocable.
    error GrantNotRevocable(uint256 grantId);
    /// @notice The grant is already revoked.
    error GrantAlreadyRevoked(uint256 grantId);
    /// @notice A party cannot grant to itself.
    error SelfGrant(address account);
    /// @notice The holding right moves only by transfer, never by grant.
    error HoldingRightNotGrantable();

    /// @notice The subject is frozen by an open dispute.
    error SubjectFrozen(SubjectKind kind, bytes32 subject);
    /// @notice The subject does not exist.
    error SubjectNotFound(SubjectKind kind, bytes32 subject);
    /// @notice `maxSteps` must be at least one.
    error CascadeStepsInvalid();
    /// @notice Only the registry's own contracts may call this.
    error CallerNotModule(address caller);
    /// @notice The subject has ended (revoked, cancelled, rejected): there is nothing left to dispute.
    error SubjectNotDisputable(SubjectKind kind, bytes32 subject);

    // ---------------------------------------------------------------- views

    /// @notice The stored core of `asset`.
    function assetCore(bytes32 asset) external view returns (AssetCore memory);
    /// @notice The stored record of a certificate.
    function certificate(uint256 certificateId) external view returns (Certificate memory);
    /// @notice The stored record of a grant.
    function grantRecord(uint256 grantId) external view returns (Grant memory);
    /// @notice The asset a grant is about (found through its parent chain).
    function grantAsset(uint256 grantId) external view returns (bytes32);
    /// @notice The grantor of a grant: the current holder of its parent right.
    function grantor(uint256 grantId) external view returns (address);
    /// @notice Whether a certificate is active, in term, on a usable asset and resting on a valid grant, now.
    function isCertificateEffective(uint256 certificateId) external view returns (bool);
    /// @notice Whether a grant and its whole parent chain are active and in term, now.
    function isGrantEffective(uint256 grantId) external view returns (bool);
    /// @notice Whether `account` may process `asset` through this authorization now (invariant 3).
    function canProcess(address account, bytes32 asset, AuthKind authKind, uint256 authId) external view returns (bool);
    /// @notice Number of open disputes freezing the subject (0: not frozen).
    function openDisputes(SubjectKind kind, bytes32 subject) external view returns (uint16);
    /// @notice Number of open ownership disputes over `asset`.
    function openOwnershipDisputes(bytes32 asset) external view returns (uint16);
    /// @notice Products derived from `asset` (direct lineage children).
    function children(bytes32 asset) external view returns (bytes32[] memory);
    /// @notice Registration serial numbers handed out so far.
    function assetCount() external view returns (uint256);
    /// @notice Queue positions of the revocation cascade: next to process, and one past the last.
    function cascadeBounds() external view returns (uint256 head, uint256 tail);
    /// @notice The contract's version.
    function version() external pure returns (string memory);
}
