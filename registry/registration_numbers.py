"""Human-readable registration numbers: `DR-<chain id>-<year>-<serial:06d>`.

The serial is the `sequence` of the `AssetRegistered` event, unique per registry; the year is the
registration block's year in China Standard Time (UTC+8), where the registries operate.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

CHINA_STANDARD_TIME = timezone(timedelta(hours=8), "CST")
_PATTERN = re.compile(r"^DR-(\d+)-(\d{4})-(\d{6,})$")


def registration_number(*, chain_id: int, registered_at: int, sequence: int) -> str:
    """Format the registration number of an asset registered at block time `registered_at`."""
    year = datetime.fromtimestamp(registered_at, UTC).astimezone(CHINA_STANDARD_TIME).year
    return f"DR-{chain_id}-{year}-{sequence:06d}"


def parse_registration_number(text: str) -> tuple[int, int, int]:
    """Split a registration number into (chain id, year, sequence); ValueError when malformed."""
    match = _PATTERN.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a registration number like DR-31337-2026-000042")
    chain_id, year, sequence = (int(g) for g in match.groups())
    return chain_id, year, sequence
