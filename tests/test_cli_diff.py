"""`abisim diff`: verdicts for the magic importers in text, JSON and HTML; both bond sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from abisim.cli import main

ROOT = Path(__file__).resolve().parent.parent
TP_FILES = sorted(str(p) for p in (ROOT / "samples/importers").glob("*.abi"))
KR_FILES = [str(ROOT / "samples/answers/ki-magic-1.out.abi"), str(ROOT / "samples/answers/ki-magic-2.out.abi")]
AS_OF = ["--as-of", "2026-11-25"]

# The documented verdicts (docs/diff.md) for the magic importers' own 5106 copies.
EXPECTED = {
    "12-345678900": [],
    "12-3456789C1": [],
    "12-3456789T1": ["D07"],
    "12-3456789N1": ["D08"],
    "12-3456789U1": ["D09"],
    "12-3456789A1": ["D04"],
    "12-3456789V1": ["D11"],
    "12-3456789X1": ["D11"],
    "12-3456789B1": ["D01"],
}


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "diff.sqlite3")
    assert CliRunner().invoke(main, ["db", "init", "--sample", "--db", path, *AS_OF]).exit_code == 0
    return path


def diff_json(*args):
    result = CliRunner().invoke(main, ["diff", *args, *AS_OF, "--json"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    return result.exit_code, rows


def verdicts(rows):
    return {r["importer_number"]: [f["code"] for f in r["findings"]] for r in rows if r["type"] == "importer"}


def test_magic_importers_from_the_database(db):
    code, rows = diff_json(*TP_FILES, "--db", db)
    assert code == 1
    assert verdicts(rows) == EXPECTED
    assert rows[-1] == {"type": "summary", "importers": 9, "consistent": 2, "inconsistent": 7,
                        "as_of": "2026-11-25", "input_errors": 0}


def test_kr_files_give_the_same_findings_as_the_database(db):
    _, from_db = diff_json(*TP_FILES, "--db", db)
    _, from_kr = diff_json(*TP_FILES, "--bonds", KR_FILES[0], "--bonds", KR_FILES[1])

    def strip(rows):  # lines of the KR side differ: a file has lines, the database has none
        out = []
        for r in rows:
            for f in r.get("findings", []) + r.get("warnings", []):
                f["bond"]["line"] = None
            out.append(r)
        return out
    assert strip(from_kr) == strip(from_db)


def test_json_schema(db):
    _, rows = diff_json(str(ROOT / "samples/importers/12-3456789A1.abi"), "--db", db)
    row = rows[0]
    assert set(row) == {"type", "file", "line", "importer_number", "verdict", "findings", "warnings"}
    f = row["findings"][0]
    assert set(f) == {"code", "severity", "field", "message", "tp", "bond", "bond_number"}
    assert set(f["tp"]) == {"value", "record", "columns", "line"}
    assert (f["code"], f["tp"]["value"], f["tp"]["columns"], f["bond"]["value"], f["bond"]["columns"]) == (
        "D04", "250 NEW HARBOR BLVD", [48, 79], "100 OLD RIVER RD", [3, 34])


def test_text_is_plain_when_piped_and_exit_0_when_consistent(db):
    result = CliRunner().invoke(main, ["diff", str(ROOT / "samples/importers/12-345678900.abi"), "--db", db, *AS_OF])
    assert result.exit_code == 0
    assert "\x1b[" not in result.output
    assert result.output.startswith("12-345678900  CONSISTENT")


def test_text_table_names_both_sides(db):
    result = CliRunner().invoke(main, ["diff", str(ROOT / "samples/importers/12-3456789A1.abi"), "--db", db, *AS_OF])
    assert result.exit_code == 1
    table = result.output.splitlines()
    assert table[0].startswith("12-3456789A1  INCONSISTENT")
    assert "'250 NEW HARBOR BLVD'  T1 48-79  '100 OLD RIVER RD'  K3 3-34" in result.output


def test_html_page_highlights_the_differing_columns(db, tmp_path):
    out = tmp_path / "diff.html"
    result = CliRunner().invoke(main, ["diff", *TP_FILES, "--db", db, *AS_OF, "--html", str(out)])
    assert result.exit_code == 1
    page = out.read_text()
    assert page.startswith("<!doctype html>") and "http" not in page.split("<body>")[1]  # nothing from a network
    # the details are JSON inside the page (small report); their HTML is escaped in it
    assert '<mark class=\\"D\\">250 NEW HARBOR BLVD             <\\/mark>' in page
    assert '<mark class=\\"D\\">100 OLD RIVER RD                <\\/mark>' in page
    for number in EXPECTED:
        assert f'["{number}",{1 if EXPECTED[number] else 0},"{" ".join(EXPECTED[number])}"' in page


def test_input_errors_exit_2_and_are_reported_like_parse(db, tmp_path):
    bad = tmp_path / "bad.abi"
    # Lower case in the mailing state (class A) is R14; in the city (class X) it is fine (ruling 11).
    data = (ROOT / "samples/importers/12-345678900.abi").read_bytes().replace(b"IL60601", b"il60601", 1)
    bad.write_bytes(data)
    result = CliRunner().invoke(main, ["diff", str(bad), "--db", db, *AS_OF])
    assert result.exit_code == 2
    assert f"{bad}:5:68-69: R14" in result.output


def test_bond_source_is_required(db):
    assert CliRunner().invoke(main, ["diff", TP_FILES[0]]).exit_code == 2
    assert CliRunner().invoke(main, ["diff", TP_FILES[0], "--db", db, "--bonds", KR_FILES[0]]).exit_code == 2


def test_parts_in_parallel_give_the_same_output_in_order(db, tmp_path, monkeypatch):
    import abisim.cli.diff as diff_module

    # one file of many importers, cut into parts whatever its size
    big = tmp_path / "many.abi"
    lines = []
    for path in TP_FILES * 3:
        body = Path(path).read_text().splitlines()
        lines.extend(body[2:-2])  # the TP details, without the envelope
    head = Path(TP_FILES[0]).read_text().splitlines()
    big.write_text("\n".join(head[:2] + lines + [head[-2][:12] + "     " + head[-2][17:], head[-1]]) + "\n")
    one = CliRunner().invoke(main, ["diff", str(big), "--db", db, *AS_OF, "--json", "--jobs", "1"])
    monkeypatch.setattr(diff_module, "PARALLEL_BYTES", 0)
    parts = diff_module.parts_of(str(big), 3)
    assert len(parts) == 3 and all(p.start < p.end for p in parts)
    with open(big, "rb") as f:
        for p in parts[1:]:
            f.seek(p.start)
            assert f.read(2) == b"T1"
    three = CliRunner().invoke(main, ["diff", str(big), "--db", db, *AS_OF, "--json", "--jobs", "3"])
    assert three.exit_code == one.exit_code == 1
    assert three.output == one.output
    assert json.loads(three.output.splitlines()[-1])["importers"] == 27
