"""`datarights export`: standard documents from the indexed mirror (VC 2.0, ODRL 2.2, DCAT 3,
PROV-JSON), to stdout or a file."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from registry.cli.common import InputError, cli_state, command_help, parse_int_id
from registry.cli.mirror import mirror_session
from registry.cli.trace import trace_mirror
from registry.export import certificate_credential, grant_agreement, stream_catalog
from registry.export.chain_facts import registry_of
from registry.lineage import DIRECTIONS, Direction, to_prov_json

app = typer.Typer(
    help="Export standard documents from the indexed mirror: a certificate as a W3C Verifiable "
    "Credential 2.0, a grant as an ODRL 2.2 Agreement, the catalogue as DCAT 3, a lineage as W3C "
    "PROV-JSON. Their JSON-LD contexts are bundled (see docs/EXPORTS.md).",
    no_args_is_help=True,
)

OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write to FILE (whole, once complete) instead of stdout."),
]


def _write(out: Path | None, chunks: Iterable[str]) -> None:
    """Send the text to stdout, or to `out` through a side file renamed once complete."""
    if out is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    if not out.parent.is_dir():
        raise InputError(f"cannot write {out}: the directory {out.parent} does not exist")
    partial = out.with_name(out.name + ".part")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


def _document(document: dict[str, Any]) -> list[str]:
    return [json.dumps(document, indent=2, ensure_ascii=False), "\n"]


def _export_record(
    ctx: typer.Context,
    text: str,
    *,
    what: str,
    build: Callable[[Session, int], dict[str, Any]],
    out: Path | None,
) -> None:
    """Export one certificate or grant, by id, from the mirror."""
    state = cli_state(ctx)
    record_id = parse_int_id(text, f"{what} id")
    with mirror_session(state.settings) as session:
        document = build(session, record_id)
    _write(out, _document(document))


@app.command(
    "credential",
    **command_help(
        "Export a certificate as a W3C Verifiable Credential 2.0 (JSON-LD).",
        "The issuer is the registry (its RightsRegistry contract as a did:pkh), the subject the "
        "holder with the right and the asset. The credential is unsecured: the chain is the "
        "proof, and its evidence names the block and transaction of every fact.",
        "datarights export credential 3 --out certificate-3.vc.json",
    ),
)
def credential(
    ctx: typer.Context,
    certificate: Annotated[str, typer.Argument(help="Certificate id.")],
    out: OutOption = None,
) -> None:
    _export_record(ctx, certificate, what="certificate", build=certificate_credential, out=out)


@app.command(
    "odrl",
    **command_help(
        "Export a grant as an ODRL 2.2 Agreement (JSON-LD).",
        "Grantor as assigner, grantee as assignee, the asset as target; the granted right's "
        "actions constrained to the term, purpose, scenario and data scope; sub-granting "
        "permitted or prohibited; the end-of-term duty as an obligation.",
        "datarights export odrl 2",
    ),
)
def odrl(
    ctx: typer.Context,
    grant: Annotated[str, typer.Argument(help="Grant id.")],
    out: OutOption = None,
) -> None:
    _export_record(ctx, grant, what="grant", build=grant_agreement, out=out)


@app.command(
    "catalog",
    **command_help(
        "Export the whole catalogue as a DCAT 3 Catalog (JSON-LD), streamed.",
        "One dataset per registered asset, in registration order, read and written a batch at a "
        "time so a catalogue of any size never sits in memory.",
        "datarights export catalog --out catalog.jsonld",
    ),
)
def catalog_command(ctx: typer.Context, out: OutOption = None) -> None:
    state = cli_state(ctx)
    with mirror_session(state.settings) as session:
        _write(out, stream_catalog(session, registry_of(session)))


@app.command(
    "prov",
    **command_help(
        "Export an asset's lineage as W3C PROV-JSON.",
        "ASSET is the asset id (its content SHA-256) or its registration number. Assets are "
        "entities, derivations activities, registrants agents; each use names the grant or "
        "certificate behind it and whether it was in force at the derivation block.",
        "datarights export prov DR-31337-2026-000042 --direction both --depth 5",
    ),
)
def prov(
    ctx: typer.Context,
    asset: Annotated[str, typer.Argument(help="Asset id (0x SHA-256) or registration number.")],
    direction: Annotated[
        str, typer.Option("--direction", help="up (sources), down (products) or both.")
    ] = "up",
    depth: Annotated[int, typer.Option("--depth", min=0, max=1000, help="Most edges.")] = 10,
    out: OutOption = None,
) -> None:
    state = cli_state(ctx)
    if direction not in DIRECTIONS:
        raise InputError(f"--direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    chosen: Direction = direction
    graph = trace_mirror(state.settings, asset, direction=chosen, depth=depth)
    _write(out, _document(to_prov_json(graph)))
