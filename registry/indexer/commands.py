"""The `index` commands: run the indexer, see how far behind it is, check the mirror, rebuild it.

Registered as `datarights index` (see `registry/cli/index.py`) and runnable on their own as
`python -m registry.indexer`.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine
from web3 import Web3

from registry.chain import deployments
from registry.chain.connect import connect
from registry.chain.deployments import Deployment
from registry.config import Settings
from registry.db.engine import database_url, make_engine
from registry.db.lock import WriterLock
from registry.errors import RegistryError
from registry.indexer.check import check_mirror, read_only_client
from registry.indexer.indexer import BatchResult, Indexer

index_app = typer.Typer(help="Mirror the chain into the SQL database.", no_args_is_help=True)

Span = Annotated[int, typer.Option("--span", min=1, help="Blocks in the first getLogs range.")]
MaxSpan = Annotated[
    int, typer.Option("--max-span", min=1, help="Most blocks in one getLogs range (one batch).")
]
Confirmations = Annotated[
    int | None,
    typer.Option(
        "--confirmations", min=0, help="Blocks to stay behind the head (default: settings)."
    ),
]


@dataclass
class _Target:
    settings: Settings
    engine: Engine
    w3: Web3
    deployment: Deployment


def _settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    if isinstance(obj, Settings):
        return obj
    found = getattr(obj, "settings", None)
    return found if isinstance(found, Settings) else Settings()


@contextmanager
def _target(ctx: typer.Context) -> Iterator[_Target]:
    """The chain, deployment and database; a registry error prints one line and exits 1."""
    try:
        settings = _settings(ctx)
        w3 = connect(settings)
        engine = make_engine(database_url(settings))
        try:
            yield _Target(settings, engine, w3, deployments.load(settings, w3))
        finally:
            engine.dispose()
    except RegistryError as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from exc


def _indexer(t: _Target, span: int, max_span: int, confirmations: int | None) -> Indexer:
    chosen = t.settings.confirmations if confirmations is None else confirmations
    return Indexer(t.engine, t.w3, t.deployment, confirmations=chosen, span=span, max_span=max_span)


@index_app.command()
def run(
    ctx: typer.Context,
    follow: Annotated[bool, typer.Option("--follow", help="Keep up with new blocks.")] = False,
    span: Span = 500,
    max_span: MaxSpan = 20_000,
    confirmations: Confirmations = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Catch up with the chain (with a progress bar); --follow keeps up until Ctrl-C."""
    with _target(ctx) as t, WriterLock(t.engine):
        indexer = _indexer(t, span, max_span, confirmations)
        state = indexer.prepare()
        with _progress(quiet, start=state.last_block, head=indexer.head()) as on_batch:
            last = indexer.catch_up(on_batch)
            if follow:
                indexer.follow(on_batch=on_batch, should_stop=_stop_flag())
        typer.echo(f"indexed up to block {indexer.state().last_block if follow else last}")  # type: ignore[union-attr]


@index_app.command()
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
) -> None:
    """Chain head, indexed block and lag."""
    with _target(ctx) as t:
        indexer = _indexer(t, 500, 20_000, None)
        head = indexer.head()
        state = indexer.state() if _has_schema(t.engine) else None
        indexed = state.last_block if state is not None else None
        report = {
            "chain_id": t.w3.eth.chain_id,
            "head": head,
            "indexed": indexed,
            "lag": None if indexed is None else max(head - indexed, 0),
            "database": t.engine.url.render_as_string(hide_password=True),
        }
    if as_json:
        typer.echo(json.dumps(report))
        return
    for key, value in report.items():
        typer.echo(f"{key:>9}: {'-' if value is None else value}")


@index_app.command()
def check(ctx: typer.Context) -> None:
    """Compare every mirrored record with the contracts' views; exit 1 on any difference."""
    with _target(ctx) as t:
        differences = check_mirror(t.engine, read_only_client(t.w3, t.deployment))
    for difference in differences:
        typer.echo(str(difference))
    if differences:
        typer.echo(f"{len(differences)} differences", err=True)
        raise typer.Exit(1)
    typer.echo("mirror equals the chain")


@index_app.command()
def rebuild(
    ctx: typer.Context,
    span: Span = 500,
    max_span: MaxSpan = 20_000,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Empty the mirror and index everything again from the deploy block."""
    with _target(ctx) as t, WriterLock(t.engine):
        indexer = _indexer(t, span, max_span, None)
        indexer.rebuild()
        state = indexer.prepare()
        with _progress(quiet, start=state.last_block, head=indexer.head()) as on_batch:
            last = indexer.catch_up(on_batch)
        typer.echo(f"rebuilt up to block {last}")


def _has_schema(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return inspect(engine).has_table("index_state")


@contextmanager
def _progress(quiet: bool, *, start: int, head: int) -> Iterator[Callable[[BatchResult], None]]:
    if quiet or not sys.stderr.isatty():
        yield lambda _result: None
        return
    columns = (TextColumn("blocks"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("index", total=max(head - start, 1))

        def advance(result: BatchResult) -> None:
            bar.update(task, completed=result.last - start, total=max(result.head - start, 1))

        yield advance


def _stop_flag() -> Callable[[], bool]:
    """True once SIGINT or SIGTERM arrived: the batch in progress commits, then the loop ends."""
    stopped: list[bool] = []

    def handle(_signum: int, _frame: FrameType | None) -> None:
        stopped.append(True)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handle)
    return lambda: bool(stopped)
