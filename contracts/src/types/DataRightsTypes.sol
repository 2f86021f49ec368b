// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice The three separately registered data property rights (数据二十条).
enum Right {
    Holding, // 数据资源持有权
    Processing, // 数据加工使用权
    Operating // 数据产品经营权
}

/// @notice Kind of registration unit: a raw collection or a product made by processing.
enum AssetKind {
    Resource,
    Product
}

/// @notice Source category of the data (公共 / 企业 / 个人).
enum Category {
    Public,
    Enterprise,
    Personal
}

/// @notice Security grade per GB/T 43697-2024 (一般 / 重要 / 核心).
enum Grade {
    General,
    Important,
    Core
}

/// @notice Open class of public data; `NotApplicable` for enterprise and personal data.
enum OpenClass {
    NotApplicable,
    Unconditional, // 无条件开放
    Conditional, // 有条件开放
    NotOpen // 不予开放
}

/// @notice Status of an asset. `Tainted`: an upstream right was revoked; `Revoked`: ruled against itself.
enum AssetStatus {
    None,
    Active,
    Tainted,
    Revoked
}

/// @notice Kind of an admitted party.
enum PartyKind {
    Government,
    Enterprise,
    Individual
}

/// @notice Stored status of a certificate; expiry is derived from `validUntil` and block time.
enum CertificateStatus {
    None,
    Notice, // applied, public notice window running (公示)
    Active, // issued
    Rejected,
    Cancelled, // 注销
    Revoked // 撤销
}

/// @notice Stored status of a grant; expiry is derived from `validUntil` and block time.
enum GrantStatus {
    None,
    Active,
    Revoked
}

/// @notice What the grantee must do with the data when the grant's term ends.
enum EndOfTerm {
    Delete,
    Return,
    Archive
}

/// @notice What an authorization reference points at.
enum AuthKind {
    Certificate,
    Grant
}

/// @notice What a dispute or an evidence anchor is about.
enum SubjectKind {
    Asset,
    Certificate,
    Grant
}

/// @notice Lifecycle of a dispute (争议).
enum DisputeStatus {
    None,
    Raised,
    Assigned,
    Dismissed,
    Upheld
}

/// @notice Lifecycle of a grant request (申请).
enum RequestStatus {
    None,
    Pending,
    Approved,
    Refused,
    Withdrawn
}

/// @notice How the asset's Merkle root was built (see docs/MERKLE.md).
enum LeafMode {
    Chunks,
    Records
}

/// @notice Everything a registrant declares about an asset. Only a packed core is stored;
/// the whole record travels in the `AssetRegistered` event.
struct AssetRecord {
    bytes32 contentHash; // SHA-256 of the bytes; also the asset id
    bytes32 merkleRoot; // root over chunks or records (docs/MERKLE.md)
    uint64 leafCount;
    LeafMode leafMode;
    bytes32 metadataHash; // SHA-256 of the off-chain metadata document
    string metadataURI;
    Category category;
    Grade grade;
    OpenClass openClass;
    uint16 domain; // industry division code (GB/T 4754)
    uint32 updateCycle; // seconds between expected updates, 0 for static data
}

/// @notice The packed on-chain core of an asset (one storage slot).
struct AssetCore {
    address registrant;
    uint40 registeredAt;
    uint16 domain;
    AssetKind kind;
    Category category;
    Grade grade;
    OpenClass openClass;
    AssetStatus status;
}

/// @notice One input of a derived product and the authorization that allowed processing it.
struct InputUse {
    bytes32 asset;
    AuthKind authKind;
    uint256 authId;
}

/// @notice The stored state of a certificate (the holder is the ERC-721 owner).
struct Certificate {
    bytes32 asset;
    Right right;
    CertificateStatus status;
    uint40 noticeEndsAt;
    uint40 issuedAt;
    uint40 validUntil;
    uint16 openObjections;
    uint64 basisGrant; // grant the right rests on; 0 for a right held in its own name
    uint40 basisCertificate; // for a processing or operating right in its own name: the holding certificate
}

/// @notice The terms of a grant (授权), as the grantor states them.
struct GrantTerms {
    AuthKind parentKind; // what the grantor's own right is: a certificate or a grant
    uint256 parentId;
    address grantee;
    Right right;
    bytes32 purposeHash; // 用途
    bytes32 scenarioHash; // 应用场景
    bytes32 scopeHash; // hash of the data-item list
    bytes32 securityHash; // security measures
    uint40 validFrom;
    uint40 validUntil;
    EndOfTerm endOfTerm;
    bool subGrantable;
    bool revocable;
    string termsURI; // human-readable terms (ODRL document)
}

/// @notice The stored state of a grant (two storage slots). The asset is found through the parent chain.
struct Grant {
    address grantee;
    Right right;
    GrantStatus status;
    uint8 depth; // 0 when granted from a certificate
    bool subGrantable;
    bool revocable;
    AuthKind parentKind;
    uint40 validUntil;
    uint40 validFrom;
    uint64 parentId;
}

/// @notice Admission record of a party. Only an identity commitment goes on chain, never personal data.
struct Party {
    PartyKind kind;
    bool admitted;
    bool suspended;
    uint40 admittedAt;
    uint32 disputesLost;
    uint32 objectionsUpheld;
    bytes32 identityCommitment;
}

/// @notice Registry-wide rules, changed only by the admin.
struct Policy {
    uint40 noticeWindow; // seconds of public notice before issuance (公示期)
    uint40 defaultTerm; // default certificate term, seconds
    uint40 maxPublicDataGrantTerm; // longest grant over public data (授权运营期限)
    uint8 maxGrantDepth; // how many levels of sub-granting below a certificate
}

/// @notice What a grant request (申请) asks for; the holder of the parent right answers it.
struct RequestTerms {
    AuthKind parentKind;
    uint256 parentId;
    Right right;
    bytes32 purposeHash;
    bytes32 scenarioHash;
    bytes32 scopeHash;
    bytes32 securityHash;
    uint40 validFrom;
    uint40 validUntil;
    string detailsURI;
}

/// @notice The stored state of a grant request.
struct GrantRequest {
    address applicant;
    RequestStatus status;
    uint40 filedAt; // the statutory reply period is counted off chain from here
    AuthKind parentKind;
    Right right;
    uint64 parentId;
    uint40 validFrom;
    uint40 validUntil;
    bytes32 purposeScenarioHash; // keccak256(purposeHash, scenarioHash): an approval keeps both
}

/// @notice Kind of evidence anchored (存证).
enum EvidenceType {
    RegistrationMaterial,
    ReviewReport,
    UsageLog,
    DeliveryReceipt,
    ComplianceReport,
    IntegrityCheck,
    DisputeSubmission,
    Other
}

/// @notice The stored state of an evidence anchor or batch (one storage slot).
struct Anchor {
    address submitter;
    uint40 anchoredAt;
    EvidenceType evidenceType;
    SubjectKind subjectKind;
    uint32 count; // documents under a batch root; 0 for a single anchor
}

/// @notice The stored state of an objection (异议) to a certificate in its notice window.
struct Objection {
    uint64 certificateId;
    address filer;
    bool open;
}

/// @notice The stored state of a dispute.
struct Dispute {
    address claimant;
    DisputeStatus status;
    SubjectKind kind;
    bool ownership;
    uint40 raisedAt;
    address arbitrator;
    bytes32 subject;
}
