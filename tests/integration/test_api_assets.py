"""GET /assets and /assets/{asset} over a real mirror, cross-checked with the contracts."""

from __future__ import annotations

from sqlalchemy import func, select

from registry import model
from registry.db.tables import AssetRow
from tests.integration.api_fixtures import *  # noqa: F403
from tests.integration.api_fixtures import EXTRA_ASSETS, Mirror, hex32, problem, walk


def _asset_count(m: Mirror) -> int:
    return int(m.actors.admin.asset_count())


def test_get_asset_by_content_hash_matches_the_chain(mirror: Mirror) -> None:
    asset = mirror.ids["asset"]
    body = mirror.api.get(f"/assets/{hex32(asset)}").json()
    core = mirror.actors.admin.asset_core(asset)
    assert body["asset"] == hex32(asset)
    assert body["registrant"] == core.registrant == mirror.actors.bureau.account
    assert body["registered_at"] == core.registered_at
    assert body["kind"] == "resource"
    assert body["classification"] == {
        "category": core.category.name.lower(),
        "grade": core.grade.name.lower(),
        "open_class": core.open_class.name.lower().replace("_", "-"),
        "domain": core.domain,
    }
    assert body["status"] == body["effective_status"] == "active"
    assert body["registration_number"].startswith(f"DR-{mirror.actors.admin.w3.eth.chain_id}-")
    assert body["metadata_uri"] == "ipfs://metadata-v2"  # the correction is the current version


def test_get_asset_lists_the_three_rights_with_holders(mirror: Mirror) -> None:
    admin, ids = mirror.actors.admin, mirror.ids
    body = mirror.api.get(f"/assets/{hex32(ids['asset'])}").json()
    rights = {r["right"]: r for r in body["rights"]}
    assert list(rights) == ["holding", "processing", "operating"]
    assert rights["holding"]["holders"] == [admin.holder_of(ids["holding"])]
    assert rights["operating"]["holders"] == [admin.holder_of(ids["operating"])]
    # The processing right rests on a grant revoked by a ruling: certified, but not effective.
    processing = {c["certificate_id"]: c for c in rights["processing"]["certificates"]}
    based = processing[ids["grant_based_certificate"]]
    assert based["holder"] == admin.holder_of(ids["grant_based_certificate"])
    assert based["status"] == "active"
    assert based["effective_status"] == "basis-parent-revoked"
    assert not admin.is_certificate_effective(ids["grant_based_certificate"])
    assert rights["processing"]["holders"] == []
    holding = next(c for c in rights["holding"]["certificates"])
    chain = admin.certificate(ids["holding"])
    assert holding["terms"]["valid_until"] == chain.valid_until
    assert holding["terms"]["issued_at"] == chain.issued_at


def test_get_asset_by_registration_number_is_the_same_asset(mirror: Mirror) -> None:
    by_hash = mirror.api.get(f"/assets/{hex32(mirror.ids['asset2'])}").json()
    by_number = mirror.api.get(f"/assets/{by_hash['registration_number']}")
    assert by_number.status_code == 200
    assert by_number.json() == by_hash


def test_product_downstream_of_a_revoked_grant_shows_derived_taint(mirror: Mirror) -> None:
    product2 = hex32(mirror.ids["product2"])
    body = mirror.api.get(f"/assets/{product2}").json()
    assert body["kind"] == "product"
    assert body["effective_status"] == "tainted"
    chain_status = mirror.actors.admin.asset_core(mirror.ids["product2"]).status
    assert body["status"] == chain_status.name.lower()
    assert body["inputs"] == [
        {
            "input_asset": hex32(mirror.ids["asset"]),
            "position": 0,
            "auth_kind": "grant",
            "auth_id": mirror.ids["sub_grant"],
        }
    ]


def test_unknown_asset_is_404_problem(mirror: Mirror) -> None:
    body = problem(mirror.api.get("/assets/0x" + "ab" * 32), 404, "not-found")
    assert "0x" + "ab" * 32 in body["detail"]
    problem(mirror.api.get("/assets/DR-31337-2026-999999"), 404, "not-found")


def test_malformed_asset_references_are_400(mirror: Mirror) -> None:
    for bad in ("0x1234", "0x" + "zz" * 32, "DR-31337-26-1", "DR-x", "traffic-data"):
        body = problem(mirror.api.get(f"/assets/{bad}"), 400, "bad-request")
        assert repr(bad) in body["detail"]


def test_filters_select_by_classification_and_party(mirror: Mirror) -> None:
    api, ids = mirror.api, mirror.ids
    public = api.get("/assets", params={"category": "public"}).json()["items"]
    assert [a["asset"] for a in public] == [hex32(ids["public"])]
    assert public[0]["classification"]["grade"] == "important"
    important = api.get(
        "/assets", params={"grade": "important", "open_class": "conditional", "domain": 7}
    ).json()["items"]
    assert [a["asset"] for a in important] == [hex32(ids["public"])]
    products = walk(api, "/assets", limit=10, kind="product")
    assert {a["asset"] for a in products} == {hex32(ids["product"]), hex32(ids["product2"])}
    by_buyer = walk(api, "/assets", limit=10, registrant=mirror.actors.buyer.account)
    assert len(by_buyer) == EXTRA_ASSETS + 2  # asset2, product2 and the bulk registration
    held = walk(api, "/assets", limit=10, holder=mirror.actors.buyer.account.lower())
    assert {a["asset"] for a in held} == {hex32(ids["asset2"]), hex32(ids["asset"])}
    number = api.get(f"/assets/{hex32(ids['asset'])}").json()["registration_number"]
    found = api.get("/assets", params={"registration_number": number}).json()["items"]
    assert [a["asset"] for a in found] == [hex32(ids["asset"])]
    by_hash = api.get("/assets", params={"content_hash": hex32(ids["asset2"]).upper()[2:]})
    problem(by_hash, 400, "bad-request")
    by_hash = api.get("/assets", params={"content_hash": hex32(ids["asset2"])}).json()
    assert [a["asset"] for a in by_hash["items"]] == [hex32(ids["asset2"])]


def test_status_filter_matches_the_recorded_status(mirror: Mirror) -> None:
    tainted = walk(mirror.api, "/assets", limit=5, status="tainted")
    for item in tainted:
        core = mirror.actors.admin.asset_core(bytes.fromhex(item["asset"][2:]))
        assert core.status == model.AssetStatus.TAINTED
    active = walk(mirror.api, "/assets", limit=50, status="active")
    assert len(active) + len(tainted) == _asset_count(mirror)


def test_bad_filter_values_are_problems(mirror: Mirror) -> None:
    body = problem(mirror.api.get("/assets", params={"category": "secret"}), 400, "bad-request")
    assert "public, enterprise, personal" in body["detail"]
    problem(mirror.api.get("/assets", params={"registrant": "0x12"}), 400, "bad-request")
    problem(mirror.api.get("/assets", params={"domain": "seven"}), 422, "invalid-request")
    problem(mirror.api.get("/assets", params={"limit": 0}), 422, "invalid-request")
    problem(mirror.api.get("/assets", params={"cursor": "not-a-cursor"}), 400, "bad-request")


def test_cursor_walk_returns_every_asset_exactly_once(mirror: Mirror) -> None:
    items = walk(mirror.api, "/assets", limit=4)
    assert len(items) == _asset_count(mirror) > 4 * 5
    assert len({a["asset"] for a in items}) == len(items)
    sequences = [a["sequence"] for a in items]
    assert sequences == sorted(sequences)
    capped = mirror.api.get("/assets", params={"limit": 10_000}).json()
    assert len(capped["items"]) == len(items)  # all fit under the cap of 500
    with mirror.engine.connect() as connection:
        query = select(func.count()).where(AssetRow.to_block.is_(None))  # type: ignore[union-attr]
        assert connection.execute(query.select_from(AssetRow)).scalar_one() == len(items)
