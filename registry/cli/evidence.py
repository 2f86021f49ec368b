"""`datarights evidence`: anchor documents (存证) singly or as one Merkle batch; check proofs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from registry import model
from registry.chain.client import RegistryClient, WriteResult
from registry.cli.common import (
    CheckFailed,
    InputError,
    JsonFlag,
    cli_state,
    command_help,
    existing_file,
    parse_enum,
    parse_hash,
    parse_subject,
    sha256_of_file,
)
from registry.commitments import (
    leaf_hash,
    merkle_proof,
    merkle_root,
    proof_from_json,
    proof_to_json,
    verify_proof,
)

app = typer.Typer(
    help="Evidence anchors: single documents, Merkle batches, inclusion proofs.",
    no_args_is_help=True,
)


@dataclass(frozen=True)
class Subject:
    """What a piece of evidence is about."""

    kind: model.SubjectKind = model.SubjectKind.ASSET
    value: bytes = model.ZERO32

    @classmethod
    def parse(cls, text: str | None) -> Subject:
        if not text:
            return cls()
        kind, ident = parse_subject(text)
        return cls(kind, model.subject_bytes(kind, ident))


@dataclass(frozen=True)
class Batch:
    """An anchored batch: its root, documents in order, and the proof files written."""

    root: bytes
    documents: list[tuple[Path, bytes]]
    proof_files: list[Path]
    result: WriteResult


def anchor_file(
    client: RegistryClient,
    path: Path,
    evidence_type: model.EvidenceType,
    *,
    subject: Subject,
    uri: str = "",
) -> tuple[bytes, WriteResult]:
    """Anchor one document by its SHA-256."""
    digest = sha256_of_file(existing_file(path, "document"))
    result = client.anchor(
        digest, evidence_type, subject_kind=subject.kind, subject=subject.value, uri=uri
    )
    return digest, result


def anchor_batch(
    client: RegistryClient,
    paths: list[Path],
    evidence_type: model.EvidenceType,
    *,
    subject: Subject,
    out_dir: Path,
    uri: str = "",
) -> Batch:
    """Anchor one Merkle root over the documents' hashes; write one proof file per document."""
    if not paths:
        raise InputError("anchor-batch needs at least one document")
    documents = [(p, sha256_of_file(existing_file(p, "document"))) for p in paths]
    hashes = [digest for _, digest in documents]
    if len(set(hashes)) != len(hashes):
        raise InputError("the batch lists the same document content twice")
    leaves = [leaf_hash(h) for h in hashes]
    root = merkle_root(leaves)
    result = client.anchor_batch(
        root, len(leaves), evidence_type, subject_kind=subject.kind, subject=subject.value, uri=uri
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index, (path, digest) in enumerate(documents):
        proof = json.loads(
            proof_to_json(merkle_proof(leaves, index), leaf=leaves[index], root=root)
        )
        proof.update(document=path.name, document_hash="0x" + digest.hex())
        target = out_dir / f"{path.name}.proof.json"
        target.write_text(json.dumps(proof, indent=2) + "\n", encoding="utf-8")
        written.append(target)
    return Batch(root, documents, written, result)


def check_proof(
    client: RegistryClient, proof_file: Path, document: Path | None = None
) -> dict[str, Any]:
    """Check a proof file locally and against the anchored batch; CheckFailed if it fails."""
    text = existing_file(proof_file, "proof file").read_text(encoding="utf-8")
    try:
        root, leaf, proof = proof_from_json(text)
        extra = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{proof_file} is not a proof file: {exc}") from None
    if document is not None:
        document_hash = sha256_of_file(existing_file(document, "document"))
    elif "document_hash" in extra:
        document_hash = parse_hash(str(extra["document_hash"]), "document_hash")
    else:
        raise InputError(f"{proof_file} names no document_hash; give the document with --document")
    if leaf_hash(document_hash) != leaf:
        raise CheckFailed(f"the document does not match the proof's leaf (0x{leaf.hex()})")
    if not verify_proof(root, leaf, proof):
        raise CheckFailed("the proof does not lead to its root")
    anchor = client.batch_of(root)
    if anchor.count == 0:
        raise CheckFailed(f"no batch with root 0x{root.hex()} is anchored on this chain")
    if anchor.count != proof.count:
        raise CheckFailed(
            f"the anchored batch has {anchor.count} documents, the proof {proof.count}"
        )
    if not client.verify_in_batch(root, document_hash, proof.index, proof.siblings):
        raise CheckFailed("the evidence registry rejects the proof")
    return {
        "document_hash": document_hash,
        "root": root,
        "index": proof.index,
        "count": proof.count,
        "anchored_at": anchor.anchored_at,
        "submitter": anchor.submitter,
        "evidence_type": anchor.evidence_type,
        "verified_on_chain": True,
    }


EvidenceType = Annotated[
    str,
    typer.Option(
        "--type",
        help="registration-material, review-report (reviewers), usage-log, delivery-receipt, "
        "compliance-report, integrity-check, dispute-submission or other.",
    ),
]
SubjectOpt = Annotated[
    str | None,
    typer.Option("--subject", help="What it is about: asset:0xHASH, certificate:ID, grant:ID."),
]
Uri = Annotated[str, typer.Option(help="Where the document(s) can be fetched.")]


@app.command(
    "anchor",
    **command_help(
        "Anchor one document's SHA-256 on chain, with its type and subject.",
        "The document stays with you; the anchor proves it existed in this form at this "
        "block. Review reports are anchored by reviewers, other evidence by admitted parties.",
        "datarights evidence anchor review.pdf --type review-report --subject asset:0xab12...",
    ),
)
def anchor(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The document.")],
    evidence_type: EvidenceType = "other",
    subject: SubjectOpt = None,
    uri: Uri = "",
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    kind = parse_enum(model.EvidenceType, evidence_type)
    digest, result = anchor_file(state.client, file, kind, subject=Subject.parse(subject), uri=uri)
    state.output(json_output).write(
        "document anchored", result, document_hash=digest, evidence_type=kind
    )


@app.command(
    "anchor-batch",
    **command_help(
        "Anchor many documents under one Merkle root; write a proof file per document.",
        "One transaction whatever the number of documents. Each DOCUMENT.proof.json in "
        "--out-dir proves that document's inclusion (docs/MERKLE.md); check it with "
        "`evidence verify-proof`.",
        "datarights evidence anchor-batch logs/*.csv --type usage-log --out-dir proofs/",
    ),
)
def anchor_batch_command(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="The documents, in batch order.")],
    out_dir: Annotated[Path, typer.Option(help="Where to write the proof files.")] = Path("proofs"),
    evidence_type: EvidenceType = "other",
    subject: SubjectOpt = None,
    uri: Uri = "",
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    kind = parse_enum(model.EvidenceType, evidence_type)
    batch = anchor_batch(
        state.client, files, kind, subject=Subject.parse(subject), out_dir=out_dir, uri=uri
    )
    state.output(json_output).write(
        f"batch of {len(files)} documents anchored",
        batch.result,
        root=batch.root,
        count=len(files),
        proof_files=[str(p) for p in batch.proof_files],
    )


@app.command(
    "verify-proof",
    **command_help(
        "Check an inclusion proof file against the anchored batch on chain.",
        "Recomputes the leaf from the document (--document, or the document_hash in the file), "
        "checks the path to the root locally and with the evidence registry. Exits 1 if any "
        "check fails.",
        "datarights evidence verify-proof proofs/log-3.csv.proof.json --document logs/log-3.csv",
    ),
)
def verify_proof_command(
    ctx: typer.Context,
    proof_file: Annotated[Path, typer.Argument(help="A proof file from anchor-batch.")],
    document: Annotated[Path | None, typer.Option(help="The document itself.")] = None,
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    facts = check_proof(state.client, proof_file, document)
    state.output(json_output).record("proof verified: the document is in the anchored batch", facts)


@app.command(
    "show",
    **command_help(
        "Show the anchor of a document hash (or a batch root).",
        "Prints who anchored it, when, with which type.",
        "datarights evidence show 0x5f2c...",
    ),
)
def show(
    ctx: typer.Context,
    hash_: Annotated[str, typer.Argument(metavar="HASH", help="Document hash or batch root.")],
    json_output: JsonFlag = False,
) -> None:
    state = cli_state(ctx)
    value = parse_hash(hash_)
    anchor_record = state.client.anchor_of(value)
    batch = anchor_record.anchored_at == 0
    if batch:
        anchor_record = state.client.batch_of(value)
    if anchor_record.anchored_at == 0:
        raise CheckFailed(f"0x{value.hex()} is not anchored")
    state.output(json_output).record(
        "batch anchor" if batch else "document anchor",
        {"hash": value, "batch": batch, **vars(anchor_record)},
    )
