"""Small bond queries are answered on the server's event loop (abisim.offload's
``Offloader.inline``); anything that could wait there goes to a thread as before, so the
loop stays free for the other connections."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx

from abisim.offload import OffloadPolicy, Offloader
from abisim.server import Server
from tests.sim_helpers import read_answer

ROOT = Path(__file__).resolve().parent.parent
KI = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes()
KR = (ROOT / "samples/answers/ki-magic-2.out.abi").read_bytes()
TP = (ROOT / "samples/answers/tp-voided.in.abi").read_bytes()
TOKEN = {"Authorization": "Bearer xj5-sample-token"}


def test_which_transmissions_are_answered_on_the_loop(sim):
    offloader = Offloader(sim)
    assert offloader.inline(KI) and not offloader.inline(TP)
    assert not Offloader(sim, OffloadPolicy(inline=None)).inline(KI)
    assert not Offloader(sim, OffloadPolicy(inline=len(KI) - 1)).inline(KI)
    with sim.lock:  # a write of this process holds the lock: the query's row would wait for it
        assert not offloader.inline(KI)


def test_a_query_waiting_for_a_write_does_not_hold_up_the_loop(sim):
    server = Server(sim, tcp_port=0, admin_token="admin").start()
    try:
        with socket.create_connection(("127.0.0.1", server.tcp_port)) as s:
            s.settimeout(20)
            with sim.lock:  # as a write answered in a thread would
                s.sendall(KI)
                # The KI waits for the lock in a thread; HTTP and other TCP clients are served.
                assert httpx.get(server.url + "/healthz", timeout=10).status_code == 200
                assert httpx.get(server.url + "/openapi.json", timeout=10).status_code == 200
            assert read_answer(s) == KR
        r = httpx.post(server.url + "/v1/transmissions", content=KI, headers=TOKEN, timeout=10)
        assert r.content == KR
        rows = sim.store.journal()
        assert [(r["channel"], r["status"]) for r in rows] == [("tcp", "accepted"), ("http", "accepted")]
    finally:
        server.stop()
