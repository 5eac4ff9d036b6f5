"""The comparator: an importer's 5106 data against the bond query's answer (domain
reference §8). Pure: records in, findings out; no database, no I/O.

A finding names the field, both values, and the columns on both sides. Values are
compared normalised (upper case, runs of spaces folded, ends trimmed); two values that
differ only by USPS Publication 28 abbreviations (STREET/ST, SUITE/STE) give a warning,
not a discrepancy. The verdict counts discrepancies only.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Iterable

import attrs

from abisim import codes, usps
from abisim.records import Record

CONSISTENT, INCONSISTENT = "consistent", "inconsistent"
DISCREPANCY, WARNING = "D", "W"

# Activity letters that include activity 1 (importer or broker): A, and C (1 and 1a).
ACTIVITY_1_LETTERS = frozenset({"A", "C"})

TITLES = {
    "D01": "importer number not covered by any continuous bond",
    "D02": "name differs",
    "D03": "name line 2 / qualifier differs",
    "D04": "mailing address line differs",
    "D05": "mailing city, state or postal code differs",
    "D06": "physical address differs",
    "D07": "bond terminated on or before the as-of date",
    "D08": "bond insufficient",
    "D09": "importer is a terminated bond user",
    "D10": "no bond with activity 1 (importer or broker)",
    "D11": "importer number voided or inactive",
}


@attrs.frozen
class Side:
    """One side of a finding: the value and where it is (record id, columns, line)."""

    value: str | None
    record: str | None = None
    columns: tuple[int, int] | None = None
    line: int | None = None

    def to_json(self) -> dict:
        return {"value": self.value, "record": self.record,
                "columns": list(self.columns) if self.columns else None, "line": self.line}


@attrs.frozen
class Finding:
    code: str
    severity: str  # "D" discrepancy, "W" warning
    field: str
    message: str
    tp: Side
    bond: Side
    bond_number: str | None = None

    @property
    def tp_value(self):
        return self.tp.value

    @property
    def bond_value(self):
        return self.bond.value

    def to_json(self) -> dict:
        return {"code": self.code, "severity": self.severity, "field": self.field, "message": self.message,
                "tp": self.tp.to_json(), "bond": self.bond.to_json(), "bond_number": self.bond_number}


@attrs.frozen
class Comparison:
    importer_number: str | None
    verdict: str
    findings: tuple[Finding, ...]
    warnings: tuple[Finding, ...]

    @property
    def consistent(self) -> bool:
        return self.verdict == CONSISTENT

    def to_json(self) -> dict:
        return {"importer_number": self.importer_number, "verdict": self.verdict,
                "findings": [f.to_json() for f in self.findings],
                "warnings": [f.to_json() for f in self.warnings]}


def normalise(value) -> str:
    if value is None:
        return ""
    return " ".join(str(value).upper().split())


def _side(record: Record | None, field: str) -> Side:
    if record is None:
        return Side(None)
    f = record.layout.field(field)
    value = getattr(record, field)
    return Side(None if value is None else str(value), record.record_id, (f.start, f.end), record.line)


class _Findings:
    def __init__(self) -> None:
        self.items: list[Finding] = []

    def add(self, code, severity, field, message, tp: Side, bond: Side, bond_number=None) -> None:
        self.items.append(Finding(code, severity, field, message, tp, bond, bond_number))

    def text(self, code: str, field: str, tp: Side, bond: Side, *, postal: bool = False) -> None:
        """Compare one text field; a difference of abbreviations only is a warning."""
        a, b = normalise(tp.value), normalise(bond.value)
        if a == b:
            return
        if postal and a[:5] == b[:5] and len(a) >= 5 and len(b) >= 5 and a[:5].isdigit():
            self.add(code, WARNING, field, f"{field}: same ZIP code, ZIP+4 differs", tp, bond)
            return
        if a and b and usps.standardize(a) == usps.standardize(b):
            self.add(code, WARNING, field, f"{field}: same after USPS Publication 28 abbreviations", tp, bond)
            return
        self.add(code, DISCREPANCY, field, f"{TITLES[code]}: {field}", tp, bond)


def compare(importer_5106: Iterable, bond_answer: Iterable, as_of: dt.date) -> Comparison:
    """Compare one importer's 5106 records (T1, TA, T2, TB, TC, ...) with its bond data:
    the KR records answering a bond query for that importer number (K1/K2 per bond, K3-K8),
    or the same parties made from the store's rows (:mod:`abisim.bond_data`). Either side
    is read through ``record_id``, ``layout``, ``line`` and its fields' attributes."""
    tp = importer_5106 if isinstance(importer_5106, (list, tuple)) else list(importer_5106)
    kr = bond_answer if isinstance(bond_answer, (list, tuple)) else list(bond_answer)
    # The first record of each id on either side (the last written wins).
    tps = {r.record_id: r for r in reversed(tp)}
    krs = {r.record_id: r for r in reversed(kr)}
    # [K1, the record right after it when a K2], per bond
    pairs = [(r, kr[i + 1] if i + 1 < len(kr) and kr[i + 1].record_id == "K2" else None)
             for i, r in enumerate(kr) if r.record_id == "K1"]
    t1 = tps.get("T1")
    number = t1.importer_number if t1 is not None else None
    out = _Findings()
    if not pairs:
        out.add("D01", DISCREPANCY, "importer_number", "no bond query answer for this importer number",
                _side(t1, "importer_number"), Side(None, "K1", (15, 15)))
        return _verdict(number, out)
    k1 = pairs[0][0]
    result = k1.result_code
    if result in (3, 4):
        status = "voided" if result == 3 else "inactive"
        out.add("D11", DISCREPANCY, "result_code", f"importer number {status} (K1 result {result})",
                _side(t1, "importer_number"), _side(k1, "result_code"))
        return _verdict(number, out)
    if result != 1:
        why = "no name and address on file" if result == 0 else "on file with no continuous bond"
        out.add("D01", DISCREPANCY, "result_code", f"{TITLES['D01']} (K1 result {result}: {why})",
                _side(t1, "importer_number"), _side(k1, "result_code"))
        if result == 0:
            return _verdict(number, out)
    else:
        _bond_findings(pairs, as_of, out)
    _identity_findings(tps, krs, out)
    return _verdict(number, out)


def _bond_findings(pairs: list, as_of: dt.date, out: _Findings) -> None:
    problems, any_good = [], False
    for k1, k2 in pairs:
        found = _bond_problems(k1, k2, as_of)
        if found:
            problems += [(k1.bond_number, f) for f in found]
        else:
            any_good = True
    # With one good bond the importer is covered: the others' problems are warnings.
    severity = WARNING if any_good else DISCREPANCY
    for bond_number, (code, field, message, side) in problems:
        out.add(code, severity, field, message, Side(None), side, bond_number)


def _bond_problems(k1, k2, as_of: dt.date) -> list:
    """(code, field, message, bond side) for what is wrong with one bond (K1 and its K2)."""
    letter = k1.activity_code
    found = []
    if letter not in ACTIVITY_1_LETTERS:
        meaning = codes.ACTIVITY_LETTERS.get(letter, ("?", "unknown"))[1] if letter else "none"
        found.append(("D10", "activity_code", f"{TITLES['D10']}: activity {letter} ({meaning})",
                      _side(k1, "activity_code")))
    if k2 is None:
        return found
    end = k2.termination_date
    if end is not None and isinstance(end, dt.date) and end <= as_of:
        found.append(("D07", "termination_date", f"{TITLES['D07']}: terminated {end.isoformat()}",
                      _side(k2, "termination_date")))
    if k2.sufficiency == "N":
        found.append(("D08", "sufficiency", TITLES["D08"], _side(k2, "sufficiency")))
    user_end = getattr(k2, "user_termination_date", None)
    if getattr(k2, "user_status", None) == "T" or (isinstance(user_end, dt.date) and user_end <= as_of):
        when = f" on {user_end.isoformat()}" if isinstance(user_end, dt.date) else ""
        found.append(("D09", "user_status", f"{TITLES['D09']}{when}", _side(k2, "user_status")))
    return found


# (code, 5106 record, field, bond record, field, bond columns when the record is absent)
MAILING = (
    ("D04", "T1", "mail_address_1", "K3", "address_1", (3, 34)),
    ("D04", "T2", "mail_address_2", "K3", "address_2", (35, 66)),
    ("D05", "T2", "mail_city", "K4", "city", (35, 55)),
    ("D05", "T2", "mail_state", "K4", "state", (56, 57)),
    ("D05", "T2", "mail_postal_code", "K4", "postal_code", (58, 66)),
)
PHYSICAL = (
    ("D06", "TB", "physical_address_1", "K5", "address_1", (3, 34)),
    ("D06", "TB", "physical_address_2", "K5", "address_2", (35, 66)),
    ("D06", "TC", "physical_city", "K6", "city", (35, 55)),
    ("D06", "TC", "physical_state", "K6", "state", (56, 57)),
    ("D06", "TC", "physical_postal_code", "K6", "postal_code", (58, 66)),
)


def _getters(table, side: int) -> tuple:
    """(record id, its fields' values getter, how many) for one side of a table, in order."""
    out: list = []
    for row in table:
        record_id, name = row[side], row[side + 1]
        if out and out[-1][0] == record_id:
            out[-1][1].append(name)
        else:
            out.append((record_id, [name]))
    return tuple((record_id, attrgetter(*names) if len(names) > 1 else (lambda r, n=names[0]: (getattr(r, n),)),
                  len(names)) for record_id, names in out)


_GETTERS = {id(table): (_getters(table, 1), _getters(table, 3)) for table in (MAILING, PHYSICAL)}


def _values(getters, records: dict) -> tuple:
    values: tuple = ()
    for record_id, get, n in getters:
        r = records.get(record_id)
        values += get(r) if r is not None else (None,) * n
    return values


def _pairs(table, tp: dict, kr: dict, out: _Findings, us) -> None:
    """``us``: whether the 5106's address is in the United States (read when needed)."""
    t_getters, k_getters = _GETTERS[id(table)]
    if _values(t_getters, tp) == _values(k_getters, kr):
        return  # the common case: every field alike, no Side built
    us = us()
    for code, t_id, t_field, k_id, k_field, k_cols in table:
        t_rec, k_rec = tp.get(t_id), kr.get(k_id)
        a = getattr(t_rec, t_field) if t_rec is not None else None
        b = getattr(k_rec, k_field) if k_rec is not None else None
        if a == b:
            continue
        out.text(code, t_field, _side(t_rec, t_field) if t_rec is not None else Side(None, t_id),
                 _k_side(k_rec, k_id, k_field, k_cols), postal=us and t_field.endswith("postal_code"))


def _identity_findings(tps: dict, krs: dict, out: _Findings) -> None:
    """``tps``, ``krs``: the first record of each id on either side."""
    t1, ta, t2, tb, tc = tps.get("T1"), tps.get("TA"), tps.get("T2"), tps.get("TB"), tps.get("TC")
    k1, k2 = krs.get("K1"), krs.get("K2")
    if (t1.importer_name if t1 is not None else None) != (k1.importer_name if k1 is not None else None):
        out.text("D02", "importer_name", _side(t1, "importer_name"), _side(k1, "importer_name"))
    if k2 is not None or ta is not None:
        if k2 is None:
            out.add("D03", DISCREPANCY, "name_line_2", "the 5106 has a name line 2; the bond data has no K2",
                    _side(ta, "name_line_2"), Side(None, "K2", (3, 37)))
        else:
            for t_field, cols in (("name_qualifier", (3, 5)), ("name_line_2", (6, 37))):
                a = getattr(ta, t_field) if ta is not None else None
                if a != getattr(k2, t_field):
                    out.text("D03", t_field, _side(ta, t_field) if ta is not None else Side(None, "TA", cols),
                             _side(k2, t_field))
    _pairs(MAILING, tps, krs, out, lambda: t2 is not None and t2.mail_country in codes.US_TERRITORY_COUNTRIES)
    physical_tp = tb is not None or tc is not None
    physical_bond = "K5" in krs or "K6" in krs
    if physical_tp and physical_bond:
        _pairs(PHYSICAL, tps, krs, out, lambda: tc is not None and tc.physical_country in codes.US_TERRITORY_COUNTRIES)
    elif physical_tp != physical_bond:
        # §8 makes no exception for an address on one side only: it differs.
        which = "the 5106 only" if physical_tp else "the bond data only"
        out.add("D06", DISCREPANCY, "physical_address", f"{TITLES['D06']}: physical address on {which}",
                _side(tb, "physical_address_1"), _k_side(krs.get("K5"), "K5", "address_1", (3, 34)))


def _k_side(record, record_id: str, field: str, columns: tuple[int, int]) -> Side:
    return _side(record, field) if record is not None else Side(None, record_id, columns)


def _verdict(number, out: _Findings) -> Comparison:
    if not out.items:
        return Comparison(number, CONSISTENT, (), ())
    findings = tuple(f for f in out.items if f.severity == DISCREPANCY)
    warnings = tuple(f for f in out.items if f.severity == WARNING)
    return Comparison(number, INCONSISTENT if findings else CONSISTENT, findings, warnings)


def group_tp(records: Iterable[Record]) -> Iterable[tuple[str | None, list[Record]]]:
    """(importer number, its 5106 detail records) for each T1 in a stream of records;
    envelope and answer records are skipped."""
    current: list[Record] | None = None
    for r in records:
        rid = r.record_id
        if rid == "T1":
            if current:
                yield current[0].importer_number, current
            current = [r]
        elif current is not None and rid[0] == "T" and rid in _TP_DETAIL:
            current.append(r)
        elif rid in ("Y", "Z", "A", "B") and current:
            yield current[0].importer_number, current
            current = None
    if current:
        yield current[0].importer_number, current


_TP_DETAIL = frozenset({"TA", "T2", "T3", "TB", "TC", "TD", "TE", "TF", "TG", "TH", "TI", "TJ", "TK", "TL",
                        "TM", "TN"})


def group_kr(records: Iterable[Record]) -> dict[str, list[Record]]:
    """KR detail records by importer number: a group starts at a K1 naming a new number."""
    groups: dict[str, list[Record]] = {}
    current: list[Record] | None = None
    number = None
    for r in records:
        rid = r.record_id
        if rid == "K1":
            if r.importer_number != number or current is None:
                number = r.importer_number
                current = groups.setdefault(number, [])
            current.append(r)
        elif current is not None and rid in ("K2", "K3", "K4", "K5", "K6", "K7", "K8"):
            current.append(r)
        elif rid in ("Y", "Z", "B", "A"):
            current, number = None, None
    return groups
