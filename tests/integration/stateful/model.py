"""A plain-Python model of the registry's rules: what each call does, or which error refuses it.

Each operation follows its Solidity function check by check, in the same order, so the model
names the exact custom error (with its arguments) the contracts must revert with. An operation
that is refused leaves the model unchanged, as a reverted transaction leaves the chain: `attempt`
runs it on a copy and keeps the copy only on success. `now` is the timestamp of the block the
next transaction lands in; the caller sets it before each attempt.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from registry import model
from registry.chain import contract_errors as errors
from registry.chain.client import ROLES
from registry.chain.reverts import ContractRevert
from tests.integration.stateful.rebuild import issued_grant

T = TypeVar("T")

ZERO_ADDRESS = "0x" + "00" * 20
ZERO32 = model.ZERO32
MAX_UINT40 = 2**40 - 1
MAX_CHAIN = 10
MAX_BULK = 256
MAX_INPUTS = 32

ASSET, CERT, GRANT = model.SubjectKind.ASSET, model.SubjectKind.CERTIFICATE, model.SubjectKind.GRANT
ACTIVE_CERT = model.CertificateStatus.ACTIVE
NOTICE = model.CertificateStatus.NOTICE

Subject = tuple[model.SubjectKind, Any]  # (kind, asset id bytes or certificate / grant id)


class Refused(Exception):
    """The contracts must revert with `error` and, where given, these arguments."""

    def __init__(self, error: type[ContractRevert], **arguments: Any) -> None:
        super().__init__(f"{error.__name__}({arguments})")
        self.error = error
        self.arguments = arguments


@dataclass
class AssetM:
    registrant: str
    registered_at: int
    domain: int
    kind: model.AssetKind
    category: model.Category
    grade: model.Grade
    open_class: model.OpenClass
    status: model.AssetStatus
    sequence: int

    def core(self) -> model.AssetCore:
        return model.AssetCore(
            registrant=self.registrant,
            registered_at=self.registered_at,
            domain=self.domain,
            kind=self.kind,
            category=self.category,
            grade=self.grade,
            open_class=self.open_class,
            status=self.status,
        )


@dataclass
class CertM:
    asset: bytes
    right: model.Right
    holder: str
    status: model.CertificateStatus
    notice_ends_at: int
    issued_at: int = 0
    valid_until: int = 0
    open_objections: int = 0
    basis_grant: int = 0
    basis_certificate: int = 0

    def record(self) -> model.Certificate:
        return model.Certificate(
            asset=self.asset,
            right=self.right,
            status=self.status,
            notice_ends_at=self.notice_ends_at,
            issued_at=self.issued_at,
            valid_until=self.valid_until,
            open_objections=self.open_objections,
            basis_grant=self.basis_grant,
            basis_certificate=self.basis_certificate,
        )


@dataclass
class GrantM:
    record: model.Grant
    asset: bytes

    @property
    def status(self) -> model.GrantStatus:
        return self.record.status


@dataclass
class DisputeM:
    claimant: str
    kind: model.SubjectKind
    subject: Any
    ownership: bool
    raised_at: int
    status: model.DisputeStatus = model.DisputeStatus.RAISED
    arbitrator: str = ZERO_ADDRESS


@dataclass
class PartyM:
    suspended: bool = False
    disputes_lost: int = 0
    objections_upheld: int = 0


@dataclass
class Policy:
    notice_window: int
    default_term: int
    max_public_data_grant_term: int
    max_grant_depth: int


@dataclass
class RegistryModel:
    """The whole registry state the rules depend on."""

    policy: Policy
    roles: dict[str, set[str]]
    parties: dict[str, PartyM]
    now: int = 0
    asset_count: int = 0
    assets: dict[bytes, AssetM] = field(default_factory=dict)
    certs: dict[int, CertM] = field(default_factory=dict)
    grants: dict[int, GrantM] = field(default_factory=dict)
    holding_cert: dict[bytes, int] = field(default_factory=dict)
    cert_by_key: dict[tuple[bytes, model.Right, str], int] = field(default_factory=dict)
    objections: dict[int, tuple[int, bool]] = field(default_factory=dict)
    disputes: dict[int, DisputeM] = field(default_factory=dict)
    open_disputes: Counter[Subject] = field(default_factory=Counter)
    ownership_disputes: Counter[bytes] = field(default_factory=Counter)
    restricted_domains: set[int] = field(default_factory=set)
    nonces: Counter[str] = field(default_factory=Counter)
    anchors: set[bytes] = field(default_factory=set)
    batches: set[bytes] = field(default_factory=set)
    # lineage and dependency edges in the order the contracts push them (the cascade walks them)
    children: dict[bytes, list[bytes]] = field(default_factory=dict)
    derived_under: dict[Subject, list[bytes]] = field(default_factory=dict)
    dependents: dict[Subject, list[Subject]] = field(default_factory=dict)
    inputs: dict[bytes, list[model.InputUse]] = field(default_factory=dict)
    queue: list[Subject] = field(default_factory=list)
    queue_head: int = 0
    head_cursor: int = 0

    # ------------------------------------------------------------ running an operation

    def attempt(self, operation: Callable[[RegistryModel], T]) -> tuple[T | None, Refused | None]:
        """Run `operation` on a copy; keep the copy if it succeeds, as a mined transaction."""
        trial = copy.deepcopy(self)
        try:
            value = operation(trial)
        except Refused as refused:
            return None, refused
        self.__dict__.update(trial.__dict__)
        return value, None

    # ------------------------------------------------------------ governance

    def require_active_party(self, account: str) -> None:
        party = self.parties.get(account)
        if party is None:
            raise Refused(errors.PartyNotAdmitted, account=account)
        if party.suspended:
            raise Refused(errors.PartyIsSuspended, account=account)

    def require_role(self, role: str, account: str) -> None:
        if account not in self.roles[role]:
            raise Refused(
                errors.AccessControlUnauthorizedAccount, account=account, neededRole=ROLES[role]
            )

    def require_tradable(self, grade: model.Grade, category: model.Category, domain: int) -> None:
        # The rules put domains on the negative list, never categories (`CategoryRestricted`).
        if grade == model.Grade.CORE:
            raise Refused(errors.CoreGradeNotTradable)
        if domain in self.restricted_domains:
            raise Refused(errors.DomainRestricted, domain=domain)

    def suspend_party(self, caller: str, account: str) -> None:
        self.require_role("registrar", caller)
        party = self.parties.get(account)
        if party is None:
            raise Refused(errors.PartyNotAdmitted, account=account)
        if party.suspended:
            raise Refused(errors.PartyIsSuspended, account=account)
        party.suspended = True

    def reinstate_party(self, caller: str, account: str) -> None:
        self.require_role("registrar", caller)
        party = self.parties.get(account)
        if party is None:
            raise Refused(errors.PartyNotAdmitted, account=account)
        if not party.suspended:
            raise Refused(errors.PartyNotSuspended, account=account)
        party.suspended = False

    def set_domain_restricted(self, caller: str, domain: int, restricted: bool) -> None:
        self.require_role("admin", caller)
        if restricted:
            self.restricted_domains.add(domain)
        else:
            self.restricted_domains.discard(domain)

    # ------------------------------------------------------------ assets

    def register_resource(self, caller: str, record: model.AssetRecord) -> bytes:
        self.require_active_party(caller)
        self.asset_count += 1
        self.require_tradable(record.grade, record.category, record.domain)
        return self._register(caller, record, model.AssetKind.RESOURCE, self.asset_count)

    def register_resources(self, caller: str, records: list[model.AssetRecord]) -> int:
        n = len(records)
        if n == 0 or n > MAX_BULK:
            raise Refused(errors.BatchSizeInvalid, size=n, maxEntries=MAX_BULK)
        self.require_active_party(caller)
        first = self.asset_count + 1
        self.asset_count += n
        checked: tuple[int, int, int] | None = None
        for i, r in enumerate(records):
            classification = (r.grade, r.category, r.domain)
            if classification != checked:
                self.require_tradable(r.grade, r.category, r.domain)
                checked = classification
            self._register(caller, r, model.AssetKind.RESOURCE, first + i)
        return first

    def register_product(
        self, caller: str, record: model.AssetRecord, inputs: list[model.InputUse]
    ) -> bytes:
        n = len(inputs)
        if n == 0 or n > MAX_INPUTS:
            raise Refused(errors.InputCountInvalid, count=n, maxInputs=MAX_INPUTS)
        self.require_active_party(caller)
        self.asset_count += 1
        self.require_tradable(record.grade, record.category, record.domain)
        product = self._register(caller, record, model.AssetKind.PRODUCT, self.asset_count)
        for i, use in enumerate(inputs):
            if any(earlier.asset == use.asset for earlier in inputs[:i]):
                raise Refused(errors.DuplicateInput, asset=use.asset)
            self.require_usable_asset(use.asset)
            if not self.can_process(caller, use.asset, use.auth_kind, use.auth_id, unfrozen=True):
                raise Refused(
                    errors.ProcessingRightMissing,
                    asset=use.asset,
                    account=caller,
                    authKind=use.auth_kind,
                    authId=use.auth_id,
                )
            self.children[use.asset].append(product)
            self.derived_under.setdefault(_auth_node(use.auth_kind, use.auth_id), []).append(
                product
            )
        self.inputs[product] = list(inputs)
        return product

    def _register(
        self, caller: str, r: model.AssetRecord, kind: model.AssetKind, sequence: int
    ) -> bytes:
        asset = r.content_hash
        if asset == ZERO32:
            raise Refused(errors.ContentHashMissing)
        if asset in self.assets:
            raise Refused(errors.AssetAlreadyRegistered, asset=asset)
        if (r.merkle_root == ZERO32) != (r.leaf_count == 0):
            raise Refused(errors.MerkleCommitmentInvalid, asset=asset)
        if (r.category == model.Category.PUBLIC) == (
            r.open_class == model.OpenClass.NOT_APPLICABLE
        ):
            raise Refused(errors.OpenClassInvalid, asset=asset)
        self.assets[asset] = AssetM(
            registrant=caller,
            registered_at=self.now,
            domain=r.domain,
            kind=kind,
            category=r.category,
            grade=r.grade,
            open_class=r.open_class,
            status=model.AssetStatus.ACTIVE,
            sequence=sequence,
        )
        self.children[asset] = []
        return asset

    def require_asset(self, asset: bytes) -> AssetM:
        core = self.assets.get(asset)
        if core is None:
            raise Refused(errors.AssetNotFound, asset=asset)
        return core

    def require_usable_asset(self, asset: bytes) -> AssetM:
        core = self.require_asset(asset)
        if core.status != model.AssetStatus.ACTIVE:
            raise Refused(errors.AssetNotUsable, asset=asset, status=core.status)
        if self.frozen(ASSET, asset):
            raise Refused(errors.SubjectFrozen, kind=ASSET, subject=asset)
        return core

    def is_public_resource(self, core: AssetM) -> bool:
        return core.category == model.Category.PUBLIC and core.kind == model.AssetKind.RESOURCE

    # ------------------------------------------------------------ validity

    def frozen(self, kind: model.SubjectKind, subject: Any) -> bool:
        return self.open_disputes[(kind, subject)] != 0

    def owner_of(self, certificate_id: int) -> str:
        c = self.certs.get(certificate_id)
        return ZERO_ADDRESS if c is None else c.holder

    def cert_valid(self, certificate_id: int, *, unfrozen: bool) -> bool:
        c = self.certs.get(certificate_id)
        if c is None or c.status != ACTIVE_CERT or self.now >= c.valid_until:
            return False
        if self.assets[c.asset].status != model.AssetStatus.ACTIVE:
            return False
        if unfrozen and (self.frozen(CERT, certificate_id) or self.frozen(ASSET, c.asset)):
            return False
        holding = c.basis_certificate
        if holding != 0 and (
            self.owner_of(holding) != c.holder or not self.cert_valid(holding, unfrozen=unfrozen)
        ):
            return False
        return c.basis_grant == 0 or self.grant_valid(c.basis_grant, unfrozen=unfrozen)

    def grant_valid(self, grant_id: int, *, unfrozen: bool) -> bool:
        for _ in range(MAX_CHAIN):
            found = self.grants.get(grant_id)
            if found is None or found.status != model.GrantStatus.ACTIVE:
                return False
            g = found.record
            if self.now < g.valid_from or self.now >= g.valid_until:
                return False
            if unfrozen and self.frozen(GRANT, grant_id):
                return False
            if g.parent_kind == model.AuthKind.CERTIFICATE:
                return self.cert_valid(g.parent_id, unfrozen=unfrozen)
            grant_id = g.parent_id
        return False

    def grant_asset(self, grant_id: int) -> bytes:
        found = self.grants.get(grant_id)
        return ZERO32 if found is None else found.asset

    def grantor_of(self, grant_id: int) -> str:
        g = self.grants[grant_id].record
        if g.parent_kind == model.AuthKind.CERTIFICATE:
            return self.owner_of(g.parent_id)
        return self.grants[g.parent_id].record.grantee

    def can_process(
        self, account: str, asset: bytes, kind: model.AuthKind, auth_id: int, *, unfrozen: bool
    ) -> bool:
        if kind == model.AuthKind.CERTIFICATE:
            c = self.certs.get(auth_id)
            return (
                c is not None
                and c.asset == asset
                and c.right == model.Right.PROCESSING
                and c.holder == account
                and self.cert_valid(auth_id, unfrozen=unfrozen)
            )
        found = self.grants.get(auth_id)
        return (
            found is not None
            and found.record.grantee == account
            and found.record.right == model.Right.PROCESSING
            and found.asset == asset
            and self.grant_valid(auth_id, unfrozen=unfrozen)
        )

    def is_live(self, certificate_id: int) -> bool:
        c = self.certs.get(certificate_id)
        return c is not None and (
            c.status == NOTICE or (c.status == ACTIVE_CERT and self.now < c.valid_until)
        )

    def live_holding(self, asset: bytes) -> int:
        found = self.holding_cert.get(asset, 0)
        return found if self.is_live(found) else 0

    def live_certificate(self, asset: bytes, right: model.Right, holder: str) -> int:
        if right == model.Right.HOLDING:
            found = self.live_holding(asset)
            return found if self.owner_of(found) == holder else 0
        found = self.cert_by_key.get((asset, right, holder), 0)
        return found if self.is_live(found) else 0

    # ------------------------------------------------------------ certificates

    def apply_for_certificate(
        self, caller: str, asset: bytes, right: model.Right, basis_grant: int
    ) -> int:
        self.require_active_party(caller)
        core = self.require_usable_asset(asset)
        if self.ownership_disputes[asset] != 0:
            raise Refused(errors.OwnershipDisputeOpen, asset=asset)
        if right == model.Right.OPERATING and self.is_public_resource(core):
            raise Refused(errors.OperatingRightOnPublicResource, asset=asset)
        self.require_tradable(core.grade, core.category, core.domain)
        existing = self.live_certificate(asset, right, caller)
        if existing != 0:
            raise Refused(
                errors.CertificateExists,
                asset=asset,
                right=right,
                holder=caller,
                certificateId=existing,
            )
        basis_certificate = self._check_applicant(caller, core, asset, right, basis_grant)
        certificate_id = len(self.certs) + 1
        self.certs[certificate_id] = CertM(
            asset=asset,
            right=right,
            holder=caller,
            status=NOTICE,
            notice_ends_at=self.now + self.policy.notice_window,
            basis_grant=basis_grant,
            basis_certificate=basis_certificate,
        )
        if right == model.Right.HOLDING:
            self.holding_cert[asset] = certificate_id
        else:
            self.cert_by_key[(asset, right, caller)] = certificate_id
        node = (CERT, certificate_id)
        if basis_grant != 0:
            self.dependents.setdefault((GRANT, basis_grant), []).append(node)
        if basis_certificate != 0:
            self.dependents.setdefault((CERT, basis_certificate), []).append(node)
        return certificate_id

    def _check_applicant(
        self, caller: str, core: AssetM, asset: bytes, right: model.Right, basis_grant: int
    ) -> int:
        holding = self.live_holding(asset)
        if right == model.Right.HOLDING:
            if basis_grant != 0:
                raise Refused(errors.HoldingRightCannotRestOnGrant)
            if core.registrant != caller:
                raise Refused(errors.HoldingRightNotRegistrant, asset=asset, applicant=caller)
            if holding != 0:
                raise Refused(
                    errors.CertificateExists,
                    asset=asset,
                    right=model.Right.HOLDING,
                    holder=self.owner_of(holding),
                    certificateId=holding,
                )
            return 0
        if basis_grant == 0:
            if holding == 0 or self.owner_of(holding) != caller:
                raise Refused(
                    errors.NotRightHolder,
                    kind=model.AuthKind.CERTIFICATE,
                    id=holding,
                    account=caller,
                )
            return holding
        found = self.grants.get(basis_grant)
        if found is None:
            raise Refused(errors.GrantNotFound, grantId=basis_grant)
        g = found.record
        if g.grantee != caller:
            raise Refused(
                errors.NotRightHolder, kind=model.AuthKind.GRANT, id=basis_grant, account=caller
            )
        if g.right != right:
            raise Refused(errors.RightExceedsParent, parentRight=g.right, requested=right)
        if found.asset != asset or not self.grant_valid(basis_grant, unfrozen=True):
            raise Refused(errors.ParentRightInactive, kind=model.AuthKind.GRANT, id=basis_grant)
        return 0

    def require_certificate(self, certificate_id: int) -> CertM:
        c = self.certs.get(certificate_id)
        if c is None:
            raise Refused(errors.CertificateNotFound, certificateId=certificate_id)
        return c

    def require_status(self, certificate_id: int, status: model.CertificateStatus) -> CertM:
        c = self.require_certificate(certificate_id)
        if c.status != status:
            raise Refused(
                errors.CertificateStatusInvalid, certificateId=certificate_id, status=c.status
            )
        return c

    def require_unfrozen(self, certificate_id: int, asset: bytes) -> None:
        if self.frozen(CERT, certificate_id):
            raise Refused(
                errors.SubjectFrozen, kind=CERT, subject=certificate_id.to_bytes(32, "big")
            )
        if self.frozen(ASSET, asset):
            raise Refused(errors.SubjectFrozen, kind=ASSET, subject=asset)

    def require_basis_valid(self, certificate_id: int, c: CertM) -> None:
        if c.basis_grant != 0 and not self.grant_valid(c.basis_grant, unfrozen=True):
            raise Refused(errors.ParentRightInactive, kind=model.AuthKind.GRANT, id=c.basis_grant)
        holding = c.basis_certificate
        if holding != 0 and (
            not self.cert_valid(holding, unfrozen=True)
            or self.owner_of(holding) != self.owner_of(certificate_id)
        ):
            raise Refused(errors.ParentRightInactive, kind=model.AuthKind.CERTIFICATE, id=holding)

    def basis_end(self, c: CertM) -> int:
        if c.basis_grant != 0:
            return self.grants[c.basis_grant].record.valid_until
        if c.basis_certificate != 0:
            return self.certs[c.basis_certificate].valid_until
        return MAX_UINT40

    def check_within_basis(self, c: CertM, valid_until: int) -> None:
        end = self.basis_end(c)
        if valid_until > end:
            raise Refused(errors.GrantOutlivesParent, validUntil=valid_until, parentValidUntil=end)

    def end_certificate(self, certificate_id: int, status: model.CertificateStatus) -> None:
        c = self.certs[certificate_id]
        c.status = status
        if c.right != model.Right.HOLDING:
            key = (c.asset, c.right, c.holder)
            if self.cert_by_key.get(key) == certificate_id:
                del self.cert_by_key[key]

    def file_objection(self, caller: str, certificate_id: int) -> int:
        self.require_active_party(caller)
        c = self.require_status(certificate_id, NOTICE)
        if self.now >= c.notice_ends_at:
            raise Refused(
                errors.NoticeWindowClosed,
                certificateId=certificate_id,
                noticeEndsAt=c.notice_ends_at,
            )
        c.open_objections += 1
        objection_id = len(self.objections) + 1
        self.objections[objection_id] = (certificate_id, True)
        return objection_id

    def resolve_objection(self, caller: str, objection_id: int, upheld: bool) -> None:
        self.require_role("registrar", caller)
        certificate_id, is_open = self.objections.get(objection_id, (0, False))
        if not is_open:
            raise Refused(errors.ObjectionNotOpen, objectionId=objection_id)
        self.objections[objection_id] = (certificate_id, False)
        c = self.certs[certificate_id]
        c.open_objections -= 1
        if upheld and c.status == NOTICE:
            self.end_certificate(certificate_id, model.CertificateStatus.REJECTED)
            self.parties[c.holder].objections_upheld += 1

    def issue_certificate(self, caller: str, certificate_id: int, term: int) -> None:
        self.require_role("registrar", caller)
        c = self.require_status(certificate_id, NOTICE)
        if self.now < c.notice_ends_at:
            raise Refused(
                errors.NoticeWindowOpen, certificateId=certificate_id, noticeEndsAt=c.notice_ends_at
            )
        if c.open_objections != 0:
            raise Refused(
                errors.ObjectionsOpen, certificateId=certificate_id, open=c.open_objections
            )
        self.require_unfrozen(certificate_id, c.asset)
        self.require_usable_asset(c.asset)
        self.require_active_party(c.holder)
        self.require_basis_valid(certificate_id, c)
        valid_until = self.now + (term or self.policy.default_term)
        c.status = ACTIVE_CERT
        c.issued_at = self.now
        c.valid_until = min(valid_until, self.basis_end(c))

    def reject_application(self, caller: str, certificate_id: int) -> None:
        self.require_role("registrar", caller)
        self.require_status(certificate_id, NOTICE)
        self.end_certificate(certificate_id, model.CertificateStatus.REJECTED)

    def renew_certificate(self, caller: str, certificate_id: int, valid_until: int) -> None:
        self.require_role("registrar", caller)
        c = self.require_status(certificate_id, ACTIVE_CERT)
        if self.now >= c.valid_until:
            raise Refused(
                errors.CertificateExpired, certificateId=certificate_id, validUntil=c.valid_until
            )
        self.require_unfrozen(certificate_id, c.asset)
        self.require_basis_valid(certificate_id, c)
        if valid_until <= c.valid_until or valid_until <= self.now:
            raise Refused(errors.TermInvalid, validFrom=c.valid_until, validUntil=valid_until)
        self.check_within_basis(c, valid_until)
        c.valid_until = valid_until

    def correct_certificate(self, caller: str, certificate_id: int, valid_until: int) -> None:
        self.require_role("registrar", caller)
        c = self.require_certificate(certificate_id)
        if c.status == ACTIVE_CERT:
            if valid_until <= c.issued_at:
                raise Refused(errors.TermInvalid, validFrom=c.issued_at, validUntil=valid_until)
            if valid_until > c.valid_until:
                self.require_unfrozen(certificate_id, c.asset)
                self.require_basis_valid(certificate_id, c)
            self.check_within_basis(c, valid_until)
            c.valid_until = valid_until
        elif c.status != NOTICE:
            raise Refused(
                errors.CertificateStatusInvalid, certificateId=certificate_id, status=c.status
            )

    def cancel_certificate(self, caller: str, certificate_id: int) -> None:
        c = self.require_certificate(certificate_id)
        if c.holder != caller:
            self.require_role("registrar", caller)
        elif caller not in self.roles["registrar"]:
            self.require_active_party(caller)
        if c.status not in (NOTICE, ACTIVE_CERT):
            raise Refused(
                errors.CertificateStatusInvalid, certificateId=certificate_id, status=c.status
            )
        if c.open_objections != 0:
            raise Refused(
                errors.ObjectionsOpen, certificateId=certificate_id, open=c.open_objections
            )
        self.require_unfrozen(certificate_id, c.asset)
        self.end_certificate(certificate_id, model.CertificateStatus.CANCELLED)

    def transfer_certificate(self, caller: str, certificate_id: int, to: str) -> None:
        """`transferCertificate`, or a wallet's `transferFrom(caller, to, id)` by its holder."""
        c = self.require_certificate(certificate_id)
        if c.holder != caller:
            raise Refused(errors.NotCertificateHolder, certificateId=certificate_id, account=caller)
        self._move(certificate_id, c, to)

    def erc721_transfer(self, caller: str, certificate_id: int, to: str) -> None:
        """A wallet's `transferFrom(caller, to, id)` (no approvals are ever given here)."""
        c = self.certs.get(certificate_id)
        if c is None:
            raise Refused(errors.ERC721NonexistentToken, tokenId=certificate_id)
        if c.holder != caller:
            raise Refused(
                errors.ERC721InsufficientApproval, operator=caller, tokenId=certificate_id
            )
        self._move(certificate_id, c, to)

    def _move(self, certificate_id: int, c: CertM, to: str) -> None:
        if c.status != ACTIVE_CERT:
            raise Refused(
                errors.CertificateStatusInvalid, certificateId=certificate_id, status=c.status
            )
        if self.now >= c.valid_until:
            raise Refused(
                errors.CertificateExpired, certificateId=certificate_id, validUntil=c.valid_until
            )
        if c.basis_grant != 0 or c.basis_certificate != 0:
            raise Refused(errors.DependentRightNotTransferable, certificateId=certificate_id)
        self.require_unfrozen(certificate_id, c.asset)
        self.require_usable_asset(c.asset)
        self.require_active_party(c.holder)
        self.require_active_party(to)
        c.holder = to

    # ------------------------------------------------------------ grants

    def grant(self, grantor: str, t: model.GrantTerms) -> int:
        self.require_active_party(grantor)
        self.require_active_party(t.grantee)
        if t.grantee == grantor:
            raise Refused(errors.SelfGrant, account=grantor)
        if t.right == model.Right.HOLDING:
            raise Refused(errors.HoldingRightNotGrantable)
        if t.valid_from >= t.valid_until or t.valid_until <= self.now:
            raise Refused(errors.TermInvalid, validFrom=t.valid_from, validUntil=t.valid_until)
        asset, depth, passed_from = self._check_parent(grantor, t)
        self._check_grant_policy(asset, t, passed_from)
        grant_id = len(self.grants) + 1
        self.grants[grant_id] = GrantM(record=issued_grant(t, depth), asset=asset)
        parent = _auth_node(t.parent_kind, t.parent_id)
        self.dependents.setdefault(parent, []).append((GRANT, grant_id))
        return grant_id

    def _check_parent(self, grantor: str, t: model.GrantTerms) -> tuple[bytes, int, int]:
        parent_id = t.parent_id
        if t.parent_kind == model.AuthKind.CERTIFICATE:
            c = self.require_certificate(parent_id)
            if c.holder != grantor:
                raise Refused(
                    errors.NotRightHolder, kind=t.parent_kind, id=parent_id, account=grantor
                )
            if not self.cert_valid(parent_id, unfrozen=True):
                raise Refused(errors.ParentRightInactive, kind=t.parent_kind, id=parent_id)
            asset, parent_right, parent_end, passed_from = (
                c.asset,
                c.right,
                c.valid_until,
                c.basis_grant,
            )
        else:
            found = self.grants.get(parent_id)
            if found is None:
                raise Refused(errors.GrantNotFound, grantId=parent_id)
            p = found.record
            if p.grantee != grantor:
                raise Refused(
                    errors.NotRightHolder, kind=t.parent_kind, id=parent_id, account=grantor
                )
            if not self.grant_valid(parent_id, unfrozen=True):
                raise Refused(errors.ParentRightInactive, kind=t.parent_kind, id=parent_id)
            asset, parent_right, parent_end, passed_from = (
                found.asset,
                p.right,
                p.valid_until,
                parent_id,
            )
        if not right_covers(parent_right, t.right):
            raise Refused(errors.RightExceedsParent, parentRight=parent_right, requested=t.right)
        if t.valid_until > parent_end:
            raise Refused(
                errors.GrantOutlivesParent, validUntil=t.valid_until, parentValidUntil=parent_end
            )
        depth = 0
        if passed_from != 0:
            source = self.grants[passed_from].record
            if not source.sub_grantable:
                raise Refused(errors.SubGrantNotAllowed, parentGrantId=passed_from)
            depth = source.depth + 1
            if depth > self.policy.max_grant_depth:
                raise Refused(
                    errors.GrantDepthExceeded, depth=depth, maxDepth=self.policy.max_grant_depth
                )
        return asset, depth, passed_from

    def _check_grant_policy(self, asset: bytes, t: model.GrantTerms, passed_from: int) -> None:
        core = self.require_usable_asset(asset)
        self.require_tradable(core.grade, core.category, core.domain)
        if core.category != model.Category.PUBLIC:
            return
        if core.open_class == model.OpenClass.NOT_OPEN:
            raise Refused(errors.NotOpenDataCannotBeGranted, asset=asset)
        if self.is_public_resource(core):
            if t.right == model.Right.OPERATING:
                raise Refused(errors.OperatingRightOnPublicResource, asset=asset)
            if passed_from != 0:
                raise Refused(errors.SubGrantNotAllowed, parentGrantId=passed_from)
        term = t.valid_until - t.valid_from
        if term > self.policy.max_public_data_grant_term:
            raise Refused(
                errors.PublicDataGrantTooLong,
                term=term,
                maxTerm=self.policy.max_public_data_grant_term,
            )

    def submit_signed_grant(
        self,
        *,
        grantor: str,
        terms: model.GrantTerms,
        deadline: int,
        signer: str,
        signed_nonce: int,
    ) -> int:
        """A signature by `signer` over (grantor, terms, signed_nonce, deadline) on this desk."""
        if self.now > deadline:
            raise Refused(errors.SignatureExpired, deadline=deadline)
        nonce = self.nonces[grantor]
        self.nonces[grantor] += 1
        if signer != grantor or signed_nonce != nonce:
            raise Refused(errors.GrantSignatureInvalid, grantor=grantor)
        return self.grant(grantor, terms)

    def invalidate_nonce(self, caller: str) -> None:
        self.nonces[caller] += 1

    def revoke_grant(self, caller: str, grant_id: int) -> None:
        found = self.grants.get(grant_id)
        if found is None:
            raise Refused(errors.GrantNotFound, grantId=grant_id)
        if self.grantor_of(grant_id) != caller:
            raise Refused(
                errors.NotRightHolder, kind=model.AuthKind.GRANT, id=grant_id, account=caller
            )
        if not found.record.revocable:
            raise Refused(errors.GrantNotRevocable, grantId=grant_id)
        if found.status == model.GrantStatus.REVOKED:
            raise Refused(errors.GrantAlreadyRevoked, grantId=grant_id)
        if self.frozen(GRANT, grant_id):
            raise Refused(errors.SubjectFrozen, kind=GRANT, subject=grant_id.to_bytes(32, "big"))
        self._revoke_grant(grant_id)

    def _revoke_grant(self, grant_id: int) -> None:
        found = self.grants[grant_id]
        found.record = replace(found.record, status=model.GrantStatus.REVOKED)
        self.queue.append((GRANT, grant_id))

    # ------------------------------------------------------------ evidence

    def anchor(self, caller: str, document: bytes, evidence_type: model.EvidenceType) -> None:
        if document == ZERO32:
            raise Refused(errors.HashMissing)
        if document in self.anchors:
            raise Refused(errors.AlreadyAnchored, hash=document)
        self._check_submitter(caller, evidence_type)
        self.anchors.add(document)

    def anchor_batch(
        self, caller: str, root: bytes, count: int, evidence_type: model.EvidenceType
    ) -> None:
        if root == ZERO32:
            raise Refused(errors.HashMissing)
        if count == 0:
            raise Refused(errors.BatchEmpty)
        if root in self.batches:
            raise Refused(errors.AlreadyAnchored, hash=root)
        self._check_submitter(caller, evidence_type)
        self.batches.add(root)

    def _check_submitter(self, caller: str, evidence_type: model.EvidenceType) -> None:
        if evidence_type == model.EvidenceType.REVIEW_REPORT:
            if caller not in self.roles["reviewer"]:
                raise Refused(errors.ReviewerRoleRequired, account=caller)
        else:
            self.require_active_party(caller)

    # ------------------------------------------------------------ disputes

    def describe(self, kind: model.SubjectKind, subject: Any) -> tuple[bytes, str, bool]:
        """The subject's asset, respondent and whether a dispute over it is about ownership."""
        if kind == ASSET:
            return subject, self.require_asset(subject).registrant, True
        if kind == CERT:
            c = self.require_certificate(subject)
            return c.asset, c.holder, c.right == model.Right.HOLDING
        found = self.grants.get(subject)
        if found is None:
            raise Refused(errors.GrantNotFound, grantId=subject)
        return found.asset, found.record.grantee, False

    def disputable(self, kind: model.SubjectKind, subject: Any) -> bool:
        if kind == ASSET:
            return self.assets[subject].status != model.AssetStatus.REVOKED
        if kind == GRANT:
            return self.grants[subject].status == model.GrantStatus.ACTIVE
        return self.certs[subject].status in (NOTICE, ACTIVE_CERT)

    def raise_dispute(
        self, caller: str, kind: model.SubjectKind, subject: Any, evidence: bytes
    ) -> int:
        self.require_active_party(caller)
        if evidence == ZERO32:
            raise Refused(errors.EvidenceMissing)
        asset, respondent, ownership = self.describe(kind, subject)
        if not self.disputable(kind, subject):
            raise Refused(
                errors.SubjectNotDisputable, kind=kind, subject=model.subject_bytes(kind, subject)
            )
        self._count_dispute(kind, subject, asset, ownership, +1)
        if respondent == caller:
            raise Refused(errors.SelfDispute, account=caller)
        dispute_id = len(self.disputes) + 1
        self.disputes[dispute_id] = DisputeM(
            claimant=caller, kind=kind, subject=subject, ownership=ownership, raised_at=self.now
        )
        return dispute_id

    def _count_dispute(
        self, kind: model.SubjectKind, subject: Any, asset: bytes, ownership: bool, delta: int
    ) -> None:
        self.open_disputes[(kind, subject)] += delta
        if ownership and kind != ASSET:
            self.ownership_disputes[asset] += delta

    def open_dispute(self, dispute_id: int) -> DisputeM:
        d = self.disputes.get(dispute_id)
        if d is None:
            raise Refused(errors.DisputeNotFound, disputeId=dispute_id)
        if d.status in (model.DisputeStatus.DISMISSED, model.DisputeStatus.UPHELD):
            raise Refused(errors.DisputeClosed, disputeId=dispute_id)
        return d

    def assign_arbitrator(self, caller: str, dispute_id: int, arbitrator: str) -> None:
        self.require_role("registrar", caller)
        d = self.open_dispute(dispute_id)
        if arbitrator not in self.roles["arbitrator"]:
            raise Refused(errors.NotArbitrator, account=arbitrator)
        if arbitrator in (d.claimant, self.describe(d.kind, d.subject)[1]):
            raise Refused(errors.ArbitratorConflicted, account=arbitrator)
        d.arbitrator = arbitrator
        d.status = model.DisputeStatus.ASSIGNED

    def submit_dispute_evidence(self, caller: str, dispute_id: int, evidence: bytes) -> None:
        d = self.open_dispute(dispute_id)
        if evidence == ZERO32:
            raise Refused(errors.EvidenceMissing)
        respondent = self.describe(d.kind, d.subject)[1]
        if caller not in (d.claimant, d.arbitrator, respondent):
            raise Refused(errors.NotDisputeParticipant, disputeId=dispute_id, account=caller)

    def rule(self, caller: str, dispute_id: int, uphold: bool) -> None:
        d = self.open_dispute(dispute_id)
        if d.arbitrator == ZERO_ADDRESS:
            raise Refused(errors.ArbitratorNotAssigned, disputeId=dispute_id)
        if caller != d.arbitrator:
            raise Refused(errors.NotAssignedArbitrator, disputeId=dispute_id, account=caller)
        asset, respondent, ownership = self.describe(d.kind, d.subject)
        d.status = model.DisputeStatus.UPHELD if uphold else model.DisputeStatus.DISMISSED
        self._count_dispute(d.kind, d.subject, asset, ownership, -1)
        if uphold:
            self._revoke_subject(d.kind, d.subject)
            self.parties[respondent].disputes_lost += 1

    def _revoke_subject(self, kind: model.SubjectKind, subject: Any) -> None:
        if kind == ASSET:
            core = self.assets[subject]
            if core.status != model.AssetStatus.REVOKED:
                core.status = model.AssetStatus.REVOKED
            self.queue.append((ASSET, subject))
        elif kind == CERT:
            if self.certs[subject].status != model.CertificateStatus.REVOKED:
                self.end_certificate(subject, model.CertificateStatus.REVOKED)
            self.queue.append((CERT, subject))
        elif self.grants[subject].status == model.GrantStatus.REVOKED:
            self.queue.append((GRANT, subject))
        else:
            self._revoke_grant(subject)

    # ------------------------------------------------------------ the cascade

    def continue_cascade(self, max_steps: int) -> int:
        """Flag products downstream of revocations, step by step as `continueCascade` does."""
        if max_steps == 0:
            raise Refused(errors.CascadeStepsInvalid)
        head, cursor, steps = self.queue_head, self.head_cursor, 0
        while head < len(self.queue) and steps < max_steps:
            more, done = self._cascade_entry(head, cursor, max_steps - steps)
            used = done - cursor
            steps += 1 if used == 0 else used
            if more:
                cursor = done
                break
            head, cursor = head + 1, 0
        self.queue_head, self.head_cursor = head, cursor
        return len(self.queue) - head

    def _cascade_entry(self, position: int, cursor: int, budget: int) -> tuple[bool, int]:
        kind, subject = self.queue[position]
        if kind == ASSET:
            return self._taint_all(self.children[subject], cursor, budget)
        node = (kind, subject)
        products = self.derived_under.get(node, [])
        if cursor < len(products):
            more, done = self._taint_all(products, cursor, budget)
            if more:
                return more, done
            budget -= done - cursor
            cursor = done
        deps = self.dependents.get(node, [])
        end = len(products) + len(deps)
        done = cursor
        while done < end and budget > 0:
            self.queue.append(deps[done - len(products)])
            budget -= 1
            done += 1
        return done < end, done

    def _taint_all(self, products: list[bytes], cursor: int, budget: int) -> tuple[bool, int]:
        done = cursor
        while done < len(products) and budget > 0:
            core = self.assets[products[done]]
            if core.status == model.AssetStatus.ACTIVE:
                core.status = model.AssetStatus.TAINTED
                self.queue.append((ASSET, products[done]))
            budget -= 1
            done += 1
        return done < len(products), done


def _auth_node(kind: model.AuthKind, auth_id: int) -> Subject:
    return (CERT if kind == model.AuthKind.CERTIFICATE else GRANT, auth_id)


def right_covers(parent: model.Right, child: model.Right) -> bool:
    """Whether a holder of `parent` may pass on `child` (the contracts' `_rightCovers`)."""
    return (
        parent == child
        or parent == model.Right.HOLDING
        or (parent == model.Right.OPERATING and child == model.Right.PROCESSING)
    )
