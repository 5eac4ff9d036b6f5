"""Each transmission is one transaction: a failure half-way leaves nothing behind."""

from __future__ import annotations

import sqlite3

import pytest

from abisim.store import FaultInjected, Store
from sim_helpers import transmission
from test_importer_5106 import new_importer


def counts(store):
    return {t: store.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("importers", "journal", "counters", "bonds", "bond_parties")}


@pytest.mark.parametrize("label", ["before-journal"])
def test_a_fault_after_the_rules_ran_leaves_nothing(sim, store, label):
    before = counts(store)

    def hook(where):
        if where == label:
            raise FaultInjected(where)

    store.fault_hook = hook
    two = new_importer() + new_importer("45-6789012AC", name="SECOND")
    with pytest.raises(FaultInjected):
        sim.submit(transmission("TP", two))
    assert counts(store) == before
    assert store.importer("45-6789012AB") is None
    # a second connection sees the same: nothing was committed
    other = sqlite3.connect(store.path)
    assert other.execute("SELECT COUNT(*) FROM importers WHERE importer_number LIKE '45-%'").fetchone()[0] == 0


def test_a_fault_inside_a_rule_leaves_nothing(sim, store, monkeypatch):
    from abisim.rules import importer

    calls = []
    real = importer.apply

    def failing_second(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise FaultInjected("second importer")
        return real(*args, **kw)

    monkeypatch.setattr(importer, "apply", failing_second)
    before = counts(store)
    with pytest.raises(FaultInjected):
        sim.submit(transmission("TP", new_importer() + new_importer("45-6789012AC", name="SECOND")))
    assert counts(store) == before  # the first importer's add was rolled back too


def test_what_was_answered_is_on_disk(sim, store):
    sim.submit(transmission("TP", new_importer()))
    store.close()
    reopened = Store(store.path)
    assert reopened.importer("45-6789012AB")["name"] == "NEW IMPORTS CORP"
    assert reopened.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert reopened.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
