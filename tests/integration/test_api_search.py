"""GET /search over the API scenario (every event, a public dataset, a catalogue of many assets),
on SQLite and PostgreSQL: registration numbers, content hashes and prefixes, addresses, names."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api_fixtures import *  # noqa: F403
from tests.integration.api_fixtures import Mirror, hex32, problem, walk

pytestmark = pytest.mark.integration


def _assets(mirror: Mirror, **params: Any) -> list[dict[str, Any]]:
    return walk(mirror.api, "/assets", limit=100, **params)


def _search(mirror: Mirror, q: str, **params: Any) -> dict[str, Any]:
    response = mirror.api.get("/search", params={"q": q, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_search_registrationNumber_exactAndPrefix(mirror: Mirror) -> None:
    catalogue = _assets(mirror)
    first = catalogue[0]
    body = _search(mirror, first["registration_number"])
    assert [hit["asset"]["asset"] for hit in body["items"]] == [first["asset"]]
    assert body["items"][0]["matched"] == ["registration-number"]
    assert body["interpreted_as"] == ["registration-number", "metadata"]
    prefix = first["registration_number"][:-1]  # DR-31337-2026-00000: sequences 1 to 9
    found = walk(mirror.api, "/search", limit=4, q=prefix.lower())
    expected = [a["asset"] for a in catalogue if a["registration_number"].startswith(prefix)]
    assert len(expected) == 9
    assert [hit["asset"]["asset"] for hit in found] == expected


def test_search_contentHash_wholeBareUppercaseAndPrefix(mirror: Mirror) -> None:
    key = hex32(mirror.ids["product"])
    for text in (key, key[2:], "0x" + key[2:].upper()):
        body = _search(mirror, text)
        assert [hit["asset"]["asset"] for hit in body["items"]] == [key]
        assert body["items"][0]["matched"] == ["content-hash"]
        assert body["items"][0]["asset"]["kind"] == "product"
    prefix = key[:10]
    body = _search(mirror, prefix)
    assert body["interpreted_as"] == ["content-hash-prefix"]
    assert key in [hit["asset"]["asset"] for hit in body["items"]]
    assert all(hit["asset"]["asset"].startswith(prefix) for hit in body["items"])
    assert all(hit["matched"] == ["content-hash-prefix"] for hit in body["items"])


def test_search_address_registrantHolderAndParty(mirror: Mirror) -> None:
    buyer = mirror.actors.buyer.account
    registered = {a["asset"] for a in _assets(mirror, registrant=buyer)}
    held = {a["asset"] for a in _assets(mirror, holder=buyer)}
    assert registered and held - registered  # it holds certificates over others' assets too
    found = walk(mirror.api, "/search", limit=10, q=buyer.lower())
    assert {hit["asset"]["asset"] for hit in found} == registered | held
    for hit in found:
        expected = [
            name
            for name, members in (("registrant", registered), ("holder", held))
            if hit["asset"]["asset"] in members
        ]
        assert hit["matched"] == expected
    first = _search(mirror, buyer, limit=5)
    assert first["parties"] == [
        {"account": buyer, "kind": "enterprise", "admitted": True, "suspended": False}
    ]
    later = _search(mirror, buyer, limit=5, cursor=first["next_cursor"])
    assert later["parties"] == []
    nobody = _search(mirror, mirror.actors.outsider.account)
    assert nobody["items"] == [] and nobody["parties"] == []


def test_search_metadataFragment_caseInsensitive(mirror: Mirror) -> None:
    corrected = hex32(mirror.ids["asset"])
    detail = mirror.api.get(f"/assets/{corrected}").json()
    assert detail["metadata_uri"] == "ipfs://metadata-v2"
    for text in ("metadata-v2", "METADATA-V2", "ta-v"):
        body = _search(mirror, text)
        assert [hit["asset"]["asset"] for hit in body["items"]] == [corrected]
        assert body["items"][0]["metadata_uri"] == "ipfs://metadata-v2"
        assert body["items"][0]["matched"] == ["metadata"]
    every = walk(mirror.api, "/search", limit=7, q="ipfs://")
    assert [hit["asset"]["asset"] for hit in every] == [a["asset"] for a in _assets(mirror)]
    # LIKE wildcards in the text are matched literally.
    assert _search(mirror, "ipfs%metadata")["items"] == []
    assert _search(mirror, "no-such-name")["items"] == []


def test_search_effectiveStatusAsInTheCatalogue(mirror: Mirror) -> None:
    statuses = {a["asset"]: a["effective_status"] for a in _assets(mirror)}
    for hit in walk(mirror.api, "/search", limit=50, q="ipfs"):
        assert hit["asset"]["effective_status"] == statuses[hit["asset"]["asset"]]


def test_search_badInput_problemBodies(mirror: Mirror) -> None:
    api = mirror.api
    for text, words in (
        ("", "empty"),
        ("   ", "empty"),
        ("x", "too short"),
        ("0xab12", "too short"),
        ("0x", "too short"),
        ("q" * 201, "at most 200"),
    ):
        body = problem(api.get("/search", params={"q": text}), 400, "bad-request")
        assert words in body["detail"], body
    problem(api.get("/search"), 422, "invalid-request")
    problem(api.get("/search", params={"q": "ipfs", "limit": 0}), 422, "invalid-request")
    problem(api.get("/search", params={"q": "ipfs", "cursor": "not-a-cursor"}), 400, "bad-request")
    late = api.get("/search", params={"q": "ipfs", "min_block": mirror.indexed + 1000})
    assert problem(late, 409, "not-indexed-yet")["indexed_block"] == mirror.indexed
