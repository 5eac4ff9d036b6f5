"""The comparator: every finding code from a minimal case, abbreviations as warnings."""

from __future__ import annotations

import datetime as dt

import pytest

from abisim.compare import compare, group_kr, group_tp, normalise
from sim_helpers import rec

AS_OF = dt.date(2026, 11, 25)
NUMBER = "12-345678900"


def five106(name="ACME TRADING CO", addr1="100 MAIN ST", addr2=None, city="CHICAGO", state="IL",
            postal="60601", ta=None, physical=None):
    out = [rec("T1", action="U", importer_number=NUMBER, importer_name=name, mail_address_1=addr1, importer_type="C")]
    if ta:
        out.append(rec("TA", name_qualifier=ta[0], name_line_2=ta[1]))
    out.append(rec("T2", mail_address_2=addr2, mail_city=city, mail_state=state, mail_postal_code=postal,
                   mail_country="US"))
    if physical:
        out.append(rec("TB", physical_address_1=physical[0]))
        out.append(rec("TC", physical_city=physical[1], physical_state="IL", physical_postal_code="60608",
                       physical_country="US"))
    return out


def answer(result=1, name="ACME TRADING CO", activity="A", k2=None, addr1="100 MAIN ST", addr2=None,
           city="CHICAGO", state="IL", postal="60601", physical=None, bonds=1):
    out = []
    for i in range(bonds if result == 1 else 1):
        out.append(rec("K1", importer_number=NUMBER, result_code=result, importer_name=name if result else None,
                       surety_code="036" if result == 1 else None, activity_code=activity if result == 1 else None,
                       bond_amount=50_000 if result == 1 else None, bond_number=f"99230000{i}" if result == 1 else None))
        if result == 1:
            out.append(rec("K2", **{"pms_status": "N", "sufficiency": "Y", **(k2 or {})}))
    if result:
        out.append(rec("K3", address_1=addr1, address_2=addr2))
        out.append(rec("K4", city=city, state=state, postal_code=postal))
    if physical:
        out.append(rec("K5", address_1=physical[0]))
        out.append(rec("K6", city=physical[1], state="IL", postal_code="60608"))
    return out


def codes_of(c):
    return [f.code for f in c.findings]


def test_identical_data_is_consistent():
    c = compare(five106(), answer(), AS_OF)
    assert (c.verdict, c.findings, c.warnings) == ("consistent", (), ())


def test_d01_on_file_without_bond_and_not_on_file():
    assert codes_of(compare(five106(), answer(result=2), AS_OF)) == ["D01"]
    c = compare(five106(), answer(result=0), AS_OF)
    assert codes_of(c) == ["D01"] and c.findings[0].bond.columns == (15, 15)
    assert codes_of(compare(five106(), [], AS_OF)) == ["D01"]


def test_d02_name_differs_with_both_values_and_columns():
    c = compare(five106(name="ACME TRADING COMPANY"), answer(), AS_OF)
    f = c.findings[0]
    assert (f.code, f.field, f.tp.value, f.bond.value) == ("D02", "importer_name", "ACME TRADING COMPANY",
                                                           "ACME TRADING CO")
    assert (f.tp.record, f.tp.columns, f.bond.record, f.bond.columns) == ("T1", (16, 47), "K1", (16, 47))


def test_d03_name_line_2_and_qualifier():
    c = compare(five106(ta=("DBA", "ACME TOYS")), answer(k2={"name_qualifier": "AKA", "name_line_2": "ACME TOYS"}),
                AS_OF)
    assert codes_of(c) == ["D03"] and c.findings[0].field == "name_qualifier"
    assert codes_of(compare(five106(), answer(k2={"name_qualifier": "DBA", "name_line_2": "X"}), AS_OF)) == [
        "D03", "D03"]


def test_d04_mailing_lines():
    c = compare(five106(addr1="250 NEW HARBOR BLVD", addr2="FL 2"), answer(), AS_OF)
    assert [(f.code, f.field) for f in c.findings] == [("D04", "mail_address_1"), ("D04", "mail_address_2")]
    assert c.findings[1].tp.columns == (15, 46) and c.findings[1].bond.columns == (35, 66)


def test_d05_city_state_postal():
    c = compare(five106(city="EVANSTON", state="IN", postal="60201"), answer(), AS_OF)
    assert [f.field for f in c.findings] == ["mail_city", "mail_state", "mail_postal_code"]
    assert {f.code for f in c.findings} == {"D05"}


def test_zip_plus_4_only_is_a_warning():
    c = compare(five106(postal="606011234"), answer(), AS_OF)
    assert c.verdict == "consistent" and [f.code for f in c.warnings] == ["D05"]


def test_d06_physical_address_when_both_sides_have_it():
    c = compare(five106(physical=("1 DOCK RD", "CHICAGO")), answer(physical=("9 PIER RD", "CHICAGO")), AS_OF)
    assert [(f.code, f.field) for f in c.findings] == [("D06", "physical_address_1")]
    one_side = compare(five106(physical=("1 DOCK RD", "CHICAGO")), answer(), AS_OF)
    # §8 has no exception for an address on one side only: a discrepancy, not a warning
    assert one_side.verdict == "inconsistent" and [f.code for f in one_side.findings] == ["D06"]
    assert not one_side.warnings


def test_d07_terminated_bond():
    c = compare(five106(), answer(k2={"termination_date": AS_OF}), AS_OF)
    assert codes_of(c) == ["D07"] and c.findings[0].bond_number == "992300000"
    later = compare(five106(), answer(k2={"termination_date": AS_OF + dt.timedelta(days=1)}), AS_OF)
    assert later.consistent


def test_d08_insufficient_bond():
    assert codes_of(compare(five106(), answer(k2={"sufficiency": "N"}), AS_OF)) == ["D08"]


def test_d09_terminated_bond_user():
    assert codes_of(compare(five106(), answer(k2={"user_status": "T",
                                                  "user_termination_date": AS_OF}), AS_OF)) == ["D09"]
    assert compare(five106(), answer(k2={"user_status": "A"}), AS_OF).consistent


def test_d10_no_activity_1_bond():
    c = compare(five106(), answer(activity="E"), AS_OF)
    assert codes_of(c) == ["D10"] and c.findings[0].bond.columns == (51, 51)
    assert compare(five106(), answer(activity="C"), AS_OF).consistent  # 1 and 1a combined


def test_d11_voided_or_inactive():
    assert codes_of(compare(five106(), answer(result=3), AS_OF)) == ["D11"]
    assert codes_of(compare(five106(), answer(result=4), AS_OF)) == ["D11"]


def test_a_good_bond_makes_other_bonds_problems_warnings():
    kr = answer(bonds=2)
    kr[1] = kr[1].replace(sufficiency="N")
    c = compare(five106(), kr, AS_OF)
    assert c.consistent and [f.code for f in c.warnings] == ["D08"]


@pytest.mark.parametrize("tp_value, bond_value", [
    ("100 MAIN STREET", "100 MAIN ST"),
    ("100 MAIN ST SUITE 200", "100 MAIN ST STE 200"),
    ("100 N MAIN AVENUE", "100 NORTH MAIN AVE"),
])
def test_usps_abbreviations_are_warnings(tp_value, bond_value):
    c = compare(five106(addr1=tp_value), answer(addr1=bond_value), AS_OF)
    assert c.verdict == "consistent" and [f.code for f in c.warnings] == ["D04"]


def test_text_is_normalised_before_comparison():
    assert normalise("  acme   trading co ") == "ACME TRADING CO"
    assert compare(five106(name="ACME  TRADING CO"), answer(), AS_OF).consistent


def test_grouping_streams_of_records():
    tp = five106() + [rec("T1", action="U", importer_number="12-3456789B1", importer_name="B",
                          mail_address_1="X")]
    assert [(n, len(g)) for n, g in group_tp(tp)] == [(NUMBER, 2), ("12-3456789B1", 1)]
    kr = answer(bonds=2) + [rec("K1", importer_number="12-3456789B1", result_code=0)]
    groups = group_kr(kr)
    assert [r.record_id for r in groups[NUMBER]] == ["K1", "K2", "K1", "K2", "K3", "K4"]
    assert len(groups["12-3456789B1"]) == 1


def test_compare_is_pure_and_repeatable():
    tp, kr = five106(addr1="1 X ST"), answer()
    assert compare(tp, kr, AS_OF) == compare(tp, kr, AS_OF)
