"""KI -> KR scenarios: every K1 result code, the rulings on answer order, bad input."""

from __future__ import annotations

import datetime as dt

from sim_helpers import details, ids, ki, rejected

from tests.conftest import AS_OF


def k1s(records):
    return [r for r in records if r.record_id == "K1"]


def test_importer_with_a_bond_gets_k1_k2_then_addresses(sim):
    recs = details(sim.submit(ki("12-345678900")))
    assert ids(recs) == ["K1", "K2", "K3", "K4", "K7", "K8", "K8"]
    k1, k2 = recs[0], recs[1]
    assert (k1.importer_number, k1.result_code, k1.importer_name) == ("12-345678900", 1, "ACME TRADING CO")
    assert (k1.surety_code, k1.activity_code, k1.bond_amount, k1.bond_port) == ("036", "A", 100_000, "9900")
    assert (k1.effective_date, k1.bond_number, k1.amount_location) == (dt.date(2023, 1, 15), "992300001", "1")
    assert (k2.name_qualifier, k2.name_line_2) == ("DBA", "ACME TOYS")
    assert (k2.pms_status, k2.sufficiency, k2.user_status, k2.termination_date) == ("N", "Y", None, None)
    assert (recs[2].address_1, recs[2].address_2) == ("100 MAIN ST", "STE 200")
    assert (recs[3].city, recs[3].state, recs[3].postal_code) == ("CHICAGO", "IL", "60601")
    assert recs[4].center_id == "CEE005"
    assert [r.qualifier for r in recs[5:]] == ["IN1", "IN2"]


def test_address_request_1_adds_the_physical_address(sim):
    recs = details(sim.submit(ki("12-345678900", address=True)))
    assert ids(recs) == ["K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8", "K8"]
    assert recs[4].address_1 == "2200 S ASHLAND AVE"
    assert recs[5].postal_code == "60608"


def test_result_0_not_on_file_carries_no_name(sim):
    recs = details(sim.submit(ki("99-9999999AA")))
    assert ids(recs) == ["K1"]
    assert (recs[0].result_code, recs[0].importer_name, recs[0].bond_number) == (0, None, None)


def test_result_2_on_file_without_bond(sim):
    recs = details(sim.submit(ki("12-3456789B1")))
    assert ids(recs)[:1] == ["K1"] and "K2" not in ids(recs)
    assert (recs[0].result_code, recs[0].importer_name) == (2, "BONDLESS BAZAAR INC")


def test_result_3_voided_and_4_inactive(sim):
    recs = details(sim.submit(ki("12-3456789V1", "12-3456789X1")))
    assert [(r.importer_number, r.result_code) for r in k1s(recs)] == [("12-3456789V1", 3), ("12-3456789X1", 4)]
    assert "K2" not in ids(recs)


def test_terminated_bond_shows_its_termination_date(sim):
    recs = details(sim.submit(ki("12-3456789T1")))
    assert recs[0].result_code == 1
    assert recs[1].termination_date == AS_OF - dt.timedelta(days=30)


def test_insufficient_bond(sim):
    recs = details(sim.submit(ki("12-3456789N1")))
    assert recs[1].sufficiency == "N"


def test_terminated_bond_user(sim):
    recs = details(sim.submit(ki("12-3456789U1")))
    assert recs[0].bond_number == "992300001"  # the principal's bond
    assert recs[0].importer_name == "USERFIELD SUPPLY CO"  # the queried importer's name
    assert (recs[1].user_status, recs[1].user_termination_date) == ("T", AS_OF - dt.timedelta(days=30))


def test_several_bonds_in_effective_date_order_and_ten_digit_amount(sim):
    recs = details(sim.submit(ki("98-7654321AB")))
    assert ids(recs) == ["K1", "K2", "K1", "K2", "K3", "K4", "K7"]
    first, second = recs[0], recs[2]
    assert (first.bond_number, first.activity_code) == ("991900007", "A")
    assert (second.bond_number, second.activity_code, second.bond_amount, second.amount_location) == (
        "992100008", "E", None, "2")
    assert recs[3].bond_amount_10 == 1_200_000_000


def test_co_principal_and_cbp_assigned_number(sim):
    recs = details(sim.submit(ki("193901-14596")))
    assert recs[0].result_code == 1 and recs[0].bond_number == "991900007"
    assert recs[1].user_status is None  # a co-principal is not a bond user


def test_ssn_importer(sim):
    recs = details(sim.submit(ki("123-45-6789")))
    assert recs[0].importer_number == "123-45-6789" and recs[0].result_code == 1


def test_six_importers_answer_in_the_order_of_the_k_record(sim):
    numbers = ["12-3456789B1", "12-345678900", "99-9999999AA", "12-3456789V1", "12-3456789C1", "12-3456789N1"]
    recs = details(sim.submit(ki(*numbers)))
    assert [r.importer_number for r in k1s(recs)] == numbers


def test_malformed_importer_number_is_answered_with_result_0(sim):
    recs = details(sim.submit(ki("12-3456789ZO")))  # Z and O are never in an EIN suffix
    assert [(r.importer_number, r.result_code) for r in recs] == [("12-3456789ZO", 0)]


def test_terminated_more_than_two_years_ago_is_not_returned(sim, store):
    store.update_bond("992300003", termination_date="2024-01-01")
    recs = details(sim.submit(ki("12-3456789T1")))
    assert recs[0].result_code == 2


def test_pms_flag_after_switch_is_set(sim, store):
    store.set_pms_switch("12-345678900", "XJ5", AS_OF, "D")
    recs = details(sim.submit(ki("12-345678900")))
    assert recs[1].pms_status == "Y"


def test_two_k_records_in_a_batch_is_x41(sim):
    from sim_helpers import rec, transmission

    data = transmission("KI", [rec("K", importer_number_1="12-345678900"), rec("K", importer_number_1="12-3456789B1")])
    assert rejected(sim.submit(data)) == ["X41"]


def test_query_changes_nothing_and_is_journaled(sim, store):
    before = len(store.journal())
    sim.submit(ki("12-345678900"))
    rows = store.journal()
    [row] = rows[before:]  # one row per exchange: the request and its answer
    assert (row["channel"], row["application_id"], row["answer_application_id"], row["status"]) == \
        ("python", "KI", "KR", "accepted")
    assert row["request"].startswith("A3901XJ5      ") and "K112-345678900" in row["answer"]


def test_answered_under_the_2010_layouts(store):
    from abisim.clock import fixed
    from abisim.simulator import Simulator
    import abisim

    old = Simulator(store, fixed(AS_OF), layouts="ki-2010")
    body = old.submit(ki("98-7654321AB", "12-3456789U1"))
    t = abisim.parse(body, layouts="ki-2010")
    assert t.ok, [e.located() for e in t.errors]
    recs = [r for b in t.blocks for r in b.details]
    assert "K7" not in ids(recs)  # no full legal name or center before 2015
    big = [r for r in recs if r.record_id == "K1" and r.bond_number == "992100008"][0]
    # Ruling 18: ten digits do not fit the 2010 K1: nines, no amount location, a journal note.
    assert big.bond_amount == 999_999_999 and big.amount_location is None
    note = store.journal()[-1]["note"]
    assert note.startswith("W33 ") and "992100008" in note and "1200000000" in note
    k4 = [r for r in recs if r.record_id == "K4"][0]
    assert (k4.importer_name, k4.importer_number) == ("GLOBAL FREIGHT HOLDINGS INC", "98-7654321AB")
    lines = body.decode().splitlines()
    k2_user = [l for l in lines if l.startswith("K2")][-1]
    assert k2_user[48:80].strip() == ""  # no bond user status in 2010
