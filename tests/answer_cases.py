"""The golden answer cases: input transmissions and the answers expected on the sample
database at 2026-11-25. ``ABISIM_REGEN=1 pytest tests/test_golden_answers.py`` rewrites
the files in samples/answers/ (then read the diff before committing it)."""

from __future__ import annotations

import datetime as dt

from abisim.sample import own_5106
from sim_helpers import ki, rec, transmission


def cases() -> dict[str, bytes]:
    from test_ebond import new_bond
    from test_importer_5106 import new_importer

    rider = [rec("10", designation="R", bond_type="8", activity_code="1", bond_number="992300001"),
             rec("30", id_type="EI", id_number="12-345678900", name="ACME TRADING COMPANY"),
             rec("40", surety_code="036")]
    return {
        "ki-magic-1": ki("12-345678900", "12-3456789C1", "12-3456789T1", "12-3456789N1", "12-3456789U1",
                         "12-3456789A1", address=True),
        "ki-magic-2": ki("12-3456789V1", "12-3456789X1", "12-3456789B1", "99-9999999AA", "12-3456789ZO"),
        "ki-variety": ki("98-7654321AB", "193901-14596", "123-45-6789", "20-1234567MX", address=True),
        "tp-add": transmission("TP", new_importer()),
        "tp-cbp-number": transmission("TP", new_importer(None, action="N")),
        "tp-update-bond-on-file": transmission("TP", own_5106("12-3456789A1")),
        "tp-voided": transmission("TP", own_5106("12-3456789V1")),
        "tp-test-mode": transmission("TP", new_importer(), password="TEST00"),
        "ti-legacy": transmission("TI", [r for r in new_importer() + own_5106("12-3456789A1")
                                         if r.record_id in ("T1", "TA", "T2", "TB", "TC")]),
        "cb-new-bond": transmission("CB", new_bond()),
        "cb-rider": transmission("CB", rider),
        "cb-refused": transmission("CB", new_bond(amount=10_000)),
        "xp-ctpat": transmission("XP", [rec("P1", action="A", importer_number="12-3456789C1", payment_type="D",
                                            path="C")]),
        "xp-query": transmission("XP", [rec("P1", action="Q", importer_number="12-345678900")]),
        # the broker's own 5106 after its P1, with another address than the bond data: P02 and its P8s
        "xp-5106-inconsistent": transmission("XP", [
            rec("P1", action="A", importer_number="12-345678900", payment_type="D", path="N"),
            *[r.replace(mail_address_1="9 WRONG WAY") if r.record_id == "T1" else r
              for r in own_5106("12-345678900")]]),
        "reject-password": ki("12-345678900", password="WRONG1"),
        "reject-structure": b"A3901XJ5PASS01                KI\nK 12-345678900\n",
    }


AS_OF = dt.date(2026, 11, 25)
