"""Legacy TI -> TR (rulings 5 and 20): the 5106's T1, TA, T2, TB, TC in; T3 (each after an
echo of the input record in error), T4 (CBP-assigned number added), T5 (number added or
updated) out."""

from __future__ import annotations

import re

import abisim
from abisim.sample import own_5106
from sim_helpers import details, ids, transmission
from test_importer_5106 import new_importer


def legacy(group):
    return [r for r in group if r.record_id in ("T1", "TA", "T2", "TB", "TC")]


def messages(recs):
    return [(r.record_id, r.message_code) for r in recs if r.record_id in ("T3", "T4", "T5")]


def test_add_of_a_number_the_importer_had_is_accepted_with_t5(sim, store):
    recs = details(sim.submit(transmission("TI", legacy(new_importer()))))
    assert messages(recs) == [("T5", "K32")] and len(recs) == 1
    assert (recs[0].importer_number, recs[0].message_text, recs[0].importer_name) == (
        "45-6789012AB", "DATA UPDATED ON DATABASE", "NEW IMPORTS CORP")
    assert store.importer("45-6789012AB")["mail_city"] == "AUSTIN"


def test_action_n_returns_the_cbp_assigned_number_in_t4(sim):
    recs = details(sim.submit(transmission("TI", legacy(new_importer(None, action="N")))))
    assert messages(recs) == [("T4", "K32")] and re.fullmatch(r"263901-\d{5}", recs[0].importer_number)


def test_number_on_file_and_bond_rule_give_t3(sim):
    group = legacy(new_importer("12-3456789B1"))
    recs = details(sim.submit(transmission("TI", group)))
    assert ids(recs) == ["T1", "T3"] and messages(recs) == [("T3", "ACY")]
    assert recs[1].message_text == "IMPORTER NUMBER ALREADY ON FIL"
    assert abisim.render_record(recs[0]) == abisim.render_record(group[0])  # the T1 echoed as sent
    recs = details(sim.submit(transmission("TI", legacy(own_5106("12-3456789A1")))))
    assert ids(recs) == ["T1", "T3"] and messages(recs) == [("T3", "R60")]


def test_field_errors_give_one_t3_each_after_the_record_in_error(sim):
    group = legacy(new_importer(mail_state="ZZ"))
    group[0] = group[0].replace(importer_name=None)
    recs = details(sim.submit(transmission("TI", group)))
    # the state is both unknown and not a U.S. state: two T3, each after its echo
    assert [(r.record_id, getattr(r, "message_code", None)) for r in recs] == [
        ("T1", None), ("T3", "R02"), ("T2", None), ("T3", "PDM"), ("T2", None), ("T3", "PDM")]
    assert abisim.render_record(recs[2]) == abisim.render_record(group[1])


def test_test_mode_puts_2ee_in_the_record_the_live_answer_uses(sim, store):
    recs = details(sim.submit(transmission("TI", legacy(new_importer()), password="TEST00")))
    assert messages(recs) == [("T5", "2EE")]
    assert store.importer("45-6789012AB") is None
    recs = details(sim.submit(transmission("TI", legacy(new_importer(None, action="N")), password="TEST00")))
    assert messages(recs) == [("T4", "2EE")] and re.fullmatch(r"263901-\d{5}", recs[0].importer_number)


def test_tr_records_are_read_as_tr_only_inside_tr_blocks(sim):
    body = sim.submit(transmission("TI", legacy(new_importer()) + legacy(new_importer("12-3456789B1"))))
    t = abisim.parse(body)
    assert t.errors == () and abisim.render(t) == body
    recs = [r for b in t.blocks for r in b.details]
    assert ids(recs) == ["T5", "T1", "T3"] and {r.layout.version for r in recs} == {"ti-legacy"}
    # the same id in a TP block is the 5106's full legal name
    tp = abisim.parse(transmission("TP", own_5106("12-345678900")))
    t3 = next(r for b in tp.blocks for r in b.details if r.record_id == "T3")
    assert t3.layout.version == "tp-v12-2019" and t3.legal_name.startswith("ACME TRADING COMPANY")
