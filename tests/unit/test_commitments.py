"""Tests for registry.commitments against the specification in docs/MERKLE.md."""

import hashlib
import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.commitments import (
    EMPTY_ROOT,
    MerkleAccumulator,
    MerkleProof,
    file_sha256,
    hash_file,
    leaf_hash,
    merkle_proof,
    merkle_root,
    node_hash,
    proof_from_json,
    proof_to_json,
    record_proof,
    verify_proof,
)

# The test vectors published in docs/MERKLE.md.
LEAF_A = bytes.fromhex("022a6979e6dab7aa5ae4c3e5e45f7e977112a7e63593820dbec1ec738a24f93c")
LEAF_B = bytes.fromhex("57eb35615d47f34ec714cacdf5fd74608a5e8e102724e80b24b287c0c27b6a31")
LEAF_C = bytes.fromhex("597fcb31282d34654c200d3418fca5705c648ebf326ec73d8ddef11841f876d8")
ROOT_AB = bytes.fromhex("b137985ff484fb600db93107c77b0365c80d78f5b429ded0fd97361d077999eb")
ROOT_ABC = bytes.fromhex("36642e73c2540ab121e3a6bf9545b0a24982cd830eb13d3cd19de3ce6c021ec1")
BATCH_ROOT_ABC = bytes.fromhex("cac3d448d4e20a2ad5eae1f500e63c2a7f9217cd14572ba7fd22e26dc1ec2648")


def _leaves(count: int, *, seed: int = 0) -> list[bytes]:
    return [leaf_hash(f"leaf-{seed}-{i}".encode()) for i in range(count)]


def _write(tmp_path: Path, content: bytes, name: str = "data.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _chunks(content: bytes, size: int) -> list[bytes]:
    return [content[i : i + size] for i in range(0, len(content), size)]


def _records(content: bytes) -> list[bytes]:
    pieces = content.split(b"\n")
    return pieces[:-1] if pieces[-1] == b"" else pieces


# Test vectors


def test_leaf_hash_matchesVector() -> None:
    assert leaf_hash(b"a") == LEAF_A
    assert leaf_hash(b"b") == LEAF_B
    assert leaf_hash(b"c") == LEAF_C
    assert leaf_hash(b"a") == hashlib.sha256(b"\x00a").digest()


def test_node_hash_isDomainSeparated() -> None:
    assert node_hash(LEAF_A, LEAF_B) == hashlib.sha256(b"\x01" + LEAF_A + LEAF_B).digest()
    assert node_hash(LEAF_A, LEAF_B) != leaf_hash(LEAF_A + LEAF_B)


def test_merkle_root_matchesVectors() -> None:
    assert merkle_root([]) == EMPTY_ROOT == bytes(32)
    assert merkle_root([LEAF_A]) == LEAF_A
    assert merkle_root([LEAF_A, LEAF_B]) == ROOT_AB
    assert merkle_root([LEAF_A, LEAF_B, LEAF_C]) == ROOT_ABC
    assert node_hash(ROOT_AB, LEAF_C) == ROOT_ABC


def test_merkle_proof_matchesVector() -> None:
    proof = merkle_proof([LEAF_A, LEAF_B, LEAF_C], 2)
    assert proof == MerkleProof(index=2, count=3, siblings=(ROOT_AB,))
    assert merkle_proof([LEAF_A, LEAF_B, LEAF_C], 0).siblings == (LEAF_B, LEAF_C)
    assert verify_proof(ROOT_ABC, LEAF_C, proof)


def test_document_batch_root_matchesVector() -> None:
    documents = [hashlib.sha256(name).digest() for name in (b"a", b"b", b"c")]
    assert merkle_root([leaf_hash(digest) for digest in documents]) == BATCH_ROOT_ABC


def test_merkle_root_oddNodeIsPromotedNotDuplicated() -> None:
    leaves = _leaves(5)
    top = node_hash(node_hash(leaves[0], leaves[1]), node_hash(leaves[2], leaves[3]))
    assert merkle_root(leaves) == node_hash(top, leaves[4])
    assert merkle_root(leaves) != merkle_root([*leaves, leaves[4]])


def test_merkle_root_raisesValueErrorOnShortLeaf() -> None:
    with pytest.raises(ValueError, match="leaf hash 1 has 31 bytes"):
        merkle_root([LEAF_A, LEAF_B[:31]])


# Streaming accumulator against the level-by-level reference


@pytest.mark.parametrize("count", range(301))
def test_accumulator_root_equalsMerkleRoot(count: int) -> None:
    leaves = _leaves(count, seed=count)
    tree = MerkleAccumulator()
    for leaf in leaves:
        tree.add(leaf)
    assert tree.count == count
    assert tree.root() == merkle_root(leaves)


@pytest.mark.parametrize("count", [*range(1, 40), 63, 64, 65, 127, 128, 129, 300])
def test_accumulator_proof_equalsMerkleProof(count: int) -> None:
    leaves = _leaves(count, seed=count)
    for index in range(count):
        tree = MerkleAccumulator(track=index)
        for leaf in leaves:
            tree.add(leaf)
        assert tree.proof() == merkle_proof(leaves, index)


def test_accumulator_proof_raisesIndexErrorWhenLeafMissing() -> None:
    tree = MerkleAccumulator(track=3)
    for leaf in _leaves(3):
        tree.add(leaf)
    with pytest.raises(IndexError):
        tree.proof()


# Proofs: every honest proof verifies, every tampered one fails


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 6, 7, 8, 9, 17, 31, 33, 100])
def test_verify_proof_acceptsEveryLeaf(count: int) -> None:
    leaves = _leaves(count, seed=count)
    root = merkle_root(leaves)
    for index, leaf in enumerate(leaves):
        proof = merkle_proof(leaves, index)
        assert len(proof.siblings) == _expected_length(index, count)
        assert verify_proof(root, leaf, proof)


def _expected_length(index: int, count: int) -> int:
    length = 0
    while count > 1:
        length += index % 2 == 1 or index + 1 < count
        index, count = index // 2, (count + 1) // 2
    return length


def _sides(index: int, count: int) -> list[bool]:
    """Right-child flags of the levels that consume a sibling (the spec's walk)."""
    sides = []
    while count > 1:
        if index % 2 == 1 or index + 1 < count:
            sides.append(index % 2 == 1)
        index, count = index // 2, (count + 1) // 2
    return sides


def _flip_bit(value: bytes, rng: random.Random) -> bytes:
    flipped = bytearray(value)
    flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
    return bytes(flipped)


def _tampered_siblings(siblings: tuple[bytes, ...], rng: random.Random) -> list[tuple[bytes, ...]]:
    variants = [(*siblings, LEAF_A)]
    if siblings:
        position = rng.randrange(len(siblings))
        changed = list(siblings)
        changed[position] = _flip_bit(changed[position], rng)
        variants += [tuple(changed), siblings[:-1], siblings[1:]]
    if len(siblings) > 1:
        variants.append(siblings[::-1])
    return variants


@pytest.mark.parametrize("seed", range(300))
def test_verify_proof_rejectsTamperedProofs(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randrange(1, 70)
    leaves = _leaves(count, seed=seed)
    root, index = merkle_root(leaves), rng.randrange(count)
    proof = merkle_proof(leaves, index)
    leaf = leaves[index]
    assert verify_proof(root, leaf, proof)
    for siblings in _tampered_siblings(proof.siblings, rng):
        assert not verify_proof(root, leaf, replace(proof, siblings=siblings))
    assert not verify_proof(root, _flip_bit(leaf, rng), proof)
    assert not verify_proof(_flip_bit(root, rng), leaf, proof)
    for other in range(count):
        if other != index:
            assert not verify_proof(root, leaf, replace(proof, index=other))
    # The root does not commit to the count: another count verifies exactly when it
    # gives the same left/right walk, which is why verifiers take the count from the
    # registered commitment and never from the prover (docs/MERKLE.md).
    for other_count in range(1, 2 * count + 2):
        walk_matches = index < other_count and _sides(index, other_count) == _sides(index, count)
        assert verify_proof(root, leaf, replace(proof, count=other_count)) == walk_matches


def test_verify_proof_countFromProverDoesNotBindIndex() -> None:
    # Leaf c of [a, b, c] also verifies as leaf 1 of a claimed 2-leaf tree [ab, c].
    assert verify_proof(ROOT_ABC, LEAF_C, MerkleProof(index=1, count=2, siblings=(ROOT_AB,)))


def test_verify_proof_rejectsMalformedProofs() -> None:
    assert not verify_proof(ROOT_ABC, LEAF_C, MerkleProof(index=3, count=3, siblings=(ROOT_AB,)))
    assert not verify_proof(ROOT_ABC, LEAF_C, MerkleProof(index=-1, count=3, siblings=(ROOT_AB,)))
    assert not verify_proof(LEAF_A, LEAF_A, MerkleProof(index=0, count=0, siblings=()))
    assert not verify_proof(EMPTY_ROOT, EMPTY_ROOT, MerkleProof(index=0, count=1, siblings=()))
    assert not verify_proof(ROOT_ABC, LEAF_C, MerkleProof(index=2, count=3, siblings=(b"\x01",)))
    assert not verify_proof(ROOT_ABC[:31], LEAF_C, merkle_proof([LEAF_A, LEAF_B, LEAF_C], 2))
    # A leaf of a 1-leaf tree is its own root and needs no siblings.
    assert verify_proof(LEAF_A, LEAF_A, MerkleProof(index=0, count=1, siblings=()))


def test_verify_proof_rejectsInnerNodeAsLeaf() -> None:
    # Leaf data equal to the children of inner node ab hashes to a different value.
    forged_leaf = leaf_hash(LEAF_A + LEAF_B)
    assert forged_leaf != ROOT_AB
    forged = MerkleProof(index=0, count=2, siblings=(LEAF_C,))
    assert not verify_proof(ROOT_ABC, forged_leaf, forged)


def test_merkle_proof_raisesIndexErrorOutsideTree() -> None:
    with pytest.raises(IndexError):
        merkle_proof([LEAF_A], 1)


# Files: chunks


@pytest.mark.parametrize(
    ("size", "chunk_size"),
    [
        (0, 4),
        (1, 4),
        (4, 4),
        (5, 4),
        (4096, 1024),
        (4097, 1024),
        (4095, 1024),
        (3000, 7),
        (1 << 20, 1 << 20),
        ((1 << 20) + 1, 1 << 20),
        (3 * (1 << 20) - 5, 1 << 20),
        (5 << 20, 3 << 20),
        (2_500_000, 333_333),
    ],
)
def test_hash_file_chunks_equalsInMemory(tmp_path: Path, size: int, chunk_size: int) -> None:
    content = random.Random(size ^ chunk_size).randbytes(size)
    path = _write(tmp_path, content)
    commitment = hash_file(path, chunk_size=chunk_size)
    chunks = _chunks(content, chunk_size)
    assert commitment.sha256 == hashlib.sha256(content).digest()
    assert commitment.merkle_root == merkle_root([leaf_hash(chunk) for chunk in chunks])
    assert commitment.leaf_count == len(chunks) == -(-size // chunk_size)
    assert commitment.size == size
    assert (commitment.mode, commitment.chunk_size) == ("chunks", chunk_size)


@pytest.mark.parametrize("count", range(301))
def test_hash_file_chunks_leafCountsZeroTo300(tmp_path: Path, count: int) -> None:
    content = random.Random(count).randbytes(count * 5 - (count > 0) * 2)
    commitment = hash_file(_write(tmp_path, content), chunk_size=5)
    assert commitment.leaf_count == count
    assert commitment.merkle_root == merkle_root([leaf_hash(c) for c in _chunks(content, 5)])


def test_hash_file_emptyFile(tmp_path: Path) -> None:
    for records in (False, True):
        commitment = hash_file(_write(tmp_path, b""), records=records)
        assert commitment.sha256 == hashlib.sha256(b"").digest()
        assert (commitment.merkle_root, commitment.leaf_count, commitment.size) == (
            EMPTY_ROOT,
            0,
            0,
        )


def test_hash_file_raisesValueErrorOnZeroChunkSize(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        hash_file(_write(tmp_path, b"abc"), chunk_size=0)


def test_file_sha256_equalsHashlib(tmp_path: Path) -> None:
    content = random.Random(1).randbytes(3_000_001)
    assert file_sha256(_write(tmp_path, content)) == hashlib.sha256(content).digest()


# Files: records


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"a\nb\nc\n", [b"a", b"b", b"c"]),
        (b"a\nb\nc", [b"a", b"b", b"c"]),
        (b"a\r\nb\r\n", [b"a\r", b"b\r"]),
        (b"\n", [b""]),
        (b"\n\n", [b"", b""]),
        (b"a\n\nb", [b"a", b"", b"b"]),
        (b"a\n\n", [b"a", b""]),
        (b"no newline", [b"no newline"]),
        (b"", []),
    ],
)
def test_hash_file_records_splitsOnNewline(
    tmp_path: Path, content: bytes, expected: list[bytes]
) -> None:
    commitment = hash_file(_write(tmp_path, content), records=True)
    assert commitment.merkle_root == merkle_root([leaf_hash(record) for record in expected])
    assert commitment.leaf_count == len(expected)
    assert (commitment.mode, commitment.chunk_size) == ("records", None)


def test_hash_file_records_trailingNewlineAddsNoRecord(tmp_path: Path) -> None:
    with_newline = hash_file(_write(tmp_path, b"a\nb\nc\n", "a.txt"), records=True)
    without = hash_file(_write(tmp_path, b"a\nb\nc", "b.txt"), records=True)
    assert with_newline.merkle_root == without.merkle_root == ROOT_ABC
    assert with_newline.sha256 != without.sha256


def _records_content(rng: random.Random, count: int, *, long_every: int = 0) -> bytes:
    lines = []
    for i in range(count):
        length = 3_000_000 if long_every and i % long_every == 1 else rng.randrange(0, 40)
        lines.append(rng.randbytes(length).replace(b"\n", b"_"))
    return b"\n".join(lines) + (b"\n" if rng.random() < 0.5 else b"")


@pytest.mark.parametrize("count", [1, 2, 3, 1000, 70_000])
def test_hash_file_records_equalsInMemory(tmp_path: Path, count: int) -> None:
    content = _records_content(random.Random(count), count)
    commitment = hash_file(_write(tmp_path, content), records=True)
    records = _records(content)
    assert commitment.leaf_count == len(records)
    assert commitment.merkle_root == merkle_root([leaf_hash(record) for record in records])
    assert commitment.sha256 == hashlib.sha256(content).digest()


def test_hash_file_records_recordsSpanningReadBlocks(tmp_path: Path) -> None:
    content = _records_content(random.Random(5), 9, long_every=3)
    commitment = hash_file(_write(tmp_path, content), records=True)
    assert commitment.merkle_root == merkle_root([leaf_hash(r) for r in _records(content)])


def test_record_proof_everyRecordVerifies(tmp_path: Path) -> None:
    content = _records_content(random.Random(9), 40, long_every=17)
    path = _write(tmp_path, content)
    root = hash_file(path, records=True).merkle_root
    records = _records(content)
    for index, expected in enumerate(records):
        record, proof = record_proof(path, index)
        assert record == expected
        assert proof == merkle_proof([leaf_hash(r) for r in records], index)
        assert verify_proof(root, leaf_hash(record), proof)


def test_record_proof_raisesIndexErrorPastLastRecord(tmp_path: Path) -> None:
    path = _write(tmp_path, b"a\nb\n")
    with pytest.raises(IndexError, match="record 2 not among the 2 records"):
        record_proof(path, 2)


# Proof documents


def test_proof_json_roundTrips() -> None:
    proof = merkle_proof([LEAF_A, LEAF_B, LEAF_C], 2)
    text = proof_to_json(proof, leaf=LEAF_C, root=ROOT_ABC)
    assert json.loads(text) == {
        "index": 2,
        "count": 3,
        "siblings": ["0x" + ROOT_AB.hex()],
        "leaf": "0x" + LEAF_C.hex(),
        "root": "0x" + ROOT_ABC.hex(),
    }
    assert proof_from_json(text) == (ROOT_ABC, LEAF_C, proof)
    assert verify_proof(*proof_from_json(text))


@pytest.mark.parametrize(
    "change",
    [
        {"index": -1},
        {"count": "3"},
        {"siblings": "0x00"},
        {"leaf": "0x1234"},
        {"root": "zz" * 32},
        {"siblings": [7]},
        {"count": True},
    ],
)
def test_proof_from_json_raisesValueErrorOnMalformedDocument(change: dict[str, object]) -> None:
    document = json.loads(
        proof_to_json(merkle_proof([LEAF_A, LEAF_B], 0), leaf=LEAF_A, root=ROOT_AB)
    )
    with pytest.raises(ValueError):
        proof_from_json(json.dumps({**document, **change}))


# Property tests


@settings(max_examples=200, deadline=None)
@given(
    leaves=st.lists(st.binary(max_size=8), min_size=1, max_size=80),
    data=st.data(),
)
def test_property_proofsVerifyAndBindTheLeaf(leaves: list[bytes], data: st.DataObject) -> None:
    hashes = [leaf_hash(leaf) for leaf in leaves]
    root = merkle_root(hashes)
    index = data.draw(st.integers(0, len(leaves) - 1))
    proof = merkle_proof(hashes, index)
    assert verify_proof(root, hashes[index], proof)
    other = data.draw(st.integers(0, len(leaves) - 1))
    assert verify_proof(root, hashes[other], proof) == (leaves[other] == leaves[index])


@settings(max_examples=100, deadline=None)
@given(
    content=st.binary(max_size=600).map(lambda b: b.replace(b"\r", b"\n")),
    chunk_size=st.integers(1, 64),
)
def test_property_streamingEqualsInMemory(
    tmp_path_factory: pytest.TempPathFactory, content: bytes, chunk_size: int
) -> None:
    path = _write(tmp_path_factory.mktemp("prop"), content)
    chunks = hash_file(path, chunk_size=chunk_size)
    assert chunks.merkle_root == merkle_root([leaf_hash(c) for c in _chunks(content, chunk_size)])
    records = hash_file(path, records=True)
    assert records.merkle_root == merkle_root([leaf_hash(r) for r in _records(content)])
