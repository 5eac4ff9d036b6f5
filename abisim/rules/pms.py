"""XP -> XQ: Periodic Monthly Statement activation (simulator-only; domain reference §7).

The broker's activation e-mail of CBP's notice, made a transmission: one P1 per importer
number, answered by one P9. The checks run in the documented order; the first that fails
refuses. Setting the switch is one INSERT that only one request can win.
"""

from __future__ import annotations

import datetime as dt

import attrs

from abisim import codes
from abisim.errors import PMS_CODES
from abisim.records import Record, make
from abisim.store import Store, date_of

RESULT_SET, RESULT_ALREADY_SET, RESULT_REFUSED, RESULT_QUERY_SET, RESULT_QUERY_NOT_SET = 1, 2, 3, 4, 5
PAYMENT_TYPES = {"D": "ACH debit", "C": "ACH credit"}
PMS_ACTIVITY_CODES = frozenset({"1", "1A1"})  # activity 1, alone or combined with 1a


@attrs.frozen
class Outcome:
    importer_number: str | None
    result: int
    condition_code: str | None
    narrative: str
    switch_filer: str | None = None
    switch_date: dt.date | None = None


def eligible_for_pms(entry_type: str, excise_tax: bool = False) -> tuple[bool, str]:
    """Whether an entry may be paid on a periodic monthly statement, and why."""
    entry_type = entry_type.strip().zfill(2)
    if entry_type in codes.ENTRY_TYPES_NOT_ELIGIBLE_FOR_PMS:
        return False, f"entry type {entry_type} ({codes.ENTRY_TYPES_NOT_ELIGIBLE_FOR_PMS[entry_type]}) " \
                      "may not be paid on a periodic monthly statement"
    if excise_tax:
        return False, "an entry requiring payment of excise tax may not be paid on a periodic monthly statement"
    return True, f"entry type {entry_type} may be paid on a periodic monthly statement"


def has_pms_bond(store: Store, importer_number: str, as_of: dt.date) -> bool:
    """An active, sufficient continuous bond with activity 1 on which the number is
    principal, co-principal or active bond user."""
    for bond in store.bonds_of(importer_number):
        effective = date_of(bond["effective_date"])
        ends = date_of(bond["termination_date"])
        if effective is None or effective > as_of or (ends is not None and ends <= as_of):
            continue
        if not bond["sufficient"] or bond["activity_code"] not in PMS_ACTIVITY_CODES:
            continue
        if bond["role"] == "user":
            deleted = date_of(bond["user_delete_date"])
            if deleted is not None and deleted <= as_of:
                continue
        return True
    return False


def five106_consistent(store: Store, importer_number: str, as_of: dt.date):
    """The comparator's verdict on the 5106 on file against the bond query's answer."""
    from abisim.compare import compare
    from abisim.rules.bond_query import answer_records
    from abisim.transmission import iter_records

    importer = store.importer(importer_number)
    if not importer["tp_records"]:
        return None
    tp = [p.record for p in iter_records(importer["tp_records"].encode("latin-1"), validate=False) if p.record]
    kr = answer_records(store, importer_number, as_of, "1")
    return compare(tp, kr, as_of)


def refusal(store: Store, filer_code: str, importer_number: str, payment_type: str | None, path: str | None,
            as_of: dt.date) -> str | None:
    """The first check that fails, in the documented order (P04, P06, P05, P01, P07, P03, P02)."""
    filer = store.filer(filer_code)
    if filer is None or not filer["ace_portal_account"]:
        return "P04"
    importer = store.importer(importer_number)
    if importer is None or importer["status"] != "active":
        return "P06"
    if payment_type not in PAYMENT_TYPES:
        return "P05"
    if not has_pms_bond(store, importer_number, as_of):
        return "P01"
    if path == "C":
        return None if importer["ctpat"] else "P07"
    if not store.has_poa(importer_number, filer_code):
        return "P03"
    comparison = five106_consistent(store, importer_number, as_of)
    if comparison is None or comparison.verdict != "consistent":
        return "P02"
    return None


def activate(store: Store, filer_code: str, importer_number: str, payment_type: str | None,
             path: str | None, as_of: dt.date) -> Outcome:
    """One activation request: the checks, then the switch, then the notifications."""
    code = refusal(store, filer_code, importer_number, payment_type, path, as_of)
    if code is not None:
        return Outcome(importer_number, RESULT_REFUSED, code, PMS_CODES[code])
    with store.transaction():
        won = store.set_pms_switch(importer_number, filer_code, as_of, payment_type)
        switch = store.pms_switch(importer_number)
        holder, since = switch["filer_code"], date_of(switch["set_date"])
        if not won:
            store.notify(filer_code, filer_code, "pms-already-set", importer_number,
                         f"PMS SWITCH FOR {importer_number} ALREADY SET BY FILER {holder} ON {since.isoformat()}",
                         as_of)
            return Outcome(importer_number, RESULT_ALREADY_SET, None, "PMS SWITCH ALREADY SET", holder, since)
        importer = store.importer(importer_number)
        if importer["ace_account"] == "none":
            store.update_importer(importer_number, ace_account="non-portal")
        text = (f"PMS SWITCH SET FOR {importer_number} BY FILER {filer_code} ON {as_of.isoformat()}, "
                f"PAYMENT BY {PAYMENT_TYPES[payment_type].upper()}")
        store.notify(filer_code, filer_code, "pms-activated", importer_number, text, as_of)
        if importer["account_manager_email"]:
            store.notify(filer_code, importer["account_manager_email"], "pms-activated-copy", importer_number,
                         text, as_of)
    return Outcome(importer_number, RESULT_SET, None, "PMS SWITCH SET", filer_code, as_of)


def query(store: Store, importer_number: str) -> Outcome:
    switch = store.pms_switch(importer_number)
    if switch is None:
        return Outcome(importer_number, RESULT_QUERY_NOT_SET, None, "PMS SWITCH IS NOT SET")
    return Outcome(importer_number, RESULT_QUERY_SET, None, "PMS SWITCH IS SET", switch["filer_code"],
                   date_of(switch["set_date"]))


def answer_block(ctx, block) -> list[Record]:
    out = []
    for p1 in block.details:
        errors = ctx.errors_of(p1)
        if errors:
            e = errors[0]
            outcome = Outcome(p1.importer_number if isinstance(p1.importer_number, str) else None,
                              RESULT_REFUSED, e.code[:3], e.message[:40])
        elif p1.action == "Q":
            outcome = query(ctx.store, p1.importer_number)
        else:
            outcome = activate(ctx.store, ctx.filer_code, p1.importer_number, p1.payment_type, p1.path, ctx.as_of)
        out.append(p9(ctx.layouts, outcome))
    return out


def p9(ls, o: Outcome) -> Record:
    return make(ls["P9"], importer_number=o.importer_number, result=o.result, condition_code=o.condition_code,
                narrative=o.narrative[:40], switch_filer=o.switch_filer, switch_date=o.switch_date)
