"""The simulator's commands: db, submit, query, pms, notifications, bond-team."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from abisim.cli import main

ROOT = Path(__file__).resolve().parent.parent
AS_OF = ["--as-of", "2026-11-25"]


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "cli.sqlite3")
    result = CliRunner().invoke(main, ["db", "init", "--sample", "--db", path, *AS_OF])
    assert result.exit_code == 0, result.output
    return path


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def test_db_init_export_load_reset(db, tmp_path):
    exported = run("db", "export", "--db", db)
    assert exported.exit_code == 0
    doc = json.loads(exported.output)
    assert len(doc["importers"]) == 13
    (tmp_path / "f.json").write_text(exported.output)
    other = str(tmp_path / "other.sqlite3")
    assert run("db", "init", "--db", other).exit_code == 0  # a database is made by db init only
    assert run("db", "load", str(tmp_path / "f.json"), "--db", other).exit_code == 0
    assert json.loads(run("db", "export", "--db", other).output) == doc
    assert run("db", "reset", "--db", other).exit_code == 0
    assert json.loads(run("db", "export", "--db", other).output)["importers"] == []


def test_db_load_names_the_bad_entry_and_exits_2(db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"importers": [{"importer_number": "12-3456789OO", "name": "X"}]}))
    result = run("db", "load", str(bad), "--db", db)
    assert result.exit_code == 2
    assert "importers[0].importer_number" in result.output


def test_db_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ABISIM_DB", str(tmp_path / "env.sqlite3"))
    assert run("db", "init").exit_code == 0
    assert (tmp_path / "env.sqlite3").exists()


def test_submit_prints_the_answer(db):
    result = run("submit", str(ROOT / "samples/answers/ki-magic-2.in.abi"), "--db", db, *AS_OF)
    assert result.exit_code == 0
    assert result.output == (ROOT / "samples/answers/ki-magic-2.out.abi").read_text()


def test_submit_json(db):
    result = run("submit", str(ROOT / "samples/answers/ki-magic-2.in.abi"), "--db", db, *AS_OF, "--json")
    rows = [json.loads(line) for line in result.output.splitlines()]
    k1 = [r for r in rows if r["record_id"] == "K1"]
    assert [r["fields"]["result_code"] for r in k1] == [3, 4, 2, 0, 0]


def test_submit_of_a_rejected_batch_exits_2(db):
    result = run("submit", str(ROOT / "samples/answers/reject-password.in.abi"), "--db", db, *AS_OF)
    assert result.exit_code == 2 and "999   BATCH REJECTED" in result.output


def test_submit_missing_file_exits_2(db):
    assert run("submit", "/nonexistent.abi", "--db", db).exit_code == 2


def test_query_readable(db):
    result = run("query", "12-3456789N1", "12-3456789V1", "--db", db, *AS_OF)
    assert result.exit_code == 0
    assert "sufficiency" in result.output and "VOIDED VENTURES INC" in result.output


def test_query_more_than_six_importers_is_split(db):
    numbers = ["12-345678900", "12-3456789C1", "12-3456789T1", "12-3456789N1", "12-3456789U1",
               "12-3456789A1", "12-3456789B1"]
    result = run("query", *numbers, "--db", db, *AS_OF, "--json")
    k1 = [json.loads(l) for l in result.output.splitlines() if '"K1"' in l]
    assert [r["fields"]["importer_number"] for r in k1] == numbers


def test_pms_activate_status_and_notifications(db):
    result = run("pms", "activate", "--filer", "XJ5", "12-345678900", "--db", db, *AS_OF)
    assert result.exit_code == 0 and "switch set" in result.output
    second = run("pms", "activate", "--filer", "SV9", "12-345678900", "--db", db, *AS_OF, "--json")
    assert json.loads(second.output)["result"] == 2
    refused = run("pms", "activate", "--filer", "XJ5", "12-3456789T1", "--db", db, *AS_OF)
    assert refused.exit_code == 1 and "P01" in refused.output
    status = run("pms", "status", "12-345678900", "12-3456789B1", "--db", db, *AS_OF)
    assert "switch is set" in status.output and "switch is not set" in status.output
    notes = run("notifications", "--filer", "SV9", "--db", db, "--json")
    assert [json.loads(l)["kind"] for l in notes.output.splitlines()] == ["pms-already-set"]


def test_pms_eligible_exit_codes():
    assert run("pms", "eligible", "01").exit_code == 0
    assert run("pms", "eligible", "09").exit_code == 1
    assert run("pms", "eligible", "01", "--excise").exit_code == 1


def test_bond_team_rider_then_activation(db):
    sample = str(ROOT / "samples/importers/12-3456789A1.abi")
    assert run("pms", "activate", "--filer", "XJ5", "12-3456789A1", "--db", db, *AS_OF).exit_code == 1
    result = run("bond-team", "rider", "12-3456789A1", sample, "--filer", "XJ5", "--db", db, *AS_OF)
    assert result.exit_code == 0 and "mail_address_1" in result.output
    assert run("pms", "activate", "--filer", "XJ5", "12-3456789A1", "--db", db, *AS_OF).exit_code == 0


def test_help_and_version():
    assert run("--version").output.startswith("abisim, version")
    for command in (["db", "--help"], ["submit", "--help"], ["query", "--help"], ["pms", "activate", "--help"],
                    ["bond-team", "rider", "--help"], ["notifications", "--help"]):
        assert run(*command).exit_code == 0


def test_the_facts_behind_the_rules_change_through_the_cli(db):
    assert run("pms", "activate", "--filer", "XJ5", "--ctpat", "12-3456789B1", "--db", db, *AS_OF).exit_code == 1
    assert run("importer", "set", "12-345678900", "--ctpat", "--db", db).exit_code == 0
    shown = json.loads(run("importer", "show", "12-345678900", "--db", db).output)
    assert shown["ctpat"] is True and shown["bonds"] == [{"bond_number": "992300001", "role": "principal"}]
    assert run("poa", "revoke", "12-345678900", "XJ5", "--db", db).exit_code == 0
    refused = run("pms", "activate", "--filer", "XJ5", "12-345678900", "--db", db, *AS_OF, "--json")
    assert json.loads(refused.output)["condition_code"] == "P03"
    ctpat = run("pms", "activate", "--filer", "XJ5", "--ctpat", "12-345678900", "--db", db, *AS_OF, "--json")
    assert json.loads(ctpat.output)["result"] == 1  # C-TPAT path: no POA or comparison check
    assert run("importer", "show", "00-0000000AA", "--db", db).exit_code == 2


def test_every_command_has_help_and_version():
    def walk(cmd, path):
        yield path
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, path + [name])
    for path in walk(main, []):
        assert run(*path, "--help").exit_code == 0, path
        assert "version 0.1.0" in run(*path, "--version").output, path


def test_pms_activate_with_the_brokers_5106_names_the_discrepancies(db, tmp_path):
    from abisim import render, sample

    wrong = [r.replace(mail_address_1="9 WRONG WAY") if r.record_id == "T1" else r
             for r in sample.own_5106("12-345678900")]
    path = tmp_path / "acme.abi"
    path.write_bytes(render(sample.envelope("TP", wrong)))
    refused = run("pms", "activate", "--filer", "XJ5", "12-345678900", "--5106", str(path), "--db", db, *AS_OF)
    assert refused.exit_code == 1
    assert "P02 5106 DATA INCONSISTENT WITH BOND DATA" in refused.output
    assert "D04 mail_address_1: 5106 '9 WRONG WAY', bond data '100 MAIN ST'" in refused.output
    doc = json.loads(run("pms", "activate", "--filer", "XJ5", "12-345678900", "--5106", str(path), "--json",
                         "--db", db, *AS_OF).output)
    assert doc["five106"] == "attached" and doc["discrepancies"][0]["five106_value"] == "9 WRONG WAY"
    # the 5106 on file is consistent: without --5106 the switch is set
    assert run("pms", "activate", "--filer", "XJ5", "12-345678900", "--db", db, *AS_OF).exit_code == 0
    empty = tmp_path / "other.abi"
    empty.write_bytes(render(sample.envelope("TP", sample.own_5106("12-3456789C1"))))
    assert run("pms", "activate", "--filer", "XJ5", "12-345678900", "--5106", str(empty), "--db", db,
               *AS_OF).exit_code == 2


def test_pms_eligible_validates_the_entry_type():
    bad = run("pms", "eligible", "ABC")
    assert bad.exit_code == 2 and "entry type" in bad.output
    assert run("pms", "eligible", "9").exit_code == 2


def test_pms_status_names_the_holder_only_to_itself(db):
    run("pms", "activate", "--filer", "XJ5", "12-345678900", "--db", db, *AS_OF)
    other = run("pms", "status", "12-345678900", "--filer", "SV9", "--db", db, *AS_OF)
    assert "switch is set" in other.output and "XJ5" not in other.output
    own = json.loads(run("pms", "status", "12-345678900", "--filer", "XJ5", "--json", "--db", db, *AS_OF).output)
    assert own["switch_filer"] == "XJ5"


def test_filers_email_and_the_mail_command(db):
    assert run("filers", "add", "ZZ1", "--email", "not an address", "--db", db).exit_code == 2
    assert run("filers", "add", "ZZ1", "--email", "abi@xj5.example.com", "--db", db).exit_code == 2  # XJ5's
    assert run("filers", "add", "ZZ1", "--email", "abi@zz1.example.com", "--db", db).exit_code == 0
    listed = [json.loads(l) for l in run("filers", "list", "--json", "--db", db).output.splitlines()]
    assert {f["filer_code"]: f["email"] for f in listed}["ZZ1"] == "abi@zz1.example.com"
    exported = json.loads(run("db", "export", "--db", db).output)
    assert {f["filer_code"]: f.get("email") for f in exported["filers"]}["XJ5"] == "abi@xj5.example.com"
    assert run("mail", "--filer", "XJ5", "--db", db).output == ""
    assert run("mail", "--filer", "QQ9", "--db", db).exit_code == 2
