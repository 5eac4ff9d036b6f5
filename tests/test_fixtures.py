"""Fixtures: load, export, reset, and clear errors that name the bad entry."""

from __future__ import annotations

import json

import pytest

from abisim import fixtures, sample
from abisim.store import SCHEMA_VERSION, Store
from tests.conftest import AS_OF


def test_export_then_load_is_lossless(store, tmp_path):
    exported = fixtures.export(store)
    other = Store(tmp_path / "copy.sqlite3")
    fixtures.load(other, json.dumps(exported))
    assert fixtures.export(other) == exported
    assert len(exported["importers"]) == 13 and len(exported["bonds"]) == 11


def test_sample_has_the_variety_it_promises(store):
    numbers = {m["importer_number"] for m in fixtures.export(store)["importers"]}
    assert {"12-345678900", "123-45-6789", "193901-14596", "98-7654321AB"} <= numbers
    roles = {r["role"] for r in store.conn.execute("SELECT role FROM bond_parties")}
    assert roles == {"principal", "co-principal", "user"}
    assert store.filer("NP1")["ace_portal_account"] == 0 and store.filer("XJ5")["ace_portal_account"] == 1
    assert store.importer("193901-14596")["mail_country"] == "CA"
    assert len(store.bonds_of("98-7654321AB")) == 2


@pytest.mark.parametrize("mutate, path", [
    (lambda d: d["bonds"][2].update(effective_date="2023-13-01"), "bonds[2].effective_date"),
    (lambda d: d["importers"][0].update(importer_number="12-3456789OO"), "importers[0].importer_number"),
    (lambda d: d["bonds"][0].update(surety_code="999"), "bonds[0].surety_code"),
    (lambda d: d["filers"][1].update(sites="3902"), "filers[1].sites"),
    (lambda d: d["importers"][3].update(colour="blue"), "importers[3]"),
    (lambda d: d["bonds"][1].update(amount="lots"), "bonds[1].amount"),
    (lambda d: d["bonds"][1]["users"].append({"importer_number": "bad"}) if "users" in d["bonds"][1]
     else d["bonds"][1].update(users=[{"importer_number": "bad"}]), "bonds[1].users[0].importer_number"),
])
def test_a_bad_entry_is_named_and_nothing_is_loaded(tmp_path, mutate, path):
    doc = sample.fixture(AS_OF)
    mutate(doc)
    s = Store(tmp_path / "x.sqlite3")
    with pytest.raises(fixtures.FixtureError) as info:
        fixtures.load(s, doc)
    assert info.value.path == path
    assert s.conn.execute("SELECT COUNT(*) FROM importers").fetchone()[0] == 0


def test_bad_json_says_where(tmp_path):
    with pytest.raises(fixtures.FixtureError, match="line 1 column"):
        fixtures.load(Store(tmp_path / "x.sqlite3"), "{nope")


def test_reset_empties_every_table(store):
    store.reset()
    assert fixtures.export(store) == {"format": "abisim-fixture-1", "filers": [], "sureties": [], "importers": [],
                                      "bonds": [], "powers_of_attorney": [], "pms_switches": []}


def test_schema_is_versioned_and_migration_is_idempotent(tmp_path):
    path = tmp_path / "v.sqlite3"
    from abisim.store import SCHEMA_VERSION

    first = Store(path)
    assert first.schema_version() == SCHEMA_VERSION
    first.close()
    assert Store(path).schema_version() == SCHEMA_VERSION


def test_a_filer_address_belongs_to_one_filer(store):
    from abisim.fixtures import FixtureError, load

    with pytest.raises(FixtureError, match=r"filers\[0\].email"):
        load(store, {"filers": [{"filer_code": "ZZ1", "email": "ABI@xj5.example.com"}]})
    with pytest.raises(FixtureError, match=r"filers\[1\].email"):
        load(store, {"filers": [{"filer_code": "ZZ1", "email": "a@b.example"}, {"filer_code": "ZZ2", "email": "a@b.example"}]})
    with pytest.raises(FixtureError, match="not an e-mail address"):
        load(store, {"filers": [{"filer_code": "ZZ1", "email": "nobody"}]})
    assert store.filer("ZZ1") is None
