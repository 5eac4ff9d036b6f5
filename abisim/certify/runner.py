"""Running a certification: abisim plays CBP's side while the broker's software sends.

In-process, :class:`Certification` owns a simulator on its own database, loaded with the
plan's fixture at the plan's date; it answers every transmission from the database,
except that a step with a forced reject is answered with that reject. It can sit behind
``abisim serve``'s HTTP and TCP listeners (:meth:`Certification.serve`), or be driven by a
Python broker (:func:`run`). Against a running server, :func:`run_remote` resets it,
loads the fixture, and watches its journal, arming the server's fault injection for a
step that forces a reject. Either way the verdict comes from the journal.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Callable

from abisim import fixtures
from abisim.certify import journal
from abisim.certify.evaluate import Result, evaluate, step_for
from abisim.certify.plan import Plan
from abisim.clock import Clock
from abisim.errors import RecordError, narrative
from abisim.simulator import Simulator, reject_answer
from abisim.store import Store
from abisim.testing import DEFAULT_AS_OF  # the harness's date: plans without one run on it
from abisim.transmission import parse


class _CertifyingSimulator(Simulator):
    """A simulator that answers a forced-reject step with its reject."""

    certification: "Certification"

    def submit(self, data: bytes | str, *, filer_code: str | None = None, **channel) -> bytes:
        if isinstance(data, str):
            data = data.encode("latin-1", errors="replace")
        cert = self.certification
        with cert.lock:
            step = step_for(cert.plan, cert.exchanges(), data) if cert.forces_rejects else None
            if step is None or step.reject is None:
                return super().submit(data, filer_code=filer_code, **channel)
            t = parse(data, layouts=self.layouts)
            answer = _render(reject_answer(t, [RecordError(step.reject, narrative(step.reject), 1)], self.layouts))
            a = t.batches[0].header if t.batches else None
            journal.record_forced(self, sent=data, answer=answer, code=step.reject, filer=a.id_code if a else None,
                                  application=a.application_id if a else None, channel=channel)
            return answer


def _render(records) -> bytes:
    from abisim.transmission import render

    return render(records, newline="\n")


class Certification:
    """One run of a plan against an in-process simulated CBP."""

    def __init__(self, plan: Plan, db: str | Path = ":memory:", *, as_of: dt.date | None = None) -> None:
        import threading

        self.plan = plan
        self.as_of = as_of or plan.as_of or DEFAULT_AS_OF
        store = Store(db)
        store.reset()
        fixtures.load(store, plan.fixture_document(self.as_of))
        self.simulator = _CertifyingSimulator(store, Clock(self.as_of))
        self.simulator.certification = self
        self.start = journal.last_id(store)
        self.forces_rejects = any(s.reject for s in plan.steps)
        self.lock = threading.RLock()

    @property
    def store(self) -> Store:
        return self.simulator.store

    def submit(self, data: bytes | str) -> bytes:
        """What the broker's software calls to send a transmission (in-process channel)."""
        return self.simulator.submit(data)

    def exchanges(self) -> list[journal.Exchange]:
        return journal.exchanges(self.store, after=self.start)

    def result(self, *, final: bool = True) -> Result:
        return evaluate(self.plan, self.exchanges(), final=final)

    def serve(self, *, port: int = 0, tcp_port: int | None = 0, admin_token: str | None = None):
        """The certification behind HTTP and TCP listeners (a started abisim.server.Server)."""
        from abisim.server import Server

        return Server(self.simulator, port=port, tcp_port=tcp_port, admin_token=admin_token).start()

    def close(self) -> None:
        self.store.close()


Broker = Callable[[Callable[[bytes], bytes]], None]


def run(plan: Plan, broker: Broker, *, db: str | Path = ":memory:", as_of: dt.date | None = None) -> Result:
    """Drive a plan with a Python broker: ``broker(send)`` sends transmissions with
    ``send(bytes) -> answer bytes``. Returns the verdict read from the journal."""
    cert = Certification(plan, db, as_of=as_of)
    try:
        broker(cert.submit)
        return cert.result()
    finally:
        cert.close()


def wait(cert_result: Callable[[], Result], *, timeout: float, poll: float = 0.2,
         done: Callable[[], bool] = lambda: False, progress: Callable | None = None) -> Result:
    """Poll until every step is decided, ``done()`` is true, or the time is up;
    ``progress(step_result)`` hears of each step as it is decided."""
    deadline = time.monotonic() + timeout
    told: set[str] = set()
    while True:
        partial = cert_result()
        if progress is not None:
            for s in partial.steps:
                if s.status != "pending" and s.step.id not in told:
                    told.add(s.step.id)
                    progress(s)
        if partial.complete or done() or time.monotonic() >= deadline:
            return cert_result()
        time.sleep(poll)


def run_remote(plan: Plan, url: str, admin_token: str, *, timeout: float = 600, poll: float = 0.5,
               reset: bool = True, as_of: dt.date | None = None, done: Callable[[], bool] = lambda: False,
               on_ready: Callable[[], None] | None = None, progress: Callable | None = None) -> Result:
    """Certify against a running ``abisim serve``: reset and load the plan's fixture, set the
    clock, then watch the journal until every step is decided or the time is up."""
    import httpx

    as_of = as_of or plan.as_of or DEFAULT_AS_OF
    headers = {"Authorization": f"Bearer {admin_token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        def ok(response):
            if response.status_code >= 400:
                raise RuntimeError(f"{response.request.method} {response.request.url.path}: "
                                   f"{response.status_code} {response.text[:200]}")
            return response.json()

        ok(client.put("/v1/admin/clock", json={"as_of": as_of.isoformat()}))
        if reset:
            ok(client.post("/v1/admin/reset", json={}))
            ok(client.post("/v1/admin/load", json=plan.fixture_document(as_of)))
        rows = ok(client.get("/v1/admin/journal", params={"limit": 100000}))["journal"]
        start = max((r["id"] for r in rows), default=0)
        armed: set[str] = set()
        if on_ready is not None:
            on_ready()  # the broker may start sending now

        def current() -> Result:
            rows = ok(client.get("/v1/admin/journal", params={"limit": 100000}))["journal"]
            result = evaluate(plan, journal.exchanges_from_rows([r for r in rows if r["id"] > start]), final=False)
            nxt = next((s for s in result.steps if s.status == "pending"), None)
            if nxt is not None and nxt.step.reject and nxt.step.id not in armed:
                ok(client.put("/v1/admin/faults", json={"reject_code": nxt.step.reject, "count": 1}))
                armed.add(nxt.step.id)
            return result

        wait(current, timeout=timeout, poll=poll, done=done, progress=progress)
        rows = ok(client.get("/v1/admin/journal", params={"limit": 100000}))["journal"]
        return evaluate(plan, journal.exchanges_from_rows([r for r in rows if r["id"] > start]))
