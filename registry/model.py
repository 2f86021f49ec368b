"""The registry's vocabulary in Python: enums and records mirroring `contracts/src/types`.

Enum values equal the Solidity enum ordinals; records convert to and from ABI tuples in field order.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from enum import IntEnum
from typing import Any, Self, TypeVar

ZERO32 = b"\x00" * 32

E = TypeVar("E", bound=IntEnum)


class Right(IntEnum):
    HOLDING = 0  # 数据资源持有权
    PROCESSING = 1  # 数据加工使用权
    OPERATING = 2  # 数据产品经营权


class AssetKind(IntEnum):
    RESOURCE = 0
    PRODUCT = 1


class Category(IntEnum):
    PUBLIC = 0  # 公共
    ENTERPRISE = 1  # 企业
    PERSONAL = 2  # 个人


class Grade(IntEnum):
    GENERAL = 0  # 一般
    IMPORTANT = 1  # 重要
    CORE = 2  # 核心


class OpenClass(IntEnum):
    NOT_APPLICABLE = 0
    UNCONDITIONAL = 1  # 无条件开放
    CONDITIONAL = 2  # 有条件开放
    NOT_OPEN = 3  # 不予开放


class AssetStatus(IntEnum):
    NONE = 0
    ACTIVE = 1
    TAINTED = 2
    REVOKED = 3


class PartyKind(IntEnum):
    GOVERNMENT = 0
    ENTERPRISE = 1
    INDIVIDUAL = 2


class CertificateStatus(IntEnum):
    NONE = 0
    NOTICE = 1
    ACTIVE = 2
    REJECTED = 3
    CANCELLED = 4
    REVOKED = 5


class GrantStatus(IntEnum):
    NONE = 0
    ACTIVE = 1
    REVOKED = 2


class EndOfTerm(IntEnum):
    DELETE = 0
    RETURN = 1
    ARCHIVE = 2


class AuthKind(IntEnum):
    CERTIFICATE = 0
    GRANT = 1


class SubjectKind(IntEnum):
    ASSET = 0
    CERTIFICATE = 1
    GRANT = 2


class DisputeStatus(IntEnum):
    NONE = 0
    RAISED = 1
    ASSIGNED = 2
    DISMISSED = 3
    UPHELD = 4


class RequestStatus(IntEnum):
    NONE = 0
    PENDING = 1
    APPROVED = 2
    REFUSED = 3
    WITHDRAWN = 4


class LeafMode(IntEnum):
    CHUNKS = 0
    RECORDS = 1


class EvidenceType(IntEnum):
    REGISTRATION_MATERIAL = 0
    REVIEW_REPORT = 1
    USAGE_LOG = 2
    DELIVERY_RECEIPT = 3
    COMPLIANCE_REPORT = 4
    INTEGRITY_CHECK = 5
    DISPUTE_SUBMISSION = 6
    OTHER = 7


def enum_by_name(enum: type[E], name: str) -> E:
    """Parse an enum member from a user-facing name (`public`, `not-open`, `PROCESSING`)."""
    key = name.strip().upper().replace("-", "_")
    try:
        return enum[key]
    except KeyError:
        choices = ", ".join(m.name.lower().replace("_", "-") for m in enum)
        raise ValueError(f"unknown {enum.__name__} {name!r}; choose one of: {choices}") from None


class AbiRecord:
    """A frozen dataclass that converts to and from its Solidity struct's ABI tuple."""

    def to_abi(self) -> tuple[Any, ...]:
        return tuple(int(v) if isinstance(v, IntEnum) else v for v in astuple(self))  # type: ignore[call-overload]

    @classmethod
    def from_abi(cls, values: tuple[Any, ...] | list[Any]) -> Self:
        kwargs: dict[str, Any] = {}
        for f, value in zip(fields(cls), values, strict=True):  # type: ignore[arg-type]
            kind = _ENUM_TYPES.get(str(f.type))
            kwargs[f.name] = kind(value) if kind is not None else value
        return cls(**kwargs)


@dataclass(frozen=True)
class AssetRecord(AbiRecord):
    content_hash: bytes
    merkle_root: bytes
    leaf_count: int
    leaf_mode: LeafMode
    metadata_hash: bytes
    metadata_uri: str
    category: Category
    grade: Grade
    open_class: OpenClass
    domain: int
    update_cycle: int


@dataclass(frozen=True)
class AssetCore(AbiRecord):
    registrant: str
    registered_at: int
    domain: int
    kind: AssetKind
    category: Category
    grade: Grade
    open_class: OpenClass
    status: AssetStatus


@dataclass(frozen=True)
class InputUse(AbiRecord):
    asset: bytes
    auth_kind: AuthKind
    auth_id: int


@dataclass(frozen=True)
class Certificate(AbiRecord):
    asset: bytes
    right: Right
    status: CertificateStatus
    notice_ends_at: int
    issued_at: int
    valid_until: int
    open_objections: int
    basis_grant: int
    basis_certificate: int


@dataclass(frozen=True)
class GrantTerms(AbiRecord):
    parent_kind: AuthKind
    parent_id: int
    grantee: str
    right: Right
    purpose_hash: bytes
    scenario_hash: bytes
    scope_hash: bytes
    security_hash: bytes
    valid_from: int
    valid_until: int
    end_of_term: EndOfTerm
    sub_grantable: bool
    revocable: bool
    terms_uri: str


@dataclass(frozen=True)
class Grant(AbiRecord):
    grantee: str
    right: Right
    status: GrantStatus
    depth: int
    sub_grantable: bool
    revocable: bool
    parent_kind: AuthKind
    valid_until: int
    valid_from: int
    parent_id: int


@dataclass(frozen=True)
class Party(AbiRecord):
    kind: PartyKind
    admitted: bool
    suspended: bool
    admitted_at: int
    disputes_lost: int
    objections_upheld: int
    identity_commitment: bytes


@dataclass(frozen=True)
class Policy(AbiRecord):
    notice_window: int
    default_term: int
    max_public_data_grant_term: int
    max_grant_depth: int


@dataclass(frozen=True)
class RequestTerms(AbiRecord):
    parent_kind: AuthKind
    parent_id: int
    right: Right
    purpose_hash: bytes
    scenario_hash: bytes
    scope_hash: bytes
    security_hash: bytes
    valid_from: int
    valid_until: int
    details_uri: str


@dataclass(frozen=True)
class GrantRequest(AbiRecord):
    applicant: str
    status: RequestStatus
    filed_at: int
    parent_kind: AuthKind
    right: Right
    parent_id: int
    valid_from: int
    valid_until: int
    purpose_scenario_hash: bytes


@dataclass(frozen=True)
class Anchor(AbiRecord):
    submitter: str
    anchored_at: int
    evidence_type: EvidenceType
    subject_kind: SubjectKind
    count: int


@dataclass(frozen=True)
class Objection(AbiRecord):
    certificate_id: int
    filer: str
    open: bool


@dataclass(frozen=True)
class Dispute(AbiRecord):
    claimant: str
    status: DisputeStatus
    kind: SubjectKind
    ownership: bool
    raised_at: int
    arbitrator: str
    subject: bytes


_ENUM_TYPES: dict[str, type[IntEnum]] = {
    cls.__name__: cls
    for cls in (
        Right,
        AssetKind,
        Category,
        Grade,
        OpenClass,
        AssetStatus,
        PartyKind,
        CertificateStatus,
        GrantStatus,
        EndOfTerm,
        AuthKind,
        SubjectKind,
        DisputeStatus,
        RequestStatus,
        LeafMode,
        EvidenceType,
    )
}


def subject_bytes(kind: SubjectKind, subject: bytes | int) -> bytes:
    """The bytes32 form of a subject: an asset id as is, a certificate or grant id left-padded."""
    if isinstance(subject, int):
        return subject.to_bytes(32, "big")
    if len(subject) != 32:
        raise ValueError(f"{kind.name.lower()} subject must be 32 bytes")
    return subject
