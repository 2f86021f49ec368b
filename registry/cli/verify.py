"""`datarights verify FILE`: a buyer's provenance checklist for a file, read from the mirror."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from registry.cli.common import CliState, InputError, cli_state, command_help, existing_file
from registry.cli.mirror import mirror_session
from registry.cli.trustless import print_trustless, run_trustless
from registry.commitments import MerkleProof, proof_from_json
from registry.lineage.trace import ChainRef
from registry.verify import ProvenanceReport, report_from_file

EXIT_MISMATCH = 1
EXIT_DISAGREES = 3

VERIFY_HELP = command_help(
    "Verify a file: which asset it is, its rights, its seller, its sources and disputes.",
    "Streams the file once (SHA-256) and reads the indexed mirror: the registered asset, whether "
    "the bytes match, who holds each right and since which block, whether --seller holds an "
    "operating right in force, the upstream lineage with the authorization behind each edge, and "
    "open or upheld disputes upstream; every fact names the block and transaction that prove it. "
    "With --record N --proof PROOF.json, record N of the file is also checked against the "
    "registered Merkle root. Exits 1 when the bytes do not match or the asset is unknown. "
    "With --trustless every fact of the report is re-checked over the chain's JSON-RPC alone "
    "(view calls, event logs, receipts; the file re-hashed here against the on-chain Merkle "
    "root) and each disagreement is named with the mirror's value and the chain's (exit 3); "
    "without a reachable mirror, or with --chain-only, the facts are read from the chain alone.",
    "datarights verify congestion-index.csv --seller 0x90F79bf6EB2c4f870365E785982E1f101E93b906",
)


def verify_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The file to verify.")],
    seller: Annotated[
        str | None, typer.Option("--seller", help="Account that offers the file.")
    ] = None,
    record: Annotated[
        int | None, typer.Option("--record", min=0, help="Check record N (0-based).")
    ] = None,
    proof: Annotated[
        Path | None, typer.Option("--proof", help="The record's Merkle proof (JSON).")
    ] = None,
    json_flag: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    trustless: Annotated[
        bool, typer.Option("--trustless", help="Re-check every fact against the chain.")
    ] = False,
    chain_only: Annotated[
        bool, typer.Option("--chain-only", help="Trustless, without reading the mirror at all.")
    ] = False,
) -> None:
    state: CliState = cli_state(ctx)
    existing_file(file)
    claim = _record_claim(record, proof)
    if trustless or chain_only:
        _verify_trustless(state, file, seller, claim, chain_only, json_flag or state.json_output)
        return
    with mirror_session(state.settings) as session:
        try:
            report = report_from_file(
                session,
                file,
                seller=seller,
                record=None if claim is None else (claim[0], claim[1]),
                proof_root=None if claim is None else claim[2],
            )
        except IndexError as exc:
            raise InputError(str(exc)) from None
    if json_flag or state.json_output:
        typer.echo(json.dumps(report.as_json(), indent=2))
    else:
        print_checklist(Console(highlight=False, soft_wrap=True), report)
    if not report.registered or not report.bytes.matches:
        raise typer.Exit(EXIT_MISMATCH)


def _verify_trustless(
    state: CliState,
    file: Path,
    seller: str | None,
    claim: tuple[int, MerkleProof, bytes] | None,
    chain_only: bool,
    as_json: bool,
) -> None:
    console = Console(highlight=False, soft_wrap=True, stderr=as_json)
    try:
        result = run_trustless(
            state, file, seller=seller, claim=claim, chain_only=chain_only, console=console
        )
    except IndexError as exc:
        raise InputError(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(result.as_json(), indent=2))
    elif result.mirror_used:
        print_trustless(console, result)
    else:
        print_checklist(console, result.chain, source="chain")
        print_trustless(console, result)
    for check in result.disagreements:
        typer.echo(f"disagreement: {check.line()}", err=True)
    if result.disagreements:
        raise typer.Exit(EXIT_DISAGREES)
    if not result.bytes_match:
        raise typer.Exit(EXIT_MISMATCH)


def _record_claim(record: int | None, proof: Path | None) -> tuple[int, MerkleProof, bytes] | None:
    if record is None and proof is None:
        return None
    if record is None or proof is None:
        raise InputError("--record and --proof go together")
    try:
        root, _leaf, parsed = proof_from_json(existing_file(proof, "proof").read_text())
    except ValueError as exc:
        raise InputError(f"proof {proof}: {exc}") from None
    if parsed.index != record:
        raise InputError(f"proof {proof} is for record {parsed.index}, not record {record}")
    return record, parsed, root


# ---------------------------------------------------------------- the checklist


def _ok(flag: bool) -> str:
    return "[bold green]✓[/]" if flag else "[bold red]✗[/]"


def _at(ref: ChainRef) -> str:
    return f"[dim](block {ref.block}, tx {ref.tx_hash})[/]"


def print_checklist(console: Console, report: ProvenanceReport, source: str = "mirror") -> None:
    """The report as a checklist, one fact a line with the block and tx that prove it."""
    console.print(f"[bold]{report.sha256}[/]  [dim]{source} at block {report.indexed_block}[/]")
    asset = report.asset
    if asset is None:
        console.print(f"{_ok(False)} {report.bytes.reason}")
        return
    console.print(
        f"{_ok(True)} registered as {asset.registration_number} ({asset.kind}, "
        f"{asset.derived_status}) by {asset.registrant} {_at(asset.registered)}"
    )
    console.print(f"{_ok(report.bytes.matches)} bytes: {report.bytes.reason}")
    for fact in report.rights:
        console.print(
            f"{_ok(fact.status == 'effective')} {fact.right} right: certificate "
            f"{fact.certificate_id} held by {fact.holder} ({fact.status}) since {_at(fact.since)}"
        )
    if not any(f.right == "holding" for f in report.rights):
        console.print(f"{_ok(False)} no holding certificate over this asset")
    if report.seller is not None:
        since = "" if report.seller.since is None else f" {_at(report.seller.since)}"
        console.print(
            f"{_ok(report.seller.active)} seller {report.seller.seller}: "
            f"{report.seller.reason}{since}"
        )
    _print_lineage(console, report)
    _print_disputes(console, report)


def _print_lineage(console: Console, report: ProvenanceReport) -> None:
    if report.lineage is None:
        return
    edges = report.lineage.edges
    valid = all(e.valid_at_derivation for e in edges)
    console.print(f"{_ok(valid)} upstream lineage: {len(edges)} derivation edges")
    names = {n.asset: n.registration_number for n in report.lineage.nodes}
    for e in edges:
        now = "" if e.status_now == "effective" else f", now {e.status_now}"
        console.print(
            f"    {_ok(e.valid_at_derivation)} {names.get(e.input_asset, e.input_asset)} -> "
            f"{names.get(e.product, e.product)} under {e.auth_kind} {e.auth_id}: "
            f"{e.status_at_derivation} when used{now} {_at(e.derived)}"
        )


def _print_disputes(console: Console, report: ProvenanceReport) -> None:
    if not report.disputes:
        console.print(f"{_ok(True)} no open or upheld disputes upstream")
        return
    for d in report.disputes:
        console.print(
            f"{_ok(False)} dispute {d.dispute_id} {d.status} on {d.subject_kind} {d.subject} "
            f"(asset {d.asset}) raised {_at(d.raised)}, last change {_at(d.latest)}"
        )
