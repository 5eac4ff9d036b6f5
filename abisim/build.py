"""Transmissions as a broker builds them: the envelope around detail records for a filer
on file (its site and password), bond queries, and activation requests. Used by the
command line, the HTTP server and the test harness alike."""

from __future__ import annotations

from abisim.layouts import LayoutSet, layout_set
from abisim.records import Record, make
from abisim.sample import envelope
from abisim.store import Store
from abisim.transmission import render

MAX_PER_K = 6  # importer numbers in one K record
MAX_PER_XP_BLOCK = 99


class UnknownFiler(LookupError):
    pass


def for_filer(store: Store, filer_code: str, app: str, details, *, password: str | None = None) -> bytes:
    """A transmission from a filer on file: its first site, its password."""
    row = store.filer(filer_code)
    if row is None:
        raise UnknownFiler(f"filer {filer_code!r} is not in the database")
    site = (row["sites"] or "3901").split(",")[0]
    return render(envelope(app, list(details), filer_code, site=site,
                           password=row["password"] if password is None else password))


def k_records(numbers, address: bool = False, layouts: LayoutSet | None = None) -> list[Record]:
    """Bond queries for importer numbers: six to a K record. (One KI transmission may
    carry one K record only: send each in its own transmission.)"""
    ls = layouts or layout_set()
    out = []
    for start in range(0, len(numbers), MAX_PER_K):
        values = {}
        for n, number in enumerate(numbers[start:start + MAX_PER_K], start=1):
            values[f"importer_number_{n}"] = number
            values[f"address_request_{n}"] = "1" if address else None
        out.append(make(ls["K"], **values))
    return out


def p1_records(numbers, *, action: str = "A", payment_type: str | None = "D", ctpat: bool = False,
               layouts: LayoutSet | None = None) -> list[Record]:
    """PMS activation requests (action A) or switch queries (action Q), one P1 each."""
    ls = layouts or layout_set()
    if action == "Q":
        return [make(ls["P1"], action="Q", importer_number=n) for n in numbers]
    return [make(ls["P1"], action="A", importer_number=n, payment_type=payment_type, path="C" if ctpat else "N")
            for n in numbers]
