"""Turning a file and classification options into an asset record.

The content commitment (SHA-256 plus a Merkle root over chunks or records) is computed here,
streaming, with `registry.commitments.hash_file`; large files get a progress bar.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from registry import model
from registry.cli.common import (
    InputError,
    Output,
    existing_file,
    parse_duration,
    parse_enum,
    sha256_of_file,
)
from registry.commitments import FileCommitment, hash_file

# Files at least this large get a progress bar while they are hashed.
PROGRESS_THRESHOLD = 32 << 20
MAX_DOMAIN = (1 << 16) - 1


@dataclass(frozen=True)
class Classification:
    """How an asset is classified, and its metadata document's hash and URI."""

    category: model.Category = model.Category.ENTERPRISE
    grade: model.Grade = model.Grade.GENERAL
    open_class: model.OpenClass = model.OpenClass.NOT_APPLICABLE
    domain: int = 0
    update_cycle: int = 0
    metadata_hash: bytes = model.ZERO32
    metadata_uri: str = ""


def classify(
    *,
    category: str,
    grade: str,
    open_class: str | None,
    domain: int,
    update_cycle: str,
    metadata: Path | None = None,
    metadata_uri: str = "",
) -> Classification:
    """Parse and check classification options the way the registry's rules will."""
    cat = parse_enum(model.Category, category)
    if open_class is None:
        if cat == model.Category.PUBLIC:
            raise InputError(
                "public data needs --open-class (unconditional, conditional, not-open)"
            )
        oc = model.OpenClass.NOT_APPLICABLE
    else:
        oc = parse_enum(model.OpenClass, open_class)
    if (cat == model.Category.PUBLIC) == (oc == model.OpenClass.NOT_APPLICABLE):
        raise InputError("only public data has an open class; other data takes not-applicable")
    if not 0 <= domain <= MAX_DOMAIN:
        raise InputError(f"domain must be between 0 and {MAX_DOMAIN}, got {domain}")
    return Classification(
        category=cat,
        grade=parse_enum(model.Grade, grade),
        open_class=oc,
        domain=domain,
        update_cycle=parse_duration(update_cycle),
        metadata_hash=sha256_of_file(existing_file(metadata, "metadata file"))
        if metadata
        else model.ZERO32,
        metadata_uri=metadata_uri,
    )


def asset_record(commitment: FileCommitment, cls: Classification) -> model.AssetRecord:
    """The on-chain record of a committed file."""
    return model.AssetRecord(
        content_hash=commitment.sha256,
        merkle_root=commitment.merkle_root,
        leaf_count=commitment.leaf_count,
        leaf_mode=model.LeafMode.RECORDS if commitment.mode == "records" else model.LeafMode.CHUNKS,
        metadata_hash=cls.metadata_hash,
        metadata_uri=cls.metadata_uri,
        category=cls.category,
        grade=cls.grade,
        open_class=cls.open_class,
        domain=cls.domain,
        update_cycle=cls.update_cycle,
    )


def _read_position(path: Path) -> int | None:
    """How far this process has read `path` (Linux /proc); None where that is unknown."""
    target = str(path.resolve())
    try:
        descriptors = os.listdir("/proc/self/fd")
    except OSError:
        return None
    for fd in descriptors:
        try:
            if os.readlink(f"/proc/self/fd/{fd}") != target:
                continue
            with open(f"/proc/self/fdinfo/{fd}", encoding="ascii") as info:
                for line in info:
                    if line.startswith("pos:"):
                        return int(line.split()[1])
        except (OSError, ValueError):
            continue
    return None


def commit_file(path: Path, *, records: bool, out: Output | None = None) -> FileCommitment:
    """SHA-256 and Merkle root of a file in one streaming pass; a progress bar if it is large."""
    existing_file(path)
    size = path.stat().st_size
    if out is None or out.json_mode or size < PROGRESS_THRESHOLD:
        return hash_file(path, records=records)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
    with (
        ThreadPoolExecutor(max_workers=1) as pool,
        Progress(*columns, TimeRemainingColumn(), console=out.console, transient=True) as bar,
    ):
        task = bar.add_task(f"hashing {path.name}", total=size)
        future = pool.submit(hash_file, path, records=records)
        while not future.done():
            position = _read_position(path)
            if position is not None:
                bar.update(task, completed=position)
            time.sleep(0.1)
        return future.result()
