"""Asset registration on a real chain: the packed core, the full record in the event, the
classification rules, bulk registration up to MAX_BULK, and metadata corrections."""

from __future__ import annotations

from dataclasses import replace

import pytest
from web3 import Web3

from registry import model
from registry.chain.client import ROLES, RegistryClient
from registry.chain.contract_errors import (
    AccessControlUnauthorizedAccount,
    AssetAlreadyRegistered,
    AssetNotFound,
    BatchSizeInvalid,
    ContentHashMissing,
    MerkleCommitmentInvalid,
    OpenClassInvalid,
    PartyNotAdmitted,
)
from registry.chain.deploy import RIGHTS
from tests.integration.conftest import Actors
from tests.integration.scenario import h, record

MAX_BULK = 256


def block_time(w3: Web3, block_number: int) -> int:
    return int(w3.eth.get_block(block_number)["timestamp"])


def register_batch(client: RegistryClient, records: list[model.AssetRecord]) -> object:
    """One `registerResources` transaction, whatever the size (the client would split it)."""
    return client.write(RIGHTS, "registerResources", [r.to_abi() for r in records])


# ---------------------------------------------------------------- one resource


def test_registerResource_storesPackedCoreAndEmitsAssetRegistered(actors: Actors) -> None:
    bureau = actors.bureau
    raw = record(
        category=model.Category.PUBLIC,
        grade=model.Grade.IMPORTANT,
        open_class=model.OpenClass.UNCONDITIONAL,
        domain=4821,
    )

    created = bureau.register_resource(raw)

    registered_at = block_time(bureau.w3, created.result.block_number)
    assert created.id == raw.content_hash
    assert bureau.asset_core(raw.content_hash) == model.AssetCore(
        registrant=bureau.account,
        registered_at=registered_at,
        domain=4821,
        kind=model.AssetKind.RESOURCE,
        category=model.Category.PUBLIC,
        grade=model.Grade.IMPORTANT,
        open_class=model.OpenClass.UNCONDITIONAL,
        status=model.AssetStatus.ACTIVE,
    )
    assert created.result.event("AssetRegistered") == {
        "asset": raw.content_hash,
        "registrant": bureau.account,
        "sequence": 1,
        "kind": int(model.AssetKind.RESOURCE),
        "registeredAt": registered_at,
        "record": raw,
    }
    assert bureau.asset_count() == 1


def test_registerResource_sequencesAreConsecutiveAcrossRegistrants(actors: Actors) -> None:
    sequences = [
        client.register_resource(record()).result.event("AssetRegistered")["sequence"]
        for client in (actors.bureau, actors.operator, actors.bureau, actors.buyer)
    ]
    assert sequences == [1, 2, 3, 4]
    assert actors.admin.asset_count() == 4


def test_registerResource_unregisteredAssetHasEmptyCore(actors: Actors) -> None:
    core = actors.bureau.asset_core(h("never registered"))
    assert core.status == model.AssetStatus.NONE
    assert core.registered_at == 0


@pytest.mark.parametrize("second", ["bureau", "other"])
def test_registerResource_revertsWithAssetAlreadyRegistered(actors: Actors, second: str) -> None:
    raw = record()
    actors.bureau.register_resource(raw)
    client: RegistryClient = getattr(actors, second)
    relabelled = replace(raw, metadata_uri="ipfs://another-label", domain=99)

    with pytest.raises(AssetAlreadyRegistered) as err:
        client.register_resource(relabelled)
    assert err.value.args == {"asset": raw.content_hash}
    assert actors.bureau.asset_core(raw.content_hash).registrant == actors.bureau.account
    assert actors.bureau.asset_count() == 1


def test_registerResource_revertsWithContentHashMissing(actors: Actors) -> None:
    with pytest.raises(ContentHashMissing) as err:
        actors.bureau.register_resource(replace(record(), content_hash=model.ZERO32))
    assert err.value.args == {}
    assert actors.bureau.asset_count() == 0


@pytest.mark.parametrize(
    ("merkle_root", "leaf_count"),
    [(model.ZERO32, 4), (h("root"), 0)],
    ids=["leaves-without-root", "root-without-leaves"],
)
def test_registerResource_revertsWithMerkleCommitmentInvalid(
    actors: Actors, merkle_root: bytes, leaf_count: int
) -> None:
    raw = replace(record(), merkle_root=merkle_root, leaf_count=leaf_count)
    with pytest.raises(MerkleCommitmentInvalid) as err:
        actors.bureau.register_resource(raw)
    assert err.value.args == {"asset": raw.content_hash}


@pytest.mark.parametrize("leaf_mode", [model.LeafMode.CHUNKS, model.LeafMode.RECORDS])
def test_registerResource_acceptsConsistentMerkleCommitment(
    actors: Actors, leaf_mode: model.LeafMode
) -> None:
    raw = replace(record(), merkle_root=h("root over records"), leaf_count=1, leaf_mode=leaf_mode)
    created = actors.bureau.register_resource(raw)
    assert created.result.event("AssetRegistered")["record"] == raw


def test_registerResource_acceptsNoMerkleCommitment(actors: Actors) -> None:
    raw = replace(record(), merkle_root=model.ZERO32, leaf_count=0)
    created = actors.bureau.register_resource(raw)
    assert created.result.event("AssetRegistered")["record"] == raw


@pytest.mark.parametrize(
    "open_class",
    [model.OpenClass.UNCONDITIONAL, model.OpenClass.CONDITIONAL, model.OpenClass.NOT_OPEN],
)
def test_registerResource_publicWithOpenClass(actors: Actors, open_class: model.OpenClass) -> None:
    raw = record(category=model.Category.PUBLIC, open_class=open_class)
    actors.bureau.register_resource(raw)
    assert actors.bureau.asset_core(raw.content_hash).open_class == open_class


@pytest.mark.parametrize(
    ("category", "open_class"),
    [
        (model.Category.PUBLIC, model.OpenClass.NOT_APPLICABLE),
        (model.Category.ENTERPRISE, model.OpenClass.UNCONDITIONAL),
        (model.Category.ENTERPRISE, model.OpenClass.CONDITIONAL),
        (model.Category.PERSONAL, model.OpenClass.NOT_OPEN),
    ],
)
def test_registerResource_revertsWithOpenClassInvalid(
    actors: Actors, category: model.Category, open_class: model.OpenClass
) -> None:
    raw = record(category=category, open_class=open_class)
    with pytest.raises(OpenClassInvalid) as err:
        actors.bureau.register_resource(raw)
    assert err.value.args == {"asset": raw.content_hash}


@pytest.mark.parametrize("category", [model.Category.ENTERPRISE, model.Category.PERSONAL])
def test_registerResource_nonPublicWithNotApplicable(
    actors: Actors, category: model.Category
) -> None:
    raw = record(category=category)
    actors.bureau.register_resource(raw)
    assert actors.bureau.asset_core(raw.content_hash).open_class == model.OpenClass.NOT_APPLICABLE


@pytest.mark.parametrize("caller", ["outsider", "reviewer"])
def test_registerResource_revertsWithPartyNotAdmitted(actors: Actors, caller: str) -> None:
    client: RegistryClient = getattr(actors, caller)
    with pytest.raises(PartyNotAdmitted) as err:
        client.register_resource(record())
    assert err.value.args == {"account": client.account}


# ---------------------------------------------------------------- bulk


def _assert_bulk(actors: Actors, n: int) -> None:
    bureau = actors.bureau
    bureau.register_resource(record())
    records = [record(domain=i % 97) for i in range(n)]

    (result,) = bureau.register_resources(records, per_tx=n)

    events = result.all("AssetRegistered")
    registered_at = block_time(bureau.w3, result.block_number)
    assert [e["sequence"] for e in events] == list(range(2, n + 2))
    assert [e["record"] for e in events] == records
    assert {e["registrant"] for e in events} == {bureau.account}
    assert {e["registeredAt"] for e in events} == {registered_at}
    assert bureau.asset_count() == n + 1
    for r in (records[0], records[n // 2], records[-1]):
        core = bureau.asset_core(r.content_hash)
        assert (core.registrant, core.domain, core.status) == (
            bureau.account,
            r.domain,
            model.AssetStatus.ACTIVE,
        )


def test_registerResources_registersHundredInOneTransaction(actors: Actors) -> None:
    _assert_bulk(actors, 100)


def test_registerResources_registersMaxBulkInOneTransaction(actors: Actors) -> None:
    _assert_bulk(actors, MAX_BULK)


def test_registerResources_constantMaxBulk(actors: Actors) -> None:
    assert actors.bureau.read(RIGHTS, "MAX_BULK") == MAX_BULK


@pytest.mark.parametrize("size", [0, MAX_BULK + 1])
def test_registerResources_revertsWithBatchSizeInvalid(actors: Actors, size: int) -> None:
    with pytest.raises(BatchSizeInvalid) as err:
        register_batch(actors.bureau, [record() for _ in range(size)])
    assert err.value.args == {"size": size, "maxEntries": MAX_BULK}
    assert actors.bureau.asset_count() == 0


def test_registerResources_duplicateInsideBatchRevertsWholeBatch(actors: Actors) -> None:
    actors.bureau.register_resource(record())
    records = [record() for _ in range(10)]
    batch = [*records, replace(records[3], metadata_uri="ipfs://copy")]

    with pytest.raises(AssetAlreadyRegistered) as err:
        register_batch(actors.bureau, batch)
    assert err.value.args == {"asset": records[3].content_hash}
    assert actors.bureau.asset_count() == 1
    for r in records:
        assert actors.bureau.asset_core(r.content_hash).status == model.AssetStatus.NONE


def test_registerResources_alreadyRegisteredAssetRevertsWholeBatch(actors: Actors) -> None:
    taken = record()
    actors.other.register_resource(taken)
    fresh = [record() for _ in range(5)]

    with pytest.raises(AssetAlreadyRegistered) as err:
        register_batch(actors.bureau, [*fresh, taken])
    assert err.value.args == {"asset": taken.content_hash}
    assert actors.bureau.asset_count() == 1
    assert actors.bureau.asset_core(fresh[0].content_hash).status == model.AssetStatus.NONE


def test_registerResources_invalidRecordRevertsWholeBatch(actors: Actors) -> None:
    good = [record() for _ in range(3)]
    bad = record(category=model.Category.PUBLIC, open_class=model.OpenClass.NOT_APPLICABLE)
    with pytest.raises(OpenClassInvalid) as err:
        register_batch(actors.bureau, [*good, bad])
    assert err.value.args == {"asset": bad.content_hash}
    assert actors.bureau.asset_count() == 0


def test_registerResources_revertsWithPartyNotAdmitted(actors: Actors) -> None:
    with pytest.raises(PartyNotAdmitted) as err:
        register_batch(actors.outsider, [record()])
    assert err.value.args == {"account": actors.outsider.account}


# ---------------------------------------------------------------- corrections


def test_correctAsset_emitsAssetCorrectedAndKeepsCore(actors: Actors) -> None:
    raw = record()
    actors.bureau.register_resource(raw)
    core = actors.bureau.asset_core(raw.content_hash)

    result = actors.admin.correct_asset(
        raw.content_hash, h("corrected metadata"), "ipfs://corrected", h("wrong field names")
    )

    assert result.event("AssetCorrected") == {
        "asset": raw.content_hash,
        "registrar": actors.admin.account,
        "metadataHash": h("corrected metadata"),
        "metadataURI": "ipfs://corrected",
        "reasonHash": h("wrong field names"),
    }
    assert actors.bureau.asset_core(raw.content_hash) == core


@pytest.mark.parametrize("caller", ["bureau", "other", "reviewer", "arbitrator", "outsider"])
def test_correctAsset_revertsWithAccessControlUnauthorizedAccount(
    actors: Actors, caller: str
) -> None:
    raw = record()
    actors.bureau.register_resource(raw)
    client: RegistryClient = getattr(actors, caller)
    with pytest.raises(AccessControlUnauthorizedAccount) as err:
        client.correct_asset(raw.content_hash, h("meta"), "ipfs://x", h("reason"))
    assert err.value.args == {"account": client.account, "neededRole": ROLES["registrar"]}


def test_correctAsset_revertsWithAssetNotFound(actors: Actors) -> None:
    with pytest.raises(AssetNotFound) as err:
        actors.admin.correct_asset(h("unknown"), h("meta"), "ipfs://x", h("reason"))
    assert err.value.args == {"asset": h("unknown")}
