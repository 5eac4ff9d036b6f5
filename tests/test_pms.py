"""Periodic Monthly Statement activation: every path of CBP's notice, as scenarios."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abisim.rules.bond_team import RiderError, apply_rider
from abisim.rules.pms import eligible_for_pms
from abisim.sample import own_5106
from sim_helpers import details, ki, rec, transmission
from tests.conftest import AS_OF


def activate(sim, number, filer="XJ5", path="N", payment="D"):
    p9s = details(sim.submit(transmission("XP", [rec("P1", action="A", importer_number=number, payment_type=payment,
                                                     path=path)], filer)))
    p9s = [r for r in p9s if r.record_id == "P9"]  # a P02 refusal is followed by its P8 findings
    assert len(p9s) == 1
    return p9s[0]


def outcome(p9):
    return p9.result, p9.condition_code


def test_ctpat_importer_is_activated_without_the_bond_comparison(sim, store):
    p9 = activate(sim, "12-3456789C1", path="C")
    assert outcome(p9) == (1, None)
    assert (p9.switch_filer, p9.switch_date) == ("XJ5", AS_OF)
    assert store.pms_switch("12-3456789C1")["filer_code"] == "XJ5"


def test_ctpat_path_for_an_uncertified_importer_is_p07(sim):
    assert outcome(activate(sim, "12-345678900", path="C")) == (3, "P07")


def test_non_ctpat_with_consistent_data_is_activated_and_notified(sim, store):
    p9 = activate(sim, "12-345678900")
    assert outcome(p9) == (1, None)
    notes = store.notifications("XJ5")
    assert [(n["recipient"], n["kind"]) for n in notes] == [
        ("XJ5", "pms-activated"), ("ACCOUNT.MANAGER.ACME@CBP.EXAMPLE", "pms-activated-copy")]
    k2 = details(sim.submit(ki("12-345678900")))[1]
    assert k2.pms_status == "Y"


def test_importer_without_ace_account_becomes_a_non_portal_account(sim, store):
    assert store.importer("123-45-6789")["ace_account"] == "none"
    assert outcome(activate(sim, "123-45-6789")) == (1, None)
    assert store.importer("123-45-6789")["ace_account"] == "non-portal"
    activate(sim, "98-7654321AB")
    assert store.importer("98-7654321AB")["ace_account"] == "portal"  # an ACE portal account stays one


def test_inconsistent_data_then_rider_then_requery_then_activation(sim, store):
    # the importer's own 5106 copy carries a new mailing address; CBP's bond data the old one
    assert outcome(activate(sim, "12-3456789A1")) == (3, "P02")
    assert details(sim.submit(ki("12-3456789A1")))[2].address_1 == "100 OLD RIVER RD"
    result = apply_rider(store, "12-3456789A1", own_5106("12-3456789A1"), AS_OF, "XJ5")
    assert result.changed == ("mail_address_1",) and result.bonds == ("992300005",)
    assert store.notifications("XJ5")[-1]["kind"] == "bond-rider-complete"
    assert details(sim.submit(ki("12-3456789A1")))[2].address_1 == "250 NEW HARBOR BLVD"
    assert outcome(activate(sim, "12-3456789A1")) == (1, None)
    assert store.importer("12-3456789A1")["ace_account"] == "non-portal"


def test_comparator_agrees_before_and_after_the_rider(sim, store):
    from abisim.compare import compare
    from abisim.rules.bond_query import answer_records

    five106 = own_5106("12-3456789A1")
    before = compare(five106, answer_records(store, "12-3456789A1", AS_OF, "1"), AS_OF)
    assert before.verdict == "inconsistent" and [f.code for f in before.findings] == ["D04"]
    apply_rider(store, "12-3456789A1", five106, AS_OF)
    after = compare(five106, answer_records(store, "12-3456789A1", AS_OF, "1"), AS_OF)
    assert after.verdict == "consistent"


def test_second_broker_is_told_the_switch_is_already_set(sim, store):
    activate(sim, "12-345678900", filer="XJ5")
    p9 = activate(sim, "12-345678900", filer="SV9", payment="C")
    # ruling 30: the date, never the other broker's filer code
    assert outcome(p9) == (2, None) and (p9.switch_filer, p9.switch_date) == (None, AS_OF)
    note = store.notifications("SV9")[-1]
    assert note["kind"] == "pms-already-set" and "XJ5" not in note["text"]
    again = activate(sim, "12-345678900", filer="XJ5")
    assert outcome(again) == (2, None) and again.switch_filer == "XJ5"  # the holder itself is told
    assert store.pms_switch("12-345678900")["payment_type"] == "D"


def test_broker_without_ace_portal_account_is_p04(sim):
    assert outcome(activate(sim, "12-345678900", filer="NP1")) == (3, "P04")


def test_no_power_of_attorney_is_p03(sim, store):
    store.delete_poa("12-345678900", "SV9")
    assert outcome(activate(sim, "12-345678900", filer="SV9")) == (3, "P03")


@pytest.mark.parametrize("number, code", [
    ("12-3456789T1", "P01"),  # terminated bond
    ("12-3456789N1", "P01"),  # insufficient bond
    ("12-3456789U1", "P01"),  # terminated bond user
    ("12-3456789B1", "P01"),  # no bond
    ("12-3456789V1", "P06"),  # voided
    ("12-3456789X1", "P06"),  # inactive
    ("99-9999999AA", "P06"),  # unknown
])
def test_refusals_for_bonds_and_numbers(sim, number, code):
    assert outcome(activate(sim, number)) == (3, code)


def test_bad_payment_type_is_p05(sim):
    assert outcome(activate(sim, "12-345678900", payment="X")) == (3, "P05")


def test_checks_run_in_the_documented_order(sim, store):
    # NP1 (no portal) for a voided importer with a bad payment type: P04 comes first
    assert outcome(activate(sim, "12-3456789V1", filer="NP1", payment="X")) == (3, "P04")
    assert outcome(activate(sim, "12-3456789V1", payment="X")) == (3, "P06")
    assert outcome(activate(sim, "12-3456789T1", payment="X")) == (3, "P05")


def test_query_action(sim):
    def q():
        return details(sim.submit(transmission("XP", [rec("P1", action="Q", importer_number="12-345678900")])))[0]
    assert q().result == 5
    activate(sim, "12-345678900")
    p9 = q()
    assert (p9.result, p9.switch_filer, p9.switch_date) == (4, "XJ5", AS_OF)


def test_a_block_of_many_importers_answers_one_p9_each(sim):
    numbers = ["12-345678900", "12-3456789T1", "12-3456789C1"]
    p9s = details(sim.submit(transmission("XP", [rec("P1", action="A", importer_number=n, payment_type="D", path="N")
                                                 for n in numbers])))
    assert [(p.importer_number, p.result, p.condition_code) for p in p9s] == [
        ("12-345678900", 1, None), ("12-3456789T1", 3, "P01"), ("12-3456789C1", 1, None)]


def test_rider_for_an_unknown_or_mismatched_importer_is_refused(store):
    with pytest.raises(RiderError):
        apply_rider(store, "12-3456789B1", own_5106("12-3456789A1"), AS_OF)


@pytest.mark.parametrize("entry_type, excise, ok", [
    ("01", False, True), ("11", False, True), ("09", False, False), ("08", False, False), ("01", True, False),
])
def test_entry_eligibility(entry_type, excise, ok):
    eligible, reason = eligible_for_pms(entry_type, excise)
    assert eligible is ok and entry_type in reason or "excise" in reason


@pytest.mark.parametrize("number, why", [
    ("12-3456789B1", "not principal, co-principal or active bond user"),  # no bond at all
    ("12-3456789U1", "not principal, co-principal or active bond user"),  # terminated bond user
    ("12-3456789T1", "not principal, co-principal or active bond user"),  # bond terminated
])
def test_rider_needs_a_continuous_bond_in_force(store, number, why):
    before = dict(store.importer(number))
    with pytest.raises(RiderError, match=why):
        apply_rider(store, number, own_5106(number), AS_OF, "XJ5")
    assert dict(store.importer(number)) == before and store.notifications() == []


def test_rider_name_must_be_the_5106_name_and_the_broker_a_filer(store):
    five106 = own_5106("12-3456789A1")
    with pytest.raises(RiderError, match="not the 5106's name"):
        apply_rider(store, "12-3456789A1", five106, AS_OF, "XJ5", rider_name="ALDER HOUSEWARES INC")
    with pytest.raises(RiderError, match="not on file"):
        apply_rider(store, "12-3456789A1", five106, AS_OF, "ZZ9")
    assert store.notifications() == [] and store.importer("12-3456789A1")["mail_address_1"] == "100 OLD RIVER RD"
    assert apply_rider(store, "12-3456789A1", five106, AS_OF, "XJ5", rider_name=" alder  home goods inc").changed


def test_ctpat_importers_are_ace_accounts_from_the_start(store):
    from abisim import fixtures
    from abisim.rules.bond_team import flag_changes

    fixtures.load(store, {"importers": [dict(importer_number="77-1234567CT", name="NEW PARTNER INC", ctpat=True)]})
    assert store.importer("77-1234567CT")["ace_account"] == "non-portal"
    assert flag_changes(store.importer("123-45-6789"), ctpat=True) == {"ctpat": 1, "ace_account": "non-portal"}
    assert flag_changes(store.importer("98-7654321AB"), ctpat=True) == {"ctpat": 1}  # a portal account stays


@pytest.mark.parametrize("bad", ["ABC", "1", "001", "99", "", " 01"])
def test_eligibility_refuses_what_is_not_an_entry_type(bad):
    with pytest.raises(ValueError):
        eligible_for_pms(bad)


def test_eligibility_takes_the_references_keyword():
    assert eligible_for_pms("01", has_excise_tax=True)[0] is False
    assert eligible_for_pms("06", has_excise_tax=False)[0] is True


def test_p02_judges_the_5106_sent_after_the_p1(sim, store):
    """The 5106 on file for 12-345678900 is consistent; the one the broker sends is not."""
    wrong = [r.replace(mail_address_1="9 WRONG WAY") if r.record_id == "T1" else r for r in own_5106("12-345678900")]
    p1 = rec("P1", action="A", importer_number="12-345678900", payment_type="D", path="N")
    answer = details(sim.submit(transmission("XP", [p1, *wrong])))
    p9, *p8s = answer
    assert (p9.result, p9.condition_code, p9.narrative) == (3, "P02", "5106 DATA INCONSISTENT WITH BOND DATA")
    assert [(r.finding_code, r.side, r.source_record, r.field, r.value) for r in p8s] == [
        ("D04", "T", "T1", "MAIL_ADDRESS_1", "9 WRONG WAY"), ("D04", "K", "K3", "MAIL_ADDRESS_1", "100 MAIN ST")]
    assert store.pms_switch("12-345678900") is None
    right = details(sim.submit(transmission("XP", [p1, *own_5106("12-345678900")])))
    assert [(r.record_id, r.result) for r in right] == [("P9", 1)]


def test_without_a_5106_p02_compares_the_one_on_file_and_says_so(sim, store):
    p9, *p8s = details(sim.submit(transmission("XP", [rec("P1", action="A", importer_number="12-3456789A1",
                                                          payment_type="D", path="N")])))
    assert (p9.condition_code, p9.narrative) == ("P02", "5106 ON FILE INCONSISTENT WITH BOND DATA")
    assert {r.finding_code for r in p8s} == {"D04"}


def test_an_importer_without_5106_records_is_judged_on_its_importer_file(sim, store):
    store.update_importer("12-345678900", tp_records=None)
    p9 = activate(sim, "12-345678900")
    assert (p9.result, p9.condition_code) == (1, None)


_value = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=32)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["D02", "D04", "D05", "D06"]),
                          st.sampled_from(["importer_name", "mail_address_1", "mail_postal_code",
                                           "physical_postal_code"]),
                          st.one_of(st.none(), _value), st.one_of(st.none(), _value)), max_size=5))
def test_p8_findings_survive_the_wire(found):
    """P02's findings written as P8 records read back as the same code, field and values."""
    import abisim
    from abisim.compare import DISCREPANCY, Finding, Side
    from abisim.layouts import layout_set
    from abisim.rules.pms import RESULT_REFUSED, Outcome, outcomes_of, p8_records, p9
    from abisim.sample import envelope

    ls = layout_set()
    findings = tuple(Finding(code, DISCREPANCY, field, "", Side(a, "T1", (48, 79)), Side(b, "K3", (3, 34)))
                     for code, field, a, b in found)
    outcome = Outcome("12-345678900", RESULT_REFUSED, "P02", "5106 DATA INCONSISTENT WITH BOND DATA",
                      findings=findings)
    answer = abisim.parse(abisim.render(envelope("XQ", [p9(ls, outcome), *p8_records(ls, outcome)])))
    assert answer.ok, [e.located() for e in answer.errors]
    [back] = outcomes_of([r for b in answer.blocks for r in b.details])
    assert [(f.code, f.field, f.tp.value, f.bond.value) for f in back.findings] == \
        [(c, f, a, b) for c, f, a, b in found]
