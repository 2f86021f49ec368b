"""The typed registry client: one Python function for every write and read of the contracts.

Writes return a `WriteResult` (tx hash, block, gas used, decoded events) and, where the contract
hands out an id, that id. Reverts arrive as the generated exception named like the Solidity error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3 import Web3

from registry import model
from registry.chain.deploy import DISPUTES, EVIDENCE, GOVERNANCE, GRANT_DESK, RIGHTS
from registry.chain.deployments import Deployment
from registry.chain.transactions import TxReceiptInfo, TxSender
from registry.errors import ChainError
from registry.events.decoder import DecodedEvent, EventDecoder, canonical_type

R = TypeVar("R", bound=model.AbiRecord)

ROLES: Mapping[str, bytes] = {
    "admin": b"\x00" * 32,
    "registrar": keccak(text="REGISTRAR_ROLE"),
    "reviewer": keccak(text="REVIEWER_ROLE"),
    "arbitrator": keccak(text="ARBITRATOR_ROLE"),
}


@dataclass(frozen=True)
class WriteResult:
    """What a write did: its transaction, cost and the events it emitted."""

    tx_hash: str
    block_number: int
    gas_used: int
    events: tuple[DecodedEvent, ...]

    def event(self, name: str) -> Mapping[str, Any]:
        """Arguments of the first event called `name`."""
        for e in self.events:
            if e.name == name:
                return e.args
        raise ChainError(f"transaction {self.tx_hash} emitted no {name} event")

    def all(self, name: str) -> list[Mapping[str, Any]]:
        return [e.args for e in self.events if e.name == name]

    def as_json(self) -> dict[str, Any]:
        return {"tx_hash": self.tx_hash, "block": self.block_number, "gas_used": self.gas_used}


@dataclass(frozen=True)
class _FunctionCodec:
    selector: bytes
    input_types: tuple[str, ...]
    output_types: tuple[str, ...]
    outputs: tuple[Mapping[str, Any], ...]

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> _FunctionCodec:
        inputs = tuple(canonical_type(p) for p in entry["inputs"])
        signature = f"{entry['name']}({','.join(inputs)})"
        return cls(
            selector=keccak(text=signature)[:4],
            input_types=inputs,
            output_types=tuple(canonical_type(o) for o in entry["outputs"]),
            outputs=tuple(entry["outputs"]),
        )


@dataclass(frozen=True)
class Created:
    """A write that created something with an id (asset, certificate, grant, request, dispute)."""

    id: Any
    result: WriteResult


class RegistryClient:
    """Typed access to the deployed registry, writing as `sender`'s account."""

    def __init__(self, sender: TxSender, deployment: Deployment) -> None:
        self.sender = sender
        self.deployment = deployment
        self.w3: Web3 = sender.w3
        self.decoder = EventDecoder(c.abi for c in deployment.contracts.values())
        self._functions = {
            (name, entry["name"], len(entry["inputs"])): _FunctionCodec.of(entry)
            for name, c in deployment.contracts.items()
            for entry in c.abi
            if entry.get("type") == "function"
        }

    @property
    def account(self) -> str:
        return self.sender.address

    def address_of(self, contract: str) -> str:
        return self.deployment.contract(contract).address

    def acting_as(self, sender: TxSender) -> RegistryClient:
        """The same registry, writing as another account."""
        return RegistryClient(sender, self.deployment)

    # ------------------------------------------------------------ plumbing

    def encode(self, contract: str, fn: str, *args: Any) -> bytes:
        """ABI-encoded call data of `contract.fn(*args)` (eth_abi directly: fast for bulk work)."""
        codec = self._codec(contract, fn, len(args))
        return codec.selector + abi_encode(codec.input_types, args)

    def write(self, contract: str, fn: str, *args: Any) -> WriteResult:
        """Send `contract.fn(*args)` and wait for it; a revert raises its typed exception."""
        return self.result(
            self.sender.send(self.encode(contract, fn, *args), self.address_of(contract))
        )

    def write_many(self, calls: Sequence[tuple[str, str, tuple[Any, ...]]]) -> list[WriteResult]:
        """Send many writes pipelined (consecutive nonces, batched JSON-RPC) and wait for all."""
        requests = [(self.address_of(c), self.encode(c, fn, *args), None) for c, fn, args in calls]
        return [self.result(r) for r in self.sender.send_many(requests)]

    def result(self, receipt: TxReceiptInfo) -> WriteResult:
        decoded = (self.decoder.decode(log) for log in receipt.logs)
        return WriteResult(
            tx_hash=receipt.tx_hash,
            block_number=receipt.block_number,
            gas_used=receipt.gas_used,
            events=tuple(e for e in decoded if e is not None),
        )

    def read(self, contract: str, fn: str, *args: Any, block: int | None = None) -> Any:
        """Call a view function; one return value comes back bare, several as a tuple."""
        raw = self.sender.call(self.address_of(contract), self.encode(contract, fn, *args), block)
        codec = self._codec(contract, fn, len(args))
        values = abi_decode(codec.output_types, raw)
        converted = tuple(_python_value(o, v) for o, v in zip(codec.outputs, values, strict=True))
        return converted[0] if len(converted) == 1 else converted

    def _read_record(self, record: type[R], contract: str, fn: str, *args: Any) -> R:
        return record.from_abi(self.read(contract, fn, *args))

    def _codec(self, contract: str, fn: str, n_args: int) -> _FunctionCodec:
        codec = self._functions.get((contract, fn, n_args))
        if codec is None:
            raise ChainError(f"{contract} has no function {fn} with {n_args} arguments")
        return codec

    # ------------------------------------------------------------ governance

    def admit_party(
        self, account: str, kind: model.PartyKind, identity_commitment: bytes
    ) -> WriteResult:
        return self.write(GOVERNANCE, "admitParty", account, int(kind), identity_commitment)

    def suspend_party(self, account: str, reason_hash: bytes) -> WriteResult:
        return self.write(GOVERNANCE, "suspendParty", account, reason_hash)

    def reinstate_party(self, account: str, reason_hash: bytes) -> WriteResult:
        return self.write(GOVERNANCE, "reinstateParty", account, reason_hash)

    def grant_role(self, role: str, account: str) -> WriteResult:
        return self.write(GOVERNANCE, "grantRole", ROLES[role], account)

    def revoke_role(self, role: str, account: str) -> WriteResult:
        return self.write(GOVERNANCE, "revokeRole", ROLES[role], account)

    def set_policy(self, policy: model.Policy) -> WriteResult:
        return self.write(GOVERNANCE, "setPolicy", policy.to_abi())

    def set_domain_restricted(self, domain: int, restricted: bool) -> WriteResult:
        return self.write(GOVERNANCE, "setDomainRestricted", domain, restricted)

    def set_category_restricted(self, category: model.Category, restricted: bool) -> WriteResult:
        return self.write(GOVERNANCE, "setCategoryRestricted", int(category), restricted)

    def party(self, account: str) -> model.Party:
        return self._read_record(model.Party, GOVERNANCE, "party", account)

    def policy(self) -> model.Policy:
        return self._read_record(model.Policy, GOVERNANCE, "policy")

    def has_role(self, role: str, account: str) -> bool:
        return bool(self.read(GOVERNANCE, "hasRole", ROLES[role], account))

    def is_domain_restricted(self, domain: int) -> bool:
        return bool(self.read(GOVERNANCE, "isDomainRestricted", domain))

    def is_category_restricted(self, category: model.Category) -> bool:
        return bool(self.read(GOVERNANCE, "isCategoryRestricted", int(category)))

    # ------------------------------------------------------------ assets and lineage

    def register_resource(self, record: model.AssetRecord) -> Created:
        result = self.write(RIGHTS, "registerResource", record.to_abi())
        return Created(result.event("AssetRegistered")["asset"], result)

    def register_resources(
        self, records: Sequence[model.AssetRecord], *, per_tx: int = 100
    ) -> list[WriteResult]:
        """Bulk registration: `per_tx` assets a transaction, the transactions pipelined."""
        calls = [
            (RIGHTS, "registerResources", ([r.to_abi() for r in chunk],))
            for chunk in _chunks(records, per_tx)
        ]
        return self.write_many(calls)

    def register_each(self, records: Sequence[model.AssetRecord]) -> list[Created]:
        """One transaction per asset, pipelined: consecutive nonces, batched sends and receipts."""
        results = self.write_many([(RIGHTS, "registerResource", (r.to_abi(),)) for r in records])
        return [Created(r.event("AssetRegistered")["asset"], r) for r in results]

    def register_product(
        self, record: model.AssetRecord, inputs: Sequence[model.InputUse]
    ) -> Created:
        result = self.write(
            RIGHTS, "registerProduct", record.to_abi(), [i.to_abi() for i in inputs]
        )
        return Created(result.event("AssetRegistered")["asset"], result)

    def correct_asset(
        self, asset: bytes, metadata_hash: bytes, metadata_uri: str, reason_hash: bytes
    ) -> WriteResult:
        return self.write(RIGHTS, "correctAsset", asset, metadata_hash, metadata_uri, reason_hash)

    def asset_core(self, asset: bytes) -> model.AssetCore:
        return self._read_record(model.AssetCore, RIGHTS, "assetCore", asset)

    def children(self, asset: bytes) -> list[bytes]:
        return list(self.read(RIGHTS, "children", asset))

    def asset_count(self) -> int:
        return int(self.read(RIGHTS, "assetCount"))

    def can_process(
        self, account: str, asset: bytes, auth_kind: model.AuthKind, auth_id: int
    ) -> bool:
        return bool(self.read(RIGHTS, "canProcess", account, asset, int(auth_kind), auth_id))

    # ------------------------------------------------------------ certificates

    def apply_for_certificate(
        self, asset: bytes, right: model.Right, basis_grant: int = 0
    ) -> Created:
        result = self.write(RIGHTS, "applyForCertificate", asset, int(right), basis_grant)
        return Created(result.event("CertificateApplied")["certificateId"], result)

    def file_objection(self, certificate_id: int, evidence_hash: bytes) -> Created:
        result = self.write(DISPUTES, "fileObjection", certificate_id, evidence_hash)
        return Created(result.event("ObjectionFiled")["objectionId"], result)

    def resolve_objection(self, objection_id: int, upheld: bool, reason_hash: bytes) -> WriteResult:
        return self.write(DISPUTES, "resolveObjection", objection_id, upheld, reason_hash)

    def issue_certificate(self, certificate_id: int, term: int = 0) -> WriteResult:
        return self.write(RIGHTS, "issueCertificate", certificate_id, term)

    def reject_application(self, certificate_id: int, reason_hash: bytes) -> WriteResult:
        return self.write(RIGHTS, "rejectApplication", certificate_id, reason_hash)

    def renew_certificate(
        self, certificate_id: int, valid_until: int, reason_hash: bytes
    ) -> WriteResult:
        return self.write(RIGHTS, "renewCertificate", certificate_id, valid_until, reason_hash)

    def correct_certificate(
        self, certificate_id: int, valid_until: int, reason_hash: bytes
    ) -> WriteResult:
        return self.write(RIGHTS, "correctCertificate", certificate_id, valid_until, reason_hash)

    def cancel_certificate(self, certificate_id: int, reason_hash: bytes) -> WriteResult:
        return self.write(RIGHTS, "cancelCertificate", certificate_id, reason_hash)

    def transfer_certificate(self, certificate_id: int, to: str, reason_hash: bytes) -> WriteResult:
        return self.write(RIGHTS, "transferCertificate", certificate_id, to, reason_hash)

    def erc721_transfer(self, certificate_id: int, to: str) -> WriteResult:
        """A plain ERC-721 `transferFrom` as a wallet sends it; registry rules still apply."""
        return self.write(RIGHTS, "transferFrom", self.account, to, certificate_id)

    def certificate(self, certificate_id: int) -> model.Certificate:
        return self._read_record(model.Certificate, RIGHTS, "certificate", certificate_id)

    def holder_of(self, certificate_id: int) -> str:
        return str(self.read(RIGHTS, "ownerOf", certificate_id))

    def is_certificate_effective(self, certificate_id: int) -> bool:
        return bool(self.read(RIGHTS, "isCertificateEffective", certificate_id))

    def certificate_count(self) -> int:
        return int(self.read(RIGHTS, "certificateCount"))

    # ------------------------------------------------------------ grants

    def grant(self, terms: model.GrantTerms) -> Created:
        result = self.write(RIGHTS, "grant", terms.to_abi())
        return Created(result.event("GrantIssued")["grantId"], result)

    def revoke_grant(self, grant_id: int, reason_hash: bytes) -> WriteResult:
        return self.write(RIGHTS, "revokeGrant", grant_id, reason_hash)

    def grant_record(self, grant_id: int) -> model.Grant:
        return self._read_record(model.Grant, RIGHTS, "grantRecord", grant_id)

    def grant_asset(self, grant_id: int) -> bytes:
        return bytes(self.read(RIGHTS, "grantAsset", grant_id))

    def grantor_of(self, grant_id: int) -> str:
        return str(self.read(RIGHTS, "grantor", grant_id))

    def is_grant_effective(self, grant_id: int) -> bool:
        return bool(self.read(RIGHTS, "isGrantEffective", grant_id))

    def grant_count(self) -> int:
        return int(self.read(RIGHTS, "grantCount"))

    def submit_signed_grant(
        self, grantor: str, terms: model.GrantTerms, deadline: int, signature: bytes
    ) -> Created:
        result = self.write(
            GRANT_DESK, "submitSignedGrant", grantor, terms.to_abi(), deadline, signature
        )
        return Created(result.event("SignedGrantSubmitted")["grantId"], result)

    def invalidate_nonce(self) -> WriteResult:
        return self.write(GRANT_DESK, "invalidateNonce")

    def grant_nonce(self, grantor: str) -> int:
        return int(self.read(GRANT_DESK, "nonces", grantor))

    def signed_grant_digest(
        self, grantor: str, terms: model.GrantTerms, nonce: int, deadline: int
    ) -> bytes:
        return bytes(
            self.read(GRANT_DESK, "signedGrantDigest", grantor, terms.to_abi(), nonce, deadline)
        )

    # ------------------------------------------------------------ grant requests

    def request_grant(self, terms: model.RequestTerms) -> Created:
        result = self.write(GRANT_DESK, "requestGrant", terms.to_abi())
        return Created(result.event("RequestFiled")["requestId"], result)

    def approve_request(self, request_id: int, terms: model.GrantTerms) -> Created:
        result = self.write(GRANT_DESK, "approveRequest", request_id, terms.to_abi())
        return Created(result.event("RequestApproved")["grantId"], result)

    def refuse_request(self, request_id: int, reasons_hash: bytes) -> WriteResult:
        return self.write(GRANT_DESK, "refuseRequest", request_id, reasons_hash)

    def withdraw_request(self, request_id: int) -> WriteResult:
        return self.write(GRANT_DESK, "withdrawRequest", request_id)

    def grant_request(self, request_id: int) -> model.GrantRequest:
        return self._read_record(model.GrantRequest, GRANT_DESK, "request", request_id)

    # ------------------------------------------------------------ evidence

    def anchor(
        self,
        document_hash: bytes,
        evidence_type: model.EvidenceType,
        *,
        subject_kind: model.SubjectKind = model.SubjectKind.ASSET,
        subject: bytes = model.ZERO32,
        uri: str = "",
    ) -> WriteResult:
        return self.write(
            EVIDENCE, "anchor", document_hash, int(evidence_type), int(subject_kind), subject, uri
        )

    def anchor_batch(
        self,
        root: bytes,
        count: int,
        evidence_type: model.EvidenceType,
        *,
        subject_kind: model.SubjectKind = model.SubjectKind.ASSET,
        subject: bytes = model.ZERO32,
        uri: str = "",
    ) -> WriteResult:
        return self.write(
            EVIDENCE,
            "anchorBatch",
            root,
            count,
            int(evidence_type),
            int(subject_kind),
            subject,
            uri,
        )

    def anchor_of(self, document_hash: bytes) -> model.Anchor:
        return self._read_record(model.Anchor, EVIDENCE, "anchorOf", document_hash)

    def batch_of(self, root: bytes) -> model.Anchor:
        return self._read_record(model.Anchor, EVIDENCE, "batchOf", root)

    def verify_in_batch(
        self, root: bytes, document_hash: bytes, index: int, siblings: Sequence[bytes]
    ) -> bool:
        return bool(
            self.read(EVIDENCE, "verifyInBatch", root, document_hash, index, list(siblings))
        )

    # ------------------------------------------------------------ disputes and the cascade

    def raise_dispute(
        self, kind: model.SubjectKind, subject: bytes | int, evidence_hash: bytes
    ) -> Created:
        result = self.write(
            DISPUTES, "raiseDispute", int(kind), model.subject_bytes(kind, subject), evidence_hash
        )
        return Created(result.event("DisputeRaised")["disputeId"], result)

    def assign_arbitrator(self, dispute_id: int, arbitrator: str) -> WriteResult:
        return self.write(DISPUTES, "assignArbitrator", dispute_id, arbitrator)

    def submit_dispute_evidence(self, dispute_id: int, evidence_hash: bytes) -> WriteResult:
        return self.write(DISPUTES, "submitEvidence", dispute_id, evidence_hash)

    def rule(self, dispute_id: int, uphold: bool, decision_hash: bytes) -> WriteResult:
        return self.write(DISPUTES, "rule", dispute_id, uphold, decision_hash)

    def objection(self, objection_id: int) -> model.Objection:
        return self._read_record(model.Objection, DISPUTES, "objection", objection_id)

    def dispute(self, dispute_id: int) -> model.Dispute:
        return self._read_record(model.Dispute, DISPUTES, "dispute", dispute_id)

    def continue_cascade(self, max_steps: int = 100) -> WriteResult:
        return self.write(RIGHTS, "continueCascade", max_steps)

    def run_cascade(self, *, max_steps: int = 100, max_calls: int = 1000) -> list[WriteResult]:
        """Continue the cascade until the queue is empty, in bounded transactions."""
        results: list[WriteResult] = []
        while self.cascade_pending() and len(results) < max_calls:
            results.append(self.continue_cascade(max_steps))
        return results

    def cascade_pending(self) -> int:
        head, tail = self.read(RIGHTS, "cascadeBounds")
        return int(tail) - int(head)

    def open_disputes(self, kind: model.SubjectKind, subject: bytes | int) -> int:
        return int(self.read(RIGHTS, "openDisputes", int(kind), model.subject_bytes(kind, subject)))

    def open_ownership_disputes(self, asset: bytes) -> int:
        return int(self.read(RIGHTS, "openOwnershipDisputes", asset))

    def versions(self) -> dict[str, str]:
        return {name: str(self.read(name, "version")) for name in self.deployment.contracts}


def _python_value(output: Mapping[str, Any], value: Any) -> Any:
    if output["type"] == "address":
        return to_checksum_address(value)
    if output["type"] == "tuple":
        return tuple(_python_value(c, v) for c, v in zip(output["components"], value, strict=True))
    return value


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
