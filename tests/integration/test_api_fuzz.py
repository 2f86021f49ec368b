"""Schemathesis over the API's own OpenAPI document, in process, against an indexed mirror.

Every operation gets schema-valid requests (most of them with path and query values that name
real records, so the answers are full documents, not only 404s) and schema-invalid ones. No
answer may be a server error, and every answer must be documented: its status, content type,
headers and body as the OpenAPI document says.

`DATARIGHTS_FUZZ_EXAMPLES=N` sets the examples per operation and mode and draws fresh ones each
run (the CI profile: 10, the same every run). PostgreSQL gets a quarter of the SQLite budget.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.pagination import encode_cursor
from api.routers.stream import STREAMS_CLOSING
from registry.export.loader import CONTEXTS
from tests.integration.api_fixtures import *  # noqa: F403
from tests.integration.api_fixtures import Mirror, problem, walk

CI_EXAMPLES = 10
EXAMPLES = int(os.environ.get("DATARIGHTS_FUZZ_EXAMPLES", CI_EXAMPLES))
# The CI profile sends the same requests every run; a larger run explores new ones each time.
DERANDOMIZE = "DATARIGHTS_FUZZ_EXAMPLES" not in os.environ
# No server error, and every answer as documented. Not `negative_data_rejection`: query values
# travel as text, and FastAPI reads "1.0" as the integer 1 and "false" as a string, so much of
# what schemathesis makes invalid is valid on the wire (it then reports an accepted answer).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FUZZ_MIN_BLOCK_WAIT = 0.02
ADDRESS_PARAMETERS = ("holder", "grantor", "grantee", "party", "registrant", "seller")

pytestmark = pytest.mark.slow


@dataclass
class Tally:
    """Requests made, by operation and status, and the failures found."""

    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    failures: list[str] = field(default_factory=list)
    nothing_to_negate: list[str] = field(default_factory=list)
    known: dict[str, int] = field(default_factory=dict)  # status of each operation's known case

    @property
    def requests(self) -> int:
        return sum(sum(c.values()) for c in self.statuses.values())

    def summary(self) -> str:
        lines = [f"{self.requests} requests over {len(self.statuses)} operations"]
        for label, counts in sorted(self.statuses.items()):
            shown = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
            lines.append(f"  {label:<48} {shown}")
        lines.append(f"  no invalid input possible: {', '.join(sorted(self.nothing_to_negate))}")
        return "\n".join(lines)


def closed_streams(app: Any) -> Callable[..., Any]:
    """The app with server-sent event streams ending after their first frames, as on shutdown.

    A stream otherwise stays open until the client leaves, which an in-process client never does.
    """
    closing = asyncio.Event()
    closing.set()

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = {**scope, "state": {**scope.get("state", {}), STREAMS_CLOSING: closing}}
        await app(scope, receive, send)

    return wrapped


def known_values(mirror: Mirror) -> dict[str, list[Any]]:
    """Values of path and query parameters that name records in the mirror."""
    api = mirror.api
    assets = walk(api, "/assets", limit=100)
    accounts = [c.account for c in vars(mirror.actors).values() if hasattr(c, "account")]
    values: dict[str, list[Any]] = {
        "asset": [a["asset"] for a in assets[:8]] + [a["registration_number"] for a in assets[:4]],
        "certificate_id": [c["certificate_id"] for c in walk(api, "/certificates", limit=100)],
        "grant_id": [g["grant_id"] for g in walk(api, "/grants", limit=100)],
        "dispute_id": [d["dispute_id"] for d in walk(api, "/disputes", limit=100)],
        "document_hash": [e["document_hash"] for e in walk(api, "/evidence", limit=100)],
        "root": [b["root"] for b in walk(api, "/evidence/batches", limit=100)],
        "name": [c.name for c in CONTEXTS],
        "address": accounts,
    }
    values.update({name: accounts for name in ADDRESS_PARAMETERS})
    values.update(
        sha256=values["asset"][:8],
        q=[a["registration_number"] for a in assets[:4]],
        min_block=[0, 1, mirror.indexed],
        direction=["up", "down", "both"],
        format=["json", "prov"],
        depth=[0, 1, 3, 10],
    )
    assert all(values.values()), {k: len(v) for k, v in values.items()}
    return values


def with_known_values(case: Case, known: dict[str, list[Any]], data: st.DataObject) -> None:
    """Replace, three times in four, path, query and body values by ones naming real records."""
    body = case.body if isinstance(case.body, dict) else None
    for container in (case.path_parameters, case.query, body):
        if not container:
            continue
        for name in list(container):
            if name in known and data.draw(st.integers(0, 3), label=f"known {name}") > 0:
                container[name] = data.draw(st.sampled_from(known[name]), label=name)


# Request bodies naming a real record, for the operations that take one.
KNOWN_BODIES: dict[str, tuple[str, Callable[[dict[str, list[Any]]], Any]]] = {
    "POST /verify": ("application/json", lambda known: {"sha256": known["sha256"][0]}),
    "POST /verify/upload": ("multipart/form-data", lambda known: {"file": b"id,value\n1,2\n"}),
}


def known_case(operation: Any, known: dict[str, list[Any]]) -> Case:
    """The operation asked about a real record, with every optional value left out."""
    media_type, body = KNOWN_BODIES.get(operation.label, (None, None))
    case: Case = operation.Case(
        path_parameters={p.name: known[p.name][0] for p in operation.path_parameters},
        query={p.name: known[p.name][0] for p in operation.query if p.is_required},
        **({"body": body(known), "media_type": media_type} if body else {}),
    )
    return case


def fuzz_operation(
    operation: Any,
    mode: GenerationMode,
    *,
    examples: int,
    known: dict[str, list[Any]],
    tally: Tally,
) -> None:
    label = operation.label

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case: Case, data: st.DataObject) -> None:
        if mode is GenerationMode.POSITIVE:
            with_known_values(case, known, data)
        response = case.call()
        tally.statuses[label][response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        # Nothing of the operation can be made invalid (no parameters, or free-form strings).
        if mode is not GenerationMode.NEGATIVE:
            raise
        tally.nothing_to_negate.append(label)
    # Every failing operation is reported, not only the first (schemathesis raises a group).
    except (Exception, BaseExceptionGroup) as exc:
        tally.failures.append(f"{label} ({mode.value}): {exc}")


@pytest.fixture(scope="module")
def fuzzed(mirror: Mirror) -> Iterator[Tally]:
    """Fuzz every operation of the mirror's API in both modes; the tally of what was sent."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", closed_streams(mirror.api.app))
    examples = EXAMPLES if mirror.engine.dialect.name == "sqlite" else max(1, EXAMPLES // 4)
    known = known_values(mirror)
    tally = Tally()
    state = mirror.api.app.state
    # Requests for blocks far ahead answer 409 after this wait: keep it short for the run.
    state.min_block_wait, saved_wait = FUZZ_MIN_BLOCK_WAIT, state.min_block_wait
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            case = known_case(operation, known)
            response = case.call()
            tally.known[operation.label] = response.status_code
            case.validate_response(response, checks=CHECKS)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzz_operation(operation, mode, examples=examples, known=known, tally=tally)
    finally:
        state.min_block_wait = saved_wait
    print(f"\n[{mirror.engine.dialect.name}] {tally.summary()}")
    yield tally


def test_fuzz_noServerErrorNorUndocumentedAnswer(fuzzed: Tally) -> None:
    assert not fuzzed.failures, "\n\n".join(fuzzed.failures)


def test_fuzz_reachedEveryOperation(fuzzed: Tally, mirror: Mirror) -> None:
    documented = {
        f"{method.upper()} {path}"
        for path, item in mirror.api.app.openapi()["paths"].items()
        for method in item
    }
    assert set(fuzzed.statuses) == set(fuzzed.known) == documented
    # Asked about a real record, every operation answers with a document.
    assert {label: status for label, status in fuzzed.known.items() if status != 200} == {}


def _integer_parameters(schema: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(method, path, location, name) of every integer path and query parameter."""
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                types = {parameter["schema"].get("type")} | {
                    s.get("type") for s in parameter["schema"].get("anyOf", [])
                }
                if "integer" in types and parameter["in"] in ("path", "query"):
                    found.append((method, path, parameter["in"], parameter["name"]))
    return found


@pytest.mark.parametrize("value", [2**63, 2**64 + 1, -(2**63) - 1])
def test_integerParameters_beyond64Bits_answer4xx(mirror: Mirror, value: int) -> None:
    """Ids and blocks beyond what the database stores are refused (4xx), never a 500."""
    known = known_values(mirror)
    client = TestClient(closed_streams(mirror.api.app), raise_server_exceptions=False)
    failures = []
    for method, path, location, name in _integer_parameters(mirror.api.app.openapi()):
        url = path
        for segment in [s[1:-1] for s in path.split("/") if s.startswith("{")]:
            url = url.replace(
                f"{{{segment}}}", str(value if segment == name else known[segment][0])
            )
        params = {name: value} if location == "query" else {}
        status = client.request(method.upper(), url, params=params).status_code
        # An id or block that large names nothing: refused. Page sizes are capped by design.
        if not 400 <= status < 500 and not (name == "limit" and status == 200):
            failures.append(f"{method.upper()} {url} {params}: {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "path", ["/assets", "/certificates", "/grants", "/disputes", "/evidence", "/catalog"]
)
def test_cursor_beyond64Bits_answers400(mirror: Mirror, path: str) -> None:
    for key in (2**63, -(2**64)):
        response = mirror.api.get(path, params={"cursor": encode_cursor(key)})
        problem(response, 400, "bad-request")
    history = f"/assets/{known_values(mirror)['asset'][0]}/history"
    problem(
        mirror.api.get(history, params={"cursor": encode_cursor([2**63, 0])}), 400, "bad-request"
    )


# ---------------------------------------------------------------- sizes and proofs

H = "0x" + "ab" * 32


@pytest.mark.parametrize(
    ("proof", "says"),
    [
        ({"index": 0, "count": 1, "leaf": H, "root": H}, "siblings must be a list"),
        ({"index": 0, "count": 1, "siblings": "none", "leaf": H, "root": H}, "siblings"),
        ({"index": -1, "count": 1, "siblings": [], "leaf": H, "root": H}, "index"),
        ({"index": "0", "count": 1, "siblings": [], "leaf": H, "root": H}, "index"),
        ({"index": 0, "count": 2, "siblings": ["0x12"], "leaf": H, "root": H}, "siblings[0]"),
        ({"index": 0, "count": 2, "siblings": [H], "leaf": "zz", "root": H}, "leaf"),
        ({"index": 0, "count": 2, "siblings": [H], "leaf": H}, "root"),
    ],
)  # fmt: skip
def test_verify_unreadableProof_answers400NamingTheField(
    mirror: Mirror, proof: dict[str, Any], says: str
) -> None:
    response = mirror.api.post("/verify", json={"record": "0x00", "proof": proof})
    body = problem(response, 400, "bad-request")
    assert says in body["detail"], body["detail"]


@pytest.mark.parametrize(
    ("shape", "says"),
    [
        ({"index": 0, "count": 0, "siblings": []}, "proof is for 0 leaves, the asset registered 4"),
        ({"index": 5, "count": 2, "siblings": [H]}, "the proof is for 2 leaves"),
        ({"index": 0, "count": 2**64, "siblings": [H]}, f"the proof is for {2**64} leaves"),
        ({"index": 0, "count": 4, "siblings": [H]}, "does not verify"),
        ({"index": 0, "count": 4, "siblings": [H, H, H]}, "does not verify"),
        ({"index": 9, "count": 4, "siblings": [H, H]}, "does not verify"),
    ],
)  # fmt: skip
def test_verify_inconsistentProof_reportsWhyItDoesNotVerify(
    mirror: Mirror, shape: dict[str, Any], says: str
) -> None:
    """A readable proof whose shape cannot lead to the asset's root: a report saying so."""
    asset = mirror.api.get(f"/assets/{known_values(mirror)['asset'][0]}").json()
    proof = {**shape, "leaf": H, "root": asset["merkle_root"]}
    response = mirror.api.post("/verify", json={"record": "0x00", "proof": proof})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["asset"]["asset"] == asset["asset"]
    assert report["bytes"]["matches"] is False and report["bytes"]["record"] is False
    assert says in report["bytes"]["reason"]


def test_verify_recordOverOneMebibyte_answers422(mirror: Mirror) -> None:
    proof = {"index": 0, "count": 1, "siblings": [], "leaf": H, "root": H}
    response = mirror.api.post("/verify", json={"record": "0x" + "00" * (1 << 20), "proof": proof})
    body = problem(response, 422, "invalid-request")
    assert "record" in body["detail"]


def _multipart(content: bytes, boundary: str = "fuzzboundary") -> tuple[bytes, dict[str, str]]:
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"content-type": f"multipart/form-data; boundary={boundary}"}


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_verifyUpload_overTheLimit_answers413(mirror: Mirror, declared: bool) -> None:
    """Refused by the declared length before reading, or while streaming when none is given."""
    limit = 1024
    body, headers = _multipart(b"x" * (limit + 1 + 64 * 1024 * declared))
    content: Any = (
        body if declared else iter([body[i : i + 4096] for i in range(0, len(body), 4096)])
    )
    state = mirror.api.app.state
    state.max_upload_bytes = limit
    try:
        response = mirror.api.post("/verify/upload", content=content, headers=headers)
        sent = response.request.headers
        assert ("content-length" in sent) is declared
        assert problem(response, 413, "upload-too-large")["max_upload_bytes"] == limit
        exact, _ = _multipart(b"x" * limit)
        at_limit = mirror.api.post("/verify/upload", content=exact, headers=headers)
        assert at_limit.status_code == 200, at_limit.text
    finally:
        del state.max_upload_bytes
