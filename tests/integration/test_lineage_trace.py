"""Lineage traces over an indexed mirror of a real chain: directions, depth, edge validity, PROV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from prov.model import ProvDocument
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from registry.cli import app
from registry.lineage import AssetNotIndexed, LineageGraph, to_prov_json, trace
from tests.integration.conftest import Actors
from tests.integration.indexer_fixtures import (
    Databases,
    databases_fixture,  # noqa: F401  (fixture)
    make_indexer,
)
from tests.integration.provenance_fixtures import (
    SupplyChain,
    build_supply_chain,
    hex_id,
    uphold_dispute_on_grant,
)
from tests.integration.scenario import h

pytestmark = pytest.mark.integration


def names(chain: SupplyChain, graph: LineageGraph) -> set[str]:
    by_key = {chain.key(name): name for name in chain.assets}
    return {by_key[node.asset] for node in graph.nodes}


def edge_names(chain: SupplyChain, graph: LineageGraph) -> set[tuple[str, str]]:
    by_key = {chain.key(name): name for name in chain.assets}
    return {(by_key[e.input_asset], by_key[e.product]) for e in graph.edges}


def test_trace_upDownBoth_withDepthLimits(
    actors: Actors, databases: Databases, tmp_path: Path
) -> None:
    chain = build_supply_chain(actors, tmp_path)
    engine = databases.engine()
    make_indexer(engine, actors).catch_up()
    with Session(engine) as session:
        up1 = trace(session, chain.assets["P2"], direction="up", depth=1)
        assert names(chain, up1) == {"P2", "P1", "S"}
        assert edge_names(chain, up1) == {("P1", "P2"), ("S", "P2")}
        up2 = trace(session, chain.key("P2"), direction="up", depth=2)
        assert names(chain, up2) == {"P2", "P1", "S", "R"}
        assert {n.asset: n.depth for n in up2.nodes}[chain.key("R")] == 2
        assert names(chain, trace(session, chain.assets["R"], direction="down", depth=1)) == {
            "R",
            "P1",
        }
        down2 = trace(session, chain.assets["R"], direction="down", depth=2)
        assert edge_names(chain, down2) == {("R", "P1"), ("P1", "P2")}
        both = trace(session, chain.assets["P1"], direction="both", depth=1)
        assert names(chain, both) == {"R", "P1", "P2"}
        assert edge_names(chain, both) == {("R", "P1"), ("P1", "P2")}
        assert names(chain, trace(session, chain.assets["P1"], direction="both", depth=0)) == {"P1"}
        assert trace(session, chain.assets["R"], direction="up", depth=5).edges == ()


def test_trace_edgesCarryTheirGrantAndDerivation(actors: Actors, tmp_path: Path) -> None:
    chain = build_supply_chain(actors, tmp_path)
    engine = Databases("sqlite", tmp_path).engine()
    make_indexer(engine, actors).catch_up()
    with Session(engine) as session:
        graph = trace(session, chain.assets["P2"], direction="up", depth=10)
        p2 = graph.node(chain.key("P2"))
        r = graph.node(chain.key("R"))
    assert (p2.kind, p2.status, p2.derived_status, p2.registrant) == (
        "product",
        "active",
        "active",
        actors.buyer.account,
    )
    assert p2.registered.block == chain.derived["P2"].block_number
    assert p2.registered.tx_hash == chain.derived["P2"].tx_hash
    assert r.kind == "resource" and r.registration_number.startswith("DR-31337-")
    inputs = graph.inputs_of(chain.key("P2"))
    assert [(e.input_asset, e.auth_kind, e.auth_id) for e in inputs] == [
        (chain.key("P1"), "grant", chain.grants["G2"]),
        (chain.key("S"), "grant", chain.grants["G3"]),
    ]
    for edge in inputs:
        assert edge.valid_at_derivation and edge.status_now == "effective"
        assert edge.derived.block == chain.derived["P2"].block_number
        assert edge.derived.tx_hash == chain.derived["P2"].tx_hash
    [first] = graph.inputs_of(chain.key("P1"))
    assert (first.auth_id, first.derived.block) == (
        chain.grants["G1"],
        chain.derived["P1"].block_number,
    )


def test_trace_revokedGrant_isRevokedNowButWasValidAtUse(actors: Actors, tmp_path: Path) -> None:
    chain = build_supply_chain(actors, tmp_path)
    actors.bureau.revoke_grant(chain.grants["G1"], h("breach of purpose"))
    engine = Databases("sqlite", tmp_path).engine()
    indexer = make_indexer(engine, actors)
    indexer.catch_up()
    with Session(engine) as session:
        graph = trace(session, chain.assets["P2"], direction="up", depth=10)
    [revoked] = graph.inputs_of(chain.key("P1"))
    assert revoked.auth_id == chain.grants["G1"]
    assert revoked.valid_at_derivation is True
    assert revoked.status_at_derivation == "effective"
    assert revoked.status_now == "revoked"
    # downstream of the revoked grant, before the on-chain cascade has run
    for name in ("P1", "P2"):
        node = graph.node(chain.key(name))
        assert (node.status, node.derived_status) == ("active", "tainted"), name
    assert graph.node(chain.key("S")).derived_status == "active"
    # G2 rests on the operator's holding right over P1, which the taint ends
    [g2_edge, g3_edge] = graph.inputs_of(chain.key("P2"))
    assert (g2_edge.valid_at_derivation, g2_edge.status_now) == (True, "parent-asset-tainted")
    assert g3_edge.status_now == "effective"
    actors.admin.run_cascade()
    indexer.catch_up()
    with Session(engine) as session:
        after = trace(session, chain.assets["P2"], direction="up", depth=10)
    assert after.node(chain.key("P2")).status == "tainted"


def test_trace_unknownAsset_raisesAssetNotIndexed(actors: Actors, tmp_path: Path) -> None:
    engine = Databases("sqlite", tmp_path).engine()
    make_indexer(engine, actors).catch_up()
    with Session(engine) as session, pytest.raises(AssetNotIndexed):
        trace(session, h("never registered"), direction="up", depth=3)
    with Session(engine) as session, pytest.raises(ValueError, match="direction"):
        trace(session, h("x"), direction="sideways", depth=3)  # type: ignore[arg-type]


def test_toProvJson_loadsWithTheProvLibrary(actors: Actors, tmp_path: Path) -> None:
    chain = build_supply_chain(actors, tmp_path)
    uphold_dispute_on_grant(actors, chain.grants["G3"])
    engine = Databases("sqlite", tmp_path).engine()
    make_indexer(engine, actors).catch_up()
    with Session(engine) as session:
        graph = trace(session, chain.assets["P2"], direction="up", depth=10)
    document = to_prov_json(graph)
    prov = ProvDocument.deserialize(content=json.dumps(document), format="json")
    records = prov.get_records()
    by_type: dict[str, int] = {}
    for rec in records:
        by_type[rec.get_type().localpart] = by_type.get(rec.get_type().localpart, 0) + 1
    assert by_type["Entity"] == 4
    assert by_type["Activity"] == 2  # the derivations of P1 and P2
    assert by_type["Agent"] == 4  # bureau, other, operator, buyer
    assert by_type["Derivation"] == 3
    assert by_type["Usage"] == 3
    assert by_type["Generation"] == 2
    assert by_type["Attribution"] == 4
    entity = prov.get_record(f"asset:{chain.key('P2')}")[0]
    attributes = {str(k): v for k, v in entity.attributes}
    assert attributes["dr:txHash"] == chain.derived["P2"].tx_hash
    assert int(attributes["dr:block"]) == chain.derived["P2"].block_number
    assert attributes["dr:derivedStatus"] == "tainted"
    used = {
        str(dict(r.attributes)[next(k for k, _ in r.attributes if str(k) == "dr:authId")])
        for r in records
        if r.get_type().localpart == "Usage"
    }
    assert used == {str(chain.grants[g]) for g in ("G1", "G2", "G3")}
    g3_usage = document["used"][f"_:used-{chain.key('P2')}-1"]
    assert g3_usage["dr:validAtDerivation"] is True
    assert g3_usage["dr:statusNow"] == "revoked"
    assert hex_id(chain.assets["S"]) in g3_usage["prov:entity"]


# ---------------------------------------------------------------- `datarights trace`

runner = CliRunner()


def cli_env(engine: Engine, tmp_path: Path) -> dict[str, str]:
    return {
        "DATARIGHTS_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "DATARIGHTS_DATA_DIR": str(tmp_path / "data"),
    }


def test_traceCommand_treeJsonAndProv(actors: Actors, tmp_path: Path) -> None:
    chain = build_supply_chain(actors, tmp_path)
    actors.bureau.revoke_grant(chain.grants["G1"], h("breach of purpose"))
    engine = Databases("sqlite", tmp_path).engine()
    make_indexer(engine, actors).catch_up()
    env = cli_env(engine, tmp_path)
    with Session(engine) as session:
        p2 = trace(session, chain.assets["P2"], direction="up", depth=0).nodes[0]
    tree = runner.invoke(app, ["trace", p2.registration_number, "--depth", "5"], env=env)
    assert tree.exit_code == 0, tree.output
    assert p2.registration_number in tree.stdout
    assert f"grant {chain.grants['G1']}: in force at block {chain.derived['P1'].block_number}" in (
        tree.stdout
    )
    assert "now revoked" in tree.stdout and "cascade pending" in tree.stdout
    as_json = runner.invoke(app, ["trace", chain.key("R"), "--down", "--depth", "1", "--json"],
                            env=env)  # fmt: skip
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    assert document["direction"] == "down"
    assert {n["asset"] for n in document["nodes"]} == {chain.key("R"), chain.key("P1")}
    [edge] = document["edges"]
    assert (edge["auth_id"], edge["valid_at_derivation"], edge["status_now"]) == (
        chain.grants["G1"],
        True,
        "revoked",
    )
    prov = runner.invoke(app, ["trace", chain.key("P1"), "--both", "--prov"], env=env)
    assert prov.exit_code == 0, prov.output
    loaded = ProvDocument.deserialize(content=prov.stdout, format="json")
    assert len(list(loaded.get_records())) > 0


def test_traceCommand_refusesUnknownAssetAndMissingMirror(actors: Actors, tmp_path: Path) -> None:
    engine = Databases("sqlite", tmp_path).engine()
    make_indexer(engine, actors).catch_up()
    unknown = runner.invoke(app, ["trace", hex_id(h("nothing"))], env=cli_env(engine, tmp_path))
    assert unknown.exit_code == 2
    assert "is not in the mirror" in unknown.stderr
    both = runner.invoke(
        app, ["trace", hex_id(h("x")), "--up", "--down"], env=cli_env(engine, tmp_path)
    )
    assert both.exit_code == 2 and "choose one of" in both.stderr
    missing = {"DATARIGHTS_DATA_DIR": str(tmp_path / "empty")}
    absent = runner.invoke(app, ["trace", hex_id(h("x"))], env=missing)
    assert absent.exit_code == 1 and "run `datarights index run`" in absent.stderr
