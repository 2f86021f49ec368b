"""`datarights trace ASSET`: an asset's lineage from the mirror as a tree, JSON or PROV-JSON."""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.tree import Tree

from registry.cli.common import InputError, cli_state, command_help
from registry.cli.mirror import mirror_session, resolve_asset
from registry.config import Settings
from registry.lineage import (
    AssetNotIndexed,
    Direction,
    LineageEdge,
    LineageGraph,
    LineageNode,
    to_prov_json,
    trace,
)

TRACE_HELP = command_help(
    "Trace an asset's lineage: the sources it was made from, or what was made from it.",
    "Reads the indexed mirror (run `datarights index run` first). ASSET is the asset id (its "
    "content SHA-256) or its registration number. Each edge shows the grant or certificate "
    "behind it, whether it was in force at the derivation block, and its status now; revoked and "
    "tainted assets are marked.",
    "datarights trace DR-31337-2026-000042 --up --depth 5",
)


def trace_mirror(
    settings: Settings, asset: str, *, direction: Direction, depth: int
) -> LineageGraph:
    """The lineage of `asset` (hash or registration number) in the mirror; InputError if absent."""
    with mirror_session(settings) as session:
        key = resolve_asset(session, asset)
        try:
            return trace(session, key, direction=direction, depth=depth)
        except AssetNotIndexed as exc:
            raise InputError(f"{exc} (not registered, or not indexed yet)") from None


def trace_command(
    ctx: typer.Context,
    asset: Annotated[str, typer.Argument(help="Asset id (0x SHA-256) or registration number.")],
    up: Annotated[bool, typer.Option("--up", help="Sources (the default).")] = False,
    down: Annotated[bool, typer.Option("--down", help="What was made from it.")] = False,
    both: Annotated[bool, typer.Option("--both", help="Both directions.")] = False,
    depth: Annotated[int, typer.Option("--depth", min=0, max=1000, help="Most edges.")] = 10,
    json_flag: Annotated[bool, typer.Option("--json", help="Print the trace as JSON.")] = False,
    prov: Annotated[bool, typer.Option("--prov", help="Print W3C PROV-JSON.")] = False,
) -> None:
    state = cli_state(ctx)
    graph = trace_mirror(state.settings, asset, direction=_direction(up, down, both), depth=depth)
    if prov:
        typer.echo(json.dumps(to_prov_json(graph), indent=2))
    elif json_flag or state.json_output:
        typer.echo(json.dumps(dataclasses.asdict(graph), indent=2))
    else:
        Console(highlight=False, soft_wrap=True).print(lineage_tree(graph))


def _direction(up: bool, down: bool, both: bool) -> Direction:
    chosen = [name for name, flag in (("up", up), ("down", down), ("both", both)) if flag]
    if len(chosen) > 1:
        raise InputError("choose one of --up, --down and --both")
    return "up" if not chosen else chosen[0]  # type: ignore[return-value]


# ---------------------------------------------------------------- the terminal tree

_STATUS_STYLE = {"active": "green", "tainted": "yellow", "revoked": "red"}


def node_label(node: LineageNode) -> str:
    status = node.derived_status
    if status != node.status:
        status = f"{status} (chain: {node.status}, cascade pending)"
    style = _STATUS_STYLE.get(node.derived_status, "white")
    return (
        f"[bold]{node.registration_number}[/] {node.kind} {node.asset[:10]}… "
        f"[{style}]{status}[/] [dim]block {node.registered.block}[/]"
    )


def edge_label(edge: LineageEdge) -> str:
    mark = "[green]✓[/]" if edge.valid_at_derivation else "[red]✗[/]"
    then = "in force" if edge.valid_at_derivation else edge.status_at_derivation
    now = "" if edge.status_now == "effective" else f", [red]now {edge.status_now}[/]"
    return (
        f"{mark} {edge.auth_kind} {edge.auth_id}: {then} at block {edge.derived.block}{now} "
        f"[dim]tx {edge.derived.tx_hash[:12]}…[/]"
    )


def lineage_tree(graph: LineageGraph) -> Tree:
    """The trace as a rich tree: sources below the asset, then products (for --down/--both)."""
    root = graph.node(graph.root)
    tree = Tree(node_label(root))
    if graph.direction in ("up", "both"):
        branch = tree.add("[bold]made from[/]") if graph.direction == "both" else tree
        _grow(graph, branch, graph.root, up=True, seen=frozenset({graph.root}))
    if graph.direction in ("down", "both"):
        branch = tree.add("[bold]used in[/]") if graph.direction == "both" else tree
        _grow(graph, branch, graph.root, up=False, seen=frozenset({graph.root}))
    return tree


def _grow(graph: LineageGraph, tree: Tree, asset: str, *, up: bool, seen: frozenset[str]) -> None:
    edges = graph.inputs_of(asset) if up else graph.products_of(asset)
    for edge in edges:
        other = edge.input_asset if up else edge.product
        try:
            node = graph.node(other)
        except KeyError:
            continue
        child = tree.add(f"{node_label(node)}\n{edge_label(edge)}")
        if other not in seen:  # a DAG never repeats a node on one path; guard all the same
            _grow(graph, child, other, up=up, seen=seen | {other})
