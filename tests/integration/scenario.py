"""Builders for test scenarios: asset records, certified rights, grants and time travel."""

from __future__ import annotations

import hashlib
import itertools
from typing import Any

from web3 import Web3

from registry import model
from registry.chain.client import RegistryClient

_counter = itertools.count(1)
YEAR = 365 * 24 * 3600
NOTICE = 10 * 24 * 3600


def h(text: str) -> bytes:
    """A SHA-256 stand-in for a document or statement."""
    return hashlib.sha256(text.encode()).digest()


def record(
    *,
    category: model.Category = model.Category.ENTERPRISE,
    grade: model.Grade = model.Grade.GENERAL,
    open_class: model.OpenClass | None = None,
    domain: int = 54,
    content: bytes | None = None,
) -> model.AssetRecord:
    """A fresh asset record with unique content."""
    data = content if content is not None else f"dataset-{next(_counter)}".encode()
    if open_class is None:
        open_class = (
            model.OpenClass.CONDITIONAL
            if category == model.Category.PUBLIC
            else model.OpenClass.NOT_APPLICABLE
        )
    return model.AssetRecord(
        content_hash=hashlib.sha256(data).digest(),
        merkle_root=h(f"root-{data!r}"),
        leaf_count=4,
        leaf_mode=model.LeafMode.CHUNKS,
        metadata_hash=h(f"meta-{data!r}"),
        metadata_uri="ipfs://metadata",
        category=category,
        grade=grade,
        open_class=open_class,
        domain=domain,
        update_cycle=86400,
    )


def now(w3: Web3) -> int:
    return int(w3.eth.get_block("latest")["timestamp"])


def travel(w3: Web3, seconds: int) -> None:
    """Move block time forward by `seconds` and mine a block."""
    w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


def certify(
    holder: RegistryClient,
    registrar: RegistryClient,
    asset: bytes,
    right: model.Right,
    basis_grant: int = 0,
    term: int = 0,
) -> int:
    """Apply, wait out the notice window, issue; returns the certificate id."""
    cert = holder.apply_for_certificate(asset, right, basis_grant).id
    travel(holder.w3, NOTICE)
    registrar.issue_certificate(cert, term)
    return int(cert)


def certify_own_name(
    holder: RegistryClient,
    registrar: RegistryClient,
    asset: bytes,
    right: model.Right,
    term: int = 0,
) -> tuple[int, int]:
    """Certify the holding right on `asset`, then `right` in the holder's own name resting on it;
    returns (holding certificate, own-name certificate)."""
    holding = certify(holder, registrar, asset, model.Right.HOLDING)
    return holding, certify(holder, registrar, asset, right, term=term)


def terms(
    grantee: str,
    *,
    parent_kind: model.AuthKind = model.AuthKind.CERTIFICATE,
    parent_id: int,
    right: model.Right = model.Right.PROCESSING,
    valid_from: int,
    valid_until: int,
    sub_grantable: bool = False,
    revocable: bool = True,
    **overrides: Any,
) -> model.GrantTerms:
    values: dict[str, Any] = dict(
        parent_kind=parent_kind,
        parent_id=parent_id,
        grantee=grantee,
        right=right,
        purpose_hash=h("purpose: traffic congestion analysis"),
        scenario_hash=h("scenario: city logistics planning"),
        scope_hash=h("scope: road segments, speeds"),
        security_hash=h("security: desensitized, in-domain compute"),
        valid_from=valid_from,
        valid_until=valid_until,
        end_of_term=model.EndOfTerm.DELETE,
        sub_grantable=sub_grantable,
        revocable=revocable,
        terms_uri="https://example.org/terms/1",
    )
    values.update(overrides)
    return model.GrantTerms(**values)
