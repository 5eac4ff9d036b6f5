"""`abisim parse` on every sample gives its golden output; exit codes; the JSON schema."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from click.testing import CliRunner

from abisim.cli import main
from sample_files import ANSWERS, ROOT, VALID, invalid

VALID_DIR, INVALID_DIR = ROOT / "samples" / "valid", ROOT / "samples" / "invalid"
INVALID = invalid()
REGEN = bool(os.environ.get("ABISIM_REGEN"))


def parse(*args):
    return CliRunner(mix_stderr=False).invoke(main, ["parse", *args]) if _has_mix() else \
        CliRunner().invoke(main, ["parse", *args])


def _has_mix() -> bool:
    import inspect

    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters


def relative(path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_sample_golden_output(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = VALID_DIR / name
    if REGEN:
        VALID_DIR.mkdir(exist_ok=True)
        shutil.copyfile(ANSWERS / VALID[name], path)
    result = parse(relative(path))
    assert result.exit_code == 0, result.stderr
    golden = path.with_suffix(".parse")
    if REGEN:
        golden.write_text(result.stdout)
    assert result.stdout == golden.read_text()
    assert path.read_bytes() == (ANSWERS / VALID[name]).read_bytes()


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_sample_golden_errors(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = INVALID_DIR / f"{name}.abi"
    if REGEN:
        INVALID_DIR.mkdir(exist_ok=True)
        path.write_bytes(INVALID[name])
    assert path.read_bytes() == INVALID[name], "sample changed: regenerate and review"
    result = parse(relative(path))
    assert result.exit_code == 2
    golden = path.with_suffix(".errors")
    if REGEN:
        golden.write_text(result.stderr)
    assert result.stderr == golden.read_text()
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{relative(path)}:")


def test_every_sample_file_is_known():
    assert {p.name for p in VALID_DIR.glob("*.abi")} == set(VALID)
    assert {p.stem for p in INVALID_DIR.glob("*.abi")} == set(INVALID)


def test_json_lines_schema(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = parse("samples/valid/kr.abi", "--json")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(r) == {"type", "file", "line", "record_id", "layout", "fields"} for r in rows)
    k1 = next(r for r in rows if r["record_id"] == "K1")
    assert k1["layout"] == "ki-v7-2025" and k1["fields"]["effective_date"] == "2023-01-15"
    assert isinstance(k1["fields"]["bond_amount"], int) and k1["fields"]["surety_code"] == "036"
    bad = parse("samples/invalid/bad-date.abi", "--json")
    errors = [json.loads(l) for l in bad.stdout.splitlines() if '"type":"error"' in l]
    assert set(errors[0]) == {"type", "file", "code", "message", "line", "first_column", "last_column",
                              "record_id", "field", "value", "severity"}
    assert (errors[0]["code"], errors[0]["line"], errors[0]["first_column"]) == ("X10", 1, 15)


def test_errors_show_the_record_and_a_caret_line(monkeypatch):
    monkeypatch.chdir(ROOT)
    lines = parse("samples/invalid/lower-case.abi").stderr.splitlines()
    assert lines[0].startswith("samples/invalid/lower-case.abi:4:68-69: R14 LOWER CASE MAIL ADDR")
    assert lines[1] == "    " + (INVALID_DIR / "lower-case.abi").read_text().splitlines()[3]
    assert lines[2] == "    " + " " * 67 + "^" * 2
    assert len(lines) == 3  # `Austin` in the city (class X) is no error


def test_several_files_exit_2_when_any_is_bad(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert parse("samples/valid/ki.abi", "samples/valid/tp.abi").exit_code == 0
    assert parse("samples/valid/ki.abi", "samples/invalid/bad-date.abi").exit_code == 2
    assert parse("no/such/file.abi").exit_code == 2


def test_layouts_option_and_lenient_mode(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert parse("samples/valid/kr.abi", "--layouts", "nope").exit_code == 2
    old = parse("samples/valid/kr.abi", "--layouts", "ki-2010")
    assert old.exit_code == 2 and "X34" in old.stderr  # K7/K8 did not exist before 2015
    lenient = parse("samples/invalid/short-last-record.abi", "--lenient")
    assert lenient.exit_code == 0 and "W12 (warning)" in lenient.stderr


def test_help_and_version():
    assert CliRunner().invoke(main, ["parse", "--help"]).exit_code == 0
    assert CliRunner().invoke(main, ["--version"]).exit_code == 0
