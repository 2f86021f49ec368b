"""`datarights keys`: create an encrypted keystore, show which account signs."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from registry.chain.keys import KEYSTORE_PASSWORD_ENV, PRIVATE_KEY_ENV, create_keystore
from registry.cli.common import InputError, JsonFlag, cli_state, command_help, existing_file

app = typer.Typer(
    help="Signing keys: encrypted keystores, the active signer.", no_args_is_help=True
)


@app.command(
    "new",
    **command_help(
        "Create a new account in an encrypted keystore file.",
        "Asks for the password twice without echoing it (or reads "
        f"{KEYSTORE_PASSWORD_ENV}); never takes a key or password as an argument. Use it by "
        "setting DATARIGHTS_KEYSTORE to the file.",
        "datarights keys new ~/.datarights/bureau.json",
    ),
)
def new(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Where to write the keystore (not overwritten).")],
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    if path.exists():
        raise InputError(f"{path} already exists; not overwriting it")
    password = os.environ.get(KEYSTORE_PASSWORD_ENV) or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    address = create_keystore(path, password)
    state.output(json_output).record(
        "keystore created", {"address": address, "keystore": path.resolve()}
    )


@app.command(
    "show",
    **command_help(
        "Show the account that signs, or the address in a keystore file.",
        f"Without a file: the signer chosen from {PRIVATE_KEY_ENV}, DATARIGHTS_KEYSTORE or "
        "--account (local chain). With a file: its address, without unlocking it.",
        "datarights --account 3 keys show",
    ),
)
def show(
    ctx: typer.Context,
    keystore: Annotated[Path | None, typer.Argument(help="A keystore file.")] = None,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    out = state.output(json_output)
    if keystore is not None:
        try:
            document = json.loads(existing_file(keystore, "keystore").read_text(encoding="utf-8"))
            address = "0x" + str(document["address"]).removeprefix("0x")
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{keystore} is not a keystore file: {exc}") from None
        out.record("keystore", {"address": address, "keystore": keystore.resolve()})
        return
    signer = state.signer()
    source = (
        "--account"
        if state.account is not None
        else "environment"
        if os.environ.get(PRIVATE_KEY_ENV)
        else "keystore"
        if state.settings.keystore
        else f"development account {state.settings.key_index}"
    )
    out.record("signer", {"address": signer.address, "source": source})
