"""Rulings 10, 13, 14, 17 and 21 one by one: what the real wire carries is read, what is
wrong is said precisely, and the reject batch is shaped as CBP's."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import abisim
from abisim import applications
from abisim.simulator import fit
from sim_helpers import details, ki, rejected


def _lines(data: bytes) -> list[str]:
    return data.decode().split("\n")[:-1]


def _put(line: str, col: int, text: str) -> str:
    return line[: col - 1] + text + line[col - 1 + len(text):]


def _text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


A, B, K, Y, Z = _lines(ki("12-345678900"))


# -- ruling 10: legacy numbers in fillers

def test_legacy_block_and_batch_numbers_are_warnings_and_echoed(sim):
    t = abisim.parse(_text([_put(A, 21, "07"), _put(B, 2, "01"), K, Y, _put(Z, 21, "07")]))
    assert t.ok and [(e.code, e.line, e.first_column) for e in t.warnings] == [
        ("W11", 1, 21), ("W10", 2, 2), ("W11", 5, 21)]
    answer = _lines(sim.submit(_text([A, _put(B, 2, "00"), K, Y, Z]).encode()))
    assert answer[1].startswith("B003901XJ5KR")
    assert _lines(sim.submit(_text([A, B, K, Y, Z]).encode()))[1].startswith("B  3901XJ5KR")


def test_anything_else_in_the_legacy_columns_is_still_x39():
    for bad in ("1 ", " 1", "AB", "0-"):
        t = abisim.parse(_text([A, _put(B, 2, bad), K, Y, Z]))
        assert [e.code for e in t.errors if e.is_fatal] == ["X39"], bad


# -- ruling 13: three kinds of application id

def test_application_kinds():
    assert [applications.kind(a) for a in ("KI", "KR", "AE", "UC", "BS", "QB", "EI", "  ")] == [
        "simulated", "simulated", "known", "known", "known", "known", "unknown", "unknown"]
    assert {"AE", "AX", "EQ", "CW", "CO", "FT", "NF", "SE", "SX", "CQ", "C1", "QA", "QB", "MO", "MQ", "BS", "MS",
            "UC"} <= applications.KNOWN_IDS


def test_a_known_block_is_opaque_records_with_its_count_checked():
    ae = [_put(A, 26, "AE"), _put(B, 11, "AE"), "10  HEADER".ljust(80), "90  lower case is fine here".ljust(80),
          _put(_put(Y, 11, "AE"), 13, "00002"), Z]
    t = abisim.parse(_text(ae))
    assert t.errors == () and [r.record_id for r in t.blocks[0].details] == ["..", ".."]
    assert abisim.render(t) == _text(ae).encode()
    ae[4] = _put(ae[4], 13, "00005")
    assert [e.message for e in abisim.parse(_text(ae)).errors] == [
        "Y-REC DOES NOT MATCH B-REC: count 5, the block holds 2 detail records"]


def test_an_unknown_id_in_a_is_x12_alone_in_the_answer(sim):
    data = _text([_put(A, 26, "EI"), B, K, Y, Z]).encode()
    assert [e.code for e in abisim.parse(data).errors] == ["X12", "X19"]
    assert rejected(sim.submit(data)) == ["X12"]


def test_submit_answers_known_x13_and_unknown_x12_in_the_block_group(sim):
    for app, code in (("AE", "X13"), ("QQ", "X12")):
        batch_app = app if code == "X13" else "KI"  # an unknown id in A would be batch-level
        data = _text([_put(A, 26, batch_app), _put(B, 11, app), "10".ljust(80), _put(Y, 11, app), Z]).encode()
        recs = details(sim.submit(data))
        assert (recs[0].reference_type, recs[1].condition_code) == ("BLOCK", code), app


# -- ruling 14: the reject batch

def test_a_blank_password_is_x09_alone(sim):
    data = _text([_put(A, 9, "      "), B, K, Y, Z]).encode()
    assert [e.code for e in abisim.parse(data).errors] == ["X09"]
    assert rejected(sim.submit(data)) == ["X09"]


def test_record_problems_are_grouped_under_their_block(sim):
    # Two records in error in one block: one X0 BLOCK, then X0 TRNACT 000001 and 000002
    # with each record's position in the batch.
    second = _put(K, 1, "KX")
    lines = _lines(sim.submit(_text([A, B, K, "KX".ljust(80), second, Y, Z]).encode()))
    assert [line[:35].rstrip() for line in lines[2:8]] == [
        "X0 BLOCK  000001 REF ID: 3901 XJ5", "X0 TRNACT 000001 REF ID: 0000004 00",
        "X1 FX34   UNKNOWN RECORD ID FOUND I", "X0 TRNACT 000002 REF ID: 0000005 00",
        "X1 FX34   UNKNOWN RECORD ID FOUND I", "X1RF999   BATCH REJECTED"]
    assert lines[-2][12:17] == "00006"


def test_one_x32_per_y_however_many_fields_differ():
    t = abisim.parse(_text([A, B, K, _put(_put(Y, 4, "3902SV9"), 13, "00009"), Z]))
    assert [(e.code, e.first_column) for e in t.errors] == [("X32", 4)]
    assert "port" in t.errors[0].message and "count 9" in t.errors[0].message


@given(st.lists(st.text(alphabet="ABCDEFGHIJ", min_size=1, max_size=15), min_size=1, max_size=12))
def test_narratives_are_never_cut_inside_a_word(words):
    text = " ".join(words)
    short = fit(text, 40)
    assert len(short) <= 40 and text.startswith(short)
    assert len(text) <= 40 or text[len(short)] == " " or len(words[0]) > 40 or short == text[:40]


# -- ruling 17: lenient mode pads every short record

def test_lenient_pads_a_short_y_followed_by_a_z(sim):
    data = _text([A, B, K, Y[:12], Z[:8]]).encode()
    assert rejected(sim.submit(data)) == ["X42", "X42"]
    sim.lenient = True
    assert details(sim.submit(data))[0].record_id == "K1"


# -- ruling 21: diagnostics name what is there

def test_a_batch_with_no_block_is_x03_not_x06():
    t = abisim.parse(_text([A, Z]))
    assert [(e.code, e.line, e.first_column, e.last_column) for e in t.errors] == [("X03", 2, 1, 80)]


def test_a_missing_record_is_named_from_the_batchs_own_application():
    t = abisim.parse(_text([A, A, B, K, Y, Z]))
    assert [e.code for e in t.errors] == ["X03", "X06"]
    t = abisim.parse(_text([A, K, Y, Z]))
    assert all("P9" not in e.message and "K1" not in e.message for e in t.errors)
    assert all((e.first_column, e.last_column) == (1, 80) for e in t.errors)


def test_a_second_query_is_a_whole_record_problem_of_its_block(sim):
    lines = _lines(sim.submit(_text([A, B, K, B, K, Y, Z]).encode()))
    # The first block lacks its Y (X05, its own problem); the second holds the second K.
    assert [line[:36].rstrip() for line in lines[2:8]] == [
        "X0 BLOCK  000001 REF ID: 3901 XJ5", "X1 FX05   BLOCK CONTROL MISSING - Y-",
        "X0 BLOCK  000002 REF ID: 3901 XJ5", "X0 TRNACT 000001 REF ID: 0000005 00",
        "X1 FX41   MULTIPLE QUERIES IN BATCH", "X1RF999   BATCH REJECTED"]
