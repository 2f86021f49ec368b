"""A buyer's provenance report, read from the mirror.

Given a file (or its SHA-256, or one record with its Merkle proof) the report answers: which asset
it is; whether the bytes match; who holds each right now and since which block; whether the
seller's operating right is active; the full upstream lineage with the authorization behind each
edge and whether it was effective when used; open or upheld disputes anywhere upstream. Every fact
carries the block and transaction that prove it, so it can be re-checked against the chain.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from eth_utils.address import is_address, to_checksum_address
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import model
from registry.commitments import (
    MerkleProof,
    StrPath,
    hash_file,
    leaf_hash,
    record_proof,
    verify_proof,
)
from registry.db.tables import (
    AssetRow,
    CertificateHolderRow,
    CertificateRow,
    DisputeRow,
    GrantRow,
    IndexStateRow,
    table_of,
)
from registry.indexer.derived import (
    TaintClosure,
    certificate_status,
    grant_status,
    taint_closure,
    version_at,
    versions_at,
)
from registry.lineage.trace import (
    MAX_DEPTH,
    ChainRef,
    LineageGraph,
    asset_key,
    first_version,
    trace,
)

OPEN_OR_UPHELD = (
    model.DisputeStatus.RAISED,
    model.DisputeStatus.ASSIGNED,
    model.DisputeStatus.UPHELD,
)


@dataclass(frozen=True)
class AssetFact:
    asset: str
    registration_number: str
    kind: str
    registrant: str
    status: str  # as recorded on chain
    derived_status: str  # tainted too when an upstream revocation has not been cascaded yet
    merkle_root: str
    leaf_count: int
    leaf_mode: str
    registered: ChainRef


@dataclass(frozen=True)
class BytesCheck:
    """Whether the bytes are the registered ones: by whole-file hash and/or by one record."""

    matches: bool
    reason: str
    whole_file: bool | None  # None: not checked (only a record was given)
    record_index: int | None = None
    record: bool | None = None  # None: no record checked


@dataclass(frozen=True)
class RightFact:
    right: str
    certificate_id: int
    holder: str | None
    status: str  # `effective`, or why not
    since: ChainRef  # when the current holder came to hold it in force (issue or transfer)


@dataclass(frozen=True)
class SellerCheck:
    seller: str
    active: bool
    reason: str
    via: str | None = None  # certificate | grant
    auth_id: int | None = None
    since: ChainRef | None = None


@dataclass(frozen=True)
class DisputeFact:
    dispute_id: int
    status: str  # raised | assigned | upheld
    subject_kind: str
    subject: str
    asset: str
    claimant: str
    raised: ChainRef
    latest: ChainRef  # the last change: assignment or ruling


@dataclass(frozen=True)
class ProvenanceReport:
    sha256: str
    registered: bool
    indexed_block: int
    bytes: BytesCheck
    asset: AssetFact | None = None
    rights: tuple[RightFact, ...] = ()
    seller: SellerCheck | None = None
    lineage: LineageGraph | None = None
    disputes: tuple[DisputeFact, ...] = ()

    @property
    def upheld_disputes(self) -> tuple[DisputeFact, ...]:
        return tuple(d for d in self.disputes if d.status == "upheld")

    def as_json(self) -> dict[str, Any]:
        """Plain JSON values (dataclasses as objects, tuples as lists)."""
        document: dict[str, Any] = dataclasses.asdict(self)
        return document


# ---------------------------------------------------------------- entry points


def provenance_report(
    session: Session,
    *,
    sha256: bytes,
    seller: str | None = None,
    record: tuple[bytes, MerkleProof] | None = None,
) -> ProvenanceReport:
    """The report for the asset whose content SHA-256 is `sha256`.

    Without `record` the hash itself is the check (it is the asset id); with one, `sha256` names
    the asset and the record's bytes are checked against its registered Merkle root.
    """
    return _report(session, asset_key(sha256), seller=seller, record=record, whole_file=None)


def report_from_file(
    session: Session,
    path: StrPath,
    *,
    seller: str | None = None,
    record: tuple[int, MerkleProof] | None = None,
    proof_root: bytes | None = None,
) -> ProvenanceReport:
    """The report for a file, streamed once through `hash_file` (never held in memory).

    With `record` (index and proof), that record of the file is also checked; when the whole
    file matches no asset, the asset is found by `proof_root` so the record can still be proved.
    """
    sha = asset_key(hash_file(path).sha256)
    record_bytes: tuple[bytes, MerkleProof] | None = None
    if record is not None:
        index, proof = record
        record_bytes = (record_proof(path, index)[0], proof)
    key = sha
    if _asset_row(session, sha) is None and record_bytes is not None and proof_root is not None:
        key = asset_by_root(session, proof_root) or sha
    return _report(
        session, key, seller=seller, record=record_bytes, whole_file=key == sha, file_sha=sha
    )


def asset_by_root(session: Session, root: bytes) -> str | None:
    """The asset whose registered Merkle root is `root` (the first registered, if several)."""
    t = table_of(AssetRow)
    query = select(t.c.asset).where(t.c.to_block.is_(None), t.c.merkle_root == asset_key(root))
    found = session.scalar(query.order_by(t.c.sequence).limit(1))
    return None if found is None else str(found)


# ---------------------------------------------------------------- the report


def _report(
    session: Session,
    key: str,
    *,
    seller: str | None,
    record: tuple[bytes, MerkleProof] | None,
    whole_file: bool | None,
    file_sha: str | None = None,
) -> ProvenanceReport:
    indexed = _indexed_block(session)
    row = _asset_row(session, key)
    sha = file_sha or key
    if row is None:
        reason = (
            f"not registered: no asset has SHA-256 {sha} (the bytes differ from every registered "
            f"asset, or the registration is newer than the mirror's block {indexed})"
        )
        check = BytesCheck(False, reason, whole_file=False)
        return ProvenanceReport(sha, False, indexed, check)
    closure = taint_closure(session)
    lineage = trace(session, key, direction="up", depth=MAX_DEPTH)
    return ProvenanceReport(
        sha256=sha,
        registered=True,
        indexed_block=indexed,
        bytes=bytes_check(row, record, whole_file),
        asset=_asset_fact(session, row, lineage),
        rights=_rights(session, key, closure),
        seller=None if seller is None else _seller(session, key, seller, closure),
        lineage=lineage,
        disputes=_disputes(session, [n.asset for n in lineage.nodes]),
    )


def _indexed_block(session: Session) -> int:
    state = session.get(IndexStateRow, 1)
    return 0 if state is None else int(state.last_block)


def _asset_row(session: Session, key: str) -> dict[str, Any] | None:
    return version_at(session, AssetRow, None, asset=key)


def _asset_fact(session: Session, row: dict[str, Any], lineage: LineageGraph) -> AssetFact:
    node = lineage.node(row["asset"])
    return AssetFact(
        asset=row["asset"],
        registration_number=row["registration_number"],
        kind=node.kind,
        registrant=row["registrant"],
        status=node.status,
        derived_status=node.derived_status,
        merkle_root=row["merkle_root"],
        leaf_count=int(row["leaf_count"]),
        leaf_mode=model.LeafMode(row["leaf_mode"]).name.lower(),
        registered=node.registered,
    )


def bytes_check(
    row: dict[str, Any], record: tuple[bytes, MerkleProof] | None, whole_file: bool | None
) -> BytesCheck:
    """Whether the bytes are the asset's: by whole-file hash, or by one record and its proof."""
    whole = True if whole_file is None and record is None else whole_file
    if record is None:
        return BytesCheck(True, "the SHA-256 of the bytes is the registered content hash", whole)
    data, proof = record
    ok, why = _record_verifies(row, data, proof)
    if whole is False:
        why = f"the whole file differs from the registered content; {why}"
    matches = ok and whole is not False
    return BytesCheck(matches, why, whole, record_index=proof.index, record=ok)


def _record_verifies(row: dict[str, Any], data: bytes, proof: MerkleProof) -> tuple[bool, str]:
    count, root = int(row["leaf_count"]), row["merkle_root"]
    if proof.count != count:
        return False, (
            f"record {proof.index}: the proof is for {proof.count} leaves, "
            f"the asset registered {count}"
        )
    if not verify_proof(bytes.fromhex(root[2:]), leaf_hash(data), proof):
        return False, f"record {proof.index} does not verify against the registered root {root}"
    return True, f"record {proof.index} verifies against the registered Merkle root {root}"


# ---------------------------------------------------------------- rights and the seller


def _since(session: Session, certificate_id: int) -> ChainRef:
    """The later of the certificate's issue and its current holder's acquisition."""
    t = table_of(CertificateRow)
    query = select(t.c.from_block, t.c.tx_hash).where(
        t.c.certificate_id == certificate_id, t.c.status == model.CertificateStatus.ACTIVE
    )
    issued = session.execute(query.order_by(t.c.from_block).limit(1)).first()
    holder = version_at(session, CertificateHolderRow, None, certificate_id=certificate_id)
    refs = [ChainRef(int(r[0]), str(r[1])) for r in (issued,) if r is not None]
    if holder is not None:
        refs.append(ChainRef(int(holder["from_block"]), str(holder["tx_hash"])))
    return max(refs, key=lambda ref: ref.block) if refs else ChainRef(0, "")


def _rights(session: Session, key: str, closure: TaintClosure) -> tuple[RightFact, ...]:
    shown = (model.CertificateStatus.ACTIVE, model.CertificateStatus.REVOKED)
    facts = []
    for cert in versions_at(session, CertificateRow, None, asset=key):
        if cert["status"] not in shown:
            continue
        cert_id = int(cert["certificate_id"])
        holder = version_at(session, CertificateHolderRow, None, certificate_id=cert_id)
        facts.append(
            RightFact(
                right=model.Right(cert["right"]).name.lower(),
                certificate_id=cert_id,
                holder=None if holder is None else str(holder["holder"]),
                status=certificate_status(session, cert_id, None, closure),
                since=_since(session, cert_id),
            )
        )
    return tuple(sorted(facts, key=lambda f: (model.Right[f.right.upper()], f.certificate_id)))


def _seller(session: Session, key: str, seller: str, closure: TaintClosure) -> SellerCheck:
    if not is_address(seller):
        return SellerCheck(seller, False, f"{seller!r} is not an account address")
    account = to_checksum_address(seller)
    found: list[SellerCheck] = []
    for fact in _rights(session, key, closure):
        if fact.right == "operating" and fact.holder == account:
            cert = (fact.certificate_id, fact.status, fact.since)
            found.append(seller_fact(account, "certificate", *cert))
    for grant in versions_at(session, GrantRow, None, asset=key, grantee=account):
        if grant["right"] != model.Right.OPERATING:
            continue
        grant_id = int(grant["grant_id"])
        status = grant_status(session, grant_id, None, closure)
        granted = first_version(session, GrantRow, grant_id=grant_id)
        found.append(seller_fact(account, "grant", grant_id, status, granted))
    active = [f for f in found if f.active]
    if active:
        return active[0]
    if found:
        return found[0]
    return SellerCheck(account, False, f"{account} holds no operating right over this asset")


def seller_fact(account: str, via: str, auth_id: int, status: str, since: ChainRef) -> SellerCheck:
    """The seller check for one operating right held through a certificate or a grant."""
    if status == "effective":
        reason = f"operating right in force through {via} {auth_id}"
    else:
        reason = f"{via} {auth_id} is not in force: {status}"
    return SellerCheck(account, status == "effective", reason, via, auth_id, since)


# ---------------------------------------------------------------- disputes upstream


def _disputes(session: Session, assets: list[str]) -> tuple[DisputeFact, ...]:
    t = table_of(DisputeRow)
    query = select(t).where(
        t.c.to_block.is_(None),
        t.c.asset.in_(assets),
        t.c.status.in_([int(s) for s in OPEN_OR_UPHELD]),
    )
    facts = []
    for row in session.execute(query.order_by(t.c.dispute_id)).mappings():
        kind = model.SubjectKind(row["kind"])
        subject = (
            row["subject"] if kind == model.SubjectKind.ASSET else str(int(row["subject"], 16))
        )
        facts.append(
            DisputeFact(
                dispute_id=int(row["dispute_id"]),
                status=model.DisputeStatus(row["status"]).name.lower(),
                subject_kind=kind.name.lower(),
                subject=subject,
                asset=row["asset"],
                claimant=row["claimant"],
                raised=first_version(session, DisputeRow, dispute_id=row["dispute_id"]),
                latest=ChainRef(int(row["from_block"]), str(row["tx_hash"])),
            )
        )
    return tuple(facts)
