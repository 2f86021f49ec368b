"""The `datarights` command line: one command for every write a user makes, and the demo.

`main` is the console script. Settings come from the environment (`DATARIGHTS_*`) and are built
once here; signing keys come from the environment, a keystore or, on the local chain,
`--account N`, never from an argument.
"""

from __future__ import annotations

from typing import Annotated

import typer

from registry.cli import (
    assets,
    certificates,
    chain,
    demo,
    deploy,
    disputes,
    evidence,
    export,
    grants,
    index,
    keys,
    parties,
    serve,
    trace,
    up,
    verify,
)
from registry.cli.common import CliState, JsonFlag, RegistryGroup, build_settings

app = typer.Typer(
    cls=RegistryGroup,
    name="datarights",
    help="A registry of data assets and their separated rights (holding, processing, "
    "operating) on a local EVM chain.\n\nStart with `datarights demo`, or `datarights chain up` "
    "and `datarights deploy`; see docs/CLI.md.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    account: Annotated[
        int | None,
        typer.Option(
            "--account",
            min=0,
            help="Sign as development account N (local chain 31337 only).",
        ),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """Build the settings once and hand them to the command."""
    settings = build_settings(key_index=account)
    ctx.obj = CliState(settings=settings, account=account, json_output=json_output)


app.add_typer(chain.app, name="chain")
app.command("deploy", **deploy.DEPLOY_HELP)(deploy.deploy)
app.add_typer(keys.app, name="keys")
app.add_typer(parties.app, name="parties")
app.add_typer(assets.app, name="assets")
app.add_typer(certificates.app, name="certificates")
app.add_typer(grants.app, name="grants")
app.add_typer(evidence.app, name="evidence")
app.add_typer(disputes.app, name="disputes")
app.add_typer(index.index_app, name="index")
app.add_typer(export.app, name="export")
app.command("up", **up.UP_HELP)(up.up)
app.command("serve", **serve.SERVE_HELP)(serve.serve)
app.command("demo", **demo.DEMO_HELP)(demo.demo)
app.command("trace", **trace.TRACE_HELP)(trace.trace_command)
app.command("verify", **verify.VERIFY_HELP)(verify.verify_command)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
