"""Certificates, grants and parties over a real mirror, cross-checked with the contracts."""

from __future__ import annotations

from sqlalchemy import select

from registry.chain.deploy import RIGHTS
from registry.db.tables import CertificateHolderRow, table_of
from tests.integration.api_fixtures import *  # noqa: F403
from tests.integration.api_fixtures import Mirror, hex32, problem, walk


def test_get_certificate_matches_the_chain(mirror: Mirror) -> None:
    admin, cid = mirror.actors.admin, mirror.ids["holding"]
    body = mirror.api.get(f"/certificates/{cid}").json()
    chain = admin.certificate(cid)
    assert body["certificate_id"] == cid
    assert body["asset"] == hex32(chain.asset)
    assert body["right"] == "holding"
    assert body["holder"] == admin.holder_of(cid) == mirror.actors.bureau.account
    assert body["status"] == chain.status.name.lower() == "active"
    assert body["effective_status"] == "effective"
    assert admin.is_certificate_effective(cid)
    assert body["terms"]["valid_until"] == chain.valid_until
    assert body["last_action"] == "CORRECTED"


def test_certificate_lists_filter_and_paginate(mirror: Mirror) -> None:
    api, admin = mirror.api, mirror.actors.admin
    everything = walk(api, "/certificates", limit=2)
    assert [c["certificate_id"] for c in everything] == list(
        range(1, admin.certificate_count() + 1)
    )
    by_asset = walk(api, "/certificates", limit=2, asset=hex32(mirror.ids["asset2"]))
    assert {c["asset"] for c in by_asset} == {hex32(mirror.ids["asset2"])}
    assert {c["status"] for c in by_asset} == {"active", "cancelled", "rejected"}
    for status in ("active", "rejected", "cancelled"):
        listed = walk(api, "/certificates", limit=3, status=status)
        expected = [c for c in everything if c["status"] == status]
        assert listed == expected
    held = walk(api, "/certificates", limit=2, holder=mirror.actors.buyer.account)
    assert held and all(admin.holder_of(c["certificate_id"]) == c["holder"] for c in held)
    assert {c["holder"] for c in held} == {mirror.actors.buyer.account}


def test_unknown_and_malformed_certificate_ids(mirror: Mirror) -> None:
    problem(mirror.api.get("/certificates/9999"), 404, "not-found")
    problem(mirror.api.get("/certificates/first"), 422, "invalid-request")
    problem(mirror.api.get("/certificates/0"), 422, "invalid-request")
    problem(mirror.api.get("/certificates", params={"status": "lost"}), 400, "bad-request")


def test_grants_show_effective_status_and_reason(mirror: Mirror) -> None:
    admin, ids = mirror.actors.admin, mirror.ids
    expected = {
        ids["grant"]: (False, "revoked"),  # revoked by the upheld dispute
        ids["sub_grant"]: (False, "parent-revoked"),
        ids["revoked_grant"]: (False, "revoked"),
        ids["signed_grant"]: (True, "effective"),
    }
    for grant_id, (effective, reason) in expected.items():
        body = mirror.api.get(f"/grants/{grant_id}").json()
        assert (body["effective"], body["effective_status"]) == (effective, reason), grant_id
        assert admin.is_grant_effective(grant_id) == effective
        chain = admin.grant_record(grant_id)
        assert body["grantee"] == chain.grantee
        assert body["grantor"] == admin.grantor_of(grant_id)
        assert body["asset"] == hex32(admin.grant_asset(grant_id))
        assert body["status"] == chain.status.name.lower()
        assert body["depth"] == chain.depth
        assert body["terms"]["valid_until"] == chain.valid_until
    signed = mirror.api.get(f"/grants/{ids['signed_grant']}").json()
    assert signed["submitted_by"] == mirror.actors.operator.account


def test_grant_lists_filter_and_paginate(mirror: Mirror) -> None:
    api, admin, actors = mirror.api, mirror.actors.admin, mirror.actors
    everything = walk(api, "/grants", limit=2)
    assert [g["grant_id"] for g in everything] == list(range(1, admin.grant_count() + 1))
    by_grantor = walk(api, "/grants", limit=2, grantor=actors.operator.account)
    assert [g["grant_id"] for g in by_grantor] == [mirror.ids["sub_grant"]]
    to_buyer = walk(api, "/grants", limit=1, grantee=actors.buyer.account)
    assert {g["grantee"] for g in to_buyer} == {actors.buyer.account}
    assert len(to_buyer) == 2  # the sub-grant and the approved request
    on_asset = walk(api, "/grants", limit=3, asset=hex32(mirror.ids["asset"]))
    assert on_asset == everything
    problem(api.get("/grants/424242"), 404, "not-found")
    problem(api.get("/grants", params={"grantee": "bob"}), 400, "bad-request")


def test_party_record_rights_and_grants(mirror: Mirror) -> None:
    actors, admin = mirror.actors, mirror.actors.admin
    body = mirror.api.get(f"/parties/{actors.bureau.account.lower()}").json()
    chain = admin.party(actors.bureau.account)
    assert body["account"] == actors.bureau.account
    assert body["kind"] == "government"
    assert body["admitted"] is chain.admitted is True
    assert body["admitted_at"] == chain.admitted_at
    assert body["credit"] == {
        "disputes_lost": chain.disputes_lost,
        "objections_upheld": chain.objections_upheld,
    }
    held = {r["certificate_id"]: r for r in body["rights_now"]}
    assert set(held) >= {mirror.ids["holding"], mirror.ids["operating"]}
    for cid in held:
        assert admin.holder_of(cid) == actors.bureau.account
    given = {g["grant_id"] for g in body["grants_given"]}
    assert {mirror.ids["grant"], mirror.ids["revoked_grant"], mirror.ids["signed_grant"]} <= given
    assert body["rights_at_block"] is None
    other = mirror.api.get(f"/parties/{actors.other.account}").json()
    upheld = admin.party(actors.other.account).objections_upheld
    assert other["credit"]["objections_upheld"] == upheld


def test_party_rights_at_a_past_block(mirror: Mirror) -> None:
    actors = mirror.actors
    # asset2's holding certificate went buyer -> other -> buyer; find when `other` held it.
    asset2 = mirror.api.get(f"/assets/{hex32(mirror.ids['asset2'])}").json()
    moved = asset2["rights"][0]["certificates"][0]["certificate_id"]
    history = mirror.api.get(f"/parties/{actors.other.account}").json()
    assert moved not in {r["certificate_id"] for r in history["rights_now"]}
    holders = table_of(CertificateHolderRow)
    query = select(holders.c.from_block).where(
        holders.c.certificate_id == moved, holders.c.holder == actors.other.account
    )
    with mirror.engine.connect() as connection:
        block = connection.execute(query).scalar_one()
    then = mirror.api.get(f"/parties/{actors.other.account}", params={"at_block": block}).json()
    assert then["at_block"] == block
    assert moved in {r["certificate_id"] for r in then["rights_at_block"]}
    assert mirror.actors.admin.read(RIGHTS, "ownerOf", moved, block=block) == (
        actors.other.account
    )
    later = mirror.api.get(f"/parties/{actors.other.account}", params={"at_block": 10**9})
    body = problem(later, 409, "not-indexed-yet")
    assert body["indexed_block"] == mirror.indexed


def test_unknown_and_malformed_parties(mirror: Mirror) -> None:
    problem(mirror.api.get("/parties/0x" + "00" * 19 + "01"), 404, "not-found")
    problem(mirror.api.get("/parties/0xnot-an-address"), 400, "bad-request")
    negative = mirror.api.get(f"/parties/{mirror.actors.bureau.account}?at_block=-1")
    problem(negative, 422, "invalid-request")
