"""Two filers race 1,000 activation requests over 100 importers from several processes
against one database file: one switch per importer, every other request result 2, no
notification lost."""

from __future__ import annotations

import multiprocessing as mp
from collections import Counter

from abisim import fixtures, sample
from abisim.store import Store
from tests.conftest import AS_OF

IMPORTERS = [f"55-{i:07d}00" for i in range(100)]
FILERS = ["XJ5", "SV9"]
PROCESSES = 4
REQUESTS = 1000


def _fixture() -> dict:
    doc = {"format": "abisim-fixture-1", "filers": sample.FILERS, "sureties": sample.SURETIES, "importers": [],
           "bonds": [], "powers_of_attorney": []}
    for i, number in enumerate(IMPORTERS):
        doc["importers"].append(dict(importer_number=number, name=f"RACER {i}", mail_address_1="1 TRACK RD",
                                     mail_city="INDIANAPOLIS", mail_state="IN", mail_postal_code="46222",
                                     mail_country="US", ctpat=True))
        doc["bonds"].append(dict(bond_number=f"99{i:07d}", surety_code="036", amount=50_000,
                                 effective_date="2024-01-01", principal=number))
        doc["powers_of_attorney"] += [dict(importer_number=number, filer_code=f) for f in FILERS]
    return doc


def _worker(path: str, jobs: list[tuple[str, str]], out) -> None:
    import abisim
    from abisim.clock import fixed
    from abisim.records import make
    from abisim.sample import envelope
    from abisim.simulator import Simulator

    sim = Simulator(Store(path), fixed(AS_OF))
    results = []
    for filer, number in jobs:
        p1 = make(sim.layouts["P1"], action="A", importer_number=number, payment_type="D", path="C")
        answer = abisim.parse(sim.submit(abisim.render(envelope("XP", [p1], filer))))
        p9 = answer.blocks[0].details[0]
        results.append((filer, number, p9.result, p9.switch_filer))
    out.put(results)


def test_exactly_one_switch_per_importer(tmp_path):
    path = str(tmp_path / "race.sqlite3")
    fixtures.load(Store(path), _fixture())
    jobs = [(FILERS[i % 2], IMPORTERS[(i * 37) % 100]) for i in range(REQUESTS)]
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(path, jobs[k::PROCESSES], queue)) for k in range(PROCESSES)]
    for p in procs:
        p.start()
    results = [r for _ in procs for r in queue.get(timeout=240)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert len(results) == REQUESTS
    by_result = Counter(r[2] for r in results)
    assert by_result == {1: 100, 2: 900}
    store = Store(path)
    switches = {row["importer_number"]: row["filer_code"]
                for row in store.conn.execute("SELECT * FROM pms_switches")}
    assert set(switches) == set(IMPORTERS)
    # every answer names the filer that holds the switch
    assert all(r[3] == switches[r[1]] for r in results)
    winners = Counter((r[1]) for r in results if r[2] == 1)
    assert set(winners.values()) == {1}
    kinds = Counter(n["kind"] for n in store.notifications())
    assert kinds == {"pms-activated": 100, "pms-already-set": 900}
