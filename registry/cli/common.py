"""What every `datarights` command shares: settings and client, argument parsing, output, errors.

Settings are built once by the root command and handed to the commands in the click context
(`CliState`); the registry client is built from them on first use. Errors are handled in one
place, `RegistryGroup.invoke`: a registry error (a refused rule, an unreachable node) prints one
line to stderr and exits 1; bad input (`InputError`) exits 2.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any, TypedDict, TypeVar

import typer
from eth_account.signers.local import LocalAccount
from eth_utils.address import is_address, to_checksum_address
from pydantic import ValidationError
from rich.console import Console
from typer.core import TyperGroup
from web3 import Web3

from registry import model
from registry.chain import deployments
from registry.chain.client import RegistryClient, WriteResult
from registry.chain.connect import connect
from registry.chain.keys import DEV_CHAIN_ID, dev_account, load_signer
from registry.chain.reverts import ContractRevert
from registry.chain.transactions import RawLog, TxSender
from registry.config import Settings
from registry.errors import RegistryError
from registry.events.decoder import DecodedEvent
from registry.registration_numbers import registration_number

E = TypeVar("E", bound=IntEnum)

EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2

_HASH_RE = re.compile(r"^0x[0-9a-fA-F]{64}$")
_DURATION_RE = re.compile(r"^(\d+)\s*([smhdwy]?)$")
_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}

JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print a JSON object (ids, tx hash, block, gas) instead.")
]


class InputError(Exception):
    """The user's input is wrong (missing file, malformed manifest, unknown name): exit 2."""


# ---------------------------------------------------------------- state passed to commands


@dataclass
class CliState:
    """Settings built once at start-up, and the connection and client built from them lazily."""

    settings: Settings
    account: int | None = None
    json_output: bool = False
    _w3: Web3 | None = field(default=None, repr=False)
    _signer: LocalAccount | None = field(default=None, repr=False)
    _client: RegistryClient | None = field(default=None, repr=False)

    @property
    def w3(self) -> Web3:
        if self._w3 is None:
            self._w3 = connect(self.settings)
        return self._w3

    def signer(self) -> LocalAccount:
        """The signing account: `--account N` (local chain only) or `load_signer`'s choice."""
        if self._signer is None:
            self._signer = self._load_signer()
        return self._signer

    def _load_signer(self) -> LocalAccount:
        chain_id = self.w3.eth.chain_id
        if self.account is None:
            return load_signer(self.settings, chain_id=chain_id)
        if chain_id != DEV_CHAIN_ID:
            raise InputError(
                f"--account selects a development account, which exists only on the local "
                f"chain (chain id {DEV_CHAIN_ID}); this node is chain id {chain_id}"
            )
        return dev_account(self.account)

    @property
    def client(self) -> RegistryClient:
        if self._client is None:
            deployment = deployments.load(self.settings, self.w3)
            self._client = RegistryClient(TxSender(self.w3, self.signer()), deployment)
        return self._client

    def client_for(self, index: int) -> RegistryClient:
        """The registry acting as development account `index` (the demo's parties)."""
        return self.client.acting_as(TxSender(self.w3, dev_account(index)))

    def output(self, json_flag: bool = False) -> Output:
        return Output(json_mode=json_flag or self.json_output)


def build_settings(**overrides: Any) -> Settings:
    """Settings from the environment (`DATARIGHTS_*`) plus explicit overrides."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise InputError(f"invalid settings: {problems}") from None


def cli_state(ctx: typer.Context) -> CliState:
    """The state the root command stored in the context."""
    state = ctx.find_object(CliState)
    if state is None:  # a command invoked without the root group (tests of one command)
        state = CliState(settings=build_settings())
        ctx.obj = state
    return state


# ---------------------------------------------------------------- errors


class RegistryGroup(TyperGroup):
    """The root command group: the one place where errors become messages and exit codes."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except ContractRevert as exc:
            typer.echo(f"refused: {describe_revert(exc)}", err=True)
            raise typer.Exit(EXIT_REFUSED) from None
        except RegistryError as exc:
            typer.echo(f"error: {' '.join(str(exc).split())}", err=True)
            raise typer.Exit(EXIT_REFUSED) from None


def describe_revert(exc: ContractRevert) -> str:
    """`ErrorName(arg=value, ...)` followed by the rule's description from the NatSpec."""
    doc = (type(exc).__doc__ or "").split("\n\n")[0]
    rule = " ".join(doc.split())
    if not rule or rule.startswith("Solidity:") or type(exc).__doc__ == ContractRevert.__doc__:
        return exc.describe()
    return f"{exc.describe()}: {rule}"


# ---------------------------------------------------------------- parsing user input


def parse_enum(enum: type[E], name: str) -> E:
    """An enum member by its user-facing name (`public`, `not-open`); InputError otherwise."""
    try:
        return model.enum_by_name(enum, name)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def parse_hash(text: str, what: str = "hash") -> bytes:
    """A 32-byte value written as 0x followed by 64 hex digits."""
    if not _HASH_RE.match(text.strip()):
        raise InputError(f"{what} must be 0x followed by 64 hex digits, got {text!r}")
    return bytes.fromhex(text.strip()[2:])


def parse_asset_id(text: str) -> bytes:
    """An asset id: the 0x-hex SHA-256 of the asset's content."""
    return parse_hash(text, "asset id (the content SHA-256)")


def parse_int_id(text: str, what: str = "id") -> int:
    """A certificate, grant, request, objection or dispute id: a positive integer."""
    try:
        value = int(text.strip(), 0)
    except ValueError:
        raise InputError(f"{what} must be a positive integer, got {text!r}") from None
    if value <= 0:
        raise InputError(f"{what} must be a positive integer, got {text!r}")
    return value


def parse_address(text: str) -> str:
    """A 0x account address (any case); returned checksummed."""
    if not is_address(text.strip()):
        raise InputError(f"not an account address: {text!r}")
    return to_checksum_address(text.strip())


def parse_statement(text: str, what: str = "statement") -> bytes:
    """The hash of a statement: a 0x-hex hash as is, `@FILE` the file's SHA-256, else the text's."""
    value = text.strip()
    if _HASH_RE.match(value):
        return bytes.fromhex(value[2:])
    if value.startswith("@"):
        path = Path(value[1:])
        if not path.is_file():
            raise InputError(f"{what} file {path} does not exist")
        return sha256_of_file(path)
    if not value:
        raise InputError(f"{what} is empty")
    return hashlib.sha256(value.encode()).digest()


def sha256_of_file(path: Path) -> bytes:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.digest()


def parse_duration(text: str) -> int:
    """Seconds from `90`, `45s`, `30m`, `6h`, `10d`, `2w` or `3y` (365-day years)."""
    match = _DURATION_RE.match(text.strip().lower())
    if match is None:
        raise InputError(f"duration {text!r} is not like 3600, 10d, 6h or 1y")
    return int(match.group(1)) * _DURATION_UNITS[match.group(2)]


def parse_time(text: str) -> int:
    """A point in time: a unix timestamp, or an ISO date/datetime (UTC unless it says)."""
    value = text.strip()
    if value.isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"time {text!r} is neither a unix timestamp nor an ISO date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def parse_auth(text: str) -> tuple[model.AuthKind, int]:
    """`certificate:ID` or `grant:ID`: the right something rests on."""
    kind, _, ident = text.strip().partition(":")
    aliases = {"cert": "certificate"}
    if not ident:
        raise InputError(f"{text!r} must look like certificate:ID or grant:ID")
    return parse_enum(model.AuthKind, aliases.get(kind.lower(), kind)), parse_int_id(ident)


def parse_subject(text: str) -> tuple[model.SubjectKind, bytes | int]:
    """`asset:0xHASH`, `certificate:ID` or `grant:ID`."""
    kind_name, _, ident = text.strip().partition(":")
    aliases = {"cert": "certificate"}
    kind = parse_enum(model.SubjectKind, aliases.get(kind_name.lower(), kind_name))
    if not ident:
        raise InputError(f"{text!r} must look like asset:0xHASH, certificate:ID or grant:ID")
    if kind == model.SubjectKind.ASSET:
        return kind, parse_asset_id(ident)
    return kind, parse_int_id(ident, f"{kind.name.lower()} id")


def existing_file(path: Path, what: str = "file") -> Path:
    """`path` if it is a readable file; InputError naming it otherwise."""
    if not path.is_file():
        raise InputError(f"{what} {path} does not exist or is not a file")
    return path


# ---------------------------------------------------------------- chain helpers


def chain_now(w3: Web3) -> int:
    """The latest block's timestamp: the clock the contracts use."""
    return int(w3.eth.get_block("latest")["timestamp"])


def registration_no(client: RegistryClient, result: WriteResult) -> str:
    """The registration number of the asset registered by `result`."""
    event = result.event("AssetRegistered")
    return registration_number(
        chain_id=client.sender.chain_id,
        registered_at=int(event["registeredAt"]),
        sequence=int(event["sequence"]),
    )


# ---------------------------------------------------------------- output


def to_jsonable(value: Any) -> Any:
    """Plain JSON values: bytes as 0x-hex, enums by lower-case name, records as objects."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, IntEnum):
        return value.name.lower().replace("_", "-")
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def show_value(value: Any) -> str:
    """One value for human output."""
    shown = to_jsonable(value)
    return shown if isinstance(shown, str) else json.dumps(shown)


@dataclass
class Output:
    """Human output (rich) or one JSON document per command."""

    json_mode: bool = False
    console: Console = field(
        default_factory=lambda: Console(highlight=False, soft_wrap=True), repr=False
    )

    def write(self, summary: str, result: WriteResult, **facts: Any) -> None:
        """Report one write: what it did, its ids, and its tx hash, block and gas."""
        if self.json_mode:
            self.json({"action": summary, **facts, **result.as_json()})
            return
        self.console.print(f"[bold green]✓[/] {summary}")
        for name, value in facts.items():
            self.console.print(f"  {name.replace('_', ' ')}: {show_value(value)}")
        self.console.print(
            f"  block {result.block_number}  tx {result.tx_hash}  gas {result.gas_used}"
        )

    def record(self, title: str, facts: Mapping[str, Any]) -> None:
        """Show a record read from the chain."""
        if self.json_mode:
            self.json(dict(facts))
            return
        self.console.print(f"[bold]{title}[/]")
        for name, value in facts.items():
            self.console.print(f"  {name.replace('_', ' ')}: {show_value(value)}")

    def json(self, payload: Mapping[str, Any]) -> None:
        typer.echo(json.dumps(to_jsonable(payload), indent=2))

    def note(self, text: str) -> None:
        """A human-only remark (suppressed in JSON mode)."""
        if not self.json_mode:
            self.console.print(text)


class CommandHelp(TypedDict):
    """Keyword arguments of `Typer.command` that document a command."""

    help: str
    short_help: str


def command_help(summary: str, details: str, example: str) -> CommandHelp:
    """`help=` and `short_help=` for a command: summary line, what it does, an example."""
    text = f"{summary}\n\n{details}\n\nExample:\n\n    {example}"
    return {"help": text, "short_help": summary}


class CheckFailed(RegistryError):
    """A verification the user asked for came out negative (the file does not match, ...)."""


def find_events(
    client: RegistryClient, contract: str, event: str, *indexed: bytes
) -> list[DecodedEvent]:
    """Every `event` of `contract` since its deployment whose first indexed topics match."""
    deployed = client.deployment.contract(contract)
    topics: list[Any] = [client.decoder.topic_of(event), *indexed]
    logs = client.w3.eth.get_logs(
        {
            "address": to_checksum_address(deployed.address),
            "fromBlock": deployed.block_number,
            "toBlock": "latest",
            "topics": ["0x" + t.hex() for t in topics],
        }
    )
    found: list[DecodedEvent] = []
    for log in logs:
        raw: RawLog = {
            "address": str(log["address"]),
            "topics": tuple(bytes(t) for t in log["topics"]),
            "data": bytes(log["data"]),
            "log_index": int(log["logIndex"]),
            "block_number": int(log["blockNumber"]),
            "block_hash": "0x" + bytes(log["blockHash"]).hex(),
            "tx_hash": "0x" + bytes(log["transactionHash"]).hex(),
        }
        decoded = client.decoder.decode(raw)
        if decoded is not None:
            found.append(decoded)
    return found


def id_topic(value: int) -> bytes:
    """An indexed uint256 as a log topic."""
    return value.to_bytes(32, "big")
