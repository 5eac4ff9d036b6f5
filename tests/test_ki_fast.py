"""The bond query's fast path (abisim.ki_fast) against the general path: the same answer
bytes and the same journal row for every KI transmission, good or damaged."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import abisim
from abisim import ki_fast, sample
from abisim import strategies as abi
from abisim.clock import fixed
from abisim.generate.mutations import mutations
from abisim.layouts import layout_set
from abisim.simulator import Simulator

from tests.conftest import AS_OF

LS = layout_set()
UNKNOWN = "99-9999999AA"
KNOWN = [m["importer_number"].rstrip() for m in sample.importers()]
NO_SUCH_FILER = "ZZ9"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """The sample database, and what the magic importers do not cover: a PMS switch set,
    a bond terminated beyond the two years a query shows, a filer limited to the 5106,
    an importer whose state does not fit the K4 (neither path can write it)."""
    from abisim import fixtures
    from abisim.store import Store

    store = Store(tmp_path_factory.mktemp("ki-fast") / "cbp.sqlite3")
    fixtures.load(store, sample.fixture(AS_OF))
    store.set_pms_switch("12-3456789C1", "XJ5", AS_OF, "1")
    store.put_bond(dict(bond_number="991000099", surety_code="036", amount=75_000,
                        effective_date="2015-01-01", termination_date=(AS_OF - dt.timedelta(days=900)).isoformat()))
    store.put_party(dict(bond_number="991000099", importer_number="12-3456789N1", role="co-principal"))
    store.put_filer(dict(filer_code="NP1", applications="TP"))
    store.put_importer(dict(importer_number="55-5555555AA", name="OVERSIZED STATE INC", mail_address_1="1 A ST",
                            mail_city="X", mail_state="ILL"))
    yield store
    store.close()


# The sample's importers (98-7654321AB's second bond is over 9 digits: a note in ki-2010), and any.
NUMBERS = st.sampled_from([*KNOWN, UNKNOWN, "55-5555555AA", "98-7654321AB"]) | abi.importer_numbers()


@st.composite
def ki_transmissions(draw) -> bytes:
    """A KI transmission from one of the sample filers (or none of them), asking for up to
    six numbers, mostly the sample database's; every envelope field that the checks read
    drawn now right, now wrong."""
    n = draw(st.integers(1, 6))
    values = {}
    for i in range(1, n + 1):
        values[f"importer_number_{i}"] = draw(NUMBERS)
        values[f"address_request_{i}"] = draw(st.sampled_from([None, "1"]))
    k = abisim.make(LS["K"], **values)
    filer = draw(st.sampled_from(["XJ5", "XJ5", "SV9", "NP1", "SB1", NO_SUCH_FILER]))
    password = draw(st.sampled_from([sample.PASSWORDS.get(filer, "PASS01")] * 3 + ["WRONG1", "TEST00"]))
    site = draw(st.sampled_from([sample.SITES.get(filer, "3901")] * 3 + ["0101"]))
    a, b, k, y, z = sample.envelope("KI", [k], filer, password=password, site=site,
                                    date=draw(st.none() | abi.DATES))
    office = draw(st.none() | st.just("A1"))
    a = a.replace(office_code=office, user_data=draw(st.none() | st.just("MY REF 1")))
    z = z.replace(office_code=office)
    b = b.replace(user_data=draw(st.none() | st.just("BLOCK REF")), filer_office=draw(st.none() | st.just("01")))
    if filer == "SB1":  # a service bureau's block for one of its filers (ruling 16)
        b = b.replace(filer_code=draw(st.sampled_from(["XJ5", "SV9"])))
        y = y.replace(filer_code=b.filer_code)
    return abisim.render([a, b, k, y, z])


@st.composite
def damaged(draw, data: bytes) -> bytes:
    """``data`` as sent, or with one thing wrong: a mutation broker teams test with, a
    character changed anywhere, another framing, a record too many or too few."""
    how = draw(st.sampled_from(["none", "none", "mutation", "field", "field", "character", "framing", "records"]))
    if how == "mutation":
        kind = draw(st.sampled_from(MUTATION_KINDS))
        made = next(iter(mutations(data, 1, seed=draw(st.integers(0, 10_000)), kinds=[kind])), None)
        return data if made is None else made.data
    lines = data.decode("latin-1").split("\n")[:-1]
    if how == "field":  # one field of one record: blank, zeros, a legacy number, another code...
        n = draw(st.integers(0, len(lines) - 1))
        layout = LS.get(lines[n][:1]) or LS[lines[n][:2]]
        f = draw(st.sampled_from(layout.fields[1:]))
        value = draw(st.sampled_from(FIELD_VALUES)).ljust(f.length)[:f.length]
        lines[n] = lines[n][:f.start - 1] + value + lines[n][f.end:]
        return ("\n".join(lines) + "\n").encode("latin-1")
    if how == "character":
        n = draw(st.integers(0, len(lines) - 1))
        col = draw(st.integers(0, 79))
        c = draw(st.sampled_from([" ", "0", "1", "9", "A", "Y", "Z", "a", "#", "\t", "\xe9"]))
        lines[n] = lines[n][:col] + c + lines[n][col + 1:]
        return ("\n".join(lines) + "\n").encode("latin-1")
    if how == "framing":
        frame = draw(st.sampled_from(["crlf", "no final newline", "no newlines", "two final newlines"]))
        text = "\n".join(lines)
        return {"crlf": text.replace("\n", "\r\n") + "\r\n", "no final newline": text,
                "no newlines": text.replace("\n", ""), "two final newlines": text + "\n\n"}[frame].encode("latin-1")
    if how == "records":
        n = draw(st.integers(1, len(lines) - 1))
        if draw(st.booleans()):
            lines.insert(n, lines[n])  # a second K, B or Y
        else:
            lines.insert(n, lines[n][:2] + " " * 78)
        return ("\n".join(lines) + "\n").encode("latin-1")
    return data


FIELD_VALUES = ["", "0", "00000000000", "01", "1", "2", "TEST00", "PASS01", "KI", "KR", "TP", "Y", "Z", "3901",
                "XJ5", "SV9", "133126", "112526", "00002", "QQ", "ab", "12-345678900", "1 ", " 1"]
MUTATION_KINDS = ["shift-columns", "drop-record", "duplicate-record", "swap-records", "bad-code", "bad-date",
                  "lower-case", "short-record", "wrong-count"]


def _outcome(sim: Simulator, data: bytes, filer_code: str | None):
    """The answer and the exchange's journal row (less its id and timings), or the error
    raised (an importer's data that its layout cannot write)."""
    store = sim.store
    store.flush_journal()
    last = store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM journal").fetchone()[0]
    try:
        answer = sim.submit(data, filer_code=filer_code)
    except ValueError as exc:
        answer = ("raised", type(exc).__name__)
    store.flush_journal()
    rows = store.conn.execute("SELECT * FROM journal WHERE id > ? ORDER BY id", (last,)).fetchall()
    return answer, [{k: row[k] for k in row.keys() if k not in ("id", "received", "ms")} for row in rows]


_SIMS: dict = {}


def _pair(store, layouts: str, lenient: bool, batched: bool) -> tuple[Simulator, Simulator]:
    key = (id(store), layouts, lenient, batched)
    if key not in _SIMS:
        fast = Simulator(store, fixed(AS_OF), layouts=layouts or None, lenient=lenient)
        general = Simulator(store, fixed(AS_OF), layouts=layouts or None, lenient=lenient)
        general.fast_queries = False
        fast.journal.batched = general.journal.batched = batched
        _SIMS[key] = fast, general
    return _SIMS[key]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_fast_path_answers_and_journals_as_the_general_path(db, data):
    sent = data.draw(ki_transmissions().flatmap(damaged))
    layouts = data.draw(st.sampled_from(["", "", "ki-2010"]))
    fast, general = _pair(db, layouts, data.draw(st.booleans()), data.draw(st.booleans()))
    auth = data.draw(st.sampled_from([None, None, "XJ5", "SV9"]))
    assert _outcome(fast, sent, auth) == _outcome(general, sent, auth)


def test_the_common_query_takes_the_fast_path(sim, monkeypatch):
    """What the property test compares is the fast path at work, not the general path twice."""
    from abisim import simulator

    data = abisim.render(sample.envelope("KI", [abisim.make(LS["K"], importer_number_1="12-345678900")]))
    query = ki_fast.form(sim.layouts).read(data)
    assert query is not None and query.pairs == (("12-345678900", None),)
    sim.fast_queries = False
    expected = sim.submit(data)
    sim.fast_queries = True
    monkeypatch.setattr(simulator, "parse", None)  # the general path cannot answer now
    assert sim.submit(data) == expected


@pytest.mark.parametrize("change", [
    dict(a={"password": "TEST00"}),  # test mode (ruling 9)
    dict(a={"legacy_number": "01"}),  # a legacy batch number (ruling 10): read with a warning
    dict(b={"preparer_indicator": "1", "preparer_port": "3901", "preparer_filer": "SV9"}),  # ruling 15
    dict(b={"filer_code": "SV9"}, y={"filer_code": "SV9"}),  # a block for another filer (ruling 16)
    dict(y={"record_count": 2}),  # X32
    dict(z={"office_code": "B2"}),  # X14
    dict(k={"importer_number_1": "12-3456789"}),  # a malformed number: answered, with a warning
    dict(k={"importer_number_2": None, "importer_number_3": "12-345678900"}),  # X38
    dict(a={"transmission_date": "133126"}),  # X10
])
def test_anything_unusual_is_left_to_the_general_path(change):
    a, b, k, y, z = sample.envelope("KI", [abisim.make(LS["K"], importer_number_1="12-345678900",
                                                       importer_number_2="12-3456789C1")])
    records = {"a": a, "b": b, "k": k, "y": y, "z": z}
    for name, values in change.items():
        records[name] = records[name].replace(**values)
    data = abisim.render(list(records.values()))
    assert ki_fast.form(LS).read(data) is None


def test_a_transmission_changed_anywhere_is_read_by_the_fast_path_only_when_still_clean():
    """Every single-character change of the common query: what the fast path reads, the
    parser finds nothing wrong with (and reads the same numbers)."""
    data = abisim.render(sample.envelope("KI", [abisim.make(LS["K"], importer_number_1="12-345678900",
                                                            address_request_1="1")]))
    form = ki_fast.form(LS)
    rnd = random.Random(5)
    for _ in range(400):
        at = rnd.randrange(len(data))
        changed = data[:at] + bytes([rnd.choice(b" 019AZaz-#\n")]) + data[at + 1:]
        query = form.read(changed)
        if query is not None:
            t = abisim.parse(changed)
            assert not t.errors, (changed, t.errors)
            k = t.batches[0].blocks[0].details[0]
            assert query.pairs == tuple((getattr(k, f"importer_number_{n}"), getattr(k, f"address_request_{n}"))
                                        for n in range(1, 7) if getattr(k, f"importer_number_{n}") is not None)


@pytest.mark.parametrize("layouts", ["", "ki-2010"])
@pytest.mark.parametrize("batched", [False, True])
def test_every_sample_importer_is_answered_and_journaled_alike(db, layouts, batched):
    """Each importer of the sample database, with and without its physical address: in
    the 2010 layouts the ten-digit bond amount is a note in the journal row (ruling 18)."""
    fast, general = _pair(db, layouts, False, batched)
    for number in [*KNOWN, UNKNOWN]:
        for address in (None, "1"):
            data = abisim.render(sample.envelope("KI", [abisim.make(
                LS["K"], importer_number_1=number, address_request_1=address,
                importer_number_2="98-7654321AB")]))
            assert ki_fast.form(fast.layouts).read(data) is not None
            assert _outcome(fast, data, None) == _outcome(general, data, None)
