"""Tests for the pure-data code lists (abisim.codes) and USPS tables (abisim.usps)."""

import pytest

from abisim import codes, usps


def test_iso_countries_complete_and_clean():
    assert {"US", "CA", "MX", "DE", "CN", "GB"} <= codes.ISO_COUNTRIES
    assert 240 <= len(codes.ISO_COUNTRIES) <= 260
    assert "XK" not in codes.ISO_COUNTRIES  # user-assigned, not official
    assert all(len(c) == 2 and c.isalpha() and c.isupper() for c in codes.ISO_COUNTRIES)
    assert codes.US_TERRITORY_COUNTRIES <= codes.ISO_COUNTRIES


def test_state_and_province_tables():
    assert len(codes.US_STATES) == 50 + 1 + 6 + 3
    assert {"DC", "PR", "VI", "GU", "AS", "MP", "UM", "AA", "AE", "AP"} <= set(codes.US_STATES)
    assert len(codes.CANADIAN_PROVINCES) == 13
    # 32 federal entities plus the CX alias for Mexico City.
    assert len(codes.MEXICAN_STATES) == 33
    assert {"DF", "CX"} <= set(codes.MEXICAN_STATES)
    assert codes.FOREIGN_STATE not in codes.US_STATES


def test_activity_code_maps_are_inverse():
    assert codes.ACTIVITY_LETTERS["A"] == ("1", "Importer or broker")
    assert codes.LETTER_TO_ACTIVITY_CODE["T"] == "20"
    assert codes.ACTIVITY_CODE_TO_LETTER["1A1"] == "C"
    for letter, code in codes.LETTER_TO_ACTIVITY_CODE.items():
        assert codes.ACTIVITY_CODE_TO_LETTER[code] == letter
    assert set(codes.LETTER_TO_ACTIVITY_CODE.values()) <= codes.EBOND_ACTIVITY_CODES
    assert {"6", "7", "8", "10"} <= codes.EBOND_ACTIVITY_CODES
    assert "I" not in codes.ACTIVITY_LETTERS


def test_misc_code_lists_consistent():
    assert codes.GOVERNMENT_IMPORTER_TYPES <= set(codes.IMPORTER_TYPES)
    assert {codes.PO_BOX_TYPE, codes.BSC_TYPE, codes.OTHER_TYPE} <= set(codes.MAILING_ADDRESS_TYPES)
    assert codes.PHYSICAL_TYPES_NOT_ALLOWED <= set(codes.MAILING_ADDRESS_TYPES)
    assert codes.MAILING_ADDRESS_TYPES[codes.OTHER_TYPE] == "Other"
    assert sorted(codes.KI_RESULT_CODES) == [0, 1, 2, 3, 4]
    assert set(codes.BOND_TYPES) == {"8", "9"}
    assert len(codes.CENTER_IDS) == 12 and "CEE010" in codes.CENTER_IDS


@pytest.mark.parametrize(
    "word, abbreviation",
    [
        ("STREET", "ST"),
        ("SUITE", "STE"),
        ("AVENUE", "AVE"),
        ("avenue", "AVE"),
        ("ALLEE", "ALY"),
        ("BOULEVARD", "BLVD"),
        ("WELLS", "WLS"),
        ("NORTHEAST", "NE"),
        ("APARTMENT", "APT"),
        ("ST", "ST"),
        ("MAIN", "MAIN"),
    ],
)
def test_standard_word(word, abbreviation):
    assert usps.standard_word(word) == abbreviation


def test_standardize():
    assert usps.standardize("100 Main Street, Suite 200") == "100 MAIN ST STE 200"
    assert usps.standardize("100  main st.  ste 200") == "100 MAIN ST STE 200"
    assert usps.standardize("1 N.E. Park Ave.,Apt 3") == "1 NE PARK AVE APT 3"
    assert usps.standardize("") == ""


def test_tables_are_self_consistent():
    assert len(set(usps.STREET_SUFFIXES.values())) >= 150
    for table in (usps.STREET_SUFFIXES, usps.SECONDARY_UNITS, usps.DIRECTIONALS):
        for abbreviation in table.values():
            assert table[abbreviation] == abbreviation
    # standard_word is idempotent across all tables.
    for table in (usps.STREET_SUFFIXES, usps.SECONDARY_UNITS, usps.DIRECTIONALS):
        for word in table:
            once = usps.standard_word(word)
            assert usps.standard_word(once) == once
