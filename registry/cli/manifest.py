"""Bulk registration manifests (JSON or CSV), checked entirely before anything is sent.

JSON: `{"defaults": {...}, "assets": [{...}, ...]}` or just the list of entries. CSV: a header
row naming the same fields, one entry per row, empty cells taking the defaults. An entry names
either a `file` (hashed here; `records` chooses record leaves) or a precomputed `content_hash`
with `merkle_root`, `leaf_count` and `leaf_mode`, plus the classification fields of
`datarights assets register`. File paths are relative to the manifest.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from registry import model
from registry.chain.client import RegistryClient
from registry.cli.classification import Classification, asset_record, classify, commit_file
from registry.cli.common import (
    InputError,
    Output,
    existing_file,
    parse_enum,
    parse_hash,
)

FILE_FIELDS = {"file", "records"}
HASH_FIELDS = {"content_hash", "merkle_root", "leaf_count", "leaf_mode"}
CLASS_FIELDS = {
    "category",
    "grade",
    "open_class",
    "domain",
    "update_cycle",
    "metadata_file",
    "metadata_hash",
    "metadata_uri",
}
KNOWN_FIELDS = FILE_FIELDS | HASH_FIELDS | CLASS_FIELDS
_MAX_PROBLEMS = 10


def read_entries(path: Path) -> list[dict[str, Any]]:
    """The manifest's entries with the defaults applied (JSON or CSV by extension)."""
    existing_file(path, "manifest")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        detail = f"{exc.reason} at byte {exc.start}"
        raise InputError(f"manifest {path} is not UTF-8 text ({detail})") from None
    if path.suffix.lower() == ".csv":
        return _csv_entries(path, text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"manifest {path} is not valid JSON: {exc}") from None
    if isinstance(document, list):
        document = {"assets": document}
    if not isinstance(document, dict) or not isinstance(document.get("assets"), list):
        raise InputError(f'manifest {path} must be a list of entries or {{"assets": [...]}}')
    defaults = document.get("defaults", {})
    if not isinstance(defaults, dict):
        raise InputError(f"manifest {path}: defaults must be an object")
    entries = document["assets"]
    if not all(isinstance(e, dict) for e in entries):
        raise InputError(f"manifest {path}: every entry must be an object")
    return [{**defaults, **entry} for entry in entries]


def _csv_entries(path: Path, text: str) -> list[dict[str, Any]]:
    entries = []
    for number, row in enumerate(csv.DictReader(text.splitlines()), start=1):
        if None in row:  # DictReader files cells beyond the header under the key None
            raise InputError(f"manifest {path}: row {number} has more cells than the header")
        entries.append({k.strip(): v.strip() for k, v in row.items() if v and v.strip()})
    return entries


def load_manifest(path: Path, *, out: Output | None = None) -> list[model.AssetRecord]:
    """Every entry as an asset record; InputError listing the problems if any entry is bad."""
    entries = read_entries(path)
    if not entries:
        raise InputError(f"manifest {path} lists no assets")
    records: list[model.AssetRecord] = []
    problems: list[str] = []
    for number, entry in enumerate(entries, start=1):
        try:
            unknown = sorted(set(entry) - KNOWN_FIELDS)
            if unknown:
                raise InputError(f"unknown field(s) {', '.join(unknown)}")
            cls = classify(
                category=str(entry.get("category", "enterprise")),
                grade=str(entry.get("grade", "general")),
                open_class=_optional_str(entry.get("open_class")),
                domain=_int(entry.get("domain", 0), "domain"),
                update_cycle=str(entry.get("update_cycle", "0")),
                metadata=_relative(path, entry.get("metadata_file")),
                metadata_uri=str(entry.get("metadata_uri", "")),
            )
            if "metadata_hash" in entry:
                cls = _with_metadata_hash(cls, parse_hash(str(entry["metadata_hash"])))
            if "file" in entry:
                if HASH_FIELDS & set(entry):
                    raise InputError("give either file or content_hash/merkle_root, not both")
                file = _relative(path, entry["file"])
                assert file is not None
                commitment = commit_file(file, records=_bool(entry.get("records", False)), out=out)
                records.append(asset_record(commitment, cls))
            else:
                records.append(_precomputed(entry, cls))
        except InputError as exc:
            problems.append(f"entry {number}: {exc}")
    _check_duplicates(records, problems)
    if problems:
        shown = "; ".join(problems[:_MAX_PROBLEMS])
        more = (
            f" (and {len(problems) - _MAX_PROBLEMS} more)" if len(problems) > _MAX_PROBLEMS else ""
        )
        raise InputError(
            f"manifest {path} has {len(problems)} problem(s), nothing sent: {shown}{more}"
        )
    return records


def check_unregistered(client: RegistryClient, records: list[model.AssetRecord]) -> None:
    """Refuse the whole manifest if any content is already registered."""
    taken = [
        r.content_hash
        for r in records
        if client.asset_core(r.content_hash).status != model.AssetStatus.NONE
    ]
    if taken:
        listed = ", ".join("0x" + t.hex() for t in taken[:5])
        raise InputError(
            f"{len(taken)} manifest entries are already registered, nothing sent: {listed}"
        )


def _precomputed(entry: Mapping[str, Any], cls: Classification) -> model.AssetRecord:
    missing = sorted(HASH_FIELDS - set(entry))
    if missing:
        raise InputError(
            f"needs file, or all of content_hash, merkle_root, leaf_count, leaf_mode "
            f"(missing {', '.join(missing)})"
        )
    leaf_count = _int(entry["leaf_count"], "leaf_count")
    root = parse_hash(str(entry["merkle_root"]), "merkle_root")
    if (leaf_count == 0) != (root == model.ZERO32):
        raise InputError("merkle_root must be zero exactly when leaf_count is 0")
    return model.AssetRecord(
        content_hash=parse_hash(str(entry["content_hash"]), "content_hash"),
        merkle_root=root,
        leaf_count=leaf_count,
        leaf_mode=parse_enum(model.LeafMode, str(entry["leaf_mode"])),
        metadata_hash=cls.metadata_hash,
        metadata_uri=cls.metadata_uri,
        category=cls.category,
        grade=cls.grade,
        open_class=cls.open_class,
        domain=cls.domain,
        update_cycle=cls.update_cycle,
    )


def _with_metadata_hash(cls: Classification, metadata_hash: bytes) -> Classification:
    return replace(cls, metadata_hash=metadata_hash)


def _check_duplicates(records: list[model.AssetRecord], problems: list[str]) -> None:
    seen: dict[bytes, int] = {}
    for number, record in enumerate(records, start=1):
        if record.content_hash in seen:
            problems.append(
                f"entry {number}: same content as entry {seen[record.content_hash]} "
                f"(0x{record.content_hash.hex()})"
            )
        seen.setdefault(record.content_hash, number)


def _relative(manifest: Path, value: Any) -> Path | None:
    if value is None or value == "":
        return None
    path = Path(str(value))
    return path if path.is_absolute() else manifest.parent / path


def _optional_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise InputError(f"{field} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InputError(f"{field} must be an integer, got {value!r}") from None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "records"}:
        return True
    if text in {"0", "false", "no", "", "chunks"}:
        return False
    raise InputError(f"records must be true or false, got {value!r}")
