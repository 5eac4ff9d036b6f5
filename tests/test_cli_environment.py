"""Issue 11, finding 4: a bad environment is one line on stderr and exit 2, never a
traceback; a database is created by `abisim db init` only, and not overwritten by it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from abisim.cli import main

AS_OF = ["--as-of", "2026-11-25"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result, *words):
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.sqlite3"
    assert run("db", "init", "--sample", "--db", path, *AS_OF).exit_code == 0
    with sqlite3.connect(path) as c:  # everything into the main file, so that copies hold it
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def test_a_missing_database_is_an_error_not_a_new_empty_one(tmp_path):
    missing = tmp_path / "typo.sqlite3"
    one_line_error(run("query", "12-345678900", "--db", missing, *AS_OF), str(missing), "abisim db init")
    assert not missing.exists()
    assert run("db", "init", "--db", missing).exit_code == 0 and missing.exists()


def test_db_init_does_not_overwrite_data_unless_forced(good):
    one_line_error(run("db", "init", "--sample", "--db", good, *AS_OF), "--force")
    assert run("db", "init", "--sample", "--force", "--db", good, *AS_OF).exit_code == 0
    assert run("db", "init", "--db", good).exit_code == 0  # schema only: nothing replaced


@pytest.mark.parametrize("damage", ["truncated", "corrupt", "foreign", "future", "directory"])
def test_a_database_abisim_cannot_use(good, tmp_path, damage):
    bad = tmp_path / f"{damage}.sqlite3"
    if damage == "truncated":
        data = good.read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "corrupt":
        bad.write_bytes(b"not a database at all\n" * 100)
    elif damage == "foreign":
        with sqlite3.connect(bad) as c:
            c.execute("CREATE TABLE invoices (id INTEGER)")
    elif damage == "future":
        shutil.copy(good, bad)
        with sqlite3.connect(bad) as c:
            c.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    else:
        bad.mkdir()
    commands = [("query", "12-345678900", *AS_OF), ("db", "export")]
    if damage != "truncated":  # what is cut off is found only when it is read
        commands += [("db", "reset"), ("db", "init")]
    for args in commands:
        one_line_error(run(*args, "--db", bad), str(bad) if damage != "truncated" else "")
    if damage == "foreign":
        with sqlite3.connect(bad) as c:  # and it was left as it was
            assert [r[0] for r in c.execute("SELECT name FROM sqlite_master")] == ["invoices"]


def test_a_read_only_place_for_the_database(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        target = ro / "x.sqlite3"
        if os.access(ro, os.W_OK):  # root writes anywhere: a read-only file system instead
            target = "/sys/abisim-test.sqlite3"
            if os.access("/sys", os.W_OK):
                pytest.skip("no read-only place to try")
        one_line_error(run("db", "init", "--db", target), str(target))
    finally:
        ro.chmod(0o700)


def test_sqlite_refusing_to_write_is_one_line(good, monkeypatch):
    # What SQLite says in a read-only directory, whoever runs the tests (root writes anywhere).
    import abisim.store

    def refuse(*args, **kw):
        raise sqlite3.OperationalError("attempt to write a readonly database")
    monkeypatch.setattr(abisim.store.sqlite3, "connect", refuse)
    one_line_error(run("db", "reset", "--db", good), str(good), "read-only")


@pytest.mark.parametrize("doc", ['{"filers": 5}', '{"filers": [', "[" * 100_000 + "]" * 100_000, b"\xff\xfe{}",
                                 '{"sureties": [{"surety_code": "036"}], "bonds": [{"bond_number": "1", '
                                 '"surety_code": "036", "amount": 1, "effective_date": "1900-01-01", '
                                 '"principal": "12-3456789A1"}]}'])
def test_bad_fixtures(good, tmp_path, doc):
    f = tmp_path / "bad.json"
    f.write_bytes(doc if isinstance(doc, bytes) else doc.encode())
    line = one_line_error(run("db", "load", f, "--db", good))
    if "1900" in str(doc):
        assert "1970-01-01 to 2069-12-31" in line


def test_an_over_long_importer_number(good):
    one_line_error(run("query", "12-3456789012345678", "--db", good, *AS_OF), "12")


def test_as_of_outside_what_records_carry(good):
    for date in ("1900-01-01", "2070-01-01", "0001-01-01"):
        result = run("query", "12-345678900", "--db", good, "--as-of", date)
        assert result.exit_code == 2 and "1970-01-01 to 2069-12-31" in result.output


def test_a_port_in_use(good):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        one_line_error(run("serve", "--db", good, "--port", port), str(port))
        one_line_error(run("serve", "--db", good, "--port", 0, "--tcp-port", port), "TCP", str(port))


@pytest.mark.parametrize("command", ["parse -", "submit - --db {db}"])
def test_a_closed_stdin(good, command):
    cmd = f"{sys.executable} -m abisim.cli {command.format(db=good)} <&-"
    r = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "Traceback" not in r.stderr, r.stderr
    assert "standard input is closed" in r.stderr


def test_fixture_dates_outside_what_records_carry_name_the_range(store):
    from abisim import fixtures

    doc = {"powers_of_attorney": [{"importer_number": "12-3456789A1", "filer_code": "XJ5", "granted": "2070-01-01"}]}
    with pytest.raises(fixtures.FixtureError, match="1970-01-01 to 2069-12-31"):
        fixtures.load(store, doc)
    json.dumps(doc)
