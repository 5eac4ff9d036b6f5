"""Matchers: does a transmission (and abisim's answer to it) do what a plan's step asks?
Pure functions over parsed transmissions; each failure says which matcher failed and
where (record, line, columns, field), with the value found and the value expected.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs

from abisim.records import Record, render_record
from abisim.transmission import Transmission, parse

# The fields that a reject code points at, for the condition records that carry no columns
# (E1 of a 5106 answer, 90 of an eBond answer). A correction must change at least one of them.
REJECT_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "R02": (("T1", "importer_name"),),
    "R03": (("T1", "importer_number"),),
    "R04": (("T1", "importer_number"),),
    "R05": (("T1", "action"), ("T1", "importer_number")),
    "ACY": (("T1", "action"), ("T1", "importer_number")),
    "R06": (("T1", "action"),),
    "R11": (("T1", "importer_type"),),
    "R13": (("TA", "name_qualifier"),),
    "R14": (("T1", "mail_address_1"), ("T2", "mail_address_2"), ("T2", "mail_city")),
    "R15": (("T1", "mail_address_1"),),
    "R19": (("T2", "mail_city"),),
    "R20": (("T2", "mail_state"),),
    "R27": (("T2", "mail_country"),),
    "R31": (("TB", "physical_address_1"), ("TB", "physical_address_2"), ("TC", "physical_city")),
    "R35": (("TE", "physical_address_type"),),
    "R37": (("TC", "physical_city"),),
    "R38": (("TC", "physical_state"),),
    "R45": (("TC", "physical_country"),),
    "R60": (("T1", "importer_name"), ("T1", "mail_address_1"), ("TA", "name_line_2"), ("T2", "mail_address_2"),
            ("T2", "mail_city"), ("T2", "mail_state"), ("T2", "mail_postal_code"), ("T2", "mail_country")),
    "B01": (("10", "bond_number"),),
    "B02": (("40", "surety_code"),),
    "B03": (("30", "id_number"), ("35", "id_number"), ("36", "id_number")),
    "B04": (("10", "amount"), ("10", "activity_code")),
    "B05": (("10", "termination_date"),),
    "B06": (("36", "user_add_date"),),
    "B07": (("10", "bond_number"),),
    "B08": (("10", "designation"),),
    "B09": (("10", "bond_type"),),
    "B10": (("10", "bond_number"), ("10", "designation")),
    "B11": (("36", "id_number"), ("36", "user_action")),
}


@attrs.frozen
class Failure:
    """Why a step did not pass: the matcher, and where in the transmission."""

    matcher: str
    message: str
    record: str | None = None
    line: int | None = None
    columns: tuple[int, int] | None = None
    field: str | None = None
    expected: str | None = None
    actual: str | None = None

    def located(self) -> str:
        where = []
        if self.record:
            where.append(self.record)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.columns:
            a, b = self.columns
            where.append(f"columns {a}-{b}" if a != b else f"column {a}")
        return (", ".join(where) + ": " if where else "") + self.message

    def to_json(self) -> dict:
        d = attrs.asdict(self)
        d["columns"] = list(self.columns) if self.columns else None
        return d


def text_of(value) -> str:
    """A typed field value as plan text: dates ISO, blanks empty."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def details(t: Transmission) -> list[Record]:
    return [r for b in t.blocks for r in b.details]


def _records(t: Transmission, record_id: str) -> list[Record]:
    if record_id in ("A", "B", "Y", "Z"):
        return [r for r in t.records() if r.record_id == record_id]
    return [r for r in details(t) if r.record_id == record_id]


def _cols(record: Record, field: str) -> tuple[int, int]:
    f = record.layout.field(field)
    return (f.start, f.end)


def _fail(matcher, message, record: Record | None = None, field: str | None = None, expected=None,
          actual=None) -> Failure:
    return Failure(matcher.describe() if hasattr(matcher, "describe") else str(matcher), message,
                   record.record_id if record is not None else None, record.line if record is not None else None,
                   _cols(record, field) if record is not None and field else None, field,
                   None if expected is None else str(expected), None if actual is None else str(actual))


def importers_named(t: Transmission) -> list[str]:
    """The importer numbers a transmission names, in order (T1, K pairs, eBond parties, P1)."""
    out = []
    for r in details(t):
        rid = r.record_id
        if rid in ("T1", "P1") and r.importer_number:
            out.append(r.importer_number.strip())
        elif rid == "K":
            out += [getattr(r, f"importer_number_{n}").strip() for n in range(1, 7)
                    if getattr(r, f"importer_number_{n}")]
        elif rid in ("30", "35", "36") and r.id_number:
            out.append(r.id_number.strip())
    return out


def _field_ok(m, value) -> bool:
    text = text_of(value)
    if m.test == "equals":
        return text == str(m.value)
    if m.test == "one_of":
        return text in [str(v) for v in m.value]
    if m.test == "pattern":
        return re.fullmatch(m.value, text) is not None
    return (value is not None) == m.value


def reference(ref: str, earlier: dict) -> tuple[str | None, str | None]:
    """The value a ``same_as`` reference names: (value, why not found)."""
    step, side, rid, field = ref.split(".")
    ex = earlier.get(step)
    if ex is None:
        return None, f"step {step} has no exchange"
    text = ex.sent if side == "sent" else ex.answer
    if text is None:
        return None, f"step {step} has no answer"
    recs = _records(parse(text.encode("latin-1")), rid)
    if not recs:
        return None, f"step {step}'s {'transmission' if side == 'sent' else 'answer'} has no {rid} record"
    return text_of(getattr(recs[0], field)), None


def check_sent(m, t: Transmission, earlier: dict) -> list[Failure]:
    """One matcher against the broker's transmission. ``earlier``: step id -> Exchange."""
    if m.kind == "field":
        recs = _records(t, m.record)
        if not recs:
            return [_fail(m, f"no {m.record} record in the transmission")]
        bad = [r for r in recs if not _field_ok(m, getattr(r, m.field))]
        if (m.every and not bad) or (not m.every and len(bad) < len(recs)):
            return []
        r = bad[0]
        return [_fail(m, f"{m.field} is {text_of(getattr(r, m.field))!r}, expected {m.describe()}", r, m.field,
                      m.value, text_of(getattr(r, m.field)))]
    if m.kind == "count":
        n = len(_records(t, m.record))
        return [] if n == m.value else [_fail(m, f"{n} {m.record} record(s), expected {m.value}",
                                              expected=m.value, actual=n)]
    if m.kind == "query":
        ks = _records(t, "K")
        for k in ks:
            for n in range(1, 7):
                number = getattr(k, f"importer_number_{n}")
                if number is not None and number.strip() == m.value:
                    code = getattr(k, f"address_request_{n}") or ""
                    if m.address is None or code == m.address:
                        return []
                    return [_fail(m, f"address request for {m.value} is {code or ' '!r}, expected "
                                     f"{m.address or ' '!r}", k, f"address_request_{n}", m.address or " ",
                                  code or " ")]
        named = importers_named(t)
        return [_fail(m, f"no bond query for {m.value}" + (f"; the transmission queries {', '.join(named)}"
                                                             if named else ""), ks[0] if ks else None,
                      "importer_number_1" if ks else None, m.value, ", ".join(named))]
    if m.kind == "importer":
        named = importers_named(t)
        if m.value in named:
            return []
        return [_fail(m, f"importer {m.value} is not named; the transmission names "
                         f"{', '.join(named) or 'no importer'}", expected=m.value, actual=", ".join(named))]
    if m.kind == "same_as":
        want, why = reference(m.value, earlier)
        if why:
            return [_fail(m, why)]
        recs = _records(t, m.record)
        if any(text_of(getattr(r, m.field)) == want for r in recs):
            return []
        r = recs[0] if recs else None
        got = text_of(getattr(r, m.field)) if r is not None else ""
        return [_fail(m, f"{m.field} is {got!r}, expected {want!r} ({m.value})", r, m.field if r else None,
                      want, got)]
    ex = earlier.get(m.value)
    if ex is None:
        return [_fail(m, f"step {m.value} has no exchange to compare with")]
    before = parse(ex.sent.encode("latin-1"))
    if m.kind == "resend_of":
        return _resend(m, before, t)
    return _corrected(m, before, ex.answer, t)


def _resend(m, before: Transmission, t: Transmission) -> list[Failure]:
    old, new = details(before), details(t)
    for i, (a, b) in enumerate(zip(old, new)):
        if render_record(a) != render_record(b):
            f = _first_difference(a, b)
            return [_fail(m, f"record {i + 1} of the block differs from step {m.value}'s "
                             + (f"({a.record_id} {b.record_id})" if a.record_id != b.record_id else
                                f"in {f}: {text_of(getattr(b, f))!r} now, {text_of(getattr(a, f))!r} then"),
                          b, f if a.record_id == b.record_id else None)]
    if len(old) != len(new):
        return [_fail(m, f"{len(new)} detail records, step {m.value} sent {len(old)}", expected=len(old),
                      actual=len(new))]
    return []


def _first_difference(a: Record, b: Record) -> str | None:
    if a.record_id != b.record_id:
        return None
    return next((f.name for f in a.layout.value_fields if getattr(a, f.name) != getattr(b, f.name)), None)


def flagged_fields(sent: Transmission, answer_text: str | None) -> list[tuple[str, list[tuple[str, int, str]]]]:
    """What a reject named, as (condition, [(record id, ordinal of that record id, field)]):
    the parser's own errors, the X0 TRNACT references of a batch reject, and the fields
    an E1/90 condition code points at."""
    out: list[tuple[str, list[tuple[str, int, str]]]] = []
    recs = list(sent.records())  # envelope records too: a batch reject may point at them
    by_line = {r.line: r for r in recs}

    def key(r: Record, field: str) -> tuple[str, int, str]:
        same = [x for x in recs if x.record_id == r.record_id]
        return (r.record_id, next(i for i, x in enumerate(same) if x is r), field)

    for e in sent.errors:
        r = by_line.get(e.line)
        if r is not None and r.record_id == "A" and e.field == "password":
            continue  # the journal blanks passwords: a blank one there says nothing
        if e.is_fatal and r is not None and e.field in r.layout.value_fields_names:
            out.append((e.code, [key(r, e.field)]))
    answer = parse(answer_text.encode("latin-1")) if answer_text else None
    if answer is None:
        return out
    lines = {r.line: r for r in sent.records()}
    codes = []
    for rec in details(answer):
        if rec.record_id == "X0" and rec.reference_type == "TRNACT" and rec.reference_data:
            ref = rec.reference_data.split()
            if len(ref) == 2 and ref[0].isdigit() and ref[1].isdigit():
                r = lines.get(int(ref[0]))
                column = int(ref[1])
                if r is not None and r in recs and column:
                    f = next((f.name for f in r.layout.value_fields if f.start <= column <= f.end), None)
                    if f:
                        out.append(("X0", [key(r, f)]))
        elif rec.record_id in ("E1", "90") and rec.condition_code in REJECT_FIELDS:
            codes.append(rec.condition_code)
    for code in dict.fromkeys(codes):
        fields = []
        for rid, field in REJECT_FIELDS[code]:
            same = [r for r in recs if r.record_id == rid]
            # A record the reject asks for and the transmission lacks: its first occurrence.
            fields += [key(r, field) for r in same] or [(rid, 0, field)]
        out.append((code, fields))
    return out


def _corrected(m, before: Transmission, answer_text: str | None, t: Transmission) -> list[Failure]:
    flagged = flagged_fields(before, answer_text)
    old, new = list(before.records()), list(t.records())

    def value(recs, rid, n, field):
        same = [r for r in recs if r.record_id == rid]
        return (same[n], getattr(same[n], field)) if n < len(same) else (None, None)

    if not flagged:
        if [render_record(r) for r in details(before)] == [render_record(r) for r in details(t)]:
            return [_fail(m, f"the same detail records as step {m.value}'s rejected transmission")]
        return []
    failures = []
    for code, fields in flagged:
        unchanged = []
        for rid, n, field in fields:
            (was, a), (r, b) = value(old, rid, n, field), value(new, rid, n, field)
            if (was is None) != (r is None) or a != b:
                break  # changed: added, removed, or a new value
            unchanged.append((rid, r, field, b))
        else:
            rid, r, field, v = unchanged[0]
            if r is None:
                failures.append(_fail(m, f"not corrected: still no {rid} record, which step {m.value} was "
                                         f"rejected for ({code})", expected=rid))
                continue
            others = "" if len(unchanged) == 1 else f" (nor {', '.join(u[2] for u in unchanged[1:])})"
            failures.append(_fail(m, f"not corrected: {field} is still {text_of(v)!r}{others}, which step "
                                     f"{m.value} was rejected for ({code})", r, field, actual=text_of(v)))
    return failures


# ---------------------------------------------------------------- the answer


def conditions(answer: Transmission) -> list[str]:
    out = []
    for r in details(answer):
        rid = r.record_id
        if rid in ("X1", "E1", "90") and r.condition_code and r.condition_code != "999":
            out.append(r.condition_code)
        elif rid == "P9" and r.condition_code:
            out.append(r.condition_code)
        elif rid == "T3" and getattr(r, "message_code", None):
            out.append(r.message_code)
    return out


def batch_rejected(answer: Transmission) -> bool:
    return any(r.record_id == "X1" and r.condition_code == "999" for r in details(answer))


def accepted(answer: Transmission) -> bool:
    if batch_rejected(answer):
        return False
    for r in details(answer):
        if r.record_id in ("E1", "90") and r.disposition == "R":
            return False
        if r.record_id == "P9" and r.result == 3:
            return False
        if r.record_id == "T3" and r.layout.version == "ti-legacy":
            return False
    return True


def check_answer(expect: dict, answer_text: str) -> list[Failure]:
    """What abisim answered against the step's ``answer`` table."""
    t = parse(answer_text.encode("latin-1"))
    out = []
    codes = conditions(t)
    summary = ", ".join(codes) or "no condition"
    if "accepted" in expect and accepted(t) != expect["accepted"]:
        out.append(Failure("answer.accepted", f"expected the transmission {'accepted' if expect['accepted'] else 'refused'}; "
                                              f"abisim answered {'accepted' if accepted(t) else 'refused'} ({summary})",
                           expected=str(expect["accepted"]), actual=summary))
    if "batch_rejected" in expect and batch_rejected(t) != expect["batch_rejected"]:
        out.append(Failure("answer.batch_rejected", f"expected {'a' if expect['batch_rejected'] else 'no'} batch "
                                                    f"reject; abisim answered {summary}"))
    for code in expect.get("conditions", []):
        if code not in codes:
            out.append(Failure("answer.conditions", f"expected condition {code}; abisim answered {summary}",
                               expected=code, actual=summary))
    results = {r.importer_number.strip(): r.result_code for r in details(t) if r.record_id == "K1" and r.importer_number}
    for number, code in expect.get("k1_results", {}).items():
        if results.get(number) != code:
            out.append(Failure("answer.k1_results", f"expected K1 result {code} for {number}; abisim answered "
                                                    f"{results.get(number, 'no K1')}", "K1", None, (15, 15),
                               "result_code", str(code), str(results.get(number))))
    for rid, n in expect.get("records", {}).items():
        got = len([r for r in details(t) if r.record_id == rid])
        if got != n:
            out.append(Failure("answer.records", f"expected {n} {rid} record(s) in the answer; it has {got}", rid,
                               expected=str(n), actual=str(got)))
    if "new_importer_number" in expect:
        numbers = [r.importer_number for r in details(t) if r.record_id == "E0" and r.importer_number]
        has = any(re.fullmatch(r"\d{6}-\d{5}", n) for n in numbers)
        if has != expect["new_importer_number"]:
            out.append(Failure("answer.new_importer_number",
                               f"expected {'a' if expect['new_importer_number'] else 'no'} CBP-assigned number in E0; "
                               f"E0 carries {', '.join(numbers) or 'none'}", "E0", None, (26, 37), "importer_number"))
    return out
