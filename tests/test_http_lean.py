"""The hot route's short way (abisim.http_lean) answers exactly what the route answers:
status, headers, bytes and journal rows, for valid and damaged transmissions, every kind
of caller (no token, unknown, the admin's, another filer's), JSON asked for, bodies over
the limit and faults in force. Two apps, with and without it, on two copies of the same
database, take the same requests in the same order."""

from __future__ import annotations

import random
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abisim import fixtures, sample
from abisim.clock import fixed
from abisim.http import create_app
from abisim.http_transport import _Corked
from abisim.offload import queries_only
from abisim.simulator import Simulator
from abisim.store import Store
from tests.conftest import AS_OF
from tests.fuzzing import CORPUS, mutate
from tests.strategies import transmission_bytes

with warnings.catch_warnings():  # this Starlette's test client names an anyio alias anyio deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
KI = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes()
TP = (ROOT / "samples/answers/tp-voided.in.abi").read_bytes()
MAX_BODY = 8192
VOLATILE = ("id", "received", "ms")

CALLERS = {
    "xj5": {"Authorization": "Bearer xj5-sample-token"},
    "sv9": {"Authorization": "Bearer sv9-sample-token"},
    "spaced": {"Authorization": "bearer   xj5-sample-token \t"},
    "none": {},
    "unknown": {"Authorization": "Bearer nope"},
    "admin": {"Authorization": "Bearer the-admin"},
    "basic": {"Authorization": "Basic eGo1OnBhc3M="},
    "json": {"Authorization": "Bearer xj5-sample-token", "Accept": "application/json"},
}


class Pair:
    """The same request to the app with the short way and to the app without it."""

    def __init__(self, tmp_path: Path) -> None:
        self.sims, self.clients = [], []
        for name, lean in (("lean", True), ("route", False)):
            store = Store(tmp_path / f"{name}.sqlite3")
            fixtures.load(store, sample.fixture(AS_OF))
            sim = Simulator(store, fixed(AS_OF))
            app = create_app(sim, admin_token="the-admin", max_body=MAX_BODY, lean=lean)
            self.sims.append(sim)
            self.clients.append(TestClient(app, raise_server_exceptions=False))

    def post(self, body, headers: dict) -> None:
        lean, route = [c.post("/v1/transmissions", content=body() if callable(body) else body, headers=headers)
                       for c in self.clients]
        assert lean.status_code == route.status_code
        assert lean.headers.raw == route.headers.raw
        assert lean.content == route.content

    def set_faults(self, **faults) -> None:
        for c in self.clients:
            c.app.state.faults.set(**faults)

    def journals(self) -> list[list[dict]]:
        return [[{k: v for k, v in dict(r).items() if k not in VOLATILE} for r in sim.store.journal()]
                for sim in self.sims]

    def close(self) -> None:
        lean, route = self.journals()
        assert lean == route
        for sim in self.sims:
            sim.store.close()


@pytest.fixture
def pair(tmp_path):
    p = Pair(tmp_path)
    yield p
    p.close()


def damaged(seed: int) -> bytes:
    rnd = random.Random(seed)
    return mutate(rnd.choice(CORPUS), rnd)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(transmission_bytes(), st.integers(0, 2**32).map(damaged)),
       caller=st.sampled_from(sorted(CALLERS)))
def test_the_short_way_answers_as_the_route_does(pair, body, caller):
    pair.post(body, CALLERS[caller])


def test_every_kind_of_caller_and_body(pair):
    for headers in CALLERS.values():
        for body in (KI, TP, KI.replace(b"PASS01", b"WRONG1"), KI.replace(b"\n", b"\r\n"),
                     KI.replace(b"\n", b""), b"", b"not a transmission", KI + b"\xe9\xff\n"):
            pair.post(body, headers)


def test_bodies_over_the_limit_declared_or_streamed(pair):
    big = KI * (MAX_BODY // len(KI) + 1)
    pair.post(big, CALLERS["xj5"])  # declared: 413 before reading

    def chunked():  # no content-length: the limit is found while reading
        yield from (big[i:i + 1000] for i in range(0, len(big), 1000))
    pair.post(chunked, CALLERS["xj5"])
    pair.post(lambda: iter([KI[:100], KI[100:]]), CALLERS["xj5"])  # streamed, within the limit


def test_faults_in_force_are_the_routes(pair):
    pair.set_faults(reject_code="X13", count=2)
    for _ in range(3):
        pair.post(KI, CALLERS["xj5"])
    pair.set_faults(latency_ms=1, count=1)
    pair.post(KI, CALLERS["xj5"])


def test_a_large_query_goes_to_the_route(pair):
    lines = KI.split(b"\n")
    large = b"\n".join([lines[0], lines[1], *[lines[2]] * 80, *lines[3:]])  # over 4 KiB
    assert len(large) > 4096 and queries_only(large)
    pair.post(large, CALLERS["xj5"])


def test_queries_only_reads_the_b_records_of_any_framing():
    assert queries_only(KI) and queries_only(KI.replace(b"\n", b"\r\n")) and queries_only(KI.replace(b"\n", b""))
    assert not queries_only(TP) and not queries_only(TP.replace(b"\n", b""))
    assert not queries_only(b"") and not queries_only(KI.split(b"\n", 1)[0])  # no B at all
    assert not queries_only(KI + TP)  # one block of another application


class _Transport:
    def __init__(self) -> None:
        self.writes, self.closed, self.aborted = [], False, False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_extra_info(self, name: str):
        return ("127.0.0.1", 1) if name == "peername" else None


class _Loop:
    def __init__(self) -> None:
        self.soon = []

    def call_soon(self, f) -> None:
        self.soon.append(f)

    def turn(self) -> None:
        soon, self.soon = self.soon, []
        for f in soon:
            f()


def test_a_response_head_is_written_with_its_body():
    loop, t = _Loop(), _Transport()
    corked = _Corked(t, loop)
    corked.write(b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n")
    corked.write(b"body")
    loop.turn()
    assert t.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nbody"]
    # A head without a body (HEAD) leaves when the loop turns; closing writes it first.
    corked.write(b"HTTP/1.1 200 OK\r\n\r\n")
    loop.turn()
    corked.write(b"HTTP/1.1 204 No Content\r\n\r\n")
    corked.close()
    assert t.writes[1:] == [b"HTTP/1.1 200 OK\r\n\r\n", b"HTTP/1.1 204 No Content\r\n\r\n"] and t.closed
    corked.write(b"HTTP/1.1 200 OK\r\n\r\n")
    corked.abort()  # an aborted connection sends nothing more
    loop.turn()
    assert len(t.writes) == 3 and t.aborted
    assert corked.get_extra_info("peername") == ("127.0.0.1", 1)  # the rest is the transport's


def test_an_answer_goes_out_as_its_own_latin1_bytes(tmp_path, monkeypatch):
    """Answers are latin-1 text labelled so: a byte above 127 is sent as that one byte,
    never re-encoded (simulated answers are ASCII today; a channel must not depend on it)."""
    store = Store(tmp_path / "db.sqlite3")
    fixtures.load(store, sample.fixture(AS_OF))
    sim = Simulator(store, fixed(AS_OF))
    monkeypatch.setattr(sim, "submit", lambda data, **kw: b"K1 CAF\xc9\n")
    for lean in (True, False):
        client = TestClient(create_app(sim, admin_token="the-admin", max_body=MAX_BODY, lean=lean))
        r = client.post("/v1/transmissions", content=KI, headers=CALLERS["xj5"])
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/plain; charset=latin-1"
        assert r.content == b"K1 CAF\xc9\n"
    store.close()
