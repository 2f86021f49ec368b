"""Content commitments: whole-content SHA-256 and the SHA-256 Merkle tree of docs/MERKLE.md.

Everything here follows that one specification, shared with the contracts
(``Sha256Merkle.sol``) and the browser; change the document first, then all three.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

HASH_SIZE = 32
EMPTY_ROOT = bytes(HASH_SIZE)
DEFAULT_CHUNK_SIZE = 1 << 20

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_LEAF_HASHER = hashlib.sha256(_LEAF_PREFIX)
# Large enough that the per-block cost of handing work to the helper thread is
# negligible, small enough that two blocks in flight stay a few MiB.
_READ_BLOCK = 1 << 20

StrPath = str | os.PathLike[str]
CommitmentMode = Literal["chunks", "records"]


def leaf_hash(data: bytes | memoryview) -> bytes:
    """Return the leaf hash SHA-256(0x00 || data)."""
    hasher = _LEAF_HASHER.copy()
    hasher.update(data)
    return hasher.digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the inner node hash SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _check_leaves(leaf_hashes: Sequence[bytes]) -> list[bytes]:
    level = list(leaf_hashes)
    for position, value in enumerate(level):
        if len(value) != HASH_SIZE:
            raise ValueError(f"leaf hash {position} has {len(value)} bytes, expected {HASH_SIZE}")
    return level


def _next_level(level: list[bytes]) -> list[bytes]:
    parents = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        parents.append(level[-1])  # promoted unchanged, never duplicated
    return parents


def merkle_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the root over the given leaf hashes (EMPTY_ROOT for none)."""
    level = _check_leaves(leaf_hashes)
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        level = _next_level(level)
    return level[0]


@dataclass(frozen=True)
class MerkleProof:
    """Inclusion proof of leaf ``index`` in a tree of ``count`` leaves; siblings bottom-up."""

    index: int
    count: int
    siblings: tuple[bytes, ...]


def merkle_proof(leaf_hashes: Sequence[bytes], index: int) -> MerkleProof:
    """Return the inclusion proof of leaf ``index``."""
    level = _check_leaves(leaf_hashes)
    if not 0 <= index < len(level):
        raise IndexError(f"leaf index {index} outside a tree of {len(level)} leaves")
    siblings: list[bytes] = []
    position = index
    while len(level) > 1:
        if position % 2 == 1:
            siblings.append(level[position - 1])
        elif position + 1 < len(level):
            siblings.append(level[position + 1])
        level = _next_level(level)
        position //= 2
    return MerkleProof(index=index, count=len(leaf_hashes), siblings=tuple(siblings))


def _proof_is_well_formed(root: bytes, leaf: bytes, proof: MerkleProof) -> bool:
    return (
        len(root) == HASH_SIZE
        and root != EMPTY_ROOT
        and len(leaf) == HASH_SIZE
        and 0 <= proof.index < proof.count
        and all(len(sibling) == HASH_SIZE for sibling in proof.siblings)
    )


def verify_proof(root: bytes, leaf_hash: bytes, proof: MerkleProof) -> bool:
    """Return whether ``proof`` shows ``leaf_hash`` at ``proof.index`` under ``root``."""
    if not _proof_is_well_formed(root, leaf_hash, proof):
        return False
    node, position, width = leaf_hash, proof.index, proof.count
    remaining = iter(proof.siblings)
    while width > 1:
        if position % 2 == 1:
            sibling = next(remaining, None)
            if sibling is None:
                return False
            node = node_hash(sibling, node)
        elif position + 1 < width:
            sibling = next(remaining, None)
            if sibling is None:
                return False
            node = node_hash(node, sibling)
        position //= 2
        width = (width + 1) // 2
    return next(remaining, None) is None and node == root


class MerkleAccumulator:
    """Builds a root from leaf hashes added one at a time, in O(log n) memory.

    Keeps the roots of the completed perfect subtrees, one per set bit of the
    leaf count, largest first (a binary counter); folding them right to left
    gives the same root as odd-node promotion. With ``track`` set, also
    collects the inclusion proof of that leaf.
    """

    def __init__(self, *, track: int | None = None) -> None:
        self._stack: list[bytes] = []
        self._count = 0
        self._track = track
        self._tracked_slot: int | None = None  # stack slot whose subtree holds the tracked leaf
        self._siblings: list[bytes] = []

    @property
    def count(self) -> int:
        """Number of leaves added so far."""
        return self._count

    def add(self, leaf: bytes) -> None:
        """Append the next leaf hash."""
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"leaf hash has {len(leaf)} bytes, expected {HASH_SIZE}")
        stack, digest = self._stack, leaf
        holds_target = self._count == self._track
        # Adding a leaf completes one subtree per trailing one bit of the count.
        for _ in range((~self._count & (self._count + 1)).bit_length() - 1):
            left = stack.pop()
            if self._tracked_slot == len(stack):
                self._siblings.append(digest)
                holds_target = True
            elif holds_target:
                self._siblings.append(left)
            digest = node_hash(left, digest)
        if holds_target:
            self._tracked_slot = len(stack)
        stack.append(digest)
        self._count += 1

    def _fold(self) -> tuple[bytes, list[bytes]]:
        siblings = list(self._siblings)
        if not self._stack:
            return EMPTY_ROOT, siblings
        last = len(self._stack) - 1
        digest, holds_target = self._stack[last], self._tracked_slot == last
        for slot in range(last - 1, -1, -1):
            left = self._stack[slot]
            if self._tracked_slot == slot:
                siblings.append(digest)
                holds_target = True
            elif holds_target:
                siblings.append(left)
            digest = node_hash(left, digest)
        return digest, siblings

    def root(self) -> bytes:
        """Return the root over the leaves added so far."""
        return self._fold()[0]

    def proof(self) -> MerkleProof:
        """Return the inclusion proof of the tracked leaf."""
        if self._track is None or not 0 <= self._track < self._count:
            raise IndexError(f"leaf {self._track} not among {self._count} leaves")
        return MerkleProof(index=self._track, count=self._count, siblings=tuple(self._fold()[1]))


class _ChunkLeaves:
    """Cuts a byte stream into fixed-size chunks and emits each chunk's leaf hash."""

    def __init__(self, chunk_size: int, emit: Callable[[bytes], None]) -> None:
        self._chunk_size = chunk_size
        self._emit = emit
        self._hasher = _LEAF_HASHER.copy()
        self._filled = 0

    def feed(self, block: bytes) -> None:
        view = memoryview(block)
        while view:
            take = min(len(view), self._chunk_size - self._filled)
            self._hasher.update(view[:take])
            self._filled += take
            view = view[take:]
            if self._filled == self._chunk_size:
                self._flush()

    def _flush(self) -> None:
        self._emit(self._hasher.digest())
        self._hasher = _LEAF_HASHER.copy()
        self._filled = 0

    def finish(self) -> None:
        if self._filled:
            self._flush()


class _RecordLeaves:
    """Splits a byte stream into ``\\n``-terminated records and emits each record's leaf hash.

    A final record without a newline counts only if it is non-empty. With
    ``capture`` set, keeps the bytes of that record.
    """

    def __init__(self, emit: Callable[[bytes], None], *, capture: int | None = None) -> None:
        self._emit = emit
        self._capture = capture
        self._index = 0
        self._hasher = _LEAF_HASHER.copy()
        self._pending = 0
        self._captured: list[bytes] = []

    @property
    def captured(self) -> bytes | None:
        """Bytes of the captured record, once it is complete."""
        if self._capture is None or self._index <= self._capture:
            return None
        return b"".join(self._captured)

    def _extend(self, piece: bytes) -> None:
        self._hasher.update(piece)
        self._pending += len(piece)
        if self._index == self._capture:
            self._captured.append(piece)

    def _close(self) -> None:
        self._emit(self._hasher.digest())
        self._hasher = _LEAF_HASHER.copy()
        self._pending = 0
        self._index += 1

    def feed(self, block: bytes) -> None:
        *complete, tail = block.split(b"\n")
        if complete:
            self._extend(complete[0])
            self._close()
            self._feed_whole_records(complete[1:])
        self._extend(tail)

    def _feed_whole_records(self, pieces: list[bytes]) -> None:
        first = self._index
        if self._capture is not None and first <= self._capture < first + len(pieces):
            self._captured.append(pieces[self._capture - first])
        for piece in pieces:
            self._emit(leaf_hash(piece))
        self._index += len(pieces)

    def finish(self) -> None:
        if self._pending:
            self._close()


def _scan(path: StrPath, consume: Callable[[bytes], None]) -> tuple[bytes, int]:
    """Read the file once; return its SHA-256 and size while ``consume`` sees every block.

    The whole-file hash runs on a helper thread (hashlib releases the GIL), so it
    overlaps with the leaf hashing done by ``consume`` on this thread.
    """
    whole = hashlib.sha256()
    size = 0
    with open(path, "rb", buffering=0) as stream, ThreadPoolExecutor(max_workers=1) as helper:
        running: Future[None] | None = None
        while block := stream.read(_READ_BLOCK):
            if running is not None:
                running.result()
            running = helper.submit(whole.update, block)
            size += len(block)
            consume(block)
        if running is not None:
            running.result()
    return whole.digest(), size


def file_sha256(path: StrPath) -> bytes:
    """Return the SHA-256 of the file's bytes, read in blocks."""
    whole = hashlib.sha256()
    with open(path, "rb", buffering=0) as stream:
        while block := stream.read(_READ_BLOCK):
            whole.update(block)
    return whole.digest()


@dataclass(frozen=True)
class FileCommitment:
    """Whole-file SHA-256 and Merkle root of a file's chunks or records."""

    sha256: bytes
    merkle_root: bytes
    leaf_count: int
    size: int
    mode: CommitmentMode
    chunk_size: int | None  # None in records mode


def hash_file(
    path: StrPath, *, chunk_size: int = DEFAULT_CHUNK_SIZE, records: bool = False
) -> FileCommitment:
    """Commit to a file in one streaming pass: SHA-256 plus chunk (or record) Merkle root."""
    if chunk_size <= 0:
        raise ValueError(f"chunk size must be positive, got {chunk_size}")
    tree = MerkleAccumulator()
    leaves = _RecordLeaves(tree.add) if records else _ChunkLeaves(chunk_size, tree.add)
    digest, size = _scan(path, leaves.feed)
    leaves.finish()
    return FileCommitment(
        sha256=digest,
        merkle_root=tree.root(),
        leaf_count=tree.count,
        size=size,
        mode="records" if records else "chunks",
        chunk_size=None if records else chunk_size,
    )


def record_proof(path: StrPath, record_index: int) -> tuple[bytes, MerkleProof]:
    """Return the bytes of record ``record_index`` and its proof against the records root."""
    if record_index < 0:
        raise IndexError(f"record index {record_index} is negative")
    tree = MerkleAccumulator(track=record_index)
    leaves = _RecordLeaves(tree.add, capture=record_index)
    _scan(path, leaves.feed)
    leaves.finish()
    record = leaves.captured
    if record is None:
        raise IndexError(f"record {record_index} not among the {tree.count} records of {path}")
    return record, tree.proof()


def _to_hex(value: bytes) -> str:
    return "0x" + value.hex()


def _from_hex(value: object, field: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"proof field {field} must be a hex string")
    text = value[2:] if value.startswith(("0x", "0X")) else value
    try:
        raw = bytes.fromhex(text)
    except ValueError as exc:
        raise ValueError(f"proof field {field} is not hex: {value!r}") from exc
    if len(raw) != HASH_SIZE:
        raise ValueError(f"proof field {field} has {len(raw)} bytes, expected {HASH_SIZE}")
    return raw


def proof_to_json(proof: MerkleProof, *, leaf: bytes, root: bytes) -> str:
    """Serialise a proof with its leaf hash and root as a JSON document (0x-prefixed hex)."""
    document = {
        "index": proof.index,
        "count": proof.count,
        "siblings": [_to_hex(sibling) for sibling in proof.siblings],
        "leaf": _to_hex(leaf),
        "root": _to_hex(root),
    }
    return json.dumps(document, indent=2) + "\n"


def _from_int(value: object, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"proof field {field} must be a non-negative integer")
    return value


def proof_from_json(text: str) -> tuple[bytes, bytes, MerkleProof]:
    """Parse a proof document; return ``(root, leaf, proof)`` in ``verify_proof`` order."""
    document = json.loads(text)
    if not isinstance(document, dict):
        raise ValueError("proof document must be a JSON object")
    siblings = document.get("siblings")
    if not isinstance(siblings, list):
        raise ValueError("proof field siblings must be a list")
    proof = MerkleProof(
        index=_from_int(document.get("index"), "index"),
        count=_from_int(document.get("count"), "count"),
        siblings=tuple(_from_hex(s, f"siblings[{i}]") for i, s in enumerate(siblings)),
    )
    return _from_hex(document.get("root"), "root"), _from_hex(document.get("leaf"), "leaf"), proof
