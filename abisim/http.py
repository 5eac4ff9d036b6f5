"""The HTTP shell: a Starlette app over one Simulator. No business rule here: every route
turns HTTP into a call of the core (a transmission, a bond query, a fixture) and back.

Routes follow the convention of abisim.api: a decorated function per method and path, its
JSON body and answer pydantic models of abisim.http_models, which /openapi.json shows.
Filers authenticate with bearer tokens (the ``filers.token`` column); admin routes take
a separate admin token. Every error is a JSON problem document, never a stack trace.
"""

from __future__ import annotations

import asyncio
import importlib
import secrets
import time

import pydantic
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Route

from abisim import fixtures
from abisim import http_models as m
from abisim.api import (ADMIN, FILER, PUBLIC, ROUTES, Call, Endpoint, Limits, Problem, bearer, is_admin,
                        problem_body, route, unprocessable, validate_json, validate_query)
from abisim.build import for_filer, p1_records
from abisim.faults import Faults, reject
from abisim.http_lean import LeanTransmissions
from abisim.offload import OffloadPolicy, Offloader
from abisim.simulator import Simulator
from abisim.transmission import parse

DEFAULT_MAX_BODY = Limits().max_body

# Modules declaring routes with abisim.api.route, besides this one (imported by create_app).
ROUTE_MODULES: tuple[str, ...] = ("abisim.http_pms", "abisim.http_diff")


def problem(status: int, title: str, detail: str = "", **extra) -> Response:
    return Response(problem_body(status, title, detail, **extra), status_code=status,
                    media_type="application/problem+json")


def _records(records) -> list[dict]:
    from abisim.cli.common import to_jsonable

    return [{"line": r.line, "record_id": r.record_id, "layout": r.layout.version,
             "fields": {k: to_jsonable(v) for k, v in r.values().items()}} for r in records]


def _records_json(data: bytes) -> dict:
    t = parse(data)
    return {"records": _records(t.records()), "errors": [e.to_json() for e in t.errors]}


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


# ---------------------------------------------------------------- filer routes

_TEXT = {"schema": {"type": "string"}}


@route("POST", "/v1/transmissions", auth=FILER, problems=(413,),
       summary="Send a CATAIR transmission; get CBP's answer transmission",
       raw_body={"required": True, "content": {"text/plain": _TEXT}},
       raw_answer={"description": "CBP's answer (a reject batch when the envelope is bad)",
                   "content": {"text/plain": _TEXT, "application/json": m.TransmissionAnswer}})
async def transmissions(call: Call) -> Response:
    started = time.perf_counter()
    sim, filer = call.sim, call.filer["filer_code"]
    data = await call.raw()
    fault = call.state.faults.take()  # the same faults as the TCP listener's
    if fault is not None and fault.latency_ms:
        await asyncio.sleep(fault.latency_ms / 1000)
    if fault is not None and fault.answers:
        answer = None if fault.drop_connection else reject(data, fault.reject_code, sim.layouts, sim.as_of)
        sim.journal_exchange(channel="http", request=data, answer=answer, started=started,
                             fault=fault.describe(), filer_code=filer)
        return _Dropped() if answer is None else await run_in_threadpool(_answer, call.request, lambda: answer)
    # In a worker thread, with the answer's JSON if asked for: a large transmission must not
    # stall the event loop (and with it every other connection) while it is checked.
    described = fault.describe() if fault is not None else None
    submit = call.state.submit  # a large transmission is answered in another process (abisim.offload)
    return await run_in_threadpool(_answer, call.request, lambda: submit(
        data, filer_code=filer, channel="http", started=started, fault=described))


def _answer(request: Request, submit) -> Response:
    answer = submit()
    if _wants_json(request):
        return JSONResponse(_records_json(answer))
    # The answer's own bytes: labelled latin-1, so never re-encoded.
    return Response(answer, media_type="text/plain; charset=latin-1")


@route("GET", "/v1/importers/{number}/bonds", auth=FILER, query=m.BondQuery, answer=m.BondsAnswer,
       summary="The bond query, as JSON")
async def bonds(call: Call) -> m.BondsAnswer:
    from abisim.rules.bond_query import answer_records

    sim, number = call.sim, call.request.path_params["number"]
    address = "1" if call.query.address == "1" else None

    def query():
        return m.BondsAnswer(importer_number=number, as_of=sim.as_of,
                             records=_records(answer_records(sim.store, number, sim.as_of, address, sim.layouts)))
    return await run_in_threadpool(query)


@route("POST", "/v1/pms/activations", auth=FILER, body=m.ActivationRequest, answer=m.ActivationAnswer,
       summary="Periodic Monthly Statement activation request (an XP transmission)", problems=(413,))
async def activations(call: Call) -> m.ActivationAnswer:
    from abisim.http_pms import activation_details
    from abisim.rules.pms import outcomes_of, with_five106_judged

    sim, req, filer = call.sim, call.body, call.filer["filer_code"]
    details_in = activation_details(req, sim.layouts)
    data = for_filer(sim.store, filer, "XP", details_in)
    answer = parse(await run_in_threadpool(lambda: call.state.submit(data, filer_code=filer, channel="http")))
    details = [r for b in answer.blocks for r in b.details]
    conditions = [f"{r.condition_code} {r.narrative}" for r in details if r.record_id == "X1"]
    if conditions:
        raise unprocessable("CBP rejected the batch", conditions=conditions)
    attached = {n.upper() for n in (req.five106 or {})}
    outcomes = with_five106_judged(outcomes_of(details), req.ctpat, attached)
    return m.ActivationAnswer(outcomes=[m.Outcome(**o.to_json()) for o in outcomes])


@route("GET", "/v1/notifications", auth=FILER, answer=m.NotificationsAnswer,
       summary="The notifications written for the token's filer")
async def notifications(call: Call) -> m.NotificationsAnswer:
    rows = await run_in_threadpool(call.sim.store.notifications, call.filer["filer_code"])
    return m.NotificationsAnswer(notifications=[dict(r) for r in rows])


@route("GET", "/v1/journal", auth=FILER, query=m.JournalQuery, answer=m.JournalAnswer,
       summary="The token's filer's own exchanges")
async def own_journal(call: Call) -> m.JournalAnswer:
    q = call.query
    rows = await run_in_threadpool(lambda: call.sim.store.journal(
        filer_code=call.filer["filer_code"], application_id=q.application, since=q.since, until=q.until,
        channel=q.channel, status=q.status, limit=q.limit))
    return m.JournalAnswer(journal=[dict(r) for r in rows])


# ---------------------------------------------------------------- admin routes

@route("POST", "/v1/admin/reset", auth=ADMIN, body=m.ResetRequest, answer=m.ResetAnswer,
       summary="Empty the database (optionally load the sample database)")
async def reset(call: Call) -> m.ResetAnswer:
    sim, sample = call.sim, call.body.sample

    def work():
        if not sample:
            return sim.store.reset()
        from abisim import sample as sample_data
        fixtures.load(sim.store, sample_data.fixture(sim.as_of), replace=True)  # one transaction
    try:
        await run_in_threadpool(work)
    except fixtures.FixtureError as exc:
        raise unprocessable(f"the sample database cannot be loaded as of {sim.as_of}: {exc}", path=exc.path)
    return m.ResetAnswer(reset=True, sample=sample)


@route("POST", "/v1/admin/load", auth=ADMIN, body=m.Fixture, answer=m.LoadAnswer, problems=(413,),
       summary="Load a fixture (docs/fixtures.md)")
async def load(call: Call) -> m.LoadAnswer:
    doc = call.body.model_dump(exclude_unset=True)
    try:
        counts = await run_in_threadpool(fixtures.load, call.sim.store, doc)
    except fixtures.FixtureError as exc:
        raise unprocessable(str(exc), path=exc.path)
    return m.LoadAnswer(loaded=counts)


@route("PUT", "/v1/admin/filers/{code}", auth=ADMIN, body=m.FilerRequest, answer=m.FilerAnswer,
       summary="Add or replace a filer (sites, password, service bureau, remote preparer ports)")
async def put_filer(call: Call) -> m.FilerAnswer:
    code = call.request.path_params["code"].upper()
    if len(code) != 3:
        raise unprocessable("a filer code has 3 characters", path="code")
    doc = {"filer_code": code, **call.body.model_dump()}
    store = call.sim.store
    old = store.filer(code)
    doc["token"] = doc["token"] or (old["token"] if old is not None and old["token"] else secrets.token_urlsafe(24))
    try:
        await run_in_threadpool(fixtures.load, store, {"filers": [doc]})
    except fixtures.FixtureError as exc:
        raise unprocessable(str(exc), path=exc.path)
    filer = next(f for f in fixtures.export(store)["filers"] if f["filer_code"] == code)
    return m.FilerAnswer(filer=filer)


@route("GET", "/v1/admin/journal", auth=ADMIN, query=m.AdminJournalQuery, answer=m.JournalAnswer,
       summary="Every exchange, on every channel (one row each: request, answer, status, ms)")
async def journal(call: Call) -> m.JournalAnswer:
    q = call.query
    rows = await run_in_threadpool(lambda: call.sim.store.journal(
        filer_code=q.filer, application_id=q.application, since=q.since, until=q.until, channel=q.channel,
        status=q.status, limit=q.limit))
    return m.JournalAnswer(journal=[dict(r) for r in rows])


@route("DELETE", "/v1/admin/journal", auth=ADMIN, answer=m.JournalDeleted, summary="Empty the journal")
async def clear_journal(call: Call) -> m.JournalDeleted:
    return m.JournalDeleted(deleted=await run_in_threadpool(call.sim.store.journal_clear))


@route("GET", "/v1/admin/clock", auth=ADMIN, answer=m.ClockAnswer, summary="The simulated date")
async def get_clock(call: Call) -> m.ClockAnswer:
    return m.ClockAnswer(as_of=call.sim.as_of, fixed=call.sim.clock.fixed is not None)


@route("PUT", "/v1/admin/clock", auth=ADMIN, body=m.ClockRequest, answer=m.ClockAnswer,
       summary="Set the simulated date (null: today)")
async def set_clock(call: Call) -> m.ClockAnswer:
    call.sim.clock.set(call.body.as_of)
    return await get_clock(call)


@route("GET", "/v1/admin/faults", auth=ADMIN, answer=m.FaultsAnswer, summary="The faults in force")
async def get_faults(call: Call) -> m.FaultsAnswer:
    return m.FaultsAnswer(**call.state.faults.to_json())


@route("PUT", "/v1/admin/faults", auth=ADMIN, body=m.FaultsRequest, answer=m.FaultsAnswer,
       summary="Inject faults into the next transmissions, over HTTP and TCP")
async def set_faults(call: Call) -> m.FaultsAnswer:
    call.state.faults.set(**call.body.model_dump())
    return await get_faults(call)


@route("POST", "/v1/admin/bond-team/riders", auth=ADMIN, body=m.RiderRequest, answer=m.RiderAnswer,
       problems=(413,), summary="The bond team applies an importer's 5106 and bond rider")
async def riders(call: Call) -> m.RiderAnswer:
    from abisim.rules.bond_team import RiderError, apply_rider, five106_of
    from abisim.transmission import iter_records

    sim, req = call.sim, call.body
    records = [p.record for p in iter_records(req.five106.encode("latin-1", errors="replace"), validate=False)
               if p.record is not None]
    five106 = five106_of(records, req.importer_number)
    if five106 is None:
        raise unprocessable(f"five106 holds no T1 for {req.importer_number}")
    try:
        result = await run_in_threadpool(apply_rider, sim.store, req.importer_number, five106, sim.as_of,
                                         req.filer_code, req.rider_name)
    except RiderError as exc:
        raise unprocessable(str(exc))
    return m.RiderAnswer(importer_number=result.importer_number, changed=list(result.changed),
                         bonds=list(result.bonds), notification_id=result.notification_id)


# ---------------------------------------------------------------- public routes

@route("GET", "/healthz", auth=PUBLIC, answer=m.Health, summary="Liveness")
async def healthz(call: Call) -> m.Health:
    return m.Health(status="ok", as_of=call.sim.as_of)


@route("GET", "/openapi.json", auth=PUBLIC, summary="This document",
       raw_answer={"description": "The OpenAPI document", "content": {"application/json": {
           "schema": {"type": "object"}}}})
async def openapi(call: Call) -> Response:
    from abisim.openapi import spec

    return JSONResponse(spec())


# ---------------------------------------------------------------- the app

def create_app(sim: Simulator, *, admin_token: str | None = None, max_body: int = DEFAULT_MAX_BODY,
               faults: Faults | None = None, offloader: Offloader | None = None, lean: bool = True) -> Starlette:
    """The app; ``lean=False``: without the hot route's short way (abisim.http_lean)."""
    for name in ROUTE_MODULES:
        importlib.import_module(name)
    app = Starlette(routes=[Route(e.path, _endpoint(e, sim), methods=[e.method]) for e in ROUTES],
                    exception_handlers={Problem: _on_problem, HTTPException: _on_http, Exception: _on_error},
                    middleware=[Middleware(LeanTransmissions)] if lean else [])
    app.state.simulator = sim
    app.state.admin_token = admin_token or secrets.token_urlsafe(24)
    app.state.faults = faults if faults is not None else Faults()  # the server shares them with TCP
    app.state.limits = Limits(max_body=max_body)
    app.state.submit = offloader.submit if offloader is not None else sim.submit
    # Which transmissions are answered on the event loop (abisim.http_lean, abisim.tcp).
    app.state.inline = (offloader or Offloader(sim, OffloadPolicy(threshold=None))).inline
    return app


def _endpoint(e: Endpoint, sim: Simulator):
    async def run(request: Request) -> Response:
        state = request.app.state
        call = Call(request, sim, state)
        if e.auth == FILER:
            call.filer = _filer_of(request, sim, state.admin_token)
        elif e.auth == ADMIN:
            _require_admin(request, state.admin_token)
        if e.query is not None:
            call.query = validate_query(e.query, request)
        if e.body is not None:
            # No body at all is an empty object: the model's defaults.
            call.body = validate_json(e.body, await call.raw() or b"{}")
        result = await e.handler(call)
        if isinstance(result, pydantic.BaseModel):
            return Response(result.model_dump_json(), media_type="application/json")
        return result
    run.__name__ = e.handler.__name__
    return run


def _filer_of(request: Request, sim: Simulator, admin_token: str):
    token = bearer(request)
    if not token:
        raise Problem(401, "Unauthorized", "send Authorization: Bearer <filer token>")
    if is_admin(token, admin_token):
        raise Problem(403, "Forbidden", "the admin token is not a filer token")
    row = sim.store.filer_by_token(token.decode("latin-1"))  # an indexed lookup: no thread hop
    if row is None:
        raise Problem(401, "Unauthorized", "unknown token")
    return row


def _require_admin(request: Request, admin_token: str) -> None:
    token = bearer(request)
    if not token:
        raise Problem(401, "Unauthorized", "send Authorization: Bearer <admin token>")
    if not is_admin(token, admin_token):
        raise Problem(403, "Forbidden", "admin routes need the admin token")


async def _on_problem(request, exc: Problem):
    return problem(exc.status, exc.title, exc.detail, **exc.extra)


async def _on_http(request, exc):
    status = getattr(exc, "status_code", 500)
    return problem(status, {404: "Not Found", 405: "Method Not Allowed"}.get(status, "Error"),
                   getattr(exc, "detail", "") or "")


async def _on_error(request, exc):
    return problem(500, "Internal Server Error", f"{type(exc).__name__}: the simulator could not answer")


class _Dropped(Response):
    """Starts an answer, then breaks off: the client sees the connection dropped."""

    def __init__(self) -> None:
        super().__init__()

    async def __call__(self, scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", b"1000")]})
        await send({"type": "http.response.body", "body": b"A", "more_body": True})
        raise ConnectionAbortedError("fault injected: connection dropped")
