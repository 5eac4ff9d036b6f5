"""How an HTTP route is declared, validated and documented: one convention for every route.

A route is a module-level async function with the ``@route`` decorator::

    @route("POST", "/v1/pms/activations", auth=FILER, body=ActivationRequest,
           answer=ActivationAnswer, summary="Periodic Monthly Statement activation")
    async def activations(call: Call) -> ActivationAnswer:
        ...  # call.body is a validated ActivationRequest, call.filer the token's filer

- ``body``: a pydantic model (abisim.http_models.Body) of the JSON request body. The body
  is validated by it before the function runs; a bad body is a 400 (not JSON) or 422
  problem document naming each bad field. Without ``body`` the route reads no JSON.
- ``query``: a pydantic model of the query string, validated the same way (call.query).
- ``answer``: the pydantic model of the 200 JSON answer; return an instance of it (or any
  Starlette Response for other media types).
- ``auth``: FILER (bearer filer token; call.filer is its row), ADMIN, or PUBLIC.
- ``problems``: the 4xx statuses the route answers besides the ones auth and body imply.

abisim.http mounts every registered route; abisim.openapi writes /openapi.json from the
same registry and the same models. A module that declares routes is listed in
abisim.http.ROUTE_MODULES so that it is imported before the app is built.
"""

from __future__ import annotations

import json
import secrets
from typing import Any, Awaitable, Callable

import attrs
import pydantic
from starlette.requests import Request

FILER, ADMIN, PUBLIC = "filer", "admin", "public"


class Problem(Exception):
    """An error answer: a JSON problem document with ``status``, ``title``, ``detail``."""

    def __init__(self, status: int, title: str, detail: str = "", **extra) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra


def unprocessable(detail: str, **extra) -> Problem:
    return Problem(422, "Unprocessable Entity", detail, **extra)


@attrs.frozen
class Endpoint:
    method: str
    path: str
    handler: Callable[["Call"], Awaitable[Any]]
    auth: str
    summary: str
    body: type[pydantic.BaseModel] | None = None
    query: type[pydantic.BaseModel] | None = None
    answer: type[pydantic.BaseModel] | None = None
    problems: tuple[int, ...] = ()
    # For routes whose bodies or answers are not JSON (a CATAIR transmission): OpenAPI
    # requestBody / 200-response objects, written out.
    raw_body: dict | None = None
    raw_answer: dict | None = None


ROUTES: list[Endpoint] = []


def route(method: str, path: str, *, auth: str, summary: str, body=None, query=None, answer=None,
          problems: tuple[int, ...] = (), raw_body: dict | None = None, raw_answer: dict | None = None):
    """Register the decorated ``async def f(call: Call)`` as ``method path`` (see the module)."""
    def register(handler):
        if any(e.method == method and e.path == path for e in ROUTES):
            raise ValueError(f"{method} {path} is declared twice")
        ROUTES.append(Endpoint(method, path, handler, auth, summary, body, query, answer, tuple(problems),
                               raw_body, raw_answer))
        return handler
    return register


@attrs.frozen
class Limits:
    """What one HTTP client may cost the server (docs/http.md, "Limits and timeouts")."""

    max_body: int = 1 << 20  # bytes of a request body: about 13,000 records (else 413)
    max_header: int = 16 * 1024  # bytes of the request line and headers (else 431)
    keep_alive_timeout: float = 5.0  # seconds an idle kept-alive connection stays open
    request_timeout: float = 15.0  # seconds to send a whole request, headers and body (else 408)
    max_connections: int = 256  # connections at once; more are answered 503 and closed


@attrs.define
class Call:
    """One request to a route: the validated body and query, the caller, the server's state."""

    request: Request
    sim: Any  # abisim.simulator.Simulator
    state: Any  # the app's state: faults, admin_token, limits
    filer: Any = None  # the filer row of a FILER route's token
    body: Any = None
    query: Any = None

    async def raw(self) -> bytes:
        """The request body, at most ``limits.max_body`` bytes (else 413)."""
        return await read_body(self.request, self.state.limits.max_body)


async def read_body(request: Request, max_body: int) -> bytes:
    declared = request.headers.get("content-length")
    too_large = Problem(413, "Payload Too Large", f"the body may be at most {max_body} bytes")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > max_body:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_body:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def bearer(request: Request) -> bytes | None:
    """The bearer token as bytes (headers are latin-1 on the wire: any byte compares safely)."""
    auth = request.headers.get("authorization", "")
    if not auth.lower().startswith("bearer "):
        return None
    return auth[7:].strip().encode("latin-1") or None


def is_admin(token: bytes, admin_token: str) -> bool:
    return secrets.compare_digest(token, admin_token.encode("utf-8"))


def validation_problem(exc: pydantic.ValidationError, where: str) -> Problem:
    """A 422 naming every bad field: ``errors: [{"loc": "importers.0", "msg": ...}]``."""
    errors = [{"loc": ".".join(str(p) for p in e["loc"]) or where, "msg": e["msg"], "type": e["type"]}
              for e in exc.errors(include_url=False, include_input=False)]
    detail = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors)
    return unprocessable(f"{where}: {detail}", errors=errors)


def validate_json(model: type[pydantic.BaseModel], raw: bytes) -> pydantic.BaseModel:
    """Strict JSON into ``model``: not JSON is 400, JSON of the wrong shape is 422."""
    try:
        return model.model_validate_json(raw or b"null")
    except pydantic.ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            msg = exc.errors()[0]["msg"]
            raise Problem(400, "Bad Request", f"the body is not JSON: {msg}")
        raise validation_problem(exc, "body")


def validate_query(model: type[pydantic.BaseModel], request: Request) -> pydantic.BaseModel:
    params = dict(request.query_params)
    try:
        return model.model_validate(params)
    except pydantic.ValidationError as exc:
        raise validation_problem(exc, "query")


def problem_body(status: int, title: str, detail: str = "", **extra) -> bytes:
    return json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail, **extra},
                      ensure_ascii=False).encode("utf-8")
