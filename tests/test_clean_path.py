"""The clean-input path of parse (abisim.recognize) against the general path: the same
transmission, records, errors and bytes, on valid input and on input damaged every way
the mutation generator knows, plus single characters changed anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import abisim
from abisim import transmission as tm
from abisim.generate.mutations import KINDS, mutations
from abisim.recognize import LazyBatches
from strategies import APPLICATIONS, transmissions

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def clean_path_for_every_size(monkeypatch):
    monkeypatch.setattr(tm, "CLEAN_PATH_FROM", 0)


def general(data, validate):
    tm.CLEAN_PATH = False
    try:
        return abisim.parse(data, validate=validate)
    finally:
        tm.CLEAN_PATH = True


def same_reading(data: bytes, validate: bool, layouts=None) -> bool:
    """Both paths read ``data`` alike; True when the clean path took it."""
    tm.CLEAN_PATH = False
    try:
        old = abisim.parse(data, validate=validate, layouts=layouts)
    finally:
        tm.CLEAN_PATH = True
    new = abisim.parse(data, validate=validate, layouts=layouts)
    assert new.errors == old.errors
    assert new == old
    assert abisim.render(new) == abisim.render(old)
    old_records, new_records = list(old.records()), list(new.records())
    assert new_records == old_records
    assert [(type(r), r.line, r.values()) for r in new_records] == [(type(r), r.line, r.values())
                                                                      for r in old_records]
    assert [len(b.details) for b in new.blocks] == [len(b.details) for b in old.blocks]
    return isinstance(new.batches, LazyBatches)


def frame(records, newline: str, final: bool) -> bytes:
    text = newline.join(abisim.render_record(r) for r in records)
    return (text + (newline if final and newline else "")).encode("latin-1")


@SETTINGS
@given(st.lists(transmissions(), min_size=1, max_size=3), st.sampled_from(["\n", "\r\n", ""]), st.booleans(),
       st.booleans())
def test_valid_transmissions_read_alike_and_take_the_clean_path(batches, newline, final, validate):
    records = [r for batch in batches for r in batch]
    data = frame(records, newline, final)
    took = same_reading(data, validate)
    # One application per transmission, so every batch is one the recognizer states.
    apps = {b[1].application_id for b in batches}
    if len(apps) == 1 and not general(data, validate).errors:
        assert took


@SETTINGS
@given(transmissions(), st.sampled_from(KINDS), st.integers(0, 1000), st.booleans())
def test_mutated_transmissions_read_alike(records, kind, seed, validate):
    data = frame(records, "\n", True)
    for m in mutations(data, 1, seed=seed, kinds=(kind,)):
        same_reading(m.data, validate)


@SETTINGS
@given(st.lists(transmissions(), min_size=1, max_size=2), st.data(), st.booleans())
def test_any_character_changed_reads_alike(batches, data, validate):
    lines = [abisim.render_record(r) for batch in batches for r in batch]
    for _ in range(data.draw(st.integers(1, 3))):
        n = data.draw(st.integers(0, len(lines) - 1))
        col = data.draw(st.integers(0, 79))
        c = data.draw(st.sampled_from(" 0129AZKPTYBaz-\x7f\xe9") | st.characters(min_codepoint=32, max_codepoint=126))
        lines[n] = lines[n][:col] + c + lines[n][col + 1:]
    same_reading(("\n".join(lines) + "\n").encode("latin-1"), validate)


@SETTINGS
@given(st.lists(transmissions(apps=("KR", "XP", "TP")), min_size=1, max_size=2), st.data(), st.booleans())
def test_records_moved_or_repeated_read_alike(batches, data, validate):
    lines = [abisim.render_record(r) for batch in batches for r in batch]
    n = data.draw(st.integers(0, len(lines) - 1))
    to = data.draw(st.integers(0, len(lines)))
    lines.insert(to, lines[n] if data.draw(st.booleans()) else lines.pop(n))
    same_reading(("\n".join(lines) + "\n").encode("latin-1"), validate)


@SETTINGS
@given(transmissions(apps=("KR",)), st.data(), st.booleans())
def test_a_bond_whose_k2_is_missing_or_elsewhere_reads_alike(records, data, validate):
    from abisim.sample import envelope

    details = records[2:-2]
    k2s = [n for n, r in enumerate(details) if r.record_id == "K2"]
    assume(k2s)
    k2 = details.pop(data.draw(st.sampled_from(k2s)))
    if data.draw(st.booleans()):
        details.insert(data.draw(st.integers(0, len(details))), k2)
    same_reading(frame(envelope("KR", details, records[1].filer_code), "\n", True), validate)


@pytest.mark.parametrize("layouts", [None, "ki-2010"])
@pytest.mark.parametrize("validate", [True, False])
def test_every_sample_file_reads_alike(validate, layouts):
    taken = 0
    for path in sorted((ROOT / "samples").rglob("*.abi")):
        taken += same_reading(path.read_bytes(), validate, layouts)
    assert taken  # the samples include clean transmissions the recognizer takes


def test_a_block_of_more_than_99_activations_is_the_general_path_s():
    from abisim.layouts import layout_set
    from abisim.sample import envelope

    p1 = abisim.make(layout_set()["P1"], action="Q", importer_number="12-345678900")
    data = frame(envelope("XP", [p1] * 100, "XJ5"), "\n", True)
    assert not same_reading(data, True)
    assert [e.code for e in abisim.parse(data).errors] == ["X36"]
