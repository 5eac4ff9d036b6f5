"""The HTTP shell: a Starlette app over one Simulator. No business rule here: every route
turns HTTP into a call of the core (a transmission, a bond query, a fixture) and back.

Filers authenticate with bearer tokens (the ``filers.token`` column); admin routes take
a separate admin token. Every error is a JSON problem document, never a stack trace.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
import time

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from abisim import fixtures
from abisim.build import for_filer, p1_records
from abisim.faults import Faults, reject
from abisim.simulator import Simulator
from abisim.transmission import parse

DEFAULT_MAX_BODY = 1 << 20  # 1 MiB: about 13,000 records


class Problem(Exception):
    def __init__(self, status: int, title: str, detail: str = "", **extra) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra


def problem(status: int, title: str, detail: str = "", **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _records_json(data: bytes) -> dict:
    from abisim.cli.common import to_jsonable

    t = parse(data)
    return {
        "records": [{"line": r.line, "record_id": r.record_id, "layout": r.layout.version,
                     "fields": {k: to_jsonable(v) for k, v in r.values().items()}} for r in t.records()],
        "errors": [e.to_json() for e in t.errors],
    }


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


def create_app(sim: Simulator, *, admin_token: str | None = None, max_body: int = DEFAULT_MAX_BODY,
               faults: Faults | None = None) -> Starlette:
    admin_token = admin_token or secrets.token_urlsafe(24)
    faults = faults if faults is not None else Faults()

    async def body_of(request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_body:
            raise Problem(413, "Payload Too Large", f"the body may be at most {max_body} bytes")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                raise Problem(413, "Payload Too Large", f"the body may be at most {max_body} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    async def filer_of(request: Request):
        token = _bearer(request)
        if not token:
            raise Problem(401, "Unauthorized", "send Authorization: Bearer <filer token>")
        if secrets.compare_digest(token, admin_token):
            raise Problem(403, "Forbidden", "the admin token is not a filer token")
        row = sim.store.filer_by_token(token)  # an indexed lookup: no thread hop
        if row is None:
            raise Problem(401, "Unauthorized", "unknown token")
        return row

    def require_admin(request: Request) -> None:
        token = _bearer(request)
        if not token:
            raise Problem(401, "Unauthorized", "send Authorization: Bearer <admin token>")
        if not secrets.compare_digest(token, admin_token):
            raise Problem(403, "Forbidden", "admin routes need the admin token")

    async def json_body(request: Request, kind=dict):
        raw = await body_of(request)
        try:
            doc = json.loads(raw or b"null")
        except ValueError as exc:
            raise Problem(400, "Bad Request", f"the body is not JSON: {exc}")
        if not isinstance(doc, kind):
            raise Problem(422, "Unprocessable Entity", f"the body must be a JSON {kind.__name__}")
        return doc

    # -- filer routes
    async def transmissions(request: Request) -> Response:
        started = time.perf_counter()
        filer = await filer_of(request)
        data = await body_of(request)
        fault = faults.take()
        if fault is not None and fault.latency_ms:
            await asyncio.sleep(fault.latency_ms / 1000)
        if fault is not None and fault.answers:
            answer = None if fault.drop_connection else reject(data, fault.reject_code, sim.layouts)
            sim.journal_exchange(channel="http", request=data, answer=answer, started=started,
                                 fault=fault.describe(), filer_code=filer["filer_code"])
            return _Dropped() if answer is None else _answer(request, answer)
        # In the event loop itself: the simulator answers one transmission at a time anyway,
        # and a bond query takes a fraction of a millisecond; a thread hop would cost more.
        answer = sim.submit(data, filer_code=filer["filer_code"], channel="http", started=started,
                            fault=fault.describe() if fault is not None else None)
        return _answer(request, answer)

    def _answer(request: Request, answer: bytes) -> Response:
        if _wants_json(request):
            return JSONResponse(_records_json(answer))
        return PlainTextResponse(answer.decode("latin-1"), media_type="text/plain; charset=latin-1")

    async def bonds(request: Request) -> Response:
        await filer_of(request)
        number = request.path_params["number"]
        address = request.query_params.get("address", "1")

        def query():
            from abisim.cli.common import to_jsonable
            from abisim.rules.bond_query import answer_records

            records = answer_records(sim.store, number, sim.as_of, "1" if address == "1" else None, sim.layouts)
            return {"importer_number": number, "as_of": sim.as_of.isoformat(),
                    "records": [{"record_id": r.record_id,
                                 "fields": {k: to_jsonable(v) for k, v in r.values().items()}} for r in records]}
        return JSONResponse(await run_in_threadpool(query))

    async def activations(request: Request) -> Response:
        filer = await filer_of(request)
        doc = await json_body(request)
        importers = doc.get("importers")
        payment = doc.get("payment_type", "D")
        ctpat = doc.get("ctpat", False)
        if (not isinstance(importers, list) or not importers or len(importers) > 99
                or not all(isinstance(n, str) and 0 < len(n) <= 12 and n.isascii() and n.isprintable()
                           for n in importers)):
            raise Problem(422, "Unprocessable Entity", "importers: a list of 1 to 99 importer numbers")
        if not isinstance(payment, str) or len(payment) != 1 or not isinstance(ctpat, bool):
            raise Problem(422, "Unprocessable Entity", "payment_type: 'D' or 'C'; ctpat: true or false")
        p1s = p1_records([n.upper() for n in importers], payment_type=payment.upper(), ctpat=ctpat,
                         layouts=sim.layouts)
        data = for_filer(sim.store, filer["filer_code"], "XP", p1s)
        answer = parse(await run_in_threadpool(lambda: sim.submit(data, filer_code=filer["filer_code"], channel="http")))
        details = [r for b in answer.blocks for r in b.details]
        conditions = [f"{r.condition_code} {r.narrative}" for r in details if r.record_id == "X1"]
        if conditions:
            raise Problem(422, "Unprocessable Entity", "CBP rejected the batch", conditions=conditions)
        return JSONResponse({"outcomes": [
            {"importer_number": p.importer_number, "result": p.result, "condition_code": p.condition_code,
             "narrative": p.narrative, "switch_filer": p.switch_filer,
             "switch_date": p.switch_date.isoformat() if p.switch_date else None} for p in details]})

    async def notifications(request: Request) -> Response:
        filer = await filer_of(request)
        rows = await run_in_threadpool(sim.store.notifications, filer["filer_code"])
        return JSONResponse({"notifications": [dict(r) for r in rows]})

    async def own_journal(request: Request) -> Response:
        filer = await filer_of(request)
        rows = await run_in_threadpool(lambda: sim.store.journal(filer_code=filer["filer_code"], **_journal_filters(request)))
        return JSONResponse({"journal": [dict(r) for r in rows]})

    # -- admin routes
    async def reset(request: Request) -> Response:
        require_admin(request)
        doc = await json_body(request, object) if int(request.headers.get("content-length") or 0) else {}
        sample = isinstance(doc, dict) and doc.get("sample", False)

        def work():
            sim.store.reset()
            if sample:
                from abisim import sample as sample_data
                fixtures.load(sim.store, sample_data.fixture(sim.as_of))
        await run_in_threadpool(work)
        return JSONResponse({"reset": True, "sample": bool(sample)})

    async def load(request: Request) -> Response:
        require_admin(request)
        doc = await json_body(request)
        try:
            counts = await run_in_threadpool(fixtures.load, sim.store, doc)
        except fixtures.FixtureError as exc:
            raise Problem(422, "Unprocessable Entity", str(exc), path=exc.path)
        return JSONResponse({"loaded": counts})

    async def journal(request: Request) -> Response:
        require_admin(request)
        if request.method == "DELETE":
            return JSONResponse({"deleted": await run_in_threadpool(sim.store.journal_clear)})
        filters = _journal_filters(request)
        filer = request.query_params.get("filer")
        rows = await run_in_threadpool(lambda: sim.store.journal(filer_code=filer, **filters))
        return JSONResponse({"journal": [dict(r) for r in rows]})

    async def clock(request: Request) -> Response:
        require_admin(request)
        if request.method == "PUT":
            doc = await json_body(request)
            value = doc.get("as_of")
            try:
                sim.clock.set(dt.date.fromisoformat(value) if value is not None else None)
            except (TypeError, ValueError):
                raise Problem(422, "Unprocessable Entity", "as_of: a date YYYY-MM-DD, or null for today")
        return JSONResponse({"as_of": sim.as_of.isoformat(), "fixed": sim.clock.fixed is not None})

    async def set_faults(request: Request) -> Response:
        require_admin(request)
        if request.method == "PUT":
            doc = await json_body(request)
            try:
                latency = int(doc.get("latency_ms", 0))
                ratio = float(doc.get("ratio", 1.0))
                count = doc.get("count")
                code = doc.get("reject_code")
                if latency < 0 or latency > 10_000 or not 0 <= ratio <= 1:
                    raise ValueError
                if count is not None and (not isinstance(count, int) or count < 0):
                    raise ValueError
                if code is not None and (not isinstance(code, str) or len(code) != 3):
                    raise ValueError
            except (TypeError, ValueError):
                raise Problem(422, "Unprocessable Entity",
                              "latency_ms 0-10000, drop_connection bool, reject_code 3 characters (e.g. X09), "
                              "count >= 0 or null, ratio 0-1")
            faults.set(latency_ms=latency, ratio=ratio, count=count,
                       drop_connection=bool(doc.get("drop_connection", False)), reject_code=code)
        return JSONResponse(faults.to_json())

    async def riders(request: Request) -> Response:
        require_admin(request)
        doc = await json_body(request)
        from abisim.rules.bond_team import RiderError, apply_rider, five106_of

        number, text = doc.get("importer_number"), doc.get("five106")
        if not isinstance(number, str) or not isinstance(text, str):
            raise Problem(422, "Unprocessable Entity", "importer_number and five106 (TP records) are required")
        from abisim.transmission import iter_records

        records = [p.record for p in iter_records(text.encode("latin-1", errors="replace"), validate=False)
                   if p.record is not None]
        five106 = five106_of(records, number)
        if five106 is None:
            raise Problem(422, "Unprocessable Entity", f"five106 holds no T1 for {number}")
        try:
            result = await run_in_threadpool(apply_rider, sim.store, number, five106, sim.as_of,
                                             doc.get("filer_code"), doc.get("rider_name"))
        except RiderError as exc:
            raise Problem(422, "Unprocessable Entity", str(exc))
        return JSONResponse({"importer_number": result.importer_number, "changed": list(result.changed),
                             "bonds": list(result.bonds), "notification_id": result.notification_id})

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "as_of": sim.as_of.isoformat()})

    async def openapi(request: Request) -> Response:
        from abisim.openapi import spec

        return JSONResponse(spec())

    routes = [
        Route("/healthz", healthz),
        Route("/openapi.json", openapi),
        Route("/v1/transmissions", transmissions, methods=["POST"]),
        Route("/v1/importers/{number}/bonds", bonds),
        Route("/v1/pms/activations", activations, methods=["POST"]),
        Route("/v1/notifications", notifications),
        Route("/v1/journal", own_journal),
        Route("/v1/admin/reset", reset, methods=["POST"]),
        Route("/v1/admin/load", load, methods=["POST"]),
        Route("/v1/admin/journal", journal, methods=["GET", "DELETE"]),
        Route("/v1/admin/clock", clock, methods=["GET", "PUT"]),
        Route("/v1/admin/faults", set_faults, methods=["GET", "PUT"]),
        Route("/v1/admin/bond-team/riders", riders, methods=["POST"]),
    ]

    async def on_problem(request, exc: Problem):
        return problem(exc.status, exc.title, exc.detail, **exc.extra)

    async def on_http(request, exc):
        status = getattr(exc, "status_code", 500)
        return problem(status, {404: "Not Found", 405: "Method Not Allowed"}.get(status, "Error"),
                       getattr(exc, "detail", "") or "")

    async def on_error(request, exc):
        return problem(500, "Internal Server Error", f"{type(exc).__name__}: the simulator could not answer")

    from starlette.exceptions import HTTPException

    app = Starlette(routes=routes, exception_handlers={Problem: on_problem, HTTPException: on_http,
                                                      Exception: on_error})
    app.state.simulator = sim
    app.state.admin_token = admin_token
    app.state.faults = faults
    return app


def _journal_filters(request: Request) -> dict:
    q = request.query_params
    limit = q.get("limit", "1000")
    if not limit.isdigit() or not 0 < int(limit) <= 100_000:
        raise Problem(422, "Unprocessable Entity", "limit: 1 to 100000")
    return {"application_id": q.get("application"), "since": q.get("since"), "until": q.get("until"),
            "channel": q.get("channel"), "status": q.get("status"), "limit": int(limit)}


class _Dropped(Response):
    """Starts an answer, then breaks off: the client sees the connection dropped."""

    def __init__(self) -> None:
        super().__init__()

    async def __call__(self, scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", b"1000")]})
        await send({"type": "http.response.body", "body": b"A", "more_body": True})
        raise ConnectionAbortedError("fault injected: connection dropped")
