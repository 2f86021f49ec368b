"""`datarights up`: the whole registry in one command, until Ctrl-C or SIGTERM."""

from __future__ import annotations

from typing import Annotated

import typer

from registry.cli.common import JsonFlag, Output, cli_state, command_help
from registry.config import Settings
from registry.db.engine import database_url
from registry.service.logs import configure_logging
from registry.service.stack import Stack, run_until_stopped

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

Host = Annotated[str, typer.Option("--host", help="Address the API listens on.")]
Port = Annotated[
    int, typer.Option("--port", min=0, max=65535, help="Port of the API (0: any free port).")
]


def service_urls(stack: Stack) -> dict[str, str]:
    """Where the running service answers."""
    base = stack.api.url
    return {
        "api_docs": f"{base}/docs",
        "health": f"{base}/health",
        "explorer": f"{base}/",
        "metrics": f"{base}/metrics",
        "events": f"{base}/events/stream",
    }


def print_running(out: Output, stack: Stack) -> None:
    """The URLs, the chain and the mirror, and how to stop."""
    urls = service_urls(stack)
    facts = {
        **urls,
        "chain": stack.chain.url if stack.chain is not None else None,
        "database": _shown_database(stack.settings),
    }
    if out.json_mode:
        out.json(facts)
        return
    out.note("\n[bold green]The registry is running[/]")
    for name, value in facts.items():
        out.note(f"  {name.replace('_', ' '):<9} {value}")
    out.note("Press Ctrl-C to stop (the API, then the indexer after its batch, then the node).")


def _shown_database(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(database_url(settings)).render_as_string(hide_password=True)


UP_HELP = command_help(
    "Run the registry: local chain, contracts, indexer and API, until Ctrl-C.",
    "Starts the managed anvil (state kept in the data directory) unless DATARIGHTS_RPC_URL is "
    "set or a node already answers, deploys the contracts if there is no valid deployment, "
    "migrates the mirror's database, runs the indexer in its own process following the chain, "
    "and serves the API on --host:--port. Ctrl-C or SIGTERM stops the API, then the indexer "
    "after its current batch (nothing indexed is lost), then the node, which saves its state; "
    "the exit code is 0. Run it again and everything is where it was.",
    "datarights up --port 8000",
)


def up(
    ctx: typer.Context,
    host: Host = DEFAULT_HOST,
    port: Port = DEFAULT_PORT,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    out = state.output(json_output)
    configure_logging(state.settings.log_level)
    stack = Stack(state.settings, host=host, port=port)
    run_until_stopped(stack, on_ready=lambda: print_running(out, stack))
