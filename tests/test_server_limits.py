"""Issue 11: no client can hurt another. Size limits and timeouts of the TCP listener and
the HTTP server, test mode over TCP, and the event loop left free while a worst-case
transmission (within the limits) is checked."""

from __future__ import annotations

import contextlib
import multiprocessing
import socket
import threading
from pathlib import Path

import httpx
import pytest

from abisim import simulator
from abisim.api import Limits
from abisim.offload import OffloadPolicy
from abisim.server import Server
from abisim.tcp import TcpLimits, TransmissionSplitter, TransmissionTooLarge
from tests.sim_helpers import read_answer

ROOT = Path(__file__).resolve().parent.parent
KI = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes()
KR = (ROOT / "samples/answers/ki-magic-2.out.abi").read_bytes()
TP_TEST = (ROOT / "samples/answers/tp-test-mode.in.abi").read_bytes()


@contextlib.contextmanager
def serving(sim, limits: Limits | None = None, tcp_limits: TcpLimits | None = None,
            offload: OffloadPolicy | None = None, gate: tuple | None = None):
    server = Server(sim, tcp_port=0, limits=limits, tcp_limits=tcp_limits, admin_token="admin", offload=offload)
    server.offloader.gate = gate
    server.start()
    try:
        yield server
    finally:
        server.stop()


def tcp(server) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", server.tcp_port))
    s.settimeout(20)
    return s


def read_all(s: socket.socket) -> bytes:
    """Everything until the server closes the connection."""
    out = b""
    while chunk := s.recv(65536):
        out += chunk
    return out


def worst_ki(size: int, password: bytes = b"PASS01") -> bytes:
    """A KI full of blank records, each an error reported in the answer: the costliest
    input we know of."""
    lines = KI.split(b"\n")
    n = size // 81 - len(lines)
    return b"\n".join([lines[0].replace(b"PASS01", password), lines[1], *[b" " * 80] * n, *lines[3:]])


# -- TCP framing at the end of a stream (finding 7)

def test_a_final_z_without_newline_is_answered(sim):
    with serving(sim) as server, tcp(server) as s:
        s.sendall(KI.rstrip(b"\n"))
        assert read_answer(s) == KR
        s.sendall(KI.replace(b"\n", b"\r\n").rstrip(b"\r\n"))  # and again on the same connection
        assert read_answer(s) == KR


def test_a_half_closed_transmission_without_z_gets_x06(sim):
    with serving(sim) as server, tcp(server) as s:
        s.sendall(KI[: KI.index(b"\nZ") + 1])
        s.shutdown(socket.SHUT_WR)
        answer = read_all(s)
    assert b"X1 FX06   BATCH CONTROL MISSING - Z-RECORD" in answer and b"X1RF999" in answer


def test_half_close_after_whole_transmissions_answers_them_all(sim):
    with serving(sim) as server, tcp(server) as s:
        s.sendall(KI + KI.rstrip(b"\n"))
        s.shutdown(socket.SHUT_WR)
        assert read_all(s) == KR + KR


# -- TCP limits (finding 5)

def test_a_transmission_over_the_size_limit_is_refused_and_the_connection_closed(sim):
    limit = 16 * 1024
    with serving(sim, tcp_limits=TcpLimits(max_transmission=limit)) as server, tcp(server) as s:
        s.sendall(worst_ki(limit, b"WRONG1") + b" " * 80)  # within the limit: answered
        answered = read_answer(s)
        assert b"X1 FX09" in answered
        try:
            s.sendall(b"X" * (4 * limit))  # no newline at all
        except OSError:
            pass  # the server may close before everything is sent
        answer = read_all(s)
    assert b"X1 FS01   TRANSMISSION OVER THE SIZE LIMIT" in answer and b"X1RF999" in answer


def test_a_transmission_over_the_size_limit_is_journaled(sim):
    limit = 16 * 1024
    with serving(sim, tcp_limits=TcpLimits(max_transmission=limit)) as server, tcp(server) as s:
        try:
            s.sendall(worst_ki(4 * limit))
        except OSError:
            pass  # the server may close before everything is sent
        answer = read_all(s)
    [row] = sim.store.journal(channel="tcp")
    assert row["status"] == "rejected" and row["filer_code"] == "XJ5" and row["application_id"] == "KI"
    assert row["request_bytes"] > limit and row["answer"] == answer.decode("latin-1")
    assert len(row["request"]) == sim.journal.policy.max_body and "PASS01" not in row["request"]


def test_a_client_trickling_bytes_is_cut_off_at_the_transmission_deadline(sim):
    # One byte at a time, each well within the idle timeout: only the deadline ends it.
    limits = TcpLimits(idle_timeout=30, transmission_timeout=0.3)
    with serving(sim, tcp_limits=limits) as server, tcp(server) as s:
        a_record = KI[: KI.index(b"\n") + 1]
        s.sendall(a_record)
        s.settimeout(0.02)  # the pace of the trickle: a byte whenever the server has said nothing
        answer, sent = b"", len(a_record)
        while True:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                assert sent < 2000, "the server never cut the trickle off"
                s.sendall(b" ")
                sent += 1
                continue
            if not chunk:
                break
            answer += chunk
    assert b"X1 FS02   TRANSMISSION NOT WHOLE IN TIME" in answer and b"X1RF999" in answer
    assert answer.startswith(b"A3901XJ5")  # the A record read is mirrored
    [row] = sim.store.journal(channel="tcp")
    # the client may send a byte or more while the server's reject is on its way
    assert row["status"] == "rejected" and len(a_record) < row["request_bytes"] <= sent


def test_transmissions_within_the_deadline_keep_the_connection(sim):
    # The deadline runs per transmission, not per connection.
    with serving(sim, tcp_limits=TcpLimits(transmission_timeout=5)) as server, tcp(server) as s:
        for _ in range(3):
            s.sendall(KI)
            assert read_answer(s) == KR


def test_splitter_bounds_what_it_holds():
    sp = TransmissionSplitter(max_transmission=1000)
    with pytest.raises(TransmissionTooLarge):
        for _ in range(100):
            sp.feed(b"A" * 100)
    assert len(sp.buffer) <= 1100


def test_an_idle_tcp_client_is_disconnected(sim):
    with serving(sim, tcp_limits=TcpLimits(idle_timeout=0.2)) as server, tcp(server) as s:
        s.sendall(KI[:100])  # part of a transmission, then nothing
        assert read_all(s) == b""


def test_tcp_connections_over_the_limit_are_closed(sim):
    with serving(sim, tcp_limits=TcpLimits(max_connections=2)) as server:
        first, second = tcp(server), tcp(server)
        first.sendall(KI)
        assert read_answer(first) == KR  # the first two are served
        with tcp(server) as third:
            assert read_all(third) == b""
        second.sendall(KI)
        assert read_answer(second) == KR
        first.close()
        second.close()


# -- test mode over TCP (finding 9)

def test_test_mode_over_tcp_is_refused_unless_the_filer_is_named(sim):
    with serving(sim) as server, tcp(server) as s:
        s.sendall(TP_TEST)
        refused = read_answer(s)
    assert b"X1 FX09   SENDER/RECEIVER NOT AUTHORIZED" in refused
    with serving(sim, tcp_limits=TcpLimits(test_filers=frozenset({"XJ5"}))) as server, tcp(server) as s:
        s.sendall(TP_TEST)
        allowed = read_answer(s)
    assert b"2EE" in allowed and b"X09" not in allowed


# -- HTTP limits (finding 5)

def test_http_headers_over_the_limit_are_431(sim):
    with serving(sim, limits=Limits(max_header=4096)) as server:
        r = httpx.get(server.url + "/healthz", headers={"X-Big": "x" * 8000})
        assert r.status_code == 431 and r.json()["status"] == 431
        assert httpx.get(server.url + "/healthz").status_code == 200


def test_a_half_open_http_request_is_408_and_closed(sim):
    with serving(sim, limits=Limits(request_timeout=0.2)) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            s.settimeout(20)
            s.sendall(b"POST /v1/transmissions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n"
                      b"Authorization: Bearer xj5-sample-token\r\n\r\nA3901")
            answer = read_all(s)
        assert answer.startswith(b"HTTP/1.1 408 ")
        with socket.create_connection(("127.0.0.1", server.port)) as s:  # not one byte sent
            s.settimeout(20)
            assert read_all(s).startswith(b"HTTP/1.1 408 ")


def test_http_connections_over_the_limit_are_503(sim):
    with serving(sim, limits=Limits(max_connections=2)) as server:
        held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(2)]
        try:
            with socket.create_connection(("127.0.0.1", server.port)) as s:
                s.settimeout(20)
                assert read_all(s).startswith(b"HTTP/1.1 503 ")
        finally:
            for s in held:
                s.close()


# -- the event loop stays free (finding 1)

def _in_the_server(monkeypatch):
    """The worst case checked in a worker thread of the server (no offloading), held there."""
    started, release = threading.Event(), threading.Event()
    parse = simulator.parse

    def parse_and_signal(data, **kw):
        if len(data) > 100_000:
            started.set()
            release.wait(20)  # holds the worst case until the KI is answered (or 20 s pass)
        return parse(data, **kw)
    monkeypatch.setattr(simulator, "parse", parse_and_signal)
    return started, release, dict(offload=OffloadPolicy(threshold=None))


def _in_another_process(monkeypatch):
    """The worst case answered by the server's pool of processes, held there."""
    ctx = multiprocessing.get_context("spawn")
    started, release = ctx.Event(), ctx.Event()
    return started, release, dict(offload=OffloadPolicy(processes=1), gate=(started, release))


@pytest.mark.parametrize("checked", [_in_the_server, _in_another_process])
@pytest.mark.parametrize("worst_over", ["tcp", "http"])
def test_another_clients_ki_is_answered_while_a_worst_case_input_is_checked(sim, monkeypatch, worst_over,
                                                                            checked):
    started, release, kw = checked(monkeypatch)
    worst = worst_ki(Limits().max_body - 100)
    with serving(sim, **kw) as server:
        result = {}

        def send_worst():
            if worst_over == "tcp":
                with tcp(server) as s:
                    s.sendall(worst)
                    result["worst"] = read_answer(s)
            else:
                result["worst"] = httpx.post(server.url + "/v1/transmissions", content=worst, timeout=30,
                                             headers={"Authorization": "Bearer xj5-sample-token"}).content
        worker = threading.Thread(target=send_worst)
        worker.start()
        assert started.wait(20), "the worst case never reached the simulator"
        try:
            # Meanwhile, another client's KI, over the other transport, within a generous bound.
            if worst_over == "tcp":
                r = httpx.post(server.url + "/v1/transmissions", content=KI, timeout=10,
                               headers={"Authorization": "Bearer xj5-sample-token"})
                assert r.content == KR
            else:
                with tcp(server) as s:
                    s.settimeout(10)
                    s.sendall(KI)
                    assert read_answer(s) == KR
            assert "worst" not in result
        finally:
            release.set()
            worker.join(30)
        assert b"X1 FX34" in result["worst"] and b"X1RF999" in result["worst"]
