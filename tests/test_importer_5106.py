"""TP -> TT scenarios: add, update (ruling 8), CBP-assigned numbers, rejects."""

from __future__ import annotations

import re

from sim_helpers import details, ids, rec, transmission

from abisim.sample import own_5106


def new_importer(number="45-6789012AB", action="A", name="NEW IMPORTS CORP", **t2):
    t2 = {"mail_city": "AUSTIN", "mail_state": "TX", "mail_postal_code": "78701", "mail_country": "US", **t2}
    return [
        rec("T1", action=action, importer_number=number, importer_name=name, mail_address_1="1 CONGRESS AVE",
            importer_type="C"),
        rec("T2", **t2),
        rec("TD", entries_per_year="2", usage_importer_of_record="X", phone="5125550100",
            **({"reason_no_irs_number": "X"} if action == "N" else {})),
        rec("TE", mail_address_type="1"),
        rec("TF", email="INFO@NEW.EXAMPLE"),
        rec("TL", signature="X", certifier_name="DOE,JOHN", certifier_title="OWNER"),
    ]


def conditions(recs):
    return [(r.disposition, r.severity, r.condition_code) for r in recs if r.record_id == "E1"]


def test_add_is_accepted_and_stored(sim, store):
    recs = details(sim.submit(transmission("TP", new_importer())))
    assert ids(recs) == ["E0", "E1"]
    assert (recs[0].reference_type, recs[0].occurrence, recs[0].importer_number) == ("IMPACC", 1, "45-6789012AB")
    assert conditions(recs) == [("A", "I", "K32")]
    row = store.importer("45-6789012AB")
    assert (row["name"], row["mail_city"], row["status"]) == ("NEW IMPORTS CORP", "AUSTIN", "active")
    assert row["tp_records"].splitlines()[0].startswith("T1A45-6789012AB")


def test_add_of_a_number_on_file_is_rejected(sim):
    recs = details(sim.submit(transmission("TP", new_importer("12-3456789B1"))))
    assert conditions(recs) == [("R", "F", "ACY")]


def test_voided_number_is_r04(sim):
    recs = details(sim.submit(transmission("TP", own_5106("12-3456789V1"))))
    assert conditions(recs) == [("R", "F", "R04")]
    assert recs[-1].narrative == "IMPORTER NUMBER IS VOIDED"


def test_update_without_a_bond_changes_name_and_address(sim, store):
    group = own_5106("12-3456789B1")
    group[0] = group[0].replace(mail_address_1="99 NEW ST")
    recs = details(sim.submit(transmission("TP", group)))
    assert conditions(recs) == [("A", "I", "K32")]
    assert store.importer("12-3456789B1")["mail_address_1"] == "99 NEW ST"


def test_update_of_name_or_address_with_a_bond_on_file_is_r60(sim, store):
    recs = details(sim.submit(transmission("TP", own_5106("12-3456789A1"))))
    assert conditions(recs) == [("R", "F", "R60")]
    assert recs[-1].narrative == "BOND ON FILE - CONTACT REVENUE BOND TEAM"
    assert store.importer("12-3456789A1")["mail_address_1"] == "100 OLD RIVER RD"


def test_update_with_a_bond_and_no_name_or_address_change_is_accepted(sim):
    recs = details(sim.submit(transmission("TP", own_5106("12-345678900"))))
    assert conditions(recs) == [("A", "I", "K32")]


def test_update_reactivates_an_inactive_number(sim, store):
    group = own_5106("12-3456789X1")
    sim.submit(transmission("TP", group))
    # the importer has a bond: the unchanged 5106 is accepted and reactivates the number
    assert store.importer("12-3456789X1")["status"] == "active"


def test_update_of_an_unknown_number_is_r05(sim):
    recs = details(sim.submit(transmission("TP", new_importer("45-6789012AB", action="U"))))
    assert conditions(recs) == [("R", "F", "R05")]


def test_action_n_assigns_unique_cbp_numbers(sim, store):
    first = details(sim.submit(transmission("TP", new_importer(None, action="N"))))
    second = details(sim.submit(transmission("TP", new_importer(None, action="N", name="SECOND CO"))))
    numbers = [first[0].importer_number, second[0].importer_number]
    assert all(re.fullmatch(r"263901-\d{5}", n) for n in numbers), numbers
    assert numbers[0] != numbers[1]
    assert store.importer(numbers[1])["name"] == "SECOND CO"


def test_field_errors_reject_the_importer_with_5106_codes_last_e1_is_rf(sim, store):
    group = new_importer(mail_state="ZZ", mail_country="US")
    group[0] = group[0].replace(importer_name=None)
    recs = details(sim.submit(transmission("TP", group)))
    got = conditions(recs)
    assert got[-1][:2] == ("R", "F") and all(c[:2] == (None, "F") for c in got[:-1])
    assert {c[2] for c in got} == {"R02", "PDM"}
    assert store.importer("45-6789012AB") is None


def test_us_importer_needs_an_importer_type(sim):
    group = new_importer()
    group[0] = group[0].replace(importer_type=None)
    assert conditions(details(sim.submit(transmission("TP", group)))) == [("R", "F", "R11")]


def test_po_box_mailing_address_needs_the_physical_address(sim):
    group = new_importer()
    group[3] = group[3].replace(mail_address_type="3")
    assert [c[2] for c in conditions(details(sim.submit(transmission("TP", group))))] == ["R37", "R38", "R45"]


def test_two_importers_in_one_block_are_answered_in_order(sim):
    recs = details(sim.submit(transmission("TP", new_importer() + own_5106("12-3456789V1"))))
    assert ids(recs) == ["E0", "E1", "E0", "E1"]
    assert [r.occurrence for r in recs if r.record_id == "E0"] == [1, 2]
    assert conditions(recs) == [("A", "I", "K32"), ("R", "F", "R04")]


def test_test_mode_answers_in_full_and_stores_nothing(sim, store):
    recs = details(sim.submit(transmission("TP", new_importer(), password="TEST00")))
    assert conditions(recs) == [("A", "I", "K32"), (None, "I", "2EE")]
    assert store.importer("45-6789012AB") is None
    assert store.journal()[-1]["answer_application_id"] == "TT"  # the journal keeps the exchange
