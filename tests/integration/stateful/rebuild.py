"""Invariant 8 as a reusable check: the registry's state rebuilt from its event logs alone.

`registry_events` decodes every registry log in a block range; `Rebuilt` applies them one by one
(so it can follow a chain step by step) and keeps asset cores, certificates with their holders,
grants, and the lineage edges with each asset's registration serial number.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from eth_utils.address import to_checksum_address

from registry import model
from registry.chain.client import RegistryClient
from registry.events.decoder import DecodedEvent, EventDecoder


def registry_events(
    client: RegistryClient, from_block: int = 0, to_block: int | str = "latest"
) -> Iterator[DecodedEvent]:
    """Every registry event in `from_block..to_block`, decoded from raw logs, in chain order."""
    contracts = client.deployment.contracts.values()
    addresses = [to_checksum_address(c.address) for c in contracts]
    logs = client.w3.eth.get_logs(
        {"fromBlock": from_block, "toBlock": to_block, "address": addresses}  # type: ignore[typeddict-item]
    )
    decoder = EventDecoder(c.abi for c in contracts)
    for log in logs:
        decoded = decoder.decode(
            {
                "address": to_checksum_address(log["address"]),
                "topics": tuple(bytes(t) for t in log["topics"]),
                "data": bytes(log["data"]),
                "log_index": int(log["logIndex"]),
                "block_number": int(log["blockNumber"]),
                "block_hash": bytes(log["blockHash"]).hex(),
                "tx_hash": bytes(log["transactionHash"]).hex(),
            }
        )
        assert decoded is not None, log
        yield decoded


class Rebuilt:
    """Asset cores, certificates with holders, grants and lineage, rebuilt from events alone."""

    def __init__(self) -> None:
        self.assets: dict[bytes, model.AssetCore] = {}
        self.sequences: dict[bytes, int] = {}
        self.inputs: dict[bytes, list[model.InputUse]] = {}
        self.certificates: dict[int, model.Certificate] = {}
        self.holders: dict[int, str] = {}
        self.grants: dict[int, model.Grant] = {}

    def apply(self, name: str, a: Mapping[str, Any]) -> None:
        handler = getattr(self, f"_on_{name}", None)
        if handler is not None:
            handler(a)

    def _on_AssetRegistered(self, a: Mapping[str, Any]) -> None:
        r: model.AssetRecord = a["record"]
        self.sequences[a["asset"]] = a["sequence"]
        self.assets[a["asset"]] = model.AssetCore(
            registrant=a["registrant"],
            registered_at=a["registeredAt"],
            domain=r.domain,
            kind=model.AssetKind(a["kind"]),
            category=r.category,
            grade=r.grade,
            open_class=r.open_class,
            status=model.AssetStatus.ACTIVE,
        )

    def _on_ProductDerived(self, a: Mapping[str, Any]) -> None:
        self.inputs[a["product"]] = list(a["inputs"])

    def _on_AssetStatusChanged(self, a: Mapping[str, Any]) -> None:
        asset = a["asset"]
        self.assets[asset] = replace(self.assets[asset], status=model.AssetStatus(a["status"]))

    def _on_CertificateApplied(self, a: Mapping[str, Any]) -> None:
        self.certificates[a["certificateId"]] = a["certificate"]
        self.holders[a["certificateId"]] = a["applicant"]

    def _on_CertificateUpdated(self, a: Mapping[str, Any]) -> None:
        self.certificates[a["certificateId"]] = a["certificate"]

    def _on_CertificateTransferred(self, a: Mapping[str, Any]) -> None:
        self.holders[a["certificateId"]] = a["to"]

    def _on_ObjectionFiled(self, a: Mapping[str, Any]) -> None:
        self._objections(a["certificateId"], +1)

    def _on_ObjectionResolved(self, a: Mapping[str, Any]) -> None:
        self._objections(a["certificateId"], -1)

    def _objections(self, cert: int, delta: int) -> None:
        c = self.certificates[cert]
        self.certificates[cert] = replace(c, open_objections=c.open_objections + delta)

    def _on_GrantIssued(self, a: Mapping[str, Any]) -> None:
        self.grants[a["grantId"]] = issued_grant(a["terms"], a["depth"])

    def _on_GrantRevoked(self, a: Mapping[str, Any]) -> None:
        g = self.grants[a["grantId"]]
        self.grants[a["grantId"]] = replace(g, status=model.GrantStatus.REVOKED)


def issued_grant(t: model.GrantTerms, depth: int) -> model.Grant:
    """The grant record the contracts store when they issue a grant with these terms."""
    return model.Grant(
        grantee=t.grantee,
        right=t.right,
        status=model.GrantStatus.ACTIVE,
        depth=depth,
        sub_grantable=t.sub_grantable,
        revocable=t.revocable,
        parent_kind=t.parent_kind,
        valid_until=t.valid_until,
        valid_from=t.valid_from,
        parent_id=t.parent_id,
    )
