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
    # each importer is asked by both filers (the filer alternates every 100 requests)
    jobs = [(FILERS[(i // 100) % 2], IMPORTERS[(i * 37) % 100]) for i in range(REQUESTS)]
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
    # every answer names the filer that holds the switch to that filer only (ruling 30)
    assert all(r[3] == (switches[r[1]] if r[0] == switches[r[1]] else None) for r in results)
    assert {r[0] for r in results if r[1] == IMPORTERS[0]} == set(FILERS)
    winners = Counter((r[1]) for r in results if r[2] == 1)
    assert set(winners.values()) == {1}
    kinds = Counter(n["kind"] for n in store.notifications())
    assert kinds == {"pms-activated": 100, "pms-already-set": 900}


def test_exactly_one_switch_per_importer_mixing_email_and_http(tmp_path):
    """Two servers over one database file (so SQLite, not one process's lock, decides); each
    broker sends half its requests by e-mail and half over HTTP, to both servers."""
    import random
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from abisim.clock import fixed
    from abisim.mail import outbox
    from abisim.server import Server
    from abisim.simulator import Simulator
    from mail_helpers import parse, request, send

    numbers = IMPORTERS[:10]
    path = str(tmp_path / "mixed.sqlite3")
    fixtures.load(Store(path), _fixture())
    servers = [Server(Simulator(Store(path), fixed(AS_OF)), smtp_port=0).start() for _ in range(2)]
    jobs = [(filer, number, channel, k) for number in numbers for filer in FILERS for channel in ("mail", "http")
            for k in range(2)]
    random.Random(12).shuffle(jobs)
    sent_mail = {}
    client = httpx.Client(timeout=60)  # one client: a new one per request costs ~0.1 s

    def run(job):
        filer, number, channel, k = job
        server = servers[k]
        if channel == "http":
            r = client.post(f"{server.url}/v1/pms/activations", json={"importers": [number], "ctpat": True},
                            headers={"Authorization": f"Bearer {filer.lower()}-sample-token"})
            return filer, number, r.json()["outcomes"][0]["result"]
        msg = request(number, sender=f"abi@{filer.lower()}.example.com", attachments=[("ctpat.pdf", b"%PDF")])
        sent_mail[msg["Message-ID"]] = (filer, number)
        send(server.smtp_port, msg)
        return None

    try:
        with ThreadPoolExecutor(8) as pool:
            results = [r for r in pool.map(run, jobs) if r is not None]
    finally:
        client.close()
        for server in servers:
            server.stop()
    store = Store(path)
    for row in outbox.messages(store, direction="out"):
        answer = parse(row["raw"])
        filer, number = sent_mail[answer["In-Reply-To"]]
        doc = answer.get_body(("plain",)).get_content()
        results.append((filer, number, 1 if "switch set" in doc else 2 if "already set" in doc else 3))
    assert len(results) == len(jobs)
    switches = {row["importer_number"]: row["filer_code"] for row in store.conn.execute("SELECT * FROM pms_switches")}
    assert set(switches) == set(numbers)
    assert Counter(r[2] for r in results) == {1: len(numbers), 2: len(jobs) - len(numbers)}
    assert all(switches[n] == f for f, n, result in results if result == 1)
