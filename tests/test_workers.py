"""`abisim serve --workers 2`: two processes on the same ports and database keep the
guarantees of one: a PMS switch raced from many connections is set once, every answered
write is there, and the simulated date is the same whichever worker is asked."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from abisim import fixtures, sample
from abisim.server import free_port
from abisim.store import Store
from tests.conftest import AS_OF

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT balancing is Linux's")

ADMIN = {"Authorization": "Bearer workers-admin"}


@pytest.fixture
def two_workers(tmp_path):
    path = str(tmp_path / "workers.sqlite3")
    fixtures.load(Store(path), sample.fixture(AS_OF))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "abisim.cli", "serve", "--db", path, "--port", str(port),
                             "--workers", "2", "--as-of", AS_OF.isoformat(), "--admin-token", "workers-admin"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # until several new connections in a row are answered (by either worker)
            try:
                if {httpx.get(url + "/healthz", timeout=2).status_code for _ in range(8)} == {200}:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        yield url, path
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_raced_pms_switch_is_set_once_and_no_write_is_lost(two_workers):
    url, path = two_workers
    filers = ["XJ5", "SV9"]

    def activate(i: int) -> int:
        filer = filers[i % 2]
        with httpx.Client(base_url=url, timeout=30) as c:  # a connection of its own
            r = c.post("/v1/pms/activations", json={"importers": ["12-345678900"], "payment_type": "D"},
                       headers={"Authorization": f"Bearer {filer.lower()}-sample-token"})
            r.raise_for_status()
            return r.json()["outcomes"][0]["result"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(activate, range(24)))
    assert results.count(1) == 1 and results.count(2) == 23
    store = Store(path)
    assert store.conn.execute("SELECT COUNT(*) FROM pms_switches WHERE importer_number = '12-345678900'"
                              ).fetchone()[0] == 1
    # every answered request left its exchange in the journal
    assert store.conn.execute("SELECT COUNT(*) FROM journal WHERE application_id = 'XP'").fetchone()[0] == 24


def test_the_simulated_date_is_one_for_all_workers(two_workers):
    url, _ = two_workers
    with httpx.Client(base_url=url, timeout=10) as c:
        assert c.put("/v1/admin/clock", json={"as_of": "2027-01-04"}, headers=ADMIN).status_code == 200
    seen = set()
    for _ in range(8):
        with httpx.Client(base_url=url, timeout=10) as c:  # new connections, spread over the workers
            seen.add(c.get("/v1/admin/clock", headers=ADMIN).json()["as_of"])
    assert seen == {"2027-01-04"}
