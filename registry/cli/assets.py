"""`datarights assets`: register files and manifests, derive products, correct, show, verify.

The CLI computes every content commitment itself (SHA-256 of the bytes and the Merkle root over
chunks or records, `registry.commitments.hash_file`), streaming, so a file never leaves the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from registry import model
from registry.chain.client import RegistryClient, WriteResult
from registry.chain.deploy import RIGHTS
from registry.cli import manifest as manifest_io
from registry.cli.classification import Classification, asset_record, classify, commit_file
from registry.cli.common import (
    CheckFailed,
    InputError,
    JsonFlag,
    Output,
    cli_state,
    command_help,
    existing_file,
    find_events,
    parse_asset_id,
    parse_enum,
    parse_int_id,
    parse_statement,
    registration_no,
    sha256_of_file,
)
from registry.registration_numbers import registration_number

app = typer.Typer(
    help="Register data resources and products, correct and verify them.", no_args_is_help=True
)


@dataclass(frozen=True)
class Registered:
    """An asset just registered: its id (content hash), registration number and transaction."""

    asset: bytes
    registration_number: str
    result: WriteResult


def register_file(
    client: RegistryClient,
    path: Path,
    cls: Classification,
    *,
    records: bool,
    out: Output | None = None,
) -> Registered:
    """Commit to `path` and register it as a data resource."""
    record = asset_record(commit_file(path, records=records, out=out), cls)
    created = client.register_resource(record)
    return Registered(bytes(created.id), registration_no(client, created.result), created.result)


def derive_product(
    client: RegistryClient,
    path: Path,
    cls: Classification,
    inputs: list[model.InputUse],
    *,
    records: bool,
    out: Output | None = None,
) -> Registered:
    """Commit to `path` and register it as a product of `inputs` (lineage)."""
    if not inputs:
        raise InputError("a product needs at least one --input ASSET:grant:ID")
    record = asset_record(commit_file(path, records=records, out=out), cls)
    created = client.register_product(record, inputs)
    return Registered(bytes(created.id), registration_no(client, created.result), created.result)


def parse_input(text: str) -> model.InputUse:
    """`ASSET:grant:ID` or `ASSET:certificate:ID`: an input and what authorizes processing it."""
    parts = text.strip().split(":")
    if len(parts) != 3:
        raise InputError(
            f"input {text!r} must look like 0xASSET:grant:ID or 0xASSET:certificate:ID"
        )
    asset, kind, ident = parts
    aliases = {"cert": "certificate"}
    return model.InputUse(
        asset=parse_asset_id(asset),
        auth_kind=parse_enum(model.AuthKind, aliases.get(kind.lower(), kind)),
        auth_id=parse_int_id(ident, "authorization id"),
    )


def verify_file(
    client: RegistryClient, path: Path, expected: bytes | None = None
) -> dict[str, Any]:
    """Check that a file's SHA-256 is a registered asset (and the expected one)."""
    digest = sha256_of_file(existing_file(path))
    if expected is not None and digest != expected:
        raise CheckFailed(
            f"{path} hashes to 0x{digest.hex()}, not the registered content hash 0x{expected.hex()}"
        )
    core = client.asset_core(digest)
    if core.status == model.AssetStatus.NONE:
        raise CheckFailed(f"{path} (SHA-256 0x{digest.hex()}) is not registered")
    return {"file": str(path), "asset": digest, "matches": True, **vars(core)}


def asset_facts(client: RegistryClient, asset: bytes) -> dict[str, Any]:
    """The asset's core record, registration number and products derived from it."""
    core = client.asset_core(asset)
    if core.status == model.AssetStatus.NONE:
        raise CheckFailed(f"asset 0x{asset.hex()} is not registered")
    events = find_events(client, RIGHTS, "AssetRegistered", asset)
    number = None
    if events:
        event = events[0].args
        number = registration_number(
            chain_id=client.sender.chain_id,
            registered_at=int(event["registeredAt"]),
            sequence=int(event["sequence"]),
        )
    facts = {"asset": asset, "registration_number": number, **vars(core)}
    return {**facts, "products": client.children(asset)}


# ---------------------------------------------------------------- command options

Category = Annotated[str, typer.Option(help="public, enterprise or personal.")]
Grade = Annotated[str, typer.Option(help="general, important or core (core is refused).")]
OpenClass = Annotated[
    str | None,
    typer.Option(help="Public data only: unconditional, conditional or not-open."),
]
Domain = Annotated[int, typer.Option(help="Industry/domain code (0-65535).")]
UpdateCycle = Annotated[str, typer.Option(help="How often the data is refreshed: 0, 1d, 1h.")]
Metadata = Annotated[
    Path | None, typer.Option(help="Metadata document; only its SHA-256 goes on chain.")
]
MetadataUri = Annotated[str, typer.Option(help="Where the metadata document can be fetched.")]
Records = Annotated[
    bool,
    typer.Option(
        "--records/--chunks",
        help="Merkle leaves: one per line-record (provable record by record) or 1 MiB chunks.",
    ),
]
FileArg = Annotated[Path, typer.Argument(help="The data file (read locally, never uploaded).")]


@app.command(
    "register",
    **command_help(
        "Register one data file as a resource (数据资源).",
        "Hashes the file locally (SHA-256 plus a Merkle root over 1 MiB chunks or, with "
        "--records, over its lines), then registers the commitment with its classification. "
        "Prints the asset id (the content SHA-256) and the registration number.",
        "datarights assets register traffic.csv --category public --grade important "
        "--open-class conditional --domain 54 --update-cycle 1d --records",
    ),
)
def register(
    ctx: typer.Context,
    file: FileArg,
    category: Category = "enterprise",
    grade: Grade = "general",
    open_class: OpenClass = None,
    domain: Domain = 0,
    update_cycle: UpdateCycle = "0",
    metadata: Metadata = None,
    metadata_uri: MetadataUri = "",
    records: Records = False,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    out = state.output(json_output)
    existing_file(file)
    cls = classify(
        category=category,
        grade=grade,
        open_class=open_class,
        domain=domain,
        update_cycle=update_cycle,
        metadata=metadata,
        metadata_uri=metadata_uri,
    )
    done = register_file(state.client, file, cls, records=records, out=out)
    out.write(
        "resource registered",
        done.result,
        asset=done.asset,
        registration_number=done.registration_number,
    )


@app.command(
    "register-bulk",
    **command_help(
        "Register many resources from a JSON or CSV manifest, pipelined.",
        "The manifest lists files (hashed here) or precomputed commitments with their "
        "classification. Every entry is checked before anything is sent; then the records go "
        "in transactions of --per-tx, sent back to back. See docs/CLI.md for the format.",
        "datarights assets register-bulk manifest.json --per-tx 100",
    ),
)
def register_bulk(
    ctx: typer.Context,
    manifest: Annotated[Path, typer.Argument(help="manifest.json or manifest.csv")],
    per_tx: Annotated[int, typer.Option(min=1, max=256, help="Records per transaction.")] = 100,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    out = state.output(json_output)
    records = manifest_io.load_manifest(manifest, out=out)
    manifest_io.check_unregistered(state.client, records)
    results = state.client.register_resources(records, per_tx=per_tx)
    registered = [
        {"asset": e["asset"], "registration_number": _number(state.client, e)}
        for r in results
        for e in r.all("AssetRegistered")
    ]
    if out.json_mode:
        out.json(
            {
                "action": "resources registered",
                "count": len(registered),
                "assets": registered,
                "transactions": [r.as_json() for r in results],
            }
        )
        return
    out.note(f"[bold green]✓[/] {len(registered)} resources registered in {len(results)} txs")
    out.note(f"  first: {registered[0]['registration_number']}  0x{registered[0]['asset'].hex()}")
    out.note(f"  last:  {registered[-1]['registration_number']}  0x{registered[-1]['asset'].hex()}")
    for r in results:
        out.note(f"  block {r.block_number}  tx {r.tx_hash}  gas {r.gas_used}")


def _number(client: RegistryClient, event: Any) -> str:
    return registration_number(
        chain_id=client.sender.chain_id,
        registered_at=int(event["registeredAt"]),
        sequence=int(event["sequence"]),
    )


@app.command(
    "derive",
    **command_help(
        "Register a product (数据产品) derived from registered inputs.",
        "Each --input names an input asset and the grant or certificate that gives you the "
        "processing right over it; the registry checks each is active, in term and not "
        "frozen, and records the lineage.",
        "datarights assets derive congestion.csv --input 0xab12...:grant:1 --domain 54",
    ),
)
def derive(
    ctx: typer.Context,
    file: FileArg,
    input_: Annotated[
        list[str],
        typer.Option("--input", help="ASSET:grant:ID or ASSET:certificate:ID (repeatable)."),
    ],
    category: Category = "enterprise",
    grade: Grade = "general",
    open_class: OpenClass = None,
    domain: Domain = 0,
    update_cycle: UpdateCycle = "0",
    metadata: Metadata = None,
    metadata_uri: MetadataUri = "",
    records: Records = False,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    out = state.output(json_output)
    existing_file(file)
    inputs = [parse_input(text) for text in input_]
    cls = classify(
        category=category,
        grade=grade,
        open_class=open_class,
        domain=domain,
        update_cycle=update_cycle,
        metadata=metadata,
        metadata_uri=metadata_uri,
    )
    done = derive_product(state.client, file, cls, inputs, records=records, out=out)
    out.write(
        "product registered",
        done.result,
        asset=done.asset,
        registration_number=done.registration_number,
        inputs=[f"0x{i.asset.hex()}:{i.auth_kind.name.lower()}:{i.auth_id}" for i in inputs],
    )


@app.command(
    "correct",
    **command_help(
        "Correct an asset's metadata (更正登记; registrar only).",
        "The content and its hash stay; the new metadata document's hash and URI are recorded "
        "with the reason.",
        'datarights assets correct 0xab12... --metadata meta-v2.json --reason "typo in title"',
    ),
)
def correct(
    ctx: typer.Context,
    asset: Annotated[str, typer.Argument(help="The asset id (0x content SHA-256).")],
    metadata: Annotated[Path, typer.Option(help="The corrected metadata document.")],
    reason: Annotated[str, typer.Option(help="Reason: text, @FILE or a 0x hash.")],
    metadata_uri: MetadataUri = "",
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    asset_id = parse_asset_id(asset)
    meta_hash = sha256_of_file(existing_file(metadata, "metadata file"))
    result = state.client.correct_asset(
        asset_id, meta_hash, metadata_uri, parse_statement(reason, "reason")
    )
    state.output(json_output).write(
        "asset metadata corrected", result, asset=asset_id, metadata_hash=meta_hash
    )


@app.command(
    "show",
    **command_help(
        "Show an asset: registration number, classification, status and products.",
        "Reads the asset's core record and its registration event.",
        "datarights assets show 0xab12...",
    ),
)
def show(
    ctx: typer.Context,
    asset: Annotated[str, typer.Argument(help="The asset id (0x content SHA-256).")],
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    asset_id = parse_asset_id(asset)
    state.output(json_output).record(
        f"asset 0x{asset_id.hex()}", asset_facts(state.client, asset_id)
    )


@app.command(
    "verify",
    **command_help(
        "Check that a file is exactly a registered asset.",
        "Hashes the file locally and looks the SHA-256 up on chain; with --asset, also checks "
        "it is that asset. Exits 1 when the file does not match.",
        "datarights assets verify received.csv --asset 0xab12...",
    ),
)
def verify(
    ctx: typer.Context,
    file: FileArg,
    asset: Annotated[str | None, typer.Option(help="The asset id the file should be.")] = None,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    expected = parse_asset_id(asset) if asset else None
    existing_file(file)
    facts = verify_file(state.client, file, expected)
    state.output(json_output).record("file matches the registered content", facts)
