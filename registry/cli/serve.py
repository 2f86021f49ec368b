"""`datarights serve`: the API alone, over the configured mirror, from one or several processes."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from registry.cli.common import cli_state, command_help
from registry.cli.mirror import mirror_session
from registry.cli.up import DEFAULT_HOST, DEFAULT_PORT, Host, Port
from registry.db.engine import database_url
from registry.service.api import ApiServer, serve_workers
from registry.service.logs import configure_logging
from registry.service.stack import run_until_stopped

logger = logging.getLogger(__name__)

SERVE_HELP = command_help(
    "Serve the API over the mirror (no node, no indexer), from one or several processes.",
    "Reads the database of DATARIGHTS_DATABASE_URL (default: SQLite in the data directory), "
    "which an indexer keeps up to date (`datarights index run --follow`, or `datarights up` "
    "elsewhere), and asks the chain of DATARIGHTS_RPC_URL only for its head. With --workers N, "
    "N processes share the port; every one is stateless, so run as many as the database "
    "serves: PostgreSQL is the configuration for that, SQLite (WAL) serves several readers on "
    "one machine. Ctrl-C or SIGTERM stops the server after the requests in progress.",
    "datarights serve --port 8000 --workers 4",
)


def serve(
    ctx: typer.Context,
    host: Host = DEFAULT_HOST,
    port: Port = DEFAULT_PORT,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="API processes sharing the port.")
    ] = 1,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log one line per request.")
    ] = True,
) -> None:
    settings = cli_state(ctx).settings
    configure_logging(settings.log_level)
    with mirror_session(settings):
        pass  # refuses, with the command to run, a database that holds no mirror
    url = make_url(database_url(settings))
    if workers > 1 and url.get_backend_name() == "sqlite":
        logger.warning(
            "%d workers on SQLite: fine for reads on this machine (WAL); "
            "PostgreSQL (DATARIGHTS_DATABASE_URL) is the scale-out configuration",
            workers,
        )
    if workers > 1:
        serve_workers(settings, host=host, port=port, workers=workers, access_log=access_log)
        return
    api = ApiServer(settings, host=host, port=port, access_log=access_log)
    run_until_stopped(api, on_ready=lambda: None)
