"""Verification that does not trust the mirror: every fact of a report re-checked on the chain.

The chain's own report (`registry.verify.chain_report`) is built over JSON-RPC alone at the
block the mirror's report describes, and compared with the mirror's fact by fact: each check
`agree`s, `disagree`s (naming the mirror's value and the chain's) or is `unverifiable` (naming
why: no state at a past block, or taint the on-chain cascade has not recorded yet). Every block
and transaction the mirror names is also proved from that transaction's receipt: the event must
be in it, emitted by the right contract, about the same record, in the named block. Facts the
mirror leaves out (a right, a lineage edge, a dispute) show up as disagreements too, because the
chain's report is derived without looking at the mirror's.

The file itself is re-hashed locally: its SHA-256 must be an asset registered on chain, and its
Merkle root (chunks or records, as registered) and leaf count the registered ones.

Without a mirror (`session=None`) the chain's report stands alone, read at the chain head less
the configured confirmations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from registry import model
from registry.chain.client import RegistryClient
from registry.chain.deploy import DISPUTES, RIGHTS
from registry.commitments import MerkleProof, hash_file, record_proof
from registry.events.decoder import DecodedEvent
from registry.lineage.trace import asset_key
from registry.verify.chain_report import (
    ChainReport,
    FactKey,
    dispute_key,
    edge_key,
    node_key,
    report_from_chain,
    right_key,
)
from registry.verify.chain_view import ChainView, hex32
from registry.verify.report import (
    BytesCheck,
    ProvenanceReport,
    bytes_check,
    provenance_report,
    report_from_file,
)

Outcome = Literal["agree", "disagree", "unverifiable"]
Verdict = Literal["agree", "disagree", "partly-verified", "chain-only"]


@dataclass(frozen=True)
class Check:
    """One fact of the mirror's report compared with the chain."""

    subject: str  # what the fact is about: `asset`, `operating right (certificate 7)`, ...
    field: str
    outcome: Outcome
    mirror: Any
    chain: Any
    reason: str = ""

    def line(self) -> str:
        """One line naming the fact, the mirror's value and the chain's."""
        head = f"{self.subject}: {self.field}"
        if self.outcome == "unverifiable":
            return f"{head} unverifiable: {self.reason}"
        mirror, chain = (
            (_presence(self.mirror), _presence(self.chain))
            if self.field == "present"
            else (_shown(self.mirror), _shown(self.chain))
        )
        values = f"mirror {mirror}, chain {chain}"
        return f"{head}: {values}" + (f" ({self.reason})" if self.reason else "")


@dataclass(frozen=True)
class FileCheck:
    """The file's bytes, hashed here, against what the chain registered."""

    field: str  # sha256 | merkle_root | leaf_count | record
    matches: bool
    file: Any
    chain: Any
    reason: str


@dataclass(frozen=True)
class TrustlessResult:
    sha256: str
    block: int  # the block the chain was read at: the mirror's, or the head less confirmations
    head: int
    mirror_used: bool
    chain: ProvenanceReport  # the chain's own report
    files: tuple[FileCheck, ...]
    checks: tuple[Check, ...]  # empty without a mirror
    unverifiable: tuple[Check, ...]  # what the chain could not settle (with and without mirror)
    changed_since: tuple[Check, ...] = ()  # facts the chain changed after `block` (up to `head`)

    @property
    def disagreements(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.outcome == "disagree")

    @property
    def bytes_match(self) -> bool:
        return self.chain.registered and all(f.matches for f in self.files)

    @property
    def verdict(self) -> Verdict:
        if not self.mirror_used:
            return "chain-only"
        if self.disagreements:
            return "disagree"
        return "partly-verified" if self.unverifiable else "agree"

    def as_json(self) -> dict[str, Any]:
        document: dict[str, Any] = dataclasses.asdict(self)
        document["verdict"] = self.verdict
        document["bytes_match"] = self.bytes_match
        return document


def _presence(value: Any) -> str:
    return "present" if value else "absent"


def _shown(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"block", "tx_hash"}:
        return f"block {value['block']} tx {value['tx_hash']}"
    return "absent" if value is None else str(value)


# ---------------------------------------------------------------- entry point


def verify_trustless(
    client: RegistryClient,
    path: Path,
    *,
    session: Session | None,
    seller: str | None = None,
    record: tuple[int, MerkleProof] | None = None,
    proof_root: bytes | None = None,
    confirmations: int = 0,
) -> TrustlessResult:
    """Check the mirror's report for `path` against the chain (`session=None`: chain alone)."""
    sha = asset_key(hash_file(path).sha256)
    mirror = None
    if session is not None:
        mirror = _mirror_report(session, path, sha, seller, (record, proof_root))
    head = int(client.w3.eth.block_number)
    block = max(0, head - confirmations) if mirror is None else min(mirror.indexed_block, head)
    key = sha if mirror is None or mirror.asset is None else mirror.asset.asset
    record_bytes = None if record is None else (record_proof(path, record[0])[0], record[1])

    def chain_at(view: ChainView) -> ChainReport:
        def bytes_for(row: Mapping[str, Any]) -> BytesCheck:
            return bytes_check(dict(row), record_bytes, key == sha)

        asset = bytes.fromhex(key[2:])
        return report_from_chain(view, asset, sha256=sha, seller=seller, bytes_for=bytes_for)

    view = ChainView(client, block)
    chain = chain_at(view)
    files = _file_checks(path, sha, chain.report, record_bytes)
    if mirror is None:
        return TrustlessResult(sha, block, head, False, chain.report, files, (), _unsettled(chain))
    checks = tuple(compare(mirror, chain, proofs=view))
    changed: tuple[Check, ...] = ()
    if head > block:
        now = chain_at(view.at(head)).report
        changed = tuple(c for c in compare(chain.report, now) if c.outcome == "disagree")
    unverifiable = tuple(c for c in checks if c.outcome == "unverifiable")
    return TrustlessResult(
        sha, block, head, True, chain.report, files, checks, unverifiable, changed
    )


def _mirror_report(
    session: Session,
    path: Path,
    sha: str,
    seller: str | None,
    claim: tuple[tuple[int, MerkleProof] | None, bytes | None],
) -> ProvenanceReport:
    record, proof_root = claim
    if record is None:
        return provenance_report(session, sha256=bytes.fromhex(sha[2:]), seller=seller)
    return report_from_file(session, path, seller=seller, record=record, proof_root=proof_root)


def _unsettled(chain: ChainReport) -> tuple[Check, ...]:
    """What the chain alone could not settle: no state at a block, taint ahead of the cascade."""
    subjects = _subjects(chain.report)
    reasons = {**chain.taint_pending, **chain.gaps}
    labels = {key: subject.label for key, subject in subjects.items()}
    return tuple(
        Check(labels.get(key, key), name, "unverifiable", None, None, why)
        for (key, name), why in reasons.items()
    )


# ---------------------------------------------------------------- the file's own bytes


def _file_checks(
    path: Path, sha: str, chain: ProvenanceReport, record: tuple[bytes, MerkleProof] | None
) -> tuple[FileCheck, ...]:
    asset = chain.asset
    if asset is None:
        why = f"the file's SHA-256 {sha} is not registered on chain at block {chain.indexed_block}"
        return (FileCheck("sha256", False, sha, None, why),)
    if asset.asset != sha:
        why = f"the file's SHA-256 {sha} is not asset {asset.asset}'s content hash"
        checks = [FileCheck("sha256", False, sha, asset.asset, why)]
    else:
        commitment = hash_file(path, records=asset.leaf_mode == "records")
        root = "0x" + commitment.merkle_root.hex()
        checks = [
            FileCheck("sha256", True, sha, asset.asset, "the file's SHA-256 is the asset id"),
            _equal("merkle_root", root, asset.merkle_root, f"{asset.leaf_mode} Merkle root"),
            _equal("leaf_count", commitment.leaf_count, asset.leaf_count, "leaf count"),
        ]
    if record is not None:
        proved = bool(chain.bytes.record)
        checks.append(
            FileCheck("record", proved, record[1].index, asset.merkle_root, chain.bytes.reason)
        )
    return tuple(checks)


def _equal(name: str, file_value: Any, chain_value: Any, what: str) -> FileCheck:
    if file_value == chain_value:
        return FileCheck(name, True, file_value, chain_value, f"the file's {what} is registered")
    why = f"the file's {what} {file_value} is not the registered {chain_value}"
    return FileCheck(name, False, file_value, chain_value, why)


# ---------------------------------------------------------------- facts by subject


@dataclass(frozen=True)
class Subject:
    label: str
    fields: dict[str, Any]  # JSON values; ChainRefs as {"block", "tx_hash"}


_REFS = frozenset({"registered", "since", "derived", "raised", "latest"})


def _subjects(report: ProvenanceReport) -> dict[str, Subject]:
    """Every fact of a report under a stable subject key (see `chain_report.*_key`)."""
    found = {"registration": Subject("registration", {"registered": report.registered})}
    if report.asset is None:
        return found
    doc = report.as_json()
    found["bytes"] = Subject("bytes", _without(doc["bytes"], "reason"))
    found["asset"] = Subject("asset", doc["asset"])
    for r in doc["rights"]:
        label = f"{r['right']} right (certificate {r['certificate_id']})"
        found[right_key(r["certificate_id"])] = Subject(label, _without(r, "certificate_id"))
    if doc["seller"] is not None:
        found["seller"] = Subject(f"seller {doc['seller']['seller']}", doc["seller"])
    names = {n["asset"]: n["registration_number"] for n in doc["lineage"]["nodes"]}
    for n in doc["lineage"]["nodes"]:
        found[node_key(n["asset"])] = Subject(f"lineage node {n['asset']}", _without(n, "asset"))
    for e in doc["lineage"]["edges"]:
        source, product = names[e["input_asset"]], names[e["product"]]
        label = f"lineage edge {source} -> {product} (input {e['position']})"
        fields = _without(e, "product", "position")
        found[edge_key(e["product"], e["position"])] = Subject(label, fields)
    for d in doc["disputes"]:
        label = f"dispute {d['dispute_id']}"
        found[dispute_key(d["dispute_id"])] = Subject(label, _without(d, "dispute_id"))
    return found


def _without(values: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in names}


# ---------------------------------------------------------------- the comparison


def compare(
    mirror: ProvenanceReport,
    chain: ChainReport | ProvenanceReport,
    *,
    proofs: ChainView | None = None,
) -> list[Check]:
    """Fact-by-fact checks of `mirror` against `chain`; with `proofs`, every named transaction
    of the mirror's is also proved from its receipt."""
    own = chain if isinstance(chain, ChainReport) else ChainReport(chain)
    ours, theirs = _subjects(mirror), _subjects(own.report)
    if mirror.registered != own.report.registered:
        return [_check("registration", "registered", mirror.registered, own.report.registered)]
    checks: list[Check] = []
    for key in [*ours, *(k for k in theirs if k not in ours)]:
        if key not in theirs:
            why = "the chain has no such fact"
            checks.append(Check(ours[key].label, "present", "disagree", True, False, why))
        elif key not in ours:
            why = "the mirror leaves it out"
            checks.append(Check(theirs[key].label, "present", "disagree", False, True, why))
        else:
            checks += _field_checks(key, ours[key], theirs[key], own, proofs)
    return checks


def _field_checks(
    key: str, ours: Subject, theirs: Subject, own: ChainReport, proofs: ChainView | None
) -> list[Check]:
    checks = []
    for name, value in ours.fields.items():
        fact: FactKey = (key, name)
        chain_value = theirs.fields.get(name)
        if fact in own.gaps:
            checks.append(Check(ours.label, name, "unverifiable", value, None, own.gaps[fact]))
            continue
        check = _check(ours.label, name, value, chain_value)
        if check.outcome == "disagree" and fact in own.taint_pending:
            check = dataclasses.replace(
                check, outcome="unverifiable", reason=own.taint_pending[fact]
            )
        elif name in _REFS and isinstance(value, dict) and proofs is not None:
            problem = _unproved(proofs, key, name, ours.fields, value)
            if problem is not None:
                check = dataclasses.replace(check, outcome="disagree", reason=problem)
        checks.append(check)
    return checks


def _check(subject: str, name: str, mirror: Any, chain: Any) -> Check:
    return Check(subject, name, "agree" if mirror == chain else "disagree", mirror, chain)


# ---------------------------------------------------------------- receipts behind named facts


def _unproved(
    view: ChainView, key: str, name: str, fields: Mapping[str, Any], named: Mapping[str, Any]
) -> str | None:
    """Why the transaction the mirror names does not prove the fact; None when it does."""
    tx = view.receipt(str(named["tx_hash"]))
    if tx is None:
        return f"the chain has no transaction {named['tx_hash']}"
    if tx.block != named["block"]:
        return f"transaction {named['tx_hash']} is in block {tx.block}, not {named['block']}"
    contract, proves = _proof(key, name, fields)
    if any(view.is_contract(e.address, contract) and proves(e) for e in tx.events):
        return None
    return f"transaction {named['tx_hash']} holds no {contract} event proving the {name}"


EventTest = Callable[[DecodedEvent], bool]


def _proof(key: str, name: str, fields: Mapping[str, Any]) -> tuple[str, EventTest]:
    """The contract whose event proves the fact, and the test an event must pass."""
    kind, _, rest = key.partition(":")
    if name == "registered":
        asset = rest or fields.get("asset")
        return RIGHTS, lambda e: e.name == "AssetRegistered" and hex32(e.args["asset"]) == asset
    if kind == "edge":
        product, _, position = rest.rpartition(":")
        return RIGHTS, lambda e: _derives(e, product, int(position), fields)
    if kind == "dispute":
        names: tuple[str, ...] = ("DisputeRaised",)
        if name == "latest":
            names += ("ArbitratorAssigned", "DisputeRuled")
        dispute_id = int(rest)
        return DISPUTES, lambda e: e.name in names and int(e.args["disputeId"]) == dispute_id
    if kind == "seller" and fields.get("via") == "grant":
        grant_id = int(fields["auth_id"])
        return RIGHTS, lambda e: e.name == "GrantIssued" and int(e.args["grantId"]) == grant_id
    cert_id = int(rest) if kind == "right" else int(fields.get("auth_id") or 0)
    holder = fields.get("holder") or fields.get("seller")
    return RIGHTS, lambda e: _holds_since(e, cert_id, holder)


def _derives(e: DecodedEvent, product: str, position: int, fields: Mapping[str, Any]) -> bool:
    if e.name != "ProductDerived" or hex32(e.args["product"]) != product:
        return False
    inputs: tuple[model.InputUse, ...] = e.args["inputs"]
    if position >= len(inputs):
        return False
    use = inputs[position]
    return (hex32(use.asset), use.auth_kind.name.lower(), use.auth_id) == (
        fields["input_asset"],
        fields["auth_kind"],
        fields["auth_id"],
    )


def _holds_since(e: DecodedEvent, cert_id: int, holder: Any) -> bool:
    """The certificate's issue, or its token's move to `holder`."""
    if e.name == "CertificateUpdated":
        issued = e.args["certificate"].status == model.CertificateStatus.ACTIVE
        return issued and int(e.args["certificateId"]) == cert_id
    if e.name == "Transfer":
        return int(e.args["tokenId"]) == cert_id and e.args["to"] == holder
    return False
