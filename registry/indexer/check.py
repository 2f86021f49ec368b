"""`index check`: every mirrored record against the contracts' view functions.

Reads are made at the indexed block, so a chain that moved on since does not count as a
difference. Each difference names the record, the field and both values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from eth_account import Account
from sqlalchemy import Engine, Table, select
from sqlalchemy.orm import Session
from web3 import Web3

from registry.chain.client import RegistryClient
from registry.chain.deploy import DISPUTES, EVIDENCE, GOVERNANCE, GRANT_DESK, RIGHTS
from registry.chain.deployments import Deployment
from registry.chain.transactions import TxSender
from registry.db.tables import (
    AnchorRow,
    AssetRow,
    BatchAnchorRow,
    CascadeEntryRow,
    CascadeStateRow,
    CertificateHolderRow,
    CertificateRow,
    DisputeRow,
    FreezeRow,
    GrantNonceRow,
    GrantRequestRow,
    GrantRow,
    IndexStateRow,
    LineageEdgeRow,
    OperatorApprovalRow,
    PartyRow,
    PolicyRow,
    RestrictedCategoryRow,
    RestrictedDomainRow,
    RoleMemberRow,
    TokenApprovalRow,
    Versioned,
    table_of,
)
from registry.errors import RegistryError
from registry.indexer.events import plain
from registry.model import SubjectKind

Row = dict[str, Any]
ZERO_ADDRESS = "0x" + "00" * 20


@dataclass(frozen=True)
class Difference:
    """One field where the mirror and the chain disagree."""

    record: str
    field: str
    mirror: Any
    chain: Any

    def __str__(self) -> str:
        return f"{self.record}: {self.field} mirror={self.mirror!r} chain={self.chain!r}"


class _Reader:
    def __init__(self, client: RegistryClient, block: int) -> None:
        self.client = client
        self.block = block

    def __call__(self, contract: str, fn: str, *args: Any) -> Any:
        return plain(self.client.read(contract, fn, *args, block=self.block))


def read_only_client(w3: Web3, deployment: Deployment) -> RegistryClient:
    """A client for view calls only, with a throwaway account that never signs anything."""
    return RegistryClient(TxSender(w3, Account.create()), deployment)


def check_mirror(engine: Engine, client: RegistryClient) -> list[Difference]:
    """Every difference between the mirror's current records and the chain at the indexed block."""
    with Session(engine) as session:
        state = session.get(IndexStateRow, 1)
        if state is None:
            raise RegistryError("the mirror is empty: run `index run` first")
        deployed = max(c.block_number for c in client.deployment.contracts.values())
        if state.last_block < deployed:
            raise RegistryError(
                f"the mirror stops at block {state.last_block}, inside the deployment (blocks "
                f"{client.deployment.first_block} to {deployed}), where some registry contracts do "
                f"not exist yet: run `index run` past block {deployed} first"
            )
        read = _Reader(client, state.last_block)
        return [d for check in _CHECKS for d in check(session, read)]


def _current(session: Session, model: type[Versioned]) -> list[Row]:
    t: Table = table_of(model)
    query = select(t).where(t.c.to_block.is_(None))
    return [dict(r) for r in session.execute(query).mappings()]


def _compare(
    record: str, names: Sequence[str], mirror: Row, chain: Sequence[Any]
) -> Iterator[Difference]:
    # Fields the mirror does not know yet (a struct grown by a contract change) are not compared.
    for name, value in zip(names, chain, strict=False):
        if mirror.get(name) != value:
            yield Difference(record, name, mirror.get(name), value)


def _same(record: str, field: str, mirror: Any, chain: Any) -> Iterator[Difference]:
    if mirror != chain:
        yield Difference(record, field, mirror, chain)


_PARTY = (
    "kind",
    "admitted",
    "suspended",
    "admitted_at",
    "disputes_lost",
    "objections_upheld",
    "identity_commitment",
)
_CORE = (
    "registrant",
    "registered_at",
    "domain",
    "kind",
    "category",
    "grade",
    "open_class",
    "status",
)
_CERT = (
    "asset",
    "right",
    "status",
    "notice_ends_at",
    "issued_at",
    "valid_until",
    "open_objections",
    "basis_grant",
    "basis_certificate",
)
_GRANT = (
    "grantee",
    "right",
    "status",
    "depth",
    "sub_grantable",
    "revocable",
    "parent_kind",
    "valid_until",
    "valid_from",
    "parent_id",
)
_REQUEST = (
    "applicant",
    "status",
    "filed_at",
    "parent_kind",
    "right",
    "parent_id",
    "valid_from",
    "valid_until",
    "purpose_scenario_hash",
)
_DISPUTE = ("claimant", "status", "kind", "ownership", "raised_at", "arbitrator", "subject")
_ANCHOR = ("submitter", "anchored_at", "evidence_type", "subject_kind", "count")
_POLICY = ("notice_window", "default_term", "max_public_data_grant_term", "max_grant_depth")


def _governance(session: Session, read: _Reader) -> Iterator[Difference]:
    for p in _current(session, PartyRow):
        yield from _compare(
            f"party {p['account']}", _PARTY, p, read(GOVERNANCE, "party", p["account"])
        )
    for r in _current(session, RoleMemberRow):
        chain = read(GOVERNANCE, "hasRole", bytes.fromhex(r["role"][2:]), r["account"])
        yield from _same(f"role {r['role']} of {r['account']}", "member", r["member"], chain)
    for policy in _current(session, PolicyRow):
        yield from _compare("policy", _POLICY, policy, read(GOVERNANCE, "policy"))
    for d in _current(session, RestrictedDomainRow):
        chain = read(GOVERNANCE, "isDomainRestricted", d["domain"])
        yield from _same(f"domain {d['domain']}", "restricted", d["restricted"], chain)
    for c in _current(session, RestrictedCategoryRow):
        chain = read(GOVERNANCE, "isCategoryRestricted", c["category"])
        yield from _same(f"category {c['category']}", "restricted", c["restricted"], chain)


def _assets(session: Session, read: _Reader) -> Iterator[Difference]:
    assets = _current(session, AssetRow)
    for a in assets:
        asset = bytes.fromhex(a["asset"][2:])
        yield from _compare(f"asset {a['asset']}", _CORE, a, read(RIGHTS, "assetCore", asset))
    yield from _same("registry", "assetCount", len(assets), read(RIGHTS, "assetCount"))
    children: dict[str, Counter[str]] = {}
    for edge in _current(session, LineageEdgeRow):
        children.setdefault(edge["input_asset"], Counter())[edge["product"]] += 1
    for parent in {a["asset"] for a in assets}:
        chain = Counter(read(RIGHTS, "children", bytes.fromhex(parent[2:])))
        yield from _same(f"asset {parent}", "children", dict(children.get(parent, {})), dict(chain))


def _certificates(session: Session, read: _Reader) -> Iterator[Difference]:
    certificates = _current(session, CertificateRow)
    for c in certificates:
        yield from _compare(
            f"certificate {c['certificate_id']}",
            _CERT,
            c,
            read(RIGHTS, "certificate", c["certificate_id"]),
        )
    yield from _same(
        "registry", "certificateCount", len(certificates), read(RIGHTS, "certificateCount")
    )
    for h in _current(session, CertificateHolderRow):
        chain = read(RIGHTS, "ownerOf", h["certificate_id"])
        yield from _same(f"certificate {h['certificate_id']}", "holder", h["holder"], chain)
    approvals = {a["certificate_id"]: a["approved"] for a in _current(session, TokenApprovalRow)}
    for c in certificates:
        mirror = approvals.get(c["certificate_id"], ZERO_ADDRESS)
        chain = read(RIGHTS, "getApproved", c["certificate_id"])
        yield from _same(f"certificate {c['certificate_id']}", "approved", mirror, chain)
    for o in _current(session, OperatorApprovalRow):
        chain = read(RIGHTS, "isApprovedForAll", o["owner"], o["operator"])
        yield from _same(
            f"operator {o['operator']} of {o['owner']}", "approved", o["approved"], chain
        )


def _grants(session: Session, read: _Reader) -> Iterator[Difference]:
    grants = _current(session, GrantRow)
    for g in grants:
        record = f"grant {g['grant_id']}"
        yield from _compare(record, _GRANT, g, read(RIGHTS, "grantRecord", g["grant_id"]))
        yield from _same(record, "asset", g["asset"], read(RIGHTS, "grantAsset", g["grant_id"]))
    yield from _same("registry", "grantCount", len(grants), read(RIGHTS, "grantCount"))
    for n in _current(session, GrantNonceRow):
        chain = read(GRANT_DESK, "nonces", n["grantor"])
        yield from _same(f"nonce of {n['grantor']}", "next_nonce", n["next_nonce"], chain)
    for r in _current(session, GrantRequestRow):
        yield from _compare(
            f"request {r['request_id']}", _REQUEST, r, read(GRANT_DESK, "request", r["request_id"])
        )


def _disputes(session: Session, read: _Reader) -> Iterator[Difference]:
    disputes = _current(session, DisputeRow)
    for d in disputes:
        yield from _compare(
            f"dispute {d['dispute_id']}", _DISPUTE, d, read(DISPUTES, "dispute", d["dispute_id"])
        )
    yield from _same("disputes", "disputeCount", len(disputes), read(DISPUTES, "disputeCount"))
    for f in _current(session, FreezeRow):
        chain = read(RIGHTS, "openDisputes", f["kind"], bytes.fromhex(f["subject"][2:]))
        yield from _same(
            f"subject {f['kind']}:{f['subject']}", "open_disputes", f["open_disputes"], chain
        )
    # The contract counts disputes over a holding certificate; one over the asset itself freezes
    # the asset instead (which refuses applications as well) and is not in this count.
    owned = Counter(
        d["asset"]
        for d in disputes
        if d["ownership"] and d["kind"] != SubjectKind.ASSET and d["status"] in (1, 2)
    )
    for asset in {d["asset"] for d in disputes}:
        chain = read(RIGHTS, "openOwnershipDisputes", bytes.fromhex(asset[2:]))
        yield from _same(f"asset {asset}", "open ownership disputes", owned.get(asset, 0), chain)


def _evidence(session: Session, read: _Reader) -> Iterator[Difference]:
    for a in _current(session, AnchorRow):
        chain = read(EVIDENCE, "anchorOf", bytes.fromhex(a["document_hash"][2:]))
        yield from _compare(f"anchor {a['document_hash']}", _ANCHOR, {**a, "count": 0}, chain)
    for b in _current(session, BatchAnchorRow):
        chain = read(EVIDENCE, "batchOf", bytes.fromhex(b["root"][2:]))
        yield from _compare(f"batch {b['root']}", _ANCHOR, b, chain)


def _cascade(session: Session, read: _Reader) -> Iterator[Difference]:
    states = _current(session, CascadeStateRow)
    head = states[0]["head"] if states else 0
    tail = 1 + max((e["position"] for e in _current(session, CascadeEntryRow)), default=-1)
    yield from _same("cascade", "bounds", [head, tail], read(RIGHTS, "cascadeBounds"))


_CHECKS: tuple[Callable[[Session, _Reader], Iterator[Difference]], ...] = (
    _governance,
    _assets,
    _certificates,
    _grants,
    _disputes,
    _evidence,
    _cascade,
)
