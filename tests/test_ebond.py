"""CB -> CX scenarios: new continuous bond, termination, riders; answered with record 90."""

from __future__ import annotations

import datetime as dt

from sim_helpers import details, ids, ki, rec, transmission


def new_bond(principal="12-3456789B1", amount=75_000, **ten):
    values = dict(designation="B", bond_type="8", activity_code="1", amount=amount,
                  execution_date=dt.date(2026, 11, 1), effective_date=dt.date(2026, 11, 1), **ten)
    return [
        rec("10", **values),
        rec("30", id_type="EI", id_number=principal, name="BONDLESS BAZAAR INC"),
        rec("40", surety_code="036", surety_name="SAMPLE SURETY COMPANY OF AMERICA"),
    ]


def outcome(recs):
    return [(r.disposition, r.severity, r.condition_code) for r in recs if r.record_id == "90"]


def test_new_continuous_bond_gets_a_number_and_answers_the_bond_query(sim, store):
    recs = details(sim.submit(transmission("CB", new_bond())))
    assert ids(recs) == ["10", "90"]
    assert outcome(recs) == [("A", "I", "992")]
    number = recs[0].bond_number
    assert number.startswith("9926") and len(number) == 9
    k = details(sim.submit(ki("12-3456789B1")))
    assert (k[0].result_code, k[0].bond_number, k[0].bond_amount) == (1, number, 75_000)


def test_bond_below_the_activity_1_minimum_is_refused(sim):
    assert outcome(details(sim.submit(transmission("CB", new_bond(amount=40_000))))) == [("R", "F", "B04")]


def test_unknown_surety_and_unknown_principal_are_both_reported(sim):
    group = new_bond(principal="77-7777777AA")
    group[2] = group[2].replace(surety_code="999")
    assert outcome(details(sim.submit(transmission("CB", group)))) == [(None, "F", "B02"), ("R", "F", "B03")]


def test_termination_less_than_15_days_after_execution_is_refused(sim):
    group = new_bond(termination_date=dt.date(2026, 11, 10))
    assert outcome(details(sim.submit(transmission("CB", group)))) == [("R", "F", "B05")]


def test_terminate_a_bond(sim, store):
    group = [rec("10", designation="T", bond_type="8", activity_code="1", bond_number="992300005",
                 termination_date=dt.date(2026, 12, 31)),
             rec("30", id_type="EI", id_number="12-3456789A1", name="ALDER HOME GOODS INC"),
             rec("40", surety_code="756")]
    assert outcome(details(sim.submit(transmission("CB", group)))) == [("A", "I", "993")]
    assert store.bond("992300005")["termination_date"] == "2026-12-31"
    again = details(sim.submit(transmission("CB", group)))
    assert outcome(again) == [("R", "F", "B10")]


def test_terminate_an_unknown_bond(sim):
    group = [rec("10", designation="T", bond_type="8", activity_code="1", bond_number="990000000",
                 termination_date=dt.date(2026, 12, 31)),
             rec("30", id_type="EI", id_number="12-3456789A1", name="X"), rec("40", surety_code="756")]
    assert outcome(details(sim.submit(transmission("CB", group)))) == [("R", "F", "B01")]


def test_rider_changes_the_principal_name_and_adds_and_deletes_users(sim, store):
    group = [rec("10", designation="R", bond_type="8", activity_code="1", bond_number="992300001"),
             rec("30", id_type="EI", id_number="12-345678900", name="ACME TRADING COMPANY"),
             rec("36", id_type="EI", id_number="12-3456789B1", name="BONDLESS BAZAAR INC", user_action="A",
                 user_add_date=dt.date(2026, 11, 20)),
             rec("40", surety_code="036")]
    assert outcome(details(sim.submit(transmission("CB", group)))) == [("A", "I", "994")]
    assert store.importer("12-345678900")["name"] == "ACME TRADING COMPANY"
    k = details(sim.submit(ki("12-3456789B1")))
    assert (k[0].result_code, k[0].bond_number, k[1].user_status) == (1, "992300001", "A")
    delete = [group[0], group[1],
              rec("36", id_type="EI", id_number="12-3456789B1", name="BONDLESS BAZAAR INC", user_action="D",
                  user_delete_date=dt.date(2026, 11, 24)), group[3]]
    assert outcome(details(sim.submit(transmission("CB", delete)))) == [("A", "I", "994")]
    k = details(sim.submit(ki("12-3456789B1")))
    assert (k[1].user_status, k[1].user_termination_date) == ("T", dt.date(2026, 11, 24))


def test_single_transaction_designation_is_refused(sim):
    group = new_bond()
    group[0] = group[0].replace(designation="A")
    assert outcome(details(sim.submit(transmission("CB", group)))) == [("R", "F", "B08")]


def test_party_id_number_must_match_its_id_type(sim):
    group = new_bond()
    group[1] = group[1].replace(id_type="34")  # SSN type with an EIN
    recs = details(sim.submit(transmission("CB", group)))
    assert outcome(recs) == [("R", "F", "R03")]


def test_a_bad_field_is_not_echoed_in_the_answer(sim):
    group = new_bond()
    data = transmission("CB", group).replace(b"110126", b"139926", 1)  # execution date 13/99/26
    body = sim.submit(data)
    recs = details(body)
    assert outcome(recs) == [("R", "F", "PDM")]
    assert recs[0].execution_date is None and recs[0].effective_date == dt.date(2026, 11, 1)
