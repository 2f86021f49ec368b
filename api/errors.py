"""Errors as RFC 9457 `application/problem+json`: one handler maps exception classes to statuses.

Bad input never answers 500: parsing raises `ValueError` (400), request validation answers 422,
unknown records `NotFoundError` (404), a mirror behind the requested block `NotIndexedError` (409).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import Problem
from registry.errors import ChainError, NotFoundError, RegistryError

PROBLEM_JSON = "application/problem+json"


class NotIndexedError(RegistryError, LookupError):
    """The mirror has not reached the block a request asked for (`min_block`, `at_block`)."""

    def __init__(self, *, wanted: int, indexed: int | None) -> None:
        self.wanted = wanted
        self.indexed = indexed
        shown = "nothing" if indexed is None else f"block {indexed}"
        super().__init__(f"not indexed yet: block {wanted} requested, the mirror has {shown}")


# Most specific first: NotIndexedError is also a LookupError, NotFoundError also a LookupError.
_STATUS: tuple[tuple[type[BaseException], int, str, str], ...] = (
    (NotIndexedError, 409, "not-indexed-yet", "Not indexed yet"),
    (NotFoundError, 404, "not-found", "Not found"),
    (ChainError, 503, "chain-unavailable", "Chain unavailable"),
    (ValueError, 400, "bad-request", "Bad request"),
)


def problem_type(reason: str) -> str:
    return f"urn:datarights:problem:{reason}"


def problem(
    status: int, *, reason: str, title: str, detail: str, instance: str, **extra: Any
) -> JSONResponse:
    body = {
        "type": problem_type(reason),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "reason": reason,
        **extra,
    }
    return JSONResponse(jsonable_encoder(body), status_code=status, media_type=PROBLEM_JSON)


async def problem_handler(request: Request, exc: Exception) -> JSONResponse:
    """The one exception handler: every mapped error becomes a problem+json body."""
    instance = request.url.path
    if isinstance(exc, RequestValidationError):
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return problem(
            422,
            reason="invalid-request",
            title="Invalid request",
            detail=detail,
            instance=instance,
            errors=errors,
        )
    if isinstance(exc, StarletteHTTPException):
        reason = "not-found" if exc.status_code == 404 else f"http-{exc.status_code}"
        return problem(
            exc.status_code, reason=reason, title=str(exc.detail), detail=str(exc.detail),
            instance=instance,
        )
    for cls, status, reason, title in _STATUS:
        if isinstance(exc, cls):
            extra = _extra(exc)
            return problem(
                status, reason=reason, title=title, detail=str(exc), instance=instance, **extra
            )
    raise exc


def _extra(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, NotIndexedError):
        return {"indexed_block": exc.indexed, "min_block": exc.wanted}
    return {}


def install_problem_handler(app: FastAPI) -> None:
    for cls in (RequestValidationError, StarletteHTTPException, RegistryError, ValueError):
        app.add_exception_handler(cls, problem_handler)
    _document_problems(app)


def _document_problems(app: FastAPI) -> None:
    """Make the OpenAPI document say what the handler sends: every 4xx is problem+json."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # built once and cached by FastAPI; the edit below is idempotent
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("Problem", Problem.model_json_schema())
        content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for status, response in operation.get("responses", {}).items():
                    if status.startswith("4"):
                        response["content"] = content
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
