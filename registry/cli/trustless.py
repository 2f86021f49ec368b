"""`datarights verify FILE --trustless`: the mirror's report re-checked over JSON-RPC alone."""

from __future__ import annotations

from contextlib import ExitStack
from itertools import groupby
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from registry.chain import deployments
from registry.cli.common import CliState
from registry.cli.mirror import mirror_session
from registry.commitments import MerkleProof
from registry.errors import NotFoundError
from registry.indexer.check import read_only_client
from registry.verify.trustless import Check, TrustlessResult, verify_trustless

_MARK = {"agree": "[bold green]✓[/]", "disagree": "[bold red]✗[/]", "unverifiable": "[yellow]?[/]"}
_VERDICTS = {
    "agree": "the mirror's report agrees with the chain",
    "disagree": "the mirror's report DISAGREES with the chain",
    "partly-verified": "the mirror's report agrees with the chain where the chain can tell",
    "chain-only": "facts read from the chain alone",
}


def run_trustless(
    state: CliState,
    file: Path,
    *,
    seller: str | None,
    claim: tuple[int, MerkleProof, bytes] | None,
    chain_only: bool,
    console: Console,
) -> TrustlessResult:
    """Verify against the chain, with the mirror's report when a mirror answers."""
    client = read_only_client(state.w3, deployments.load(state.settings, state.w3))
    with ExitStack() as stack:
        session = None
        if not chain_only:
            try:
                session = stack.enter_context(mirror_session(state.settings))
            except (NotFoundError, SQLAlchemyError) as exc:
                note = str(exc).splitlines()[0]
                console.print(f"[yellow]no mirror ({escape(note)}): reading the chain alone[/]")
        return verify_trustless(
            client,
            file,
            session=session,
            seller=seller,
            record=None if claim is None else (claim[0], claim[1]),
            proof_root=None if claim is None else claim[2],
            confirmations=state.settings.confirmations,
        )


def print_trustless(console: Console, result: TrustlessResult) -> None:
    """File checks, then the mirror's facts subject by subject, then the verdict."""
    console.print(
        f"[bold]{result.sha256}[/]  [dim]chain read at block {result.block} "
        f"(head {result.head})[/]"
    )
    for f in result.files:
        console.print(f"{_MARK['agree' if f.matches else 'disagree']} file: {escape(f.reason)}")
    for subject, checks in groupby(result.checks, key=lambda c: c.subject):
        _print_subject(console, subject, list(checks))
    if not result.mirror_used:
        _print_unsettled(console, result.unverifiable)
    for c in result.changed_since:
        console.print(
            f"[yellow]![/] changed on chain after block {result.block}: {escape(c.subject)}: "
            f"{c.field} {escape(str(c.mirror))} -> {escape(str(c.chain))}"
        )
    counts = ", ".join(
        f"{sum(c.outcome == o for c in result.checks)} {o}"
        for o in ("agree", "disagree", "unverifiable")
    )
    tail = f" ({counts})" if result.mirror_used else ""
    console.print(f"[bold]{_VERDICTS[result.verdict]}[/]{tail}")


def _print_unsettled(console: Console, checks: tuple[Check, ...]) -> None:
    """What the chain alone could not settle, one line per reason naming the facts."""
    for reason, same in groupby(sorted(checks, key=lambda c: c.reason), key=lambda c: c.reason):
        facts = "; ".join(f"{c.subject}: {c.field}" for c in same)
        console.print(f"{_MARK['unverifiable']} unverifiable ({escape(reason)}): {escape(facts)}")


def _print_subject(console: Console, subject: str, checks: list[Check]) -> None:
    if all(c.outcome == "agree" for c in checks):
        fields = ", ".join(c.field for c in checks)
        console.print(f"{_MARK['agree']} {escape(subject)}: [dim]{fields}[/]")
        return
    for c in checks:
        if c.outcome != "agree":
            console.print(f"{_MARK[c.outcome]} {escape(c.line())}")
    agreed = [c.field for c in checks if c.outcome == "agree"]
    if agreed:
        console.print(f"{_MARK['agree']} {escape(subject)}: [dim]{', '.join(agreed)}[/]")
