"""XP -> XQ: Periodic Monthly Statement activation (simulator-only; domain reference §7).

The broker's activation e-mail of CBP's notice, made a transmission: one P1 per importer
number, answered by one P9. The checks run in the documented order; the first that fails
refuses. Setting the switch is one INSERT that only one request can win.
"""

from __future__ import annotations

import datetime as dt

import attrs

from abisim import codes
from abisim.compare import DISCREPANCY, Comparison, Finding, Side
from abisim.errors import PMS_CODES
from abisim.layouts import layout_set
from abisim.records import Record, make
from abisim.store import Store, date_of

RESULT_SET, RESULT_ALREADY_SET, RESULT_REFUSED, RESULT_QUERY_SET, RESULT_QUERY_NOT_SET = 1, 2, 3, 4, 5
PAYMENT_TYPES = {"D": "ACH debit", "C": "ACH credit"}
PMS_ACTIVITY_CODES = frozenset({"1", "1A1"})  # activity 1, alone or combined with 1a


# Which 5106 P02 judged (path N): the one sent with the request, or the one on file
# (no 5106 came, or only a scan that abisim cannot read).
FIVE106_ATTACHED, FIVE106_ON_FILE, FIVE106_SCAN = "attached", "on file", "scan; on file compared"
ON_FILE_NARRATIVE = "5106 ON FILE INCONSISTENT WITH BOND DATA"


@attrs.frozen
class Outcome:
    importer_number: str | None
    result: int
    condition_code: str | None
    narrative: str
    switch_filer: str | None = None
    switch_date: dt.date | None = None
    five106: str | None = None  # which 5106 P02 judged (path N), when it came to that
    findings: tuple[Finding, ...] = ()  # P02's discrepancies: code, field, both values

    def to_json(self) -> dict:
        return {"importer_number": self.importer_number, "result": self.result,
                "condition_code": self.condition_code, "narrative": self.narrative,
                "switch_filer": self.switch_filer,
                "switch_date": self.switch_date.isoformat() if self.switch_date else None,
                "five106": self.five106, "discrepancies": [discrepancy_json(f) for f in self.findings]}


def discrepancy_json(f: Finding) -> dict:
    return {"code": f.code, "field": f.field, "five106_value": f.tp.value, "bond_value": f.bond.value}


def eligible_for_pms(entry_type: str, has_excise_tax: bool = False) -> tuple[bool, str]:
    """Whether an entry may be paid on a periodic monthly statement, and why.

    ``entry_type`` is a two-digit code of CBP's entry-type list; anything else is a ValueError.
    """
    if not isinstance(entry_type, str) or entry_type not in codes.ENTRY_TYPES:
        raise ValueError(f"not an entry type (two digits from CBP's entry-type codes): {entry_type!r}")
    if entry_type in codes.ENTRY_TYPES_NOT_ELIGIBLE_FOR_PMS:
        return False, f"entry type {entry_type} ({codes.ENTRY_TYPES_NOT_ELIGIBLE_FOR_PMS[entry_type]}) " \
                      "may not be paid on a periodic monthly statement"
    if has_excise_tax:
        return False, "an entry requiring payment of excise tax may not be paid on a periodic monthly statement"
    return True, f"entry type {entry_type} ({codes.ENTRY_TYPES[entry_type]}) may be paid on a periodic " \
                 "monthly statement"


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


def five106_on_file(store: Store, importer_number: str) -> list[Record]:
    """The importer's 5106 as CBP holds it: the records last accepted, or, for an importer
    loaded without them, its name and addresses from the importer file."""
    from abisim.transmission import iter_records

    importer = store.importer(importer_number)
    if importer["tp_records"]:
        return [p.record for p in iter_records(importer["tp_records"].encode("latin-1"), validate=False)
                if p.record]
    ls = layout_set()
    m = dict(importer)
    out = [make(ls["T1"], action="U", importer_number=importer_number, importer_name=m["name"],
                mail_address_1=m["mail_address_1"], importer_type=m["importer_type"])]
    if m["name_qualifier"] or m["name_line_2"]:
        out.append(make(ls["TA"], name_qualifier=m["name_qualifier"], name_line_2=m["name_line_2"]))
    out.append(make(ls["T2"], mail_address_2=m["mail_address_2"], mail_city=m["mail_city"],
                    mail_state=m["mail_state"], mail_postal_code=m["mail_postal_code"],
                    mail_country=m["mail_country"]))
    if m["physical_address_1"] or m["physical_city"]:
        out.append(make(ls["TB"], physical_address_1=m["physical_address_1"],
                        physical_address_2=m["physical_address_2"]))
        out.append(make(ls["TC"], physical_city=m["physical_city"], physical_state=m["physical_state"],
                        physical_postal_code=m["physical_postal_code"], physical_country=m["physical_country"]))
    return out


def judge_5106(store: Store, importer_number: str, five106, as_of: dt.date) -> Comparison:
    """The comparator's verdict on a 5106 (the broker's, or the one on file) against the
    bond query's answer."""
    from abisim.compare import compare
    from abisim.rules.bond_query import answer_records

    kr = answer_records(store, importer_number, as_of, "1")
    return compare(list(five106), kr, as_of)


@attrs.frozen
class _Verdict:
    code: str | None
    five106: str | None = None
    comparison: Comparison | None = None


def _check(store: Store, filer_code: str, importer_number: str, payment_type: str | None, path: str | None,
           as_of: dt.date, five106, scan: bool, require_5106: bool) -> _Verdict:
    """The first check that fails, in the documented order (P04, P06, P05, P01, P07, P03,
    P08 on e-mail, P02)."""
    filer = store.filer(filer_code)
    if filer is None or not filer["ace_portal_account"]:
        return _Verdict("P04")
    importer = store.importer(importer_number)
    if importer is None or importer["status"] != "active":
        return _Verdict("P06")
    if payment_type not in PAYMENT_TYPES:
        return _Verdict("P05")
    if not has_pms_bond(store, importer_number, as_of):
        return _Verdict("P01")
    if path == "C":
        return _Verdict(None if importer["ctpat"] else "P07")
    if not store.has_poa(importer_number, filer_code):
        return _Verdict("P03")
    if five106 is None and not scan and require_5106:
        return _Verdict("P08")
    if five106 is not None:
        which = FIVE106_ATTACHED
    else:
        which = FIVE106_SCAN if scan else FIVE106_ON_FILE
        five106 = five106_on_file(store, importer_number)
    comparison = judge_5106(store, importer_number, five106, as_of)
    return _Verdict(None if comparison.consistent else "P02", which, comparison)


def activate(store: Store, filer_code: str, importer_number: str, payment_type: str | None,
             path: str | None, as_of: dt.date, *, five106=None, scan: bool = False,
             require_5106: bool = False) -> Outcome:
    """One activation request, from any channel (XP, HTTP, the CLI, e-mail): the checks,
    then the switch, then the notifications.

    ``five106``: the broker's 5106 records for this number (P02 judges them instead of the
    5106 on file); ``scan``: a scanned 5106 came (P02 compares the one on file);
    ``require_5106``: path N by e-mail, where a number with no 5106 of either kind is P08.
    """
    verdict = _check(store, filer_code, importer_number, payment_type, path, as_of, five106, scan, require_5106)
    if verdict.code is not None:
        text = PMS_CODES[verdict.code]
        if verdict.code == "P02" and verdict.five106 != FIVE106_ATTACHED:
            text = ON_FILE_NARRATIVE
        findings = verdict.comparison.findings if verdict.comparison is not None else ()
        return Outcome(importer_number, RESULT_REFUSED, verdict.code, text, five106=verdict.five106,
                       findings=findings)
    with store.transaction():
        won = store.set_pms_switch(importer_number, filer_code, as_of, payment_type)
        switch = store.pms_switch(importer_number)
        holder, since = switch["filer_code"], date_of(switch["set_date"])
        if not won:
            # Ruling 30: the date, and the holder only to the holder itself.
            by = " BY YOU" if holder == filer_code else ""
            store.notify(filer_code, filer_code, "pms-already-set", importer_number,
                         f"PMS SWITCH FOR {importer_number} ALREADY SET{by} ON {since.isoformat()}", as_of)
            return Outcome(importer_number, RESULT_ALREADY_SET, None, "PMS SWITCH ALREADY SET",
                           holder if holder == filer_code else None, since, verdict.five106)
        importer = store.importer(importer_number)
        if importer["ace_account"] == "none":
            store.update_importer(importer_number, ace_account="non-portal")
        text = (f"PMS SWITCH SET FOR {importer_number} BY FILER {filer_code} ON {as_of.isoformat()}, "
                f"PAYMENT BY {PAYMENT_TYPES[payment_type].upper()}")
        store.notify(filer_code, filer_code, "pms-activated", importer_number, text, as_of)
        if importer["account_manager_email"]:
            store.notify(filer_code, importer["account_manager_email"], "pms-activated-copy", importer_number,
                         text, as_of)
    return Outcome(importer_number, RESULT_SET, None, "PMS SWITCH SET", filer_code, as_of, verdict.five106)


def query(store: Store, importer_number: str, asker: str | None = None) -> Outcome:
    """Whether the switch is set; the holder is named only to the holder (ruling 30)."""
    switch = store.pms_switch(importer_number)
    if switch is None:
        return Outcome(importer_number, RESULT_QUERY_NOT_SET, None, "PMS SWITCH IS NOT SET")
    holder = switch["filer_code"]
    return Outcome(importer_number, RESULT_QUERY_SET, None, "PMS SWITCH IS SET",
                   holder if holder == asker else None, date_of(switch["set_date"]))


def requests_of(details) -> list[tuple[Record, list[Record]]]:
    """An XP block's details: each P1 with the 5106 records (T1-TN) that follow it."""
    out: list[tuple[Record, list[Record]]] = []
    for r in details:
        if r.record_id == "P1" or not out:
            out.append((r, []))
        else:
            out[-1][1].append(r)
    return out


def answer_block(ctx, block) -> list[Record]:
    from abisim.rules.bond_team import five106_of

    out = []
    for p1, attached in requests_of(block.details):
        if p1.record_id != "P1":
            continue
        errors = ctx.errors_of(p1)
        if errors:
            e = errors[0]
            outcome = Outcome(p1.importer_number if isinstance(p1.importer_number, str) else None,
                              RESULT_REFUSED, e.code[:3], e.message[:40])
        elif p1.action == "Q":
            outcome = query(ctx.store, p1.importer_number, ctx.filer_code)
        else:
            # The broker's own 5106 for this number, when its T1-TN follow the P1.
            five106 = five106_of(attached, p1.importer_number) if attached else None
            outcome = activate(ctx.store, ctx.filer_code, p1.importer_number, p1.payment_type, p1.path, ctx.as_of,
                               five106=five106)
        out.append(p9(ctx.layouts, outcome))
        out.extend(p8_records(ctx.layouts, outcome))
    return out


def p9(ls, o: Outcome) -> Record:
    return make(ls["P9"], importer_number=o.importer_number, result=o.result, condition_code=o.condition_code,
                narrative=o.narrative[:40], switch_filer=o.switch_filer, switch_date=o.switch_date)


def p8_records(ls, o: Outcome) -> list[Record]:
    """P02's discrepancies after the P9: one P8 for each side of each finding."""
    out = []
    for f in o.findings:
        for side_code, side in (("T", f.tp), ("K", f.bond)):
            first, last = side.columns or (None, None)
            out.append(make(ls["P8"], finding_code=f.code, side=side_code, source_record=side.record,
                            first_column=first, last_column=last, field=f.field.upper()[:20],
                            value=None if side.value is None else str(side.value)[:32]))
    return out


def outcomes_of(details) -> list[Outcome]:
    """XQ answer records back into outcomes (P9, with its P8 findings) for the CLI and HTTP."""
    out: list[Outcome] = []
    pending: dict = {}
    for r in details:
        if r.record_id == "P9":
            judged = None
            if r.condition_code == "P02":
                judged = FIVE106_ON_FILE if r.narrative == ON_FILE_NARRATIVE else FIVE106_ATTACHED
            out.append(Outcome(r.importer_number, r.result, r.condition_code, r.narrative or "", r.switch_filer,
                               r.switch_date, judged))
            pending = {}
        elif r.record_id == "P8" and out:
            side = Side(r.value, r.source_record,
                        (r.first_column, r.last_column) if r.first_column is not None else None)
            if r.side == "T":
                pending = {"code": r.finding_code, "field": (r.field or "").lower(), "tp": side}
            elif pending:
                finding = Finding(pending["code"], DISCREPANCY, pending["field"], "", pending["tp"], side)
                out[-1] = attrs.evolve(out[-1], findings=out[-1].findings + (finding,))
                pending = {}
    return out


def with_five106_judged(outcomes, ctpat: bool, attached) -> list[Outcome]:
    """Say which 5106 P02 judged for requests that passed it (the P9 of a set switch does not
    tell): path N only; the broker's when it sent one for the number, else the one on file."""
    if ctpat:
        return list(outcomes)
    return [attrs.evolve(o, five106=FIVE106_ATTACHED if o.importer_number in attached else FIVE106_ON_FILE)
            if o.result in (RESULT_SET, RESULT_ALREADY_SET) and o.five106 is None else o for o in outcomes]
