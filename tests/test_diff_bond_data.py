"""The diff's bond data read straight from the store's rows (abisim.bond_data) gives the same
comparison as the bond query's KR answer records, for any importer: consistent or not,
USPS abbreviations, no bond, terminated, insufficient, bond users, voided, not on file."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abisim.bond_data import BondRows
from abisim.compare import compare
from abisim.diff import BondData, FileDiff, ImporterResult, Part, diff_part, json_line
from abisim.rules.bond_query import answer_records
from abisim.store import Store
from sim_helpers import rec

AS_OF = dt.date(2026, 11, 25)
NUMBERS = ("12-345678900", "12-3456789A1", "98-7654321AB", "123-45-6789", "BAD NUMBER", "")


def _day(offset: int) -> str:
    return (AS_OF + dt.timedelta(days=offset)).isoformat()


# Values a field of CBP's importer file may hold, and what an importer's 5106 may say instead.
STREETS = ("100 MAIN ST", "100 MAIN STREET", "100 main st", "100  MAIN ST", "250 HARBOR BLVD STE 4",
           "250 HARBOR BOULEVARD SUITE 4", "9 N OAK AVE")
NAMES = ("ACME TRADING CO", "ACME TRADING COMPANY", "acme  trading co", "A VERY LONG IMPORTER NAME THAT GOES ON",
         "A VERY LONG IMPORTER NAME THAT G")
CITIES = ("CHICAGO", "EVANSTON", "A CITY NAME LONGER THAN TWENTY-ONE")
POSTAL = ("60601", "606011234", "60602", "M5H 2N2")
optional = lambda values: st.one_of(st.none(), st.just(""), st.sampled_from(values))  # noqa: E731


def mostly(draw, usual, *others):
    """``usual`` most of the time, else one of ``others``."""
    return draw(st.sampled_from((usual,) * (2 * len(others) + 2) + others))


@st.composite
def bond_rows(draw, number: str, i: int):
    roles = draw(st.lists(st.sampled_from(("principal", "co-principal", "user")), min_size=1, max_size=2,
                          unique=True))
    bond = {"bond_number": f"99230000{i}", "surety_code": "036", "bond_type": mostly(draw, "8", "9"),
            "activity_code": mostly(draw, "1", "1A1", "1A", "2", "3"), "amount": 50_000,
            "effective_date": _day(-draw(st.integers(10, 2000))),
            "termination_date": mostly(draw, None, *map(_day, (-900, -731, -730, -1, 0, 1, 30))),
            "sufficient": mostly(draw, 1, 0)}
    parties = [{"bond_number": bond["bond_number"], "importer_number": number, "role": role,
                "delete_date": draw(st.one_of(st.none(), st.integers(-300, 30).map(_day))) if role == "user"
                else None} for role in roles]
    return bond, parties


@st.composite
def cases(draw):
    """(store rows of one importer, its 5106 records)."""
    number = mostly(draw, NUMBERS[0], *NUMBERS[1:])
    importer = {
        "importer_number": number, "status": mostly(draw, "active", "voided", "inactive"),
        "name": draw(st.sampled_from(NAMES)), "name_qualifier": draw(st.sampled_from((None, "DBA", "AKA"))),
        "name_line_2": draw(optional(("ACME TOYS", "ACME TOYS AND GAMES OF THE GREAT LAKES"))),
        "mail_address_1": draw(optional(STREETS)), "mail_address_2": draw(optional(("FL 2", "FLOOR 2"))),
        "mail_city": draw(optional(CITIES)), "mail_state": draw(optional(("IL", "IN"))),
        "mail_postal_code": draw(optional(POSTAL)),
        "physical_address_1": draw(optional(STREETS)), "physical_address_2": draw(optional(("UNIT 1",))),
        "physical_city": draw(optional(CITIES)), "physical_state": draw(optional(("IL",))),
        "physical_postal_code": draw(optional(POSTAL)),
    }
    bonds = [draw(bond_rows(number, i)) for i in range(mostly(draw, 1, 0, 2, 3))]
    on_file = mostly(draw, True, False)
    faithful = draw(st.booleans())  # a 5106 that copies the importer file, or one that strays

    def said(value, choices, width):
        """What the 5106 says for a value on file: the same, or another of ``choices``."""
        same = value[:width] if value else None
        return same if faithful else mostly(draw, same, None, *choices)

    country = draw(st.sampled_from(("US", "US", "PR", "CA")))
    tp = [rec("T1", action="U", importer_number=number or None, importer_name=said(importer["name"], NAMES, 32),
              mail_address_1=said(importer["mail_address_1"], STREETS, 32), importer_type="C")]
    if mostly(draw, bool(importer["name_line_2"]), not importer["name_line_2"]):
        tp.append(rec("TA", name_qualifier=said(importer["name_qualifier"], ("DBA",), 3),
                      name_line_2=said(importer["name_line_2"], ("ACME TOYS",), 32)))
    if mostly(draw, True, False):
        tp.append(rec("T2", mail_address_2=said(importer["mail_address_2"], ("FL 2",), 32),
                      mail_city=said(importer["mail_city"], CITIES, 21), mail_state=said(importer["mail_state"], ("IL",), 2),
                      mail_postal_code=said(importer["mail_postal_code"], POSTAL, 9), mail_country=country))
    physical = bool(importer["physical_address_1"] or importer["physical_city"])
    if mostly(draw, physical, not physical):
        tp.append(rec("TB", physical_address_1=said(importer["physical_address_1"], STREETS, 32),
                      physical_address_2=said(importer["physical_address_2"], ("UNIT 1",), 32)))
    if mostly(draw, physical, not physical):
        tp.append(rec("TC", physical_city=said(importer["physical_city"], CITIES, 21),
                      physical_state=said(importer["physical_state"], ("IL",), 2),
                      physical_postal_code=said(importer["physical_postal_code"], POSTAL, 9),
                      physical_country=country))
    return importer if on_file else None, bonds, tp


def _store(importer, bonds) -> Store:
    store = Store(":memory:")
    store.put_surety("036", "SURETY")
    if importer is not None:
        store.put_importer(importer)
    for bond, parties in bonds:
        store.put_bond(bond)
        for p in parties:
            store.put_party(p)
    return store


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_store_rows_compare_as_the_kr_answer_records(case):
    importer, bonds, tp = case
    store = _store(importer, bonds)
    number = tp[0].importer_number
    from_rows = BondRows(store).fetch([number], AS_OF)[number or ""]
    from_answer = answer_records(store, number or "", AS_OF, "1")
    # The stand-ins answer what compare reads, in the answer's order (K7/K8 it does not read).
    assert [p.record_id for p in from_rows] == [r.record_id for r in from_answer if r.record_id not in ("K7", "K8")]
    assert compare(tp, from_rows, AS_OF) == compare(tp, from_answer, AS_OF)


def test_a_batch_answers_every_number_asked_once(tmp_path):
    store = _store({"importer_number": "12-345678900", "status": "active", "name": "ACME"}, [])
    answers = BondRows(store).fetch(["12-345678900", None, "12-345678900", "BAD"], AS_OF)
    assert sorted(answers) == ["", "12-345678900", "BAD"]
    assert [(p.record_id, p.result_code) for p in answers["12-345678900"]] == [("K1", 2)]
    assert answers["BAD"][0].result_code == answers[""][0].result_code == 0


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A TP file of generated importers of every outcome, and their database."""
    from abisim.generate.importers import Mix
    from abisim.generate.output import to_store, write

    out = tmp_path_factory.mktemp("generated")
    mix = Mix(inconsistent=0.2, terminated=0.1, insufficient=0.1, user=0.1, terminated_user=0.1, no_bond=0.1,
              voided=0.05, ssn=0.2, cbp=0.1, foreign=0.2, abbreviated=0.3)
    write(out, 300, seed=3, mix=mix, as_of=AS_OF, per_file=300, fixture=False)
    db = str(out / "db.sqlite3")
    to_store(Store(db), 300, seed=3, mix=mix, as_of=AS_OF)
    return str(out / "5106" / "importers-0001.abi"), db


def test_the_batched_pipeline_gives_the_per_importer_kr_path_results(generated, monkeypatch):
    import abisim.diff

    path, db = generated
    part = Part(path, 0, len(open(path, "rb").read()), 1, True)
    by_importer = list(diff_part(part, BondData(db=db).reader(), AS_OF, []))
    monkeypatch.setattr(abisim.diff, "WINDOW", 7)  # windows that do not divide the file
    batched = list(diff_part(part, BondData(db=db), AS_OF, []))
    assert batched == by_importer and len(batched) == 300
    verdicts = {r.verdict for r in batched}
    assert verdicts == {"consistent", "inconsistent"} and any(r.warnings for r in batched)


def test_chunks_are_the_results_rendered_in_order(generated, monkeypatch):
    import abisim.diff

    path, db = generated
    monkeypatch.setattr(abisim.diff, "CHUNK", 64)
    results = list(FileDiff(path, BondData(db=db), AS_OF, render=json_line))
    run = FileDiff(path, BondData(db=db), AS_OF, render=json_line)
    chunks = list(run.chunks())
    assert len(chunks) == 5 and "".join(text for text, _, _ in chunks) == "".join(r.rendered for r in results)
    assert sum(n for _, n, _ in chunks) == 300
    assert sum(bad for _, _, bad in chunks) == sum(not r.consistent for r in results)
    for r in results:
        assert r.rendered == json.dumps(r.to_json(), separators=(",", ":")) + "\n"


@given(st.text(), st.one_of(st.none(), st.integers(1, 10**7)), st.one_of(st.none(), st.text(max_size=12)))
def test_a_json_line_without_findings_is_the_documents_json(file, line, number):
    r = ImporterResult(file, line, number, "consistent", (), ())
    assert json_line(r) == json.dumps(r.to_json(), separators=(",", ":")) + "\n"


def test_an_open_store_is_read_in_this_process_only(store, tmp_path):
    """A server's own store (maybe in memory) gives the same results as its path; it is
    never sent to worker processes, so a run with more than one job refuses it."""
    from pathlib import Path

    tp = Path(__file__).resolve().parent.parent / "samples/importers/12-3456789A1.abi"
    by_path = list(FileDiff(str(tp), BondData(db=store.path), AS_OF))
    by_store = list(FileDiff(str(tp), BondData(store=store), AS_OF))
    assert by_store == by_path and by_store[0].findings
    with pytest.raises(ValueError, match="jobs=1"):
        FileDiff(str(tp), BondData(store=store), AS_OF, jobs=2)
