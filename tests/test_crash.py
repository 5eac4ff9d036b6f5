"""Crash safety: SIGKILL the server during a write load, restart it, and find every write
that was answered to a client in the database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import httpx

from abisim import fixtures, sample
from abisim.server import free_port
from abisim.store import Store
from tests.conftest import AS_OF

ADMIN = "crash-test-admin"


def start(db: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "ABISIM_ADMIN_TOKEN": ADMIN}
    proc = subprocess.Popen([sys.executable, "-m", "abisim.cli", "serve", "--db", db, "--port", str(port),
                             "--as-of", AS_OF.isoformat()], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start")


def new_importer(i: int) -> bytes:
    import abisim
    from abisim.layouts import layout_set

    ls = layout_set()
    details = [
        abisim.make(ls["T1"], action="A", importer_number=f"77-{i:07d}00", importer_name=f"CRASH TEST {i}",
                    mail_address_1="1 CRASH RD", importer_type="C"),
        abisim.make(ls["T2"], mail_city="AUSTIN", mail_state="TX", mail_postal_code="78701", mail_country="US"),
        abisim.make(ls["TD"], phone="5125550100"),
        abisim.make(ls["TE"], mail_address_type="1"),
        abisim.make(ls["TF"], email="X@Y.EXAMPLE"),
        abisim.make(ls["TL"], signature="X", certifier_name="DOE,J", certifier_title="CEO"),
    ]
    return abisim.render(sample.envelope("TP", details, "XJ5"))


def test_every_answered_write_survives_sigkill(tmp_path):
    db = str(tmp_path / "crash.sqlite3")
    store = Store(db)
    fixtures.load(store, sample.fixture(AS_OF))
    store.close()
    port = free_port()
    proc = start(db, port)
    acknowledged: list[str] = []
    stop = threading.Event()

    def load(worker: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as c:
            i = worker
            while not stop.is_set():
                try:
                    r = c.post("/v1/transmissions", content=new_importer(i),
                               headers={"Authorization": "Bearer xj5-sample-token"})
                except httpx.HTTPError:
                    return  # the server is gone: this write was never answered
                if r.status_code == 200 and "E1AIK32" in r.text:
                    acknowledged.append(f"77-{i:07d}00")
                i += 4

    workers = [threading.Thread(target=load, args=(w,)) for w in range(4)]
    for w in workers:
        w.start()
    time.sleep(1.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    stop.set()
    for w in workers:
        w.join(timeout=10)
    assert len(acknowledged) > 20, "the load did not get going"
    proc = start(db, port)  # restart on the same database: WAL recovery
    try:
        store = Store(db)
        on_file = {r[0] for r in store.conn.execute("SELECT importer_number FROM importers WHERE importer_number LIKE '77-%'")}
        assert set(acknowledged) <= on_file
        answered = store.conn.execute("SELECT COUNT(*) FROM journal WHERE answer LIKE '%E1AIK32%'").fetchone()[0]
        assert answered >= len(acknowledged)
        # and the server works after the crash
        r = httpx.post(f"http://127.0.0.1:{port}/v1/transmissions", content=new_importer(999_999),
                       headers={"Authorization": "Bearer xj5-sample-token"})
        assert "E1AIK32" in r.text
    finally:
        proc.terminate()
        proc.wait(timeout=10)
