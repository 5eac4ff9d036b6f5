"""Issue 11 (hardening): no input crashes, no request blocks the others, every bad input
gets a clear error. Scenario tests of the library and the shells; server-level ones are in
test_http.py, test_tcp.py and test_cli_environment.py."""

from __future__ import annotations

from pathlib import Path

import abisim
from abisim import simulator
from abisim.errors import RecordError

ROOT = Path(__file__).resolve().parent.parent
KI = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes()


def ki_with_blank_lines(n: int, password: bytes = b"PASS01") -> bytes:
    lines = KI.split(b"\n")
    return b"\n".join([lines[0].replace(b"PASS01", password), lines[1], *[b" " * 80] * n, *lines[3:]])


def test_checking_n_errors_costs_linear_comparisons(sim, monkeypatch):
    """Finding 1: a membership test in a list per error made checking quadratic."""
    calls = {"eq": 0, "in_block": 0}
    eq, in_block = RecordError.__eq__, simulator._in_block

    def counting_eq(a, b):
        calls["eq"] += 1
        return eq(a, b)

    def counting_in_block(e, block):
        calls["in_block"] += 1
        return in_block(e, block)
    monkeypatch.setattr(RecordError, "__eq__", counting_eq)
    monkeypatch.setattr(simulator, "_in_block", counting_in_block)
    n = 3000
    answer = sim.submit(ki_with_blank_lines(n))
    assert answer.count(b"\nX1 FX34") >= n  # each blank record reported
    # with a wrong password only the batch-level X09 is reported (ruling 14), but every
    # error is still checked
    assert b"X1 FX09" in sim.submit(ki_with_blank_lines(n, b"WRONG1"))
    assert calls["eq"] + calls["in_block"] <= 10 * n, calls


# -- finding 7: parse then render gives back the input's bytes, whatever the line ends

def test_mixed_line_ends_come_back_as_they_were():
    lines = KI.rstrip(b"\n").split(b"\n")
    for ends in ([b"\r\n", b"\n", b"\n", b"\r\n", b"\n"], [b"\n", b"\r\n", b"\r\n", b"\n", b""],
                 [b"\r\n", b"\r\n", b"\n", b"\r\n", b"\r"], [b"\n"] * 4 + [b"\r\n"]):
        data = b"".join(line + end for line, end in zip(lines, ends))
        t = abisim.parse(data)
        assert t.ok, t.errors
        assert abisim.render(t) == data


# -- finding 8: the API's traps

def test_compare_is_callable_every_time():
    import importlib

    from abisim.rules.bond_query import answer_records  # noqa: F401 (loads the package's modules)

    importlib.import_module("abisim.compare")
    for _ in range(3):
        assert callable(abisim.compare)
        result = abisim.compare([], [], __import__("datetime").date(2026, 11, 25))
        assert result is not None


def test_parse_takes_bytes_file_objects_and_paths(tmp_path):
    import io

    path = tmp_path / "ki.abi"
    path.write_bytes(KI)
    expected = abisim.render(abisim.parse(KI))
    sources = [KI, bytearray(KI), io.BytesIO(KI), io.StringIO(KI.decode("latin-1")), path, str(path),
               KI.decode("latin-1")]
    for source in sources:
        assert abisim.render(abisim.parse(source)) == expected, type(source)
    for source in (KI, io.BytesIO(KI), path, str(path)):
        assert [p.record for p in abisim.iter_records(source)] == list(abisim.parse(KI).records())


def test_a_missing_file_is_file_not_found_never_data(tmp_path):
    import pytest

    for source in ("big-file.abi", tmp_path / "big-file.abi", str(tmp_path / "nope.abi")):
        with pytest.raises(FileNotFoundError):
            abisim.parse(source)
        with pytest.raises(FileNotFoundError):
            abisim.iter_records(source)
    with pytest.raises(TypeError):
        abisim.parse(12345)


# -- finding 3: a reset with a sample load that fails changes nothing

def test_a_replacing_load_that_fails_leaves_the_database_as_it_was(store):
    import pytest

    from abisim import fixtures

    before = fixtures.export(store)
    bad = {"importers": [{"importer_number": "12-3456789A1", "name": "X"}],
           "bonds": [{"bond_number": "B1", "surety_code": "999", "amount": 1, "effective_date": "2020-01-01",
                      "principal": "12-3456789A1"}]}
    with pytest.raises(fixtures.FixtureError):
        fixtures.load(store, bad, replace=True)
    assert fixtures.export(store) == before


def test_admin_reset_with_a_sample_that_cannot_load_is_422_and_changes_nothing(sim, monkeypatch):
    import httpx

    from abisim import sample
    from abisim.server import Server

    good = sample.fixture

    def broken(as_of):
        doc = good(as_of)
        doc["bonds"][0]["effective_date"] = "1969-12-31"
        return doc
    monkeypatch.setattr(sample, "fixture", broken)
    with Server(sim, admin_token="admin") as server:
        admin = {"Authorization": "Bearer admin"}
        r = httpx.post(server.url + "/v1/admin/reset", json={"sample": True}, headers=admin)
        assert r.status_code == 422 and "1970-01-01 to 2069-12-31" in r.json()["detail"]
        r = httpx.post(server.url + "/v1/transmissions", content=KI,
                       headers={"Authorization": "Bearer xj5-sample-token"})
        assert r.status_code == 200 and b"X1RF999" not in r.content  # the tokens still work
