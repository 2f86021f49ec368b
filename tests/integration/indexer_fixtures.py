"""Fixtures and helpers for the indexer tests: databases (SQLite and PostgreSQL), a scenario
that emits every registry event, a canonical dump of the mirror and a subprocess runner.

Import the fixtures into a test module with `from tests.integration.indexer_fixtures import *`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlmodel import SQLModel

from registry import model
from registry.chain.deploy import GRANT_DESK, RIGHTS
from registry.chain.deployments import Deployment, save
from registry.chain.keys import dev_account
from registry.chain.signed_grants import sign_grant, typed_data
from registry.config import Settings
from registry.db.engine import make_engine
from registry.db.tables import BlockRow, EventLogRow, IndexStateRow
from registry.indexer.indexer import Indexer
from tests.integration.conftest import Actors
from tests.integration.scenario import (
    NOTICE,
    YEAR,
    certify,
    certify_own_name,
    h,
    now,
    record,
    terms,
    travel,
)

POSTGRES_URL = os.environ.get(
    "DATARIGHTS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_postgres_state: dict[str, bool] = {}


def postgres_reachable() -> bool:
    if "ok" not in _postgres_state:
        try:
            engine = make_engine(POSTGRES_URL)
            with engine.connect() as connection:
                connection.execute(text("select 1"))
            engine.dispose()
            _postgres_state["ok"] = True
        except Exception as exc:  # any driver or network failure means "not reachable"
            print(f"\nPostgreSQL not reachable at {POSTGRES_URL}: {exc}")
            _postgres_state["ok"] = False
    return _postgres_state["ok"]


class Databases:
    """Makes fresh, empty databases of one kind; each PostgreSQL one is its own schema."""

    def __init__(self, kind: str, tmp_path: Path) -> None:
        self.kind = kind
        self.tmp_path = tmp_path
        self.schemas: list[str] = []
        self.engines: list[Engine] = []

    def url(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmp_path / f'mirror-{uuid.uuid4().hex[:8]}.db'}"
        schema = f"idx_{uuid.uuid4().hex[:12]}"
        admin = make_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f'create schema "{schema}"'))
        admin.dispose()
        self.schemas.append(schema)
        return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"

    def engine(self, url: str | None = None) -> Engine:
        engine = make_engine(url or self.url())
        self.engines.append(engine)
        return engine

    def drop_all(self) -> None:
        for engine in self.engines:
            engine.dispose()
        if not self.schemas:
            return
        admin = make_engine(POSTGRES_URL)
        with admin.begin() as connection:
            for schema in self.schemas:
                connection.execute(text(f'drop schema if exists "{schema}" cascade'))
        admin.dispose()


@pytest.fixture(name="databases", params=["sqlite", "postgresql"])
def databases_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    """Fresh databases on SQLite and, when it is reachable, on PostgreSQL."""
    if request.param == "postgresql" and not postgres_reachable():
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}: PostgreSQL run skipped")
    dbs = Databases(request.param, tmp_path)
    yield dbs
    dbs.drop_all()


def make_indexer(engine: Engine, actors: Actors, **options: Any) -> Indexer:
    indexer = Indexer(engine, actors.admin.w3, actors.admin.deployment, **options)
    indexer.prepare()
    return indexer


# ---------------------------------------------------------------- canonical dump

_SKIP_TABLES = {table_of_name for table_of_name in ("blocks",)}


def canonical_dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every mirrored row without surrogate ids, sorted: equal dumps mean equal mirrors."""
    dump: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for name, table in sorted(SQLModel.metadata.tables.items()):
            if name in _SKIP_TABLES:
                continue
            columns = [c for c in table.columns if c.name not in ("id", "updated_at")]
            rows = connection.execute(select(*columns)).all()
            dump[name] = sorted((tuple(_comparable(v) for v in row) for row in rows), key=repr)
    return dump


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        return repr(sorted(value.items()))
    return value


def canonical_digest(engine: Engine) -> str:
    """SHA-256 of the canonical dump serialized deterministically: equal digests, equal mirrors."""
    serialized = json.dumps(canonical_dump(engine), sort_keys=True, default=repr)
    return hashlib.sha256(serialized.encode()).hexdigest()


def table_counts(engine: Engine) -> dict[str, int]:
    return {name: len(rows) for name, rows in canonical_dump(engine).items()}


def indexed_block(engine: Engine) -> int:
    with engine.connect() as connection:
        state = connection.execute(select(IndexStateRow.last_block)).scalar_one()  # type: ignore[call-overload]
        return int(state)


def indexed_or_none(engine: Engine) -> int | None:
    """The indexed block, or None while an indexer process has not created the mirror yet."""
    try:
        return indexed_block(engine)
    except Exception:  # no schema yet: the first run was killed early, or has not started
        return None


def wait_for_progress(engine: Engine, *, beyond: int | None, timeout: float = 30.0) -> bool:
    """Wait until the mirror is indexed past `beyond` (any block when None); False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = indexed_or_none(engine)
        if now is not None and (beyond is None or now > beyond):
            return True
        time.sleep(0.05)
    return False


__all__ = [
    "BlockRow",
    "Databases",
    "EventLogRow",
    "canonical_digest",
    "canonical_dump",
    "databases_fixture",
    "every_event_scenario",
    "indexed_block",
    "indexed_or_none",
    "make_indexer",
    "own_name_scenario",
    "postgres_reachable",
    "run_indexer_process",
    "table_counts",
    "wait_for_progress",
    "write_settings",
]


# ---------------------------------------------------------------- rights in one's own name


def own_name_scenario(actors: Actors) -> dict[str, Any]:
    """Own-name certificates whose holding certificates end in each way: revoked by a ruling
    (with a product made under the own-name processing right), transferred away and cancelled;
    plus one whose holding certificate stays. Returns the ids it created."""
    bureau, admin, other = actors.bureau, actors.admin, actors.other
    processing_right, operating_right = model.Right.PROCESSING, model.Right.OPERATING
    ids: dict[str, Any] = {"revoked_asset": bureau.register_resource(record()).id}
    ids["revoked_holding"], ids["processing"] = certify_own_name(
        bureau, admin, ids["revoked_asset"], processing_right
    )
    use = model.InputUse(ids["revoked_asset"], model.AuthKind.CERTIFICATE, ids["processing"])
    ids["product"] = bureau.register_product(record(), [use]).id
    for name in ("sold", "cancelled", "kept"):
        asset = bureau.register_resource(record()).id
        ids[f"{name}_holding"], ids[f"{name}_operating"] = certify_own_name(
            bureau, admin, asset, operating_right
        )
    bureau.transfer_certificate(ids["sold_holding"], actors.buyer.account, h("sale"))
    bureau.cancel_certificate(ids["cancelled_holding"], h("注销"))
    dispute = other.raise_dispute(
        model.SubjectKind.CERTIFICATE, ids["revoked_holding"], h("the data is ours")
    ).id
    admin.assign_arbitrator(dispute, actors.arbitrator.account)
    actors.arbitrator.rule(dispute, True, h("claim upheld"))
    return ids


# ---------------------------------------------------------------- a subprocess indexer


def write_settings(
    tmp_path: Path, deployment: Deployment, rpc_url: str, db_url: str
) -> dict[str, str]:
    """Environment for `python -m registry.indexer` against this deployment and database."""
    data_dir = tmp_path / "data"
    save(Settings(data_dir=data_dir), deployment)
    return {
        **os.environ,
        "DATARIGHTS_DATA_DIR": str(data_dir),
        "DATARIGHTS_RPC_URL": rpc_url,
        "DATARIGHTS_DATABASE_URL": db_url,
    }


def run_indexer_process(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "registry.indexer", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


# ---------------------------------------------------------------- a scenario with every event


def every_event_scenario(actors: Actors) -> dict[str, Any]:
    """Emit every registry event at least once; returns the ids it created."""
    ids: dict[str, Any] = {}
    _governance(actors)
    ids.update(_assets_and_certificates(actors))
    ids.update(_grants(actors, ids))
    ids.update(_evidence_and_disputes(actors, ids))
    return ids


def _governance(actors: Actors) -> None:
    admin = actors.admin
    admin.set_policy(model.Policy(NOTICE, 3 * YEAR, 5 * YEAR, 3))
    admin.set_domain_restricted(99, True)
    admin.set_domain_restricted(99, False)
    admin.set_category_restricted(model.Category.PERSONAL, True)
    admin.set_category_restricted(model.Category.PERSONAL, False)
    admin.grant_role("reviewer", actors.other.account)
    admin.revoke_role("reviewer", actors.other.account)
    admin.suspend_party(actors.other.account, h("late fees"))
    admin.reinstate_party(actors.other.account, h("paid"))


def _assets_and_certificates(actors: Actors) -> dict[str, Any]:
    bureau, admin, buyer, other = actors.bureau, actors.admin, actors.buyer, actors.other
    asset = bureau.register_resource(record()).id
    bureau.register_resources([record() for _ in range(5)])
    admin.correct_asset(asset, h("meta v2"), "ipfs://metadata-v2", h("typo"))
    holding = certify(bureau, admin, asset, model.Right.HOLDING)
    admin.renew_certificate(holding, now(bureau.w3) + 4 * YEAR, h("renewal"))
    admin.correct_certificate(holding, now(bureau.w3) + 3 * YEAR, h("correction"))
    # an objection that fails, then one that is upheld (rejects the application)
    operating = bureau.apply_for_certificate(asset, model.Right.OPERATING).id
    objection = other.file_objection(operating, h("not theirs")).id
    admin.resolve_objection(objection, False, h("unfounded"))
    rejected = bureau.apply_for_certificate(asset, model.Right.PROCESSING).id
    objection2 = other.file_objection(rejected, h("really not theirs")).id
    admin.resolve_objection(objection2, True, h("founded"))
    travel(bureau.w3, NOTICE)
    admin.issue_certificate(operating, 0)
    # a second asset whose holding right moves around
    asset2 = buyer.register_resource(record()).id
    moved = certify(buyer, admin, asset2, model.Right.HOLDING)
    buyer.write(RIGHTS, "approve", other.account, moved)
    buyer.write(RIGHTS, "setApprovalForAll", other.account, True)
    buyer.transfer_certificate(moved, other.account, h("sale agreement"))
    other.erc721_transfer(moved, buyer.account)
    buyer.write(RIGHTS, "setApprovalForAll", other.account, False)
    pending = buyer.apply_for_certificate(asset2, model.Right.OPERATING).id
    buyer.cancel_certificate(pending, h("withdrawn"))
    refused = buyer.apply_for_certificate(asset2, model.Right.PROCESSING).id
    admin.reject_application(refused, h("incomplete"))
    return {"asset": asset, "holding": holding, "operating": operating, "asset2": asset2}


def _grants(actors: Actors, ids: dict[str, Any]) -> dict[str, Any]:
    bureau, operator, buyer = actors.bureau, actors.operator, actors.buyer
    t0 = now(bureau.w3)
    g = bureau.grant(
        terms(
            operator.account,
            parent_id=ids["holding"],
            valid_from=t0,
            valid_until=t0 + YEAR,
            sub_grantable=True,
        )
    ).id
    sub = operator.grant(
        terms(
            buyer.account,
            parent_kind=model.AuthKind.GRANT,
            parent_id=g,
            valid_from=t0,
            valid_until=t0 + YEAR // 2,
        )
    ).id
    product = operator.register_product(
        record(), [model.InputUse(ids["asset"], model.AuthKind.GRANT, g)]
    ).id
    product2 = buyer.register_product(
        record(), [model.InputUse(ids["asset"], model.AuthKind.GRANT, sub)]
    ).id
    grant_based = certify(
        buyer, actors.admin, ids["asset"], model.Right.PROCESSING, basis_grant=sub
    )
    signed = _signed_grant(actors, ids["holding"])
    bureau.invalidate_nonce()
    _requests(actors, ids["holding"])
    revocable = bureau.grant(
        terms(actors.other.account, parent_id=ids["holding"], valid_from=t0, valid_until=t0 + YEAR)
    ).id
    bureau.revoke_grant(revocable, h("breach"))
    return {
        "grant": g,
        "sub_grant": sub,
        "product": product,
        "product2": product2,
        "grant_based_certificate": grant_based,
        "signed_grant": signed,
        "revoked_grant": revocable,
    }


def _signed_grant(actors: Actors, holding: int) -> int:
    bureau, operator = actors.bureau, actors.operator
    t0 = now(bureau.w3)
    t = terms(actors.other.account, parent_id=holding, valid_from=t0, valid_until=t0 + YEAR)
    message = typed_data(
        grantor=bureau.account,
        terms=t,
        nonce=bureau.grant_nonce(bureau.account),
        deadline=t0 + 3600,
        chain_id=bureau.w3.eth.chain_id,
        desk=bureau.address_of(GRANT_DESK),
    )
    signature = sign_grant(dev_account(3), message)
    return int(operator.submit_signed_grant(bureau.account, t, t0 + 3600, signature).id)


def _requests(actors: Actors, holding: int) -> None:
    bureau, buyer = actors.bureau, actors.buyer
    t0 = now(bureau.w3)
    asked = model.RequestTerms(
        model.AuthKind.CERTIFICATE,
        holding,
        model.Right.PROCESSING,
        h("purpose: traffic congestion analysis"),
        h("scenario: city logistics planning"),
        h("scope"),
        h("security"),
        t0,
        t0 + YEAR,
        "https://example.org/request/1",
    )
    approved = buyer.request_grant(asked).id
    bureau.approve_request(
        approved, terms(buyer.account, parent_id=holding, valid_from=t0, valid_until=t0 + YEAR)
    )
    refused = buyer.request_grant(asked).id
    bureau.refuse_request(refused, h("no"))
    withdrawn = buyer.request_grant(asked).id
    buyer.withdraw_request(withdrawn)


def _evidence_and_disputes(actors: Actors, ids: dict[str, Any]) -> dict[str, Any]:
    admin, other, arbitrator = actors.admin, actors.other, actors.arbitrator
    actors.bureau.anchor(
        h("registration file"),
        model.EvidenceType.REGISTRATION_MATERIAL,
        subject=ids["asset"],
        uri="https://example.org/doc",
    )
    actors.reviewer.anchor_batch(
        h("batch root"), 12, model.EvidenceType.REVIEW_REPORT, subject=ids["asset"]
    )
    dismissed = other.raise_dispute(model.SubjectKind.ASSET, ids["asset2"], h("claim")).id
    admin.assign_arbitrator(dismissed, arbitrator.account)
    other.submit_dispute_evidence(dismissed, h("more"))
    arbitrator.rule(dismissed, False, h("dismissed"))
    upheld = other.raise_dispute(model.SubjectKind.GRANT, ids["grant"], h("claim 2")).id
    admin.assign_arbitrator(upheld, arbitrator.account)
    arbitrator.rule(upheld, True, h("upheld"))
    admin.continue_cascade(2)
    return {"dismissed_dispute": dismissed, "upheld_dispute": upheld}
