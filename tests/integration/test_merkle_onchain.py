"""Sha256Merkle.sol against registry.commitments on a real anvil chain."""

import hashlib
import random
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from registry.chain.compiler import compile_contracts
from registry.commitments import (
    EMPTY_ROOT,
    MerkleProof,
    leaf_hash,
    merkle_proof,
    merkle_root,
    node_hash,
    verify_proof,
)

pytestmark = pytest.mark.integration

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
HARNESS = Path(__file__).resolve().parents[1] / "contracts" / "MerkleHarness.sol"


@pytest.fixture(scope="module")
def harness(w3: Web3, tmp_path_factory: pytest.TempPathFactory) -> Any:
    # Only the harness is compiled (other test contracts live next to it), and into a
    # fresh build directory: the compile cache is keyed on the harness source only, so a
    # stale entry could hide a change to the imported library.
    source_dir = tmp_path_factory.mktemp("merkle-src")
    shutil.copy(HARNESS, source_dir / HARNESS.name)
    artifacts = compile_contracts(
        source_dir, tmp_path_factory.mktemp("merkle-build"), node_modules=NODE_MODULES
    )
    artifact = artifacts["MerkleHarness"]
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    tx_hash = factory.constructor().transact({"from": w3.eth.accounts[0]})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash)
    return w3.eth.contract(address=receipt["contractAddress"], abi=artifact.abi)


def _on_chain(harness: Any, root: bytes, leaf: bytes, proof: MerkleProof) -> bool:
    call = harness.functions.verify(root, leaf, proof.index, proof.count, list(proof.siblings))
    return bool(call.call())


def _documents(count: int, *, seed: int) -> list[bytes]:
    return [hashlib.sha256(f"document-{seed}-{i}".encode()).digest() for i in range(count)]


def test_leafHash_matchesPython(harness: Any) -> None:
    for document in _documents(5, seed=1):
        assert harness.functions.leafHash(document).call() == leaf_hash(document)


def test_nodeHash_matchesPython(harness: Any) -> None:
    left, right = _documents(2, seed=2)
    assert harness.functions.nodeHash(left, right).call() == node_hash(left, right)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 33])
def test_verify_acceptsEveryPythonProof(harness: Any, count: int) -> None:
    leaves = [leaf_hash(document) for document in _documents(count, seed=count)]
    root = merkle_root(leaves)
    for index, leaf in enumerate(leaves):
        assert _on_chain(harness, root, leaf, merkle_proof(leaves, index))


def test_verify_documentBatchVector(harness: Any) -> None:
    # The document-batch vector of docs/MERKLE.md, leaf hashes computed on chain.
    documents = [hashlib.sha256(name).digest() for name in (b"a", b"b", b"c")]
    leaves = [harness.functions.leafHash(document).call() for document in documents]
    root = bytes.fromhex("cac3d448d4e20a2ad5eae1f500e63c2a7f9217cd14572ba7fd22e26dc1ec2648")
    assert merkle_root(leaves) == root
    assert _on_chain(harness, root, leaves[1], merkle_proof(leaves, 1))


def _variants(proof: MerkleProof, rng: random.Random) -> list[MerkleProof]:
    variants = [
        replace(proof, index=proof.index + 1),
        replace(proof, index=max(proof.index - 1, 0)),
        replace(proof, count=proof.count + 1),
        replace(proof, count=proof.count - 1),
        replace(proof, count=0),
        replace(proof, index=proof.count),
        replace(
            proof, siblings=(*proof.siblings, proof.siblings[0] if proof.siblings else bytes(32))
        ),
    ]
    if proof.siblings:
        flipped = list(proof.siblings)
        position = rng.randrange(len(flipped))
        flipped[position] = bytes([flipped[position][0] ^ 1]) + flipped[position][1:]
        variants += [
            replace(proof, siblings=tuple(flipped)),
            replace(proof, siblings=proof.siblings[:-1]),
            replace(proof, siblings=proof.siblings[::-1]),
        ]
    return variants


@pytest.mark.parametrize("seed", range(12))
def test_verify_agreesWithPythonOnTamperedProofs(harness: Any, seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randrange(1, 40)
    leaves = [leaf_hash(document) for document in _documents(count, seed=seed)]
    root = merkle_root(leaves)
    index = rng.randrange(count)
    proof = merkle_proof(leaves, index)
    rejected = 0
    for variant in _variants(proof, rng):
        expected = verify_proof(root, leaves[index], variant)
        assert _on_chain(harness, root, leaves[index], variant) == expected, variant
        rejected += not expected
    assert rejected >= 4
    assert not _on_chain(harness, root, leaf_hash(b"not a member"), proof)
    assert not _on_chain(harness, node_hash(root, root), leaves[index], proof)


def test_verify_rejectsEmptyTreeRoot(harness: Any) -> None:
    empty = MerkleProof(index=0, count=1, siblings=())
    assert not _on_chain(harness, EMPTY_ROOT, EMPTY_ROOT, empty)
    assert _on_chain(harness, leaf_hash(b"a"), leaf_hash(b"a"), empty)
