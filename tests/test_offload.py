"""Issue 11: large transmissions answered in a pool of processes (abisim.offload) keep every
guarantee of the server's own answers: the same answer and journal row, one transaction
per transmission, a write on disk before its answer, one PMS switch whatever the race."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import Counter
from pathlib import Path

import pytest

import abisim
from abisim import fixtures, sample
from abisim.clock import fixed
from abisim.offload import Offloader, OffloadPolicy
from abisim.simulator import Simulator
from abisim.store import Store
from tests.conftest import AS_OF

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ["ki-magic-2", "ki-variety", "reject-password", "tp-add", "tp-update-bond-on-file", "xp-ctpat",
           "cb-new-bond", "tp-test-mode"]
VOLATILE = ("id", "received", "ms")  # what differs between two answers of the same exchange


def _simulator(path) -> Simulator:
    fixtures.load(Store(path), sample.fixture(AS_OF))
    return Simulator(Store(path), fixed(AS_OF))


def _rows(sim: Simulator) -> list[dict]:
    return [{k: v for k, v in dict(r).items() if k not in VOLATILE} for r in sim.store.journal()]


@pytest.fixture
def pooled(tmp_path):
    """A simulator whose every transmission is answered in the pool (threshold 0)."""
    sim = _simulator(tmp_path / "pooled.sqlite3")
    offloader = Offloader(sim, OffloadPolicy(threshold=0, processes=2))
    yield sim, offloader
    offloader.close()


def test_answers_and_journal_rows_from_the_pool_are_the_servers_own(pooled, tmp_path):
    sim, offloader = pooled
    here = _simulator(tmp_path / "here.sqlite3")
    lines = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes().split(b"\n")
    worst = b"\n".join([lines[0], lines[1], *[b" " * 80] * 2000, *lines[3:]])  # 2,000 errors
    for data in [(ROOT / f"samples/answers/{name}.in.abi").read_bytes() for name in SAMPLES] + [worst]:
        assert offloader.submit(data, channel="tcp") == here.submit(data, channel="tcp")
    assert _rows(sim) == _rows(here)
    big = sim.store.journal()[-1]
    assert big["request_bytes"] == len(worst) and len(big["request"]) == sim.journal.policy.max_body
    assert len(big["answer"]) == sim.journal.policy.max_body  # cut before it was written


def test_a_write_from_the_pool_is_on_disk_with_its_journal_row_before_the_answer(pooled):
    sim, offloader = pooled
    data = (ROOT / "samples/answers/tp-add.in.abi").read_bytes()
    number = abisim.parse(data).blocks[0].details[0].importer_number
    assert sim.store.importer(number) is None
    assert b"X1RF999" not in offloader.submit(data, channel="http")
    other = Store(sim.store.path)  # another connection: what is committed, nothing pending
    assert other.importer(number) is not None
    [row] = other.conn.execute("SELECT * FROM journal").fetchall()
    assert row["application_id"] == "TP" and row["status"] == "accepted" and row["channel"] == "http"


def test_one_pms_switch_when_the_pool_and_the_server_race(pooled):
    sim, offloader = pooled
    data = (ROOT / "samples/answers/xp-ctpat.in.abi").read_bytes()
    results: list[str] = []

    def activate(submit):
        answer = abisim.parse(submit(data, channel="http"))
        results.append(answer.blocks[0].details[0].result)
    threads = [threading.Thread(target=activate, args=(f,))
               for f in (offloader.submit, sim.submit) * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert Counter(results) == {1: 1, 2: 7}
    assert sim.store.conn.execute("SELECT count(*) FROM pms_switches").fetchone()[0] == 1
    assert Counter(r["channel"] for r in sim.store.journal()) == {"http": 8}


def test_small_transmissions_and_a_memory_database_stay_in_the_server():
    sim = Simulator(Store(":memory:"), fixed(AS_OF))
    fixtures.load(sim.store, sample.fixture(AS_OF))
    offloader = Offloader(sim, OffloadPolicy(threshold=0))
    data = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes()
    assert not offloader.takes(data)
    assert offloader.submit(data) == (ROOT / "samples/answers/ki-magic-2.out.abi").read_bytes()
    assert offloader._pool is None  # no process was started
    assert not Offloader(sim, OffloadPolicy(threshold=None)).takes(data * 1000)


def test_a_simulator_with_its_own_submit_answers_everything_itself(tmp_path):
    class Own(Simulator):
        def submit(self, data, **kw):
            return super().submit(data, **kw)
    own = Own(_simulator(tmp_path / "cbp.sqlite3").store, fixed(AS_OF))
    data = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes()
    assert not Offloader(own, OffloadPolicy(threshold=0)).takes(data)


def test_a_transmission_whose_answering_process_dies_is_answered_in_the_server(tmp_path):
    sim = _simulator(tmp_path / "cbp.sqlite3")
    ctx = multiprocessing.get_context("spawn")
    started, release = ctx.Event(), ctx.Event()
    offloader = Offloader(sim, OffloadPolicy(threshold=0, processes=1), gate=(started, release))
    data = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes()
    answers = []
    sender = threading.Thread(target=lambda: answers.append(offloader.submit(data, channel="tcp")))
    sender.start()
    try:
        assert started.wait(30)
        # Killed while it waits at the gate (never released: a dead waiter would hang set()).
        for process in list(offloader._pool._processes.values()):
            os.kill(process.pid, signal.SIGKILL)
        sender.join(30)
    finally:
        offloader.close()
    assert answers == [(ROOT / "samples/answers/ki-magic-2.out.abi").read_bytes()]
    [row] = sim.store.journal()
    assert row["channel"] == "tcp" and row["status"] == "accepted"


def test_the_pool_outlives_the_thread_that_started_it(pooled):
    # The server's worker threads come and go; the answering processes must stay.
    sim, offloader = pooled
    data = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes()
    first = threading.Thread(target=offloader.submit, args=(data,))
    first.start()
    first.join(60)
    pids = {p.pid for p in offloader._pool._processes.values()}
    for _ in range(3):
        assert offloader.submit(data) == (ROOT / "samples/answers/ki-magic-2.out.abi").read_bytes()
    assert offloader._broken == 0 and {p.pid for p in offloader._pool._processes.values()} >= pids
