"""The one place certification reads (and, for a forced reject, writes) the journal.

Everything else in abisim.certify sees exchanges as :class:`Exchange` values, so that a
change of the journal's shape touches only this module.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Exchange:
    """One transmission the broker sent and what abisim answered."""

    id: int
    sent: str | None  # None when the journal kept no body
    answer: str | None = None
    received: str | None = None
    filer: str | None = None
    channel: str | None = None
    forced: str | None = None  # the fault that answered it, when one did (e.g. a forced reject)

    def to_json(self) -> dict:
        return attrs.asdict(self)


def exchanges_from_rows(rows) -> list[Exchange]:
    """Exchanges from journal rows (as the store or ``GET /v1/admin/journal`` give them),
    in the order they were received. Two shapes are read: one row per exchange (request and
    answer together, with channel and fault), and the older pair of rows ('in' and 'out')."""
    rows = [dict(r) for r in rows]
    if rows and "request" in rows[0]:
        return sorted((Exchange(id=r["id"], sent=r["request"], answer=r.get("answer"), received=r.get("received"),
                                filer=r.get("filer_code"), channel=r.get("channel"), forced=r.get("fault"))
                       for r in rows), key=lambda e: e.id)
    answers = {r["exchange"]: r for r in rows if r.get("direction") == "out" and r.get("exchange") is not None}
    out = []
    for r in rows:
        if r.get("direction") != "in":
            continue
        a = answers.get(r["id"])
        out.append(Exchange(id=r["id"], sent=r["body"], answer=a["body"] if a else None, received=r.get("received"),
                            filer=r.get("filer_code")))
    return sorted(out, key=lambda e: e.id)


def exchanges(store, *, after: int = 0, filer: str | None = None) -> list[Exchange]:
    """The journal's exchanges with an id above ``after`` (a run's starting point)."""
    rows = [r for r in store.journal(filer_code=filer, limit=1_000_000) if r["id"] > after]
    return exchanges_from_rows(rows)


def last_id(store) -> int:
    if hasattr(store, "flush_journal"):
        store.flush_journal()  # rows still waiting for their batch count too
    rows = store.conn.execute("SELECT MAX(id) FROM journal").fetchone()
    return rows[0] or 0


def record_forced(sim, *, sent: bytes, answer: bytes, code: str, filer: str | None, application: str | None,
                  channel: dict) -> None:
    """Journal an exchange that a plan's forced reject answered (the simulator did not).
    ``channel``: what the channel told the simulator (channel name, start time), if anything."""
    if hasattr(sim, "journal_exchange"):  # the journal of one row per exchange
        import time

        sim.journal_exchange(channel=channel.get("channel", "python"), request=sent, answer=answer,
                             started=channel.get("started") or time.perf_counter(),
                             fault=f"reject {code} (certification step)", filer_code=filer)
        return
    store = sim.store
    with store.transaction():
        exchange = store.journal_add(as_of=sim.as_of, filer_code=filer, application_id=application, direction="in",
                                     body=sent.decode("latin-1"))
        store.journal_add(as_of=sim.as_of, filer_code=filer, application_id=None, direction="out",
                          body=answer.decode("latin-1"), exchange=exchange)
