"""Layouts are data: every table covers columns 1-80 exactly once, and the record classes
made from them are frozen, slotted and typed."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import abisim
from abisim.layouts import CLASSES, DESIGNATIONS, all_layouts, coverage_problems, layout_set, versions
from abisim.records import record_class

LAYOUTS = all_layouts()

REQUIRED = {
    "bbc-v23": {"A", "B", "Y", "Z", "X0", "X1"},
    "ki-v7-2025": {"K", "K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8"},
    "ki-2010": {"K", "K1", "K2", "K3", "K4", "K5", "K6"},
    "tp-v12-2019": {"T1", "TA", "T2", "T3", "TB", "TC", "TD", "TE", "TF", "TG", "TH", "TI", "TJ", "TK", "TL",
                    "TM", "TN", "E0", "E1"},
    "ebond-v1.9": {"10", "30", "35", "36", "40", "90"},
    "sim-xp-1": {"P1", "P9", "P8"},
    "ti-legacy": {"T3", "T4", "T5", "T1", "TA", "T2", "TB", "TC"},  # T1-TC: echoes in TR (ruling 20)
}


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda l: f"{l.version}:{l.record_id}")
def test_layout_covers_columns_1_to_80_exactly_once(layout):
    assert coverage_problems(layout) == []
    covered = [c for f in layout.fields for c in range(f.start, f.end + 1)]
    assert sorted(covered) == list(range(1, 81))


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda l: f"{l.version}:{l.record_id}")
def test_fields_are_well_formed(layout):
    names = [f.name for f in layout.fields]
    assert len(names) == len(set(names)), "duplicate field names"
    for f in layout.fields:
        assert f.cls in CLASSES and f.designation in DESIGNATIONS
    first = layout.fields[0]
    assert (first.name, first.start, first.const) == ("record_id", 1, layout.record_id)


def test_coverage_check_finds_gaps_and_overlaps():
    from abisim.layouts import FILL, ID, F, Layout

    bad = Layout("ZZ", "test", (ID("ZZ"), F("a", 3, 10, "X"), F("b", 12, 5, "X"), FILL(20, 79)))
    assert coverage_problems(bad) == ["b overlaps at column 12", "gap at columns 17-19", "layout ends at column 79, not 80"]


def test_every_version_has_its_records():
    assert set(versions()) == set(REQUIRED)
    for version, ids in REQUIRED.items():
        assert {l.record_id for l in LAYOUTS if l.version == version} == ids


def test_default_set_and_choosing_another_version():
    default = layout_set()
    assert default["K2"].version == "ki-v7-2025" and default["T1"].version == "tp-v12-2019"
    old = layout_set(["ki-2010"])
    assert old["K2"].version == "ki-2010" and old["T1"].version == "tp-v12-2019"
    assert "K7" not in old.layouts
    with pytest.raises(ValueError, match="unknown layout version"):
        layout_set(["ki-1999"])


def test_record_classes_are_frozen_slotted_and_typed():
    cls = record_class(layout_set()["K1"])
    assert attrs.has(cls) and "__slots__" in cls.__dict__
    k1 = abisim.make(layout_set()["K1"], importer_number="12-345678900", result_code=1, bond_amount=50_000,
                     effective_date=dt.date(2023, 1, 15))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        k1.result_code = 2
    parsed = abisim.parse(abisim.render([k1])).errors  # a lone K1 is out of place, but typed
    del parsed
    text = abisim.render_record(k1)
    assert text[51:60] == "000050000" and text[64:70] == "011523"
    from abisim.records import parse_record

    back, errors = parse_record(text, layout_set()["K1"])
    assert errors == [] and back == k1
    assert (type(back.bond_amount), type(back.effective_date), back.surety_code) == (int, dt.date, None)


def test_a_value_that_does_not_fit_is_refused_when_rendering():
    k1 = abisim.make(layout_set()["K1"], importer_number="12-345678900-TOO-LONG")
    with pytest.raises(ValueError, match="does not fit"):
        abisim.render_record(k1)


def test_layouts_command_draws_a_ruler():
    from click.testing import CliRunner

    from abisim.cli import main

    out = CliRunner().invoke(main, ["layouts", "K1"]).output.splitlines()
    assert out[1].strip().startswith("1") and len(out[2]) == 80 and len(out[3]) == 80
    assert "52-60    9 (S)N C  R  bond_amount" in "\n".join(out)
    listing = CliRunner().invoke(main, ["layouts"]).output
    assert "T1" in listing and "P9" in listing
    versions_out = CliRunner().invoke(main, ["layouts", "--versions"]).output
    assert "ki-2010" in versions_out and "ki-v7-2025  (default)" in versions_out


def test_legacy_answer_records_hold_only_inside_tr_blocks():
    ls = layout_set()
    assert ls["T3"].version == "tp-v12-2019"  # the 5106's full legal name
    assert ls.within("TR")["T3"].version == "ti-legacy" and ls.within("TR")["T3"].token == "TR_T3"
    assert ls.within("TP")["T3"].version == "tp-v12-2019"
