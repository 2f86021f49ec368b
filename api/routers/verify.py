"""Buyers' verification: the provenance report for a content hash, one record with its Merkle
proof, or an uploaded file streamed through SHA-256 (never held whole in memory)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.deps import MinBlock, SessionDep
from api.errors import problem
from api.identifiers import parse_hash
from api.schemas import Problem, VerifyRequest
from registry.commitments import proof_from_json
from registry.verify import asset_by_root, provenance_report

DEFAULT_MAX_UPLOAD = 1 << 30  # 1 GiB; the app may set `app.state.max_upload_bytes`
_MAX_HEADER_BYTES = 16 * 1024
_BOUNDARY = re.compile(r'boundary="?([^";]{1,200})"?', re.IGNORECASE)
_PART_NAME = re.compile(rb'(?:^|;)\s*name="([^"]*)"', re.IGNORECASE)

router = APIRouter(
    prefix="/verify",
    tags=["verify"],
    dependencies=[MinBlock],
    responses={400: {"model": Problem}, 409: {"model": Problem}, 413: {"model": Problem}},
)

_REPORT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The provenance report: the asset, whether the bytes match (with the "
        "reason), each right's holder, the seller's operating right, the upstream lineage and "
        "disputes; every fact with its block and transaction hash.",
    }
}


class UploadTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the upload exceeds the limit of {limit} bytes")
        self.limit = limit


def max_upload_bytes(request: Request) -> int:
    return int(getattr(request.app.state, "max_upload_bytes", DEFAULT_MAX_UPLOAD))


def _record_bytes(text: str) -> bytes:
    if text.startswith("0x"):
        try:
            return bytes.fromhex(text[2:])
        except ValueError:
            raise ValueError("record is 0x-prefixed but not hex") from None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("record is neither 0x-prefixed hex nor base64") from None


@router.post(
    "", summary="Verify by content hash, or one record with its Merkle proof", responses=_REPORT
)
def verify(session: SessionDep, body: VerifyRequest) -> dict[str, Any]:
    if body.record is None and body.proof is None:
        if body.sha256 is None:
            raise ValueError("give sha256, or record with proof")
        sha = bytes.fromhex(parse_hash(body.sha256, what="sha256")[2:])
        return provenance_report(session, sha256=sha, seller=body.seller).as_json()
    if body.record is None or body.proof is None:
        raise ValueError("record and proof go together")
    data = _record_bytes(body.record)
    root, _leaf, proof = proof_from_json(json.dumps(body.proof))
    if body.sha256 is not None:
        key = parse_hash(body.sha256, what="sha256")
    else:
        key = asset_by_root(session, root) or "0x" + root.hex()
    report = provenance_report(
        session, sha256=bytes.fromhex(key[2:]), seller=body.seller, record=(data, proof)
    )
    return report.as_json()


@router.post(
    "/upload",
    summary="Verify an uploaded file (multipart field `file`), streamed through SHA-256",
    responses=_REPORT,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                }
            },
        }
    },
)
async def verify_upload(
    request: Request,
    session: SessionDep,
    seller: Annotated[str | None, Query(description="Account that offers the file.")] = None,
) -> Any:
    limit = max_upload_bytes(request)
    match = _BOUNDARY.search(request.headers.get("content-type", ""))
    if match is None or not request.headers.get("content-type", "").lower().startswith(
        "multipart/form-data"
    ):
        raise ValueError("the upload must be multipart/form-data with a boundary")
    declared = request.headers.get("content-length")
    try:
        if declared is not None and int(declared) > limit + _MAX_HEADER_BYTES:
            raise UploadTooLarge(limit)
        digest = await _hash_file_part(request, match.group(1).encode(), limit)
    except UploadTooLarge as exc:
        return _too_large(request, exc)
    report = await run_in_threadpool(provenance_report, session, sha256=digest, seller=seller)
    return report.as_json()


def _too_large(request: Request, exc: UploadTooLarge) -> JSONResponse:
    return problem(
        413,
        reason="upload-too-large",
        title="Upload too large",
        detail=str(exc),
        instance=request.url.path,
        max_upload_bytes=exc.limit,
    )


async def _hash_file_part(request: Request, boundary: bytes, limit: int) -> bytes:
    """SHA-256 of the multipart part named `file`, hashed chunk by chunk as the body arrives."""
    delimiter = b"\r\n--" + boundary
    buffer = b"\r\n"  # the first boundary line has no CRLF before it
    state = "preamble"
    digest: Any = None
    size = 0
    async for chunk in request.stream():
        buffer += chunk
        while True:
            if state == "preamble":
                at = buffer.find(delimiter + b"\r\n")
                if at < 0:
                    buffer = buffer[-(len(delimiter) + 2) :]
                    break
                buffer, state = buffer[at + len(delimiter) + 2 :], "headers"
            elif state == "headers":
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(buffer) > _MAX_HEADER_BYTES:
                        raise ValueError("a multipart part's headers are too long")
                    break
                headers, buffer = buffer[:end], buffer[end + 4 :]
                name = _PART_NAME.search(headers)
                if name is not None and name.group(1) == b"file":
                    digest, state = hashlib.sha256(), "file"
                else:
                    state = "skip"
            else:  # inside a part: the file's bytes are hashed, any other part's skipped
                at = buffer.find(delimiter)
                body = buffer if at < 0 else buffer[:at]
                if at < 0:
                    keep = len(delimiter) - 1
                    body, buffer = buffer[:-keep] if len(buffer) > keep else b"", buffer[-keep:]
                if state == "file":
                    size += len(body)
                    if size > limit:
                        raise UploadTooLarge(limit)
                    digest.update(body)
                if at < 0:
                    break
                if state == "file":
                    return bytes(digest.digest())
                buffer, state = buffer[at:], "preamble"
    raise ValueError("the upload has no complete multipart part named `file`")
