"""The records half of the real-wire corpus (tests/wire/records/, rulings 11, 12, 18-20).

Each ``NAME.in.abi`` is submitted to the sample database at 2026-11-25 and must give
``NAME.out.abi`` byte for byte (``ki-2010-*`` under ``--layouts ki-2010``); each other
``NAME.abi`` is an answer as real systems write it and must parse with exit 0, giving
``NAME.parse`` on stdout and ``NAME.stderr`` (its warnings) on stderr.
``ABISIM_REGEN=1`` rewrites the expected files: read the diff before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import abisim
from abisim.cli import main
from abisim.layouts import layout_set
from conftest import AS_OF

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tests" / "wire" / "records"
REGEN = bool(os.environ.get("ABISIM_REGEN"))
INPUTS = sorted(p.name[: -len(".in.abi")] for p in FOLDER.glob("*.in.abi"))
ANSWERS = sorted(p.stem for p in FOLDER.glob("*.abi") if not p.name.endswith((".in.abi", ".out.abi")))


def layouts_of(name: str) -> str | None:
    return "ki-2010" if name.startswith("ki-2010") else None


def cli(*args):
    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:  # click 8.2 keeps stderr apart already
        runner = CliRunner()
    return runner.invoke(main, list(args))


def golden(path: Path, actual: str | bytes) -> None:
    if REGEN:
        path.write_bytes(actual if isinstance(actual, bytes) else actual.encode())
    expected = path.read_bytes() if isinstance(actual, bytes) else path.read_text()
    assert actual == expected


@pytest.mark.parametrize("name", INPUTS)
def test_submitted_transmission_gives_its_answer(store, name):
    from abisim.clock import fixed
    from abisim.simulator import Simulator

    sim = Simulator(store, fixed(AS_OF), layouts=layouts_of(name))
    answer = sim.submit((FOLDER / f"{name}.in.abi").read_bytes())
    golden(FOLDER / f"{name}.out.abi", answer)
    t = abisim.parse(answer, layouts=layouts_of(name))
    # abisim writes the layouts it answers under exactly: not even a legacy-shape warning.
    assert t.errors == (), [e.located() for e in t.errors]
    assert abisim.render(t) == answer


@pytest.mark.parametrize("name", ANSWERS)
def test_real_shaped_answer_parses_with_exit_0(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = cli("parse", str((FOLDER / f"{name}.abi").relative_to(ROOT)))
    assert result.exit_code == 0, result.stderr
    golden(FOLDER / f"{name}.parse", result.stdout)
    golden(FOLDER / f"{name}.stderr", result.stderr)


def test_every_answer_case_has_its_expected_files():
    for name in INPUTS:
        assert (FOLDER / f"{name}.out.abi").exists()
    for name in ANSWERS:
        assert (FOLDER / f"{name}.parse").exists() and (FOLDER / f"{name}.stderr").exists()


# ---------------------------------------------------------------- what each case shows


def read(name: str):
    return abisim.parse((FOLDER / name).read_bytes(), layouts=layouts_of(name))


def details(name: str) -> list:
    return [r for b in read(name).blocks for r in b.details]


def test_ruling_11_12_mixed_case_and_plus_phones_are_accepted():
    t = read("tp-mixed-case-phones.in.abi")
    assert t.errors == ()
    tm = next(r for r in t.records() if r.record_id == "TM")
    assert (tm.broker_name, tm.certifier_phone) == ("CargoWise Support", "+18473111111")
    recs = details("tp-mixed-case-phones.out.abi")
    assert [(r.record_id, getattr(r, "condition_code", None)) for r in recs] == [("E0", None), ("E1", "K32")]
    assert recs[0].importer_name == "IANTESTIMPORTER1"  # ruling 19: the name without its spaces


def test_ruling_11_lower_case_in_a_and_an_fields_is_the_5106_condition():
    codes = [(r.condition_code, r.narrative) for r in details("tp-lower-case-a-an.out.abi") if r.record_id == "E1"]
    assert [c for c, _ in codes] == ["R14", "R31", "PDM"]
    assert codes[2][1] == "PROGRAM 1 IN LOWER CASE"
    assert "X40" not in (FOLDER / "tp-lower-case-a-an.out.abi").read_text()


def test_ruling_11_lower_case_elsewhere_is_pdm_in_the_applications_own_answer(sim):
    from sim_helpers import rec, transmission
    from test_ebond import new_bond

    xp = transmission("XP", [rec("P1", action="A", importer_number="12-3456789C1", payment_type="D", path="C")])
    answer = sim.submit(xp.replace(b"P1A12-3456789C1DC", b"P1A12-3456789C1dC")).decode()
    assert "P912-3456789C13PDMPAYMENT TYPE IN LOWER CASE" in answer and "999" not in answer
    cb = transmission("CB", new_bond()).replace(b"\n30EI ", b"\n30ei ")
    answer = sim.submit(cb).decode()
    assert "90RFPDM  ID TYPE IN LOWER CASE" in answer and "X40" not in answer and "999" not in answer


def test_ruling_18_ki_2010_amounts_and_the_journal_note(store):
    from abisim.clock import fixed
    from abisim.simulator import Simulator

    Simulator(store, fixed(AS_OF), layouts="ki-2010").submit((FOLDER / "ki-2010-amounts.in.abi").read_bytes())
    lines = [l for l in (FOLDER / "ki-2010-amounts.out.abi").read_text().splitlines() if l.startswith("K1")]
    big = next(l for l in lines if l[70:79] == "992100008")
    assert big[51:60] == "999999999" and big[79] == " "
    for l in lines:
        if l[14] != "1":
            assert l[51:60] == "000000000"  # no bond: zeros in 2010
    note = store.journal()[-1]["note"]
    assert note.startswith("W33 ") and "98-7654321AB" in note and "992100008" in note


def test_ruling_18_pre_v7_answer_reads_with_warnings_only():
    t = read("kr-pre-v7.abi")
    assert t.ok
    assert {e.code for e in t.warnings} == {"W30", "W31", "W32"}
    k4 = next(r for r in t.records() if r.record_id == "K4")
    assert (k4.legacy_name, k4.legacy_importer_number, k4.city) == ("ACME TRADING CO", "12-345678900", "CHICAGO")
    name_only = next(r for r in t.records() if r.record_id == "K2")
    assert (name_only.name_line_2, name_only.pms_status, name_only.sufficiency) == ("ACME TOYS", None, None)
    # The writer keeps today's layout: the legacy fields are never written.
    blank = abisim.render_record(k4.replace(legacy_name=None, legacy_importer_number=None))
    assert blank[2:34].strip() == "" and blank[66:80].strip() == ""


def _diff_json(*args) -> dict:
    result = cli("diff", str(FOLDER / "5106s-for-diff.tp"), "--as-of", AS_OF.isoformat(), "--json", *args)
    assert result.exit_code == 1, result.output
    rows = [json.loads(l) for l in result.stdout.splitlines()]
    return {r["importer_number"]: (r["verdict"], sorted((f["code"], f["bond_number"]) for f in r["findings"]),
                                   sorted(f["code"] for f in r["warnings"]))
            for r in rows if r["type"] == "importer"}


def test_ruling_18_diff_over_a_pre_v7_answer_gives_todays_verdicts(sim, tmp_path):
    from sim_helpers import ki

    numbers = sorted({l[2:14] for l in (FOLDER / "kr-pre-v7.abi").read_text().splitlines() if l[:2] == "K1"})
    today = []
    for i in range(0, len(numbers), 6):  # six importers per K record, one K per batch
        path = tmp_path / f"today-{i}.abi"
        path.write_bytes(sim.submit(ki(*numbers[i:i + 6], address=True)))
        today += ["--bonds", str(path)]
    old = _diff_json("--bonds", str(FOLDER / "kr-pre-v7.abi"))
    assert len(old) == 10 and old == _diff_json(*today)
    assert old["12-3456789U1"][0] == "inconsistent" and old["12-345678900"][0] == "consistent"


def test_ruling_18_a_k2_after_several_k1_belongs_to_the_k1_just_before_it():
    from abisim.compare import compare

    kr = details("kr-pre-v7.abi")
    first = next(i for i, r in enumerate(kr) if r.record_id == "K1" and r.importer_number == "98-7654321AB")
    k1, k1_second, k2 = kr[first:first + 3]
    assert (k1.record_id, k1_second.record_id, k2.record_id) == ("K1", "K1", "K2")
    tp = [abisim.make(layout_set()["T1"], action="U", importer_number="98-7654321AB",
                      importer_name="GLOBAL FREIGHT HOLDINGS INC")]
    found = compare(tp, [k1, k1_second, k2.replace(sufficiency="N")], AS_OF)
    # The first bond has no K2, so nothing against it: it is good; the second's findings
    # (activity E, and the insufficiency its K2 says) are warnings.
    assert found.consistent
    assert sorted((f.code, f.bond_number) for f in found.warnings) == [
        ("D08", k1_second.bond_number), ("D10", k1_second.bond_number)]


def test_ruling_19_legacy_e1_reads_as_severity_f_without_disposition():
    t = read("tt-legacy-e1.abi")
    e1 = next(r for r in t.records() if r.record_id == "E1")
    assert (e1.disposition, e1.severity, e1.condition_code) == (None, "F", "R04")
    assert [e.code for e in t.warnings] == ["W01"]
    assert abisim.render_record(e1).startswith("E1 FR04")  # written in today's order


def test_ruling_20_answer_shape():
    recs = details("ti-answer-shape.out.abi")
    shape = [(r.record_id, getattr(r, "message_code", None)) for r in recs]
    assert shape == [("T1", None), ("T3", "ACY"), ("T2", None), ("T3", "R14"), ("T5", "K32"), ("T4", "K32")]
    assert recs[5].importer_number.startswith("263901-")
    sent = (FOLDER / "ti-answer-shape.in.abi").read_text().splitlines()
    assert abisim.render_record(recs[0]) == sent[2] and abisim.render_record(recs[2]) == sent[5]
    test_mode = [(r.record_id, r.message_code) for r in details("ti-test-mode.out.abi")]
    assert test_mode == [("T5", "2EE"), ("T4", "2EE")]
    older = [r.record_id for r in details("tr-legacy-shape.abi")]
    assert older[:4] == ["T1", "TA", "T2", "T3"]


def test_ruling_18_user_status_and_blank_sufficiency_read_under_ki_2010_too():
    lines = (FOLDER / "kr-pre-v7.abi").read_text().splitlines()
    a, b, z = lines[0], lines[1], lines[-1]
    k1 = next(l for l in lines if l.startswith("K112-3456789U1"))
    user_k2 = lines[lines.index(k1) + 1]  # K2 ... N Y T 102626
    name_only = next(l for l in lines if l.startswith("K2DBA"))  # 46 and 48 blank
    its_k1 = lines[lines.index(name_only) - 1]
    y = f"Y  3901XJ5KR{4:05d}".ljust(80)
    t = abisim.parse("\n".join([a, b, k1, user_k2, its_k1, name_only, y, z]) + "\n", layouts="ki-2010")
    assert t.ok, [e.located() for e in t.errors]
    k2s = [r for r in t.records() if r.record_id == "K2"]
    assert (k2s[0].user_status, k2s[1].sufficiency, k2s[1].name_line_2) == ("T", None, "ACME TOYS")
