"""Service bureaus and remote preparers (rulings 15 and 16): the database, the CLI, the
fixtures, the admin API, and the envelope checks that use them."""

from __future__ import annotations

import json
import sqlite3

import httpx
from click.testing import CliRunner

from abisim import fixtures, sample
from abisim.cli import main
from abisim.store import MIGRATIONS, SCHEMA_VERSION, Store
from sim_helpers import ki, rejected


def _as_sb1(data: bytes) -> bytes:
    """A KI of XJ5's sent by the service bureau SB1 (site 3002)."""
    return data.replace(b"A3901XJ5PASS01", b"A3002SB1PASS04").replace(b"Z3901XJ5", b"Z3002SB1")


def test_the_sample_service_bureau_sends_for_xj5_and_sv9_only(sim, store):
    sb1 = store.filer("SB1")
    assert (sb1["sites"], sb1["password"], sb1["sends_for"], bool(sb1["ace_portal_account"])) == (
        "3002", "PASS04", "XJ5,SV9", True)
    assert not store.conn.execute("SELECT 1 FROM powers_of_attorney WHERE filer_code = 'SB1'").fetchall()
    assert rejected(sim.submit(_as_sb1(ki("12-345678900")))) == []
    for_np1 = _as_sb1(ki("12-345678900")).replace(b"3901XJ5KI", b"3001NP1KI")
    assert rejected(sim.submit(for_np1)) == ["X18"]


def test_a_broker_sending_for_another_is_still_x18(sim):
    data = ki("12-345678900").replace(b"B  3901XJ5KI", b"B  3902SV9KI").replace(b"Y  3901XJ5KI", b"Y  3902SV9KI")
    assert rejected(sim.submit(data)) == ["X18"]


def test_a_filer_prepares_at_its_sites_and_the_ports_listed_for_it(sim, store):
    data = ki("12-345678900").replace(b"B  3901XJ5KI" + b" " * 44, b"B  3901XJ5KI" + b" " * 34 + b"4101SV9  1")
    assert rejected(sim.submit(data)) == ["X31"]
    store.put_filer(dict(filer_code="SV9", prepares_at="4101"))
    assert rejected(sim.submit(data)) == []
    store.put_filer(dict(filer_code="SV9", applications="TP"))
    assert rejected(sim.submit(data)) == ["X30"]


def test_preparer_checks_are_skipped_where_the_application_is_unknown(sim):
    data = ki("12-345678900").replace(b"B  3901XJ5KI" + b" " * 44, b"B  3901XJ5EI" + b" " * 34 + b"4101QQQ  7")
    assert rejected(sim.submit(data.replace(b"Y  3901XJ5KI", b"Y  3901XJ5EI"))) == ["X12", "X19"]


def test_cli_filers_add_sends_for_and_prepares_at_and_db_export(tmp_path):
    db = str(tmp_path / "cbp.sqlite3")
    run = CliRunner().invoke
    assert run(main, ["db", "init", "--db", db]).exit_code == 0  # only db init creates a database
    added = run(main, ["filers", "add", "sb2", "--site", "3002", "--sends-for", "xj5", "--sends-for", "SV9",
                       "--prepares-at", "4101", "--prepares-at", "4102", "--token", "t", "--db", db])
    assert added.exit_code == 0, added.output
    exported = json.loads(run(main, ["db", "export", "--db", db]).output)
    assert exported["filers"] == [dict(filer_code="SB2", sites=["3002"], ace_portal_account=True, token="t",
                                       sends_for=["XJ5", "SV9"], prepares_at=["4101", "4102"])]
    assert "sends for XJ5,SV9  prepares at 4101,4102" in run(main, ["filers", "list", "--db", db]).output
    bad = run(main, ["filers", "add", "SB3", "--sends-for", "XJ55", "--db", db])
    assert bad.exit_code == 2 and "--sends-for" in bad.output


def test_fixtures_carry_sends_for_and_prepares_at(tmp_path):
    store = Store(tmp_path / "a.sqlite3")
    doc = sample.fixture(sample.dt.date(2026, 11, 25))
    fixtures.load(store, doc)
    exported = fixtures.export(store)
    assert {f["filer_code"]: f.get("sends_for") for f in exported["filers"]}["SB1"] == ["XJ5", "SV9"]
    other = Store(tmp_path / "b.sqlite3")
    fixtures.load(other, exported)
    assert fixtures.export(other) == exported
    bad = {"filers": [dict(filer_code="SB9", prepares_at=["41"])]}
    try:
        fixtures.load(other, bad)
    except fixtures.FixtureError as exc:
        assert exc.path == "filers[0].prepares_at"
    else:
        raise AssertionError("a 2-character port was loaded")


def test_a_version_1_database_gains_the_columns(tmp_path):
    path = tmp_path / "v1.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "INSERT INTO meta VALUES ('schema_version', '1');"
                       "INSERT INTO filers (filer_code, sites) VALUES ('XJ5', '3901');")
    conn.close()
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION
    row = store.filer("XJ5")
    assert (row["sites"], row["sends_for"], row["prepares_at"]) == ("3901", "", "")


def test_admin_api_adds_and_updates_a_filer(abisim_server):
    with httpx.Client(base_url=abisim_server.url, timeout=10) as client:
        put = lambda body: client.put("/v1/admin/filers/sb2", json=body, headers=abisim_server.admin_headers)
        r = put({"sites": ["3002"], "password": "PASS05", "sends_for": ["XJ5"], "prepares_at": ["4101"]})
        assert r.status_code == 200, r.text
        filer = r.json()["filer"]
        assert (filer["filer_code"], filer["sends_for"], filer["prepares_at"]) == ("SB2", ["XJ5"], ["4101"])
        again = put({"sites": ["3002"], "sends_for": ["XJ5", "SV9"]}).json()["filer"]
        assert again["sends_for"] == ["XJ5", "SV9"] and again["token"] == filer["token"]
        assert "prepares_at" not in again
        assert put({"sends_for": ["TOO-LONG"]}).status_code == 422
        no_admin = client.put("/v1/admin/filers/SB2", json={}, headers=abisim_server.headers("XJ5"))
        assert no_admin.status_code == 403
