"""The envelope: sender and filer authorization, reject batches (§2.6), bad input."""

from __future__ import annotations

import abisim
from sim_helpers import answer, ki, rejected


def test_unknown_sender_is_x09(sim):
    data = ki("12-345678900", filer="QQQ", site="3901", password="PASS01")
    assert rejected(sim.submit(data))[:1] == ["X09"]


def test_wrong_password_is_x09(sim):
    assert rejected(sim.submit(ki("12-345678900", password="WRONG1"))) == ["X09"]


def test_wrong_site_is_x09(sim):
    assert rejected(sim.submit(ki("12-345678900", site="3902"))) == ["X09"]


def test_processing_filer_unknown_is_x17(sim):
    data = ki("12-345678900").replace(b"B  3901XJ5KI", b"B  3901QQQKI").replace(b"Y  3901XJ5KI", b"Y  3901QQQKI")
    assert rejected(sim.submit(data)) == ["X17"]


def test_processing_filer_other_than_sender_is_x18(sim):
    data = ki("12-345678900").replace(b"B  3901XJ5KI", b"B  3901SV9KI").replace(b"Y  3901XJ5KI", b"Y  3901SV9KI")
    assert rejected(sim.submit(data)) == ["X18"]


def test_authenticated_filer_must_be_named_in_a_and_b(sim):
    # Ruling 14: when the sender is not authorized, only the batch-level X09 is reported.
    assert rejected(sim.submit(ki("12-345678900"), filer_code="SV9")) == ["X09"]
    data = ki("12-345678900", filer="SV9")
    assert rejected(sim.submit(data.replace(b"B  3902SV9", b"B  3902XJ5").replace(b"Y  3902SV9", b"Y  3902XJ5"),
                               filer_code="SV9")) == ["X17"]


def test_filer_not_authorized_for_the_application_is_x20(sim, store):
    store.put_filer(dict(filer_code="XJ5", applications="TP"))
    assert rejected(sim.submit(ki("12-345678900"))) == ["X20"]


def test_answer_application_as_input_is_x12(sim):
    data = ki("12-345678900").replace(b"KI ", b"KR ").replace(b"3901XJ5KI", b"3901XJ5KR")
    assert "X12" in rejected(sim.submit(data))


def test_reject_batch_shape(sim):
    data = ki("12-345678900").replace(b"PASS01", b"WRONG1")
    body = sim.submit(data)
    t = answer(body)
    lines = body.decode().splitlines()
    assert lines[0].startswith("A3901XJ5      ") and lines[0][25:27] == "  "  # password and app id blanked
    assert lines[1] == "B" + " " * 78 + "B"
    assert lines[-2][:1] == "Y" and lines[-2][79] == "Y" and int(lines[-2][12:17]) == len(lines) - 4
    assert lines[-1] == "Z" + " " * 78 + "Z"
    recs = [r for b in t.blocks for r in b.details]
    # Ruling 14: a batch-level condition (the sender) is an X1 with no X0.
    assert [r.record_id for r in recs] == ["X1", "X1"] and recs[0].condition_code == "X09"
    assert (recs[-1].disposition, recs[-1].severity, recs[-1].condition_code) == ("R", "F", "999")


def test_garbage_gets_a_reject_answer_never_a_traceback(sim):
    for junk in (b"", b"\x00\xff\xfe", b"hello world\n", b"A" * 500, b"Z\nY\nB\nA\n"):
        body = sim.submit(junk)
        assert rejected(body), junk


def test_structure_errors_reject_the_batch(sim):
    data = ki("12-345678900")
    lines = data.split(b"\n")
    swapped = b"\n".join([lines[0], lines[2], lines[1], *lines[3:]])
    assert rejected(sim.submit(swapped))


def test_answers_use_the_answer_application_and_count_details(sim):
    body = sim.submit(ki("12-345678900"))
    t = answer(body)
    a, block = t.batches[0].header, t.blocks[0]
    assert (a.application_id, a.password, block.application_id) == ("KR", None, "KR")
    assert block.trailer.record_count == len(block.details)


def test_parsing_every_kind_of_answer_gives_no_error(sim):
    from test_ebond import new_bond
    from test_importer_5106 import new_importer
    from sim_helpers import rec, transmission

    answers = [
        sim.submit(ki("12-345678900", "12-3456789B1", "12-3456789V1", address=True)),
        sim.submit(transmission("TP", new_importer())),
        sim.submit(transmission("TP", new_importer("12-3456789V1"))),
        sim.submit(transmission("CB", new_bond())),
        sim.submit(transmission("CB", new_bond(amount=1))),
        sim.submit(transmission("XP", [rec("P1", action="Q", importer_number="12-345678900")])),
        sim.submit(b"junk"),
    ]
    for body in answers:
        t = abisim.parse(body)
        assert t.errors == (), [e.located() for e in t.errors]
        assert abisim.render(t) == body


def test_block_level_problems_are_referenced_by_an_x0_block_record(sim):
    data = ki("12-345678900").replace(b"B  3901XJ5KI", b"B  3901QQQKI").replace(b"Y  3901XJ5KI", b"Y  3901QQQKI")
    lines = sim.submit(data).decode().splitlines()
    x0 = [l for l in lines if l.startswith("X0")]
    assert x0 == ["X0 BLOCK  000001 REF ID: 3901 QQQ    KI".ljust(80)]
    assert lines[3].startswith("X1 FX17   PROCESSING FILER NOT AUTHORIZED")


def test_a_short_last_record_is_x42_unless_lenient(sim):
    data = ki("12-345678900").rstrip(b"\n")
    data = data[: data.rindex(b"\n") + 1] + b"Z3901XJ5"  # the Z cut short, as some vendors send it
    assert rejected(sim.submit(data)) == ["X42"]
    sim.lenient = True
    answer_ = answer(sim.submit(data))
    assert [r.record_id for b in answer_.blocks for r in b.details][0] == "K1"
