"""Parsing what clients type: content hashes, addresses, registration numbers, enum names.

Each parser raises `ValueError` with the reason, which the problem handler answers with 400.
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import TypeVar

from eth_utils.address import to_checksum_address

from registry.registration_numbers import parse_registration_number

# Record ids (certificates, grants, disputes) and block numbers are stored as signed 64-bit
# integers: a larger number names nothing, and the database would refuse to compare with it.
MAX_ID = 2**63 - 1
_HASH = re.compile(r"^0x[0-9a-fA-F]{64}$")
_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")
E = TypeVar("E", bound=IntEnum)


def parse_hash(text: str, *, what: str = "hash") -> str:
    """A 32-byte hash as stored in the mirror: 0x-prefixed lowercase hex."""
    if not _HASH.match(text):
        raise ValueError(f"{what} {text!r} is not 0x followed by 64 hex digits")
    return text.lower()


def parse_address(text: str) -> str:
    """An account address, checksummed as the mirror stores it."""
    if not _ADDRESS.match(text):
        raise ValueError(f"address {text!r} is not 0x followed by 40 hex digits")
    return str(to_checksum_address(text))


def parse_asset_ref(text: str) -> tuple[str, str]:
    """('asset', content hash) or ('registration_number', number) for an asset path segment."""
    if text.upper().startswith("DR-"):
        parse_registration_number(text)
        return "registration_number", text.strip().upper()
    if text.startswith("0x"):
        return "asset", parse_hash(text, what="content hash")
    raise ValueError(
        f"{text!r} is neither a content hash (0x + 64 hex digits) "
        "nor a registration number like DR-31337-2026-000042"
    )


def enum_name(enum: type[IntEnum], value: int) -> str:
    """The lowercase name of an enum value, as the API shows it."""
    return enum(value).name.lower().replace("_", "-")


def enum_names(enum: type[IntEnum]) -> list[str]:
    return [m.name.lower().replace("_", "-") for m in enum]


def parse_enum(enum: type[E], text: str, *, what: str) -> E:
    """An enum member from its API name (`public`, `not-applicable`, …)."""
    key = text.strip().upper().replace("-", "_")
    if key not in enum.__members__:
        raise ValueError(f"{what} {text!r} is not one of {', '.join(enum_names(enum))}")
    return enum[key]
