"""A supply chain of real files for the lineage and verification tests, and its indexed mirror.

    R (bureau, public traffic records) --G1--> P1 (operator) --G2--> P2 (buyer) <--G3-- S (other)

Every asset is a real file of newline-terminated records committed in records mode, so whole-file
hashes and record-level Merkle proofs can be checked. The operator holds the operating right on
P1 and the buyer on P2, each in its own name on its holding certificate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from registry import model
from registry.chain.client import RegistryClient, WriteResult
from registry.commitments import hash_file
from tests.integration.conftest import Actors
from tests.integration.indexer_fixtures import Databases, make_indexer
from tests.integration.scenario import NOTICE, YEAR, h, now, terms, travel


def hex_id(value: bytes) -> str:
    return "0x" + value.hex()


def data_file(path: Path, title: str, rows: int = 5) -> Path:
    lines = [f"{title},row,{i},{uuid.uuid4()}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def file_record(path: Path, *, category: model.Category) -> model.AssetRecord:
    """The asset record committing to `path`'s bytes and its records' Merkle root."""
    c = hash_file(path, records=True)
    return model.AssetRecord(
        content_hash=c.sha256,
        merkle_root=c.merkle_root,
        leaf_count=c.leaf_count,
        leaf_mode=model.LeafMode.RECORDS,
        metadata_hash=h(f"metadata of {path.name}"),
        metadata_uri=f"https://example.org/catalogue/{path.stem}",
        category=category,
        grade=model.Grade.IMPORTANT if category == model.Category.PUBLIC else model.Grade.GENERAL,
        open_class=(
            model.OpenClass.CONDITIONAL
            if category == model.Category.PUBLIC
            else model.OpenClass.NOT_APPLICABLE
        ),
        domain=54,
        update_cycle=86400,
    )


@dataclass(frozen=True)
class Issued:
    id: int
    result: WriteResult  # the issuing transaction


def issue(
    holder: RegistryClient, registrar: RegistryClient, asset: bytes, right: model.Right
) -> Issued:
    cert = holder.apply_for_certificate(asset, right).id
    travel(holder.w3, NOTICE)
    return Issued(int(cert), registrar.issue_certificate(cert))


@dataclass
class SupplyChain:
    files: dict[str, Path]
    assets: dict[str, bytes]
    derived: dict[str, WriteResult]  # product name -> its registration
    holding: dict[str, Issued]
    operating: dict[str, Issued]
    grants: dict[str, int]

    def key(self, name: str) -> str:
        return hex_id(self.assets[name])


def build_supply_chain(actors: Actors, directory: Path) -> SupplyChain:
    bureau, operator, buyer, other, admin = (
        actors.bureau, actors.operator, actors.buyer, actors.other, actors.admin,
    )  # fmt: skip
    files = {name: data_file(directory / f"{name}.csv", name) for name in ("R", "S", "P1", "P2")}
    chain = SupplyChain(files, {}, {}, {}, {}, {})
    public, enterprise = model.Category.PUBLIC, model.Category.ENTERPRISE
    chain.assets["R"] = bureau.register_resource(file_record(files["R"], category=public)).id
    chain.assets["S"] = other.register_resource(file_record(files["S"], category=enterprise)).id
    chain.holding["R"] = issue(bureau, admin, chain.assets["R"], model.Right.HOLDING)
    chain.holding["S"] = issue(other, admin, chain.assets["S"], model.Right.HOLDING)
    t0 = now(bureau.w3)

    def grant(grantor: RegistryClient, grantee: RegistryClient, parent: int) -> int:
        window = terms(grantee.account, parent_id=parent, valid_from=t0, valid_until=t0 + YEAR)
        return int(grantor.grant(window).id)

    chain.grants["G1"] = grant(bureau, operator, chain.holding["R"].id)
    chain.grants["G3"] = grant(other, buyer, chain.holding["S"].id)
    _product(chain, operator, "P1", [("R", "G1")])
    chain.holding["P1"] = issue(operator, admin, chain.assets["P1"], model.Right.HOLDING)
    chain.operating["P1"] = issue(operator, admin, chain.assets["P1"], model.Right.OPERATING)
    chain.grants["G2"] = grant(operator, buyer, chain.holding["P1"].id)
    _product(chain, buyer, "P2", [("P1", "G2"), ("S", "G3")])
    chain.holding["P2"] = issue(buyer, admin, chain.assets["P2"], model.Right.HOLDING)
    chain.operating["P2"] = issue(buyer, admin, chain.assets["P2"], model.Right.OPERATING)
    return chain


def _product(
    chain: SupplyChain, maker: RegistryClient, name: str, inputs: list[tuple[str, str]]
) -> None:
    uses = [
        model.InputUse(chain.assets[asset], model.AuthKind.GRANT, chain.grants[g])
        for asset, g in inputs
    ]
    record = file_record(chain.files[name], category=model.Category.ENTERPRISE)
    created = maker.register_product(record, uses)
    chain.assets[name] = created.id
    chain.derived[name] = created.result


def uphold_dispute_on_grant(actors: Actors, grant_id: int) -> tuple[int, WriteResult]:
    """The bureau claims a grant was made in breach; the arbitrator upholds it (grant revoked)."""
    dispute = actors.bureau.raise_dispute(model.SubjectKind.GRANT, grant_id, h("breach")).id
    actors.admin.assign_arbitrator(dispute, actors.arbitrator.account)
    return int(dispute), actors.arbitrator.rule(dispute, True, h("claim upheld"))


def indexed_mirror(actors: Actors, databases: Databases) -> Engine:
    """A fresh mirror caught up with the chain."""
    engine = databases.engine()
    make_indexer(engine, actors).catch_up()
    return engine
