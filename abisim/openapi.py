"""The OpenAPI document of the HTTP server (served at /openapi.json), generated from the
route registry of abisim.api and the pydantic models that validate the bodies: what the
document says is what the server checks."""

from __future__ import annotations

import re
from functools import lru_cache

import pydantic
from pydantic.json_schema import models_json_schema

from abisim import __version__
from abisim.api import ADMIN, FILER, ROUTES
from abisim.http_models import ProblemDocument

_REF = "#/components/schemas/{model}"
_TEXT = {400: "The body is not JSON", 401: "No or unknown token", 403: "Wrong kind of token",
         404: "Not found", 413: "Body too large", 422: "Unprocessable: see errors / detail",
         500: "The simulator could not answer"}


def _is_model(x) -> bool:
    return isinstance(x, type) and issubclass(x, pydantic.BaseModel)


def _models() -> list[tuple[type[pydantic.BaseModel], str]]:
    found: dict[tuple, None] = {(ProblemDocument, "serialization"): None}
    for e in ROUTES:
        if e.body is not None:
            found[(e.body, "validation")] = None
        if e.answer is not None:
            found[(e.answer, "serialization")] = None
        for media in (e.raw_answer or {}).get("content", {}).values():
            if _is_model(media):
                found[(media, "serialization")] = None
    return list(found)


def _ref(model) -> dict:
    return {"$ref": _REF.format(model=model.__name__)}


def _query_parameters(model: type[pydantic.BaseModel]) -> list[dict]:
    schema = model.model_json_schema()
    return [{"name": name, "in": "query", "required": name in schema.get("required", ()),
             "schema": {k: v for k, v in prop.items() if k not in ("title", "description")},
             **({"description": prop["description"]} if "description" in prop else {})}
            for name, prop in schema["properties"].items()]


def _problems(*codes: int) -> dict:
    return {str(c): {"description": _TEXT[c], "content": {"application/problem+json": {
        "schema": _ref(ProblemDocument)}}} for c in sorted(set(codes))}


def _operation(e) -> dict:
    op: dict = {"summary": e.summary, "operationId": e.handler.__name__}
    if e.auth == FILER:
        op["security"] = [{"filerToken": []}]
    elif e.auth == ADMIN:
        op["security"] = [{"adminToken": []}]
    params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
              for p in re.findall(r"{(\w+)}", e.path)]
    if e.query is not None:
        params += _query_parameters(e.query)
    if params:
        op["parameters"] = params
    codes = list(e.problems)
    if e.auth in (FILER, ADMIN):
        codes += [401, 403]
    if e.body is not None:
        required = any(f.is_required() for f in e.body.model_fields.values())
        op["requestBody"] = {"required": required, "content": {"application/json": {"schema": _ref(e.body)}}}
        codes += [400, 413, 422]
    elif e.raw_body is not None:
        op["requestBody"] = e.raw_body
    if e.query is not None:
        codes.append(422)
    if e.answer is not None:
        ok = {"description": "OK", "content": {"application/json": {"schema": _ref(e.answer)}}}
    else:
        raw = e.raw_answer or {"description": "OK"}
        ok = {**raw, "content": {media: {"schema": _ref(s)} if _is_model(s) else s
                                 for media, s in raw.get("content", {}).items()}}
    op["responses"] = {"200": ok, **_problems(*codes)}
    return op


def spec() -> dict:
    return _spec(len(ROUTES))  # routes are only ever added: their number keys the cache


@lru_cache(maxsize=1)
def _spec(_routes: int) -> dict:
    _, defs = models_json_schema(_models(), ref_template=_REF)
    paths: dict[str, dict] = {}
    for e in ROUTES:
        paths.setdefault(e.path, {})[e.method.lower()] = _operation(e)
    return {
        "openapi": "3.1.0",
        "info": {"title": "abisim", "version": __version__,
                 "description": "A simulated CBP Automated Broker Interface (ABI) for broker software tests."},
        "paths": paths,
        "components": {
            "securitySchemes": {"filerToken": {"type": "http", "scheme": "bearer"},
                                "adminToken": {"type": "http", "scheme": "bearer"}},
            "schemas": defs.get("$defs", {}),
        },
    }
