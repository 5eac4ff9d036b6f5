"""Every structural and field error code the parser gives, with its line, columns, field
and value. (The goldens in samples/invalid check the CLI's exact words for many more.)"""

from __future__ import annotations

import pytest

import abisim
from sample_files import ANSWERS

TP = (ANSWERS / "tp-add.in.abi").read_text().split("\n")[:-1]
KI = (ANSWERS / "ki-magic-1.in.abi").read_text().split("\n")[:-1]
TT = (ANSWERS / "tp-voided.out.abi").read_text().split("\n")[:-1]


def put(line: str, col: int, text: str) -> str:
    return line[: col - 1] + text + line[col - 1 + len(text):]


def errors_of(lines) -> list:
    return list(abisim.parse("\n".join(lines) + "\n").errors)


def one(lines, code):
    found = [e for e in errors_of(lines) if e.code == code]
    assert found, [e.located() for e in errors_of(lines)]
    return found[0]


# (code, mutation of the TP sample: line index, column, new text) -> (line, first, last, field, value)
FIELD_CASES = [
    ("R02", (2, 16, " " * 32), (3, 16, 47, "importer_name")),
    ("R15", (2, 48, " " * 32), (3, 48, 79, "mail_address_1")),
    ("R06", (2, 3, "X"), (3, 3, 3, "action")),
    ("R03", (2, 4, "12-3456789ZZ"), (3, 4, 15, "importer_number")),
    ("R11", (2, 80, "Q"), (3, 80, 80, "importer_type")),
    ("R19", (3, 47, " " * 21), (4, 47, 67, "mail_city")),
    ("R20", (3, 68, "  "), (4, 68, 69, "mail_state")),
    ("R27", (3, 79, "  "), (4, 79, 80, "mail_country")),
    ("R14", (3, 68, "tx"), (4, 68, 69, "mail_state")),  # lower case in class A (ruling 11)
    ("PDM", (3, 79, "ZQ"), (4, 79, 80, "mail_country")),
    ("MVM", (4, 44, " " * 15), (5, 44, 58, "phone")),
    ("X40", (3, 50, "\x1b"), (4, 50, 50, "mail_city")),
    ("X39", (5, 79, "ZZ"), (6, 79, 80, "filler_75")),
]


@pytest.mark.parametrize("code, mutation, where", FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_field_error_codes(code, mutation, where):
    i, col, text = mutation
    lines = list(TP)
    lines[i] = put(lines[i], col, text)
    e = one(lines, code)
    assert (e.line, e.first_column, e.last_column, e.field) == where
    assert text.strip() in e.value  # the value is the field's whole text
    assert e.record_id == lines[i][:2] and e.is_fatal


def tp_with(*extra_after_t2, physical_type=None):
    lines = list(TP)
    lines[4:4] = list(extra_after_t2)
    if physical_type is not None:
        k = next(i for i, l in enumerate(lines) if l.startswith("TE"))
        lines[k] = put(lines[k], 19, physical_type)
    return lines


def test_name_qualifier_r13():
    ta = "TAXYZ" + "ACME TOYS".ljust(32) + " " * 43
    lines = list(TP)
    lines.insert(3, ta)
    e = one(lines, "R13")
    assert (e.line, e.first_column, e.last_column, e.value) == (4, 3, 5, "XYZ")


def test_physical_address_codes_r31_r37_r38_r45_r35():
    tb = "TB" + "1 dock rd".ljust(32) + " " * 46  # lower case in class X is fine (ruling 11)
    tc = "TC" + " " * 21 + "  " + "78701 a   " + " " + " " * 44
    lines = tp_with(tb, tc, physical_type="3")  # a PO box is no physical address
    found = errors_of(lines)
    codes = {e.code: e for e in found}
    assert not [e for e in found if e.record_id == "TB"]
    assert codes["R31"].field == "physical_postal_code" and codes["R31"].first_column == 32
    assert codes["R37"].field == "physical_city"
    assert codes["R38"].field == "physical_state"
    assert codes["R45"].field == "physical_country"
    assert codes["R35"].field == "physical_address_type" and codes["R35"].value == "3"


def test_e1_legacy_order_is_a_warning_w01():
    lines = list(TT)
    k = next(i for i, l in enumerate(lines) if l.startswith("E1"))
    lines[k] = put(lines[k], 3, "F ")
    t = abisim.parse("\n".join(lines) + "\n")
    assert t.ok and [e.code for e in t.warnings] == ["W01"]
    assert t.warnings[0].first_column == 3


def test_envelope_missing_codes_x07_x08_x11_x15_x16():
    lines = list(KI)
    lines[0] = put(lines[0], 2, " " * 7)
    lines[0] = put(lines[0], 26, "  ")
    lines[1] = put(lines[1], 4, " " * 7)
    found = {(e.code, e.line, e.field) for e in errors_of(lines)}
    assert {("X07", 1, "site_code"), ("X08", 1, "id_code"), ("X11", 1, "application_id"),
            ("X15", 2, "port"), ("X16", 2, "filer_code")} <= found


def test_no_a_record_is_x33():
    e = one(KI[1:], "X33")
    assert e.line == 1


def test_record_out_of_sequence_is_x35():
    lines = list(KI)
    lines.insert(2, TP[2])  # a T1 inside a KI block
    e = one(lines, "X35")
    # Ruling 21: an out-of-place record is a whole-record problem, columns 1-80.
    assert (e.line, e.first_column, e.last_column, e.record_id) == (3, 1, 80, "T1")


def test_a_repeated_record_is_one_x35_not_records_missing_before_it():
    lines = list(TP)
    lines.insert(3, TP[2])  # the T1 sent twice: it could also open a second 5106 missing T2-TL
    assert [(e.code, e.line) for e in errors_of(lines) if e.code != "X32"] == [("X35", 4)]


def test_more_than_99_p1_is_x36():
    xp = (ANSWERS / "xp-ctpat.in.abi").read_text().split("\n")[:-1]
    lines = xp[:2] + [xp[2]] * 100 + [put(xp[3], 13, "     ")] + xp[4:]
    e = one(lines, "X36")
    assert (e.line, e.record_id) == (102, "P1")


def test_short_record_is_x42_and_lenient_pads_every_short_record():
    lines = list(KI)
    lines[2] = lines[2][:40]
    e = one(lines, "X42")
    assert (e.line, e.first_column, e.last_column) == (3, 41, 80)
    short_last = "\n".join(KI[:-1] + [KI[-1][:10]])
    assert abisim.parse(short_last).ok is False
    lenient = abisim.parse(short_last, lenient=True)
    assert lenient.ok and [e.code for e in lenient.warnings] == ["W12"]
    # Ruling 17: in lenient mode a short record in the middle is padded too (a short Y, a Z after it).
    lines[-2] = lines[-2][:17]
    middle = abisim.parse("\n".join(lines), lenient=True)
    assert middle.ok and [(e.code, e.line) for e in middle.warnings] == [("W12", 3), ("W12", len(lines) - 1)]


def test_records_cut_every_80_bytes_with_no_separator():
    t = abisim.parse("".join(KI).encode())  # a str would name a file
    assert t.ok and t.newline == "" and len(list(t.records())) == len(KI)
    assert abisim.render(t) == "".join(KI).encode()


def test_crlf_and_missing_final_newline():
    data = "\r\n".join(KI).encode()
    t = abisim.parse(data)
    assert t.ok and t.newline == "\r\n" and abisim.render(t) == data


def test_one_bad_record_does_not_stop_the_rest():
    lines = list(TP)
    lines[2] = put(lines[2], 16, " " * 32)
    lines[3] = put(lines[3], 79, "ZQ")
    codes = [e.code for e in errors_of(lines)]
    assert "R02" in codes and "PDM" in codes
