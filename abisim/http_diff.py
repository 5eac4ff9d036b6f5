"""``POST /v1/diff``: a TP file's 5106 data compared with the server's own bond data, the
diff pipeline of ``abisim diff --json`` (abisim.diff) served over HTTP. Convention: abisim.api.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from typing import Annotated, Any

import attrs
from pydantic import AfterValidator, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from abisim.api import FILER, Call, route
from abisim.http_models import Answer, Query
from abisim.records import carried_date

BODY_NAME = "body"  # the ``file`` of the results and errors: the request body has no name


def _as_of(text: str) -> dt.date:
    return carried_date(dt.date.fromisoformat(text))


class DiffQuery(Query):
    as_of: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                     AfterValidator(_as_of)] | None = Field(
        None, description="YYYY-MM-DD, the date the bond data is read as of (default: the simulated date)")


class DiffAnswer(Answer):
    as_of: dt.date
    importers: int
    consistent: int
    inconsistent: int
    input_errors: int = Field(description="errors that reject the file (warnings are listed, not counted)")
    results: list[dict[str, Any]] = Field(
        description="per importer, in input order: a line of `abisim diff --json` (type importer; docs/diff.md)")
    errors: list[dict[str, Any]] = Field(
        description="the input errors and warnings, by line: lines of `abisim diff --json` (type error)")


@route("POST", "/v1/diff", auth=FILER, query=DiffQuery, answer=DiffAnswer, problems=(413,),
       summary="Compare each importer's 5106 (a TP file) with the bond data on file",
       raw_body={"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}})
async def diff(call: Call) -> DiffAnswer:
    data = await call.raw()
    as_of = call.query.as_of or call.sim.as_of
    # Off the event loop: a file of many importers must not stall other connections.
    return await run_in_threadpool(diff_body, data, call.sim.store, as_of)


def diff_body(data: bytes, store, as_of: dt.date) -> DiffAnswer:
    """The TP file ``data`` against ``store``'s bond data, in this process (jobs=1): the
    pipeline reads a path, so the body is spooled to a temporary file, removed after."""
    from abisim.diff import BondData, FileDiff
    from abisim.errors import error_json

    fd, path = tempfile.mkstemp(prefix="abisim-diff-", suffix=".abi")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        run = FileDiff(path, BondData(store=store), as_of, jobs=1)
        results, consistent = [], 0
        for r in run:
            results.append(attrs.evolve(r, file=BODY_NAME).to_json())
            consistent += r.consistent
        errors = [error_json(e, BODY_NAME) for e in run.errors]
        input_errors = sum(1 for e in run.errors if e.is_fatal)
    finally:
        os.unlink(path)
    return DiffAnswer(as_of=as_of, importers=len(results), consistent=consistent,
                      inconsistent=len(results) - consistent, input_errors=input_errors,
                      results=results, errors=errors)
