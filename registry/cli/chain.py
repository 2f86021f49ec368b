"""`datarights chain`: run the managed local node, look at the chain, move local block time."""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer

from registry.chain import deployments
from registry.chain.connect import public_url, rpc_url
from registry.chain.node import DEV_CHAIN_ID, LocalNode, is_reachable
from registry.cli.common import (
    CliState,
    InputError,
    JsonFlag,
    chain_now,
    cli_state,
    command_help,
    parse_duration,
)
from registry.config import Settings
from registry.errors import NotFoundError, StaleDeploymentError

app = typer.Typer(help="Run the managed local chain and look at the chain.", no_args_is_help=True)


def start_managed_node(settings: Settings) -> LocalNode:
    """Start the managed node with its state persisted under the data dir."""
    if not settings.uses_managed_node:
        raise InputError(
            f"DATARIGHTS_RPC_URL is set ({public_url(rpc_url(settings))}); the managed node "
            "runs only when it is unset"
        )
    return LocalNode.from_settings(settings).start()


def wait_for_interrupt(node: LocalNode) -> None:
    """Block until Ctrl-C or until the node exits by itself."""
    try:
        while node.is_running:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass


@app.command(
    "up",
    **command_help(
        "Start the managed local chain in the foreground until Ctrl-C.",
        "Runs anvil (or hardhat, DATARIGHTS_NODE) on 127.0.0.1:DATARIGHTS_NODE_PORT. Anvil loads "
        "its state from the data directory on start and writes it back on Ctrl-C, so "
        "deployments and registrations survive a restart.",
        "datarights chain up",
    ),
)
def up(ctx: typer.Context) -> None:
    state = cli_state(ctx)
    node = start_managed_node(state.settings)
    out = state.output()
    out.note(f"[bold]{node.kind}[/] serving chain id {node.chain_id} at {node.url}")
    out.note(f"  state file: {node.state_file}\n  log file:   {node.log_file}")
    out.note("Press Ctrl-C to stop (the chain state is written on exit).")
    try:
        wait_for_interrupt(node)
    finally:
        node.stop()
    out.note("node stopped; state saved")


def chain_facts(state: CliState) -> dict[str, Any]:
    """Where the node is, what it says, and whether the recorded deployment matches it."""
    url = rpc_url(state.settings)
    facts: dict[str, Any] = {
        "rpc_url": public_url(url),
        "managed": state.settings.uses_managed_node,
    }
    if not is_reachable(url):
        return {**facts, "reachable": False}
    w3 = state.w3
    facts.update(
        reachable=True,
        chain_id=w3.eth.chain_id,
        block=w3.eth.block_number,
        block_time=chain_now(w3),
    )
    try:
        deployment = deployments.load(state.settings, w3)
    except (NotFoundError, StaleDeploymentError) as exc:
        facts["deployment"] = f"none usable: {exc}"
    else:
        facts["deployment"] = {n: c.address for n, c in deployment.contracts.items()}
    return facts


@app.command(
    "status",
    **command_help(
        "Show the node, its chain id and head block, and the deployment status.",
        "Reads only; tells whether a node answers at the configured RPC URL and whether the "
        "deployment recorded in the data directory is valid on it.",
        "datarights chain status --json",
    ),
)
def status(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    state = cli_state(ctx)
    state.output(json_output).record("chain", chain_facts(state))


def travel(state: CliState, seconds: int) -> int:
    """Move the local chain's block time forward and mine a block; returns the new time."""
    w3 = state.w3
    if w3.eth.chain_id != DEV_CHAIN_ID:
        raise InputError(
            f"time travel (evm_increaseTime) exists only on the local development chain "
            f"(chain id {DEV_CHAIN_ID})"
        )
    w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    return chain_now(w3)


@app.command(
    "travel",
    **command_help(
        "Move the local chain's block time forward (local development chain only).",
        "Calls evm_increaseTime and mines a block, e.g. to let a notice window pass. Real "
        "chains have no such call.",
        "datarights chain travel 10d",
    ),
)
def travel_command(
    ctx: typer.Context,
    duration: Annotated[str, typer.Argument(help="How far: 3600, 6h, 10d, 1y.")],
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    new_time = travel(state, parse_duration(duration))
    state.output(json_output).record(
        "block time moved", {"block": state.w3.eth.block_number, "block_time": new_time}
    )
