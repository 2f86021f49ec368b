"""Parties: admission record, credit counters, rights held now and at a past block, grants."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.deps import EngineDep, MinBlock, SessionDep, indexed_block
from api.errors import NotIndexedError
from api.identifiers import enum_name, parse_address
from api.routers.grants import grant_out
from api.schemas import GrantOut, HeldRight, PartyOut, Problem
from registry import model
from registry.db.tables import CertificateHolderRow, CertificateRow, GrantRow, PartyRow, table_of
from registry.errors import NotFoundError
from registry.indexer.derived import (
    TaintClosure,
    certificate_status,
    taint_closure,
    version_at,
    versions_at,
)

router = APIRouter(
    prefix="/parties",
    tags=["parties"],
    dependencies=[MinBlock],
    responses={400: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}},
)


def _held(session: Session, account: str, block: int | None) -> list[HeldRight]:
    """Certificates `account` held at `block` (None: now), with their status at that block."""
    closure = taint_closure(session, block)
    held = []
    for h in sorted(
        versions_at(session, CertificateHolderRow, block, holder=account),
        key=lambda r: int(r["certificate_id"]),
    ):
        cid = int(h["certificate_id"])
        c = version_at(session, CertificateRow, block, certificate_id=cid)
        if c is None:
            continue
        held.append(
            HeldRight(
                certificate_id=cid,
                asset=c["asset"],
                right=enum_name(model.Right, c["right"]),
                status=enum_name(model.CertificateStatus, c["status"]),
                effective_status=certificate_status(session, cid, block, closure),
            )
        )
    return held


def _grants(session: Session, column: str, account: str, closure: TaintClosure) -> list[GrantOut]:
    t = table_of(GrantRow)
    query = (
        select(t).where(t.c.to_block.is_(None), t.c[column] == account).order_by(t.c.grant_id)
    )
    return [grant_out(session, dict(r), closure) for r in session.execute(query).mappings()]


@router.get("/{address}", summary="A party: admission, credit, rights held, grants")
def get_party(
    session: SessionDep,
    engine: EngineDep,
    address: Annotated[str, Path(examples=["0x90F79bf6EB2c4f870365E785982E1f101E93b906"])],
    at_block: Annotated[
        int | None, Query(ge=0, description="Also list the rights it held at this past block.")
    ] = None,
) -> PartyOut:
    account = parse_address(address)
    if at_block is not None:
        indexed = indexed_block(engine)
        if indexed is None or at_block > indexed:
            raise NotIndexedError(wanted=at_block, indexed=indexed)
    party = version_at(session, PartyRow, None, account=account)
    closure = taint_closure(session)
    rights_now = _held(session, account, None)
    given = _grants(session, "grantor", account, closure)
    received = _grants(session, "grantee", account, closure)
    if party is None and not (rights_now or given or received):
        raise NotFoundError(f"no party {account}: never admitted and holds nothing")
    record = party or {}
    return PartyOut(
        account=account,
        kind=None if party is None else enum_name(model.PartyKind, record["kind"]),
        admitted=bool(record.get("admitted", False)),
        suspended=bool(record.get("suspended", False)),
        admitted_at=int(record.get("admitted_at", 0)),
        admitted_by=str(record.get("admitted_by", "")),
        identity_commitment=str(record.get("identity_commitment", "")),
        credit={
            "disputes_lost": int(record.get("disputes_lost", 0)),
            "objections_upheld": int(record.get("objections_upheld", 0)),
        },
        rights_now=rights_now,
        at_block=at_block,
        rights_at_block=None if at_block is None else _held(session, account, at_block),
        grants_given=given,
        grants_received=received,
    )
