"""``POST /v1/diff`` answers what ``abisim diff --json`` prints for the same TP file on the
same database: each importer's verdict, findings and warnings, and each input error, with
the counts of the summary; the caller's token, the body limit and the date are checked."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from abisim import fixtures, sample
from abisim.cli import main
from abisim.clock import fixed
from abisim.http import create_app
from abisim.simulator import Simulator
from abisim.store import Store
from tests.conftest import AS_OF

with warnings.catch_warnings():  # this Starlette's test client names an anyio alias anyio deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
IMPORTERS = ROOT / "samples/importers"
XJ5 = {"Authorization": "Bearer xj5-sample-token"}
MAX_BODY = 8192


def consistent_file() -> bytes:
    return (IMPORTERS / "12-345678900.abi").read_bytes()


def all_importers() -> bytes:
    """The nine magic importers' 5106 copies in one TP block, in file order."""
    details, head = [], None
    for path in sorted(IMPORTERS.glob("*.abi")):
        lines = path.read_bytes().splitlines()
        head = head or lines[:2]
        details += [line for line in lines if line[:1] == b"T"]
    trailer = [f"Y  3901XJ5TP{len(details):05d}".ljust(80).encode(), b"Z3901XJ5".ljust(80)]
    return b"\n".join(head + details + trailer) + b"\n"


# name -> the TP file's bytes
FILES = {
    "consistent": consistent_file,
    "inconsistent": lambda: (IMPORTERS / "12-3456789A1.abi").read_bytes(),
    # USPS Publication 28: STREET and ST, SUITE and STE are the same address (a warning).
    "usps": lambda: consistent_file().replace(b"100 MAIN ST    ", b"100 MAIN STREET").replace(
        b"STE 200  ", b"SUITE 200"),
    # Lower case in the mailing state is R14 (ruling 11).
    "input-error": lambda: consistent_file().replace(b"IL60601", b"il60601", 1),
    "crlf-no-final-end": lambda: (IMPORTERS / "12-3456789T1.abi").read_bytes().replace(b"\n", b"\r\n").rstrip(b"\r\n"),
    "nine-importers": all_importers,
}


@pytest.fixture
def client(sim):
    with TestClient(create_app(sim, admin_token="the-admin", max_body=MAX_BODY)) as c:
        yield c


def cli_lines(path: Path, db: str) -> tuple[int, list[dict]]:
    """The exit code and the JSON lines on stdout (this click keeps stderr apart)."""
    result = CliRunner().invoke(main, ["diff", str(path), "--db", db, "--as-of", AS_OF.isoformat(), "--json"])
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def post(client, data: bytes, **params):
    return client.post("/v1/diff", content=data, params=params, headers={**XJ5, "Content-Type": "text/plain"})


@pytest.mark.parametrize("name", FILES)
def test_the_route_answers_what_the_cli_prints(name, client, store, tmp_path):
    data = FILES[name]()
    path = tmp_path / f"{name}.abi"
    path.write_bytes(data)
    code, lines = cli_lines(path, store.path)
    r = post(client, data, as_of=AS_OF.isoformat())
    assert r.status_code == 200, r.text
    answer = r.json()

    def as_body(line):
        return {**line, "file": "body"}
    assert answer["results"] == [as_body(x) for x in lines if x["type"] == "importer"]
    assert answer["errors"] == [as_body(x) for x in lines if x["type"] == "error"]
    summary = {k: v for k, v in lines[-1].items() if k != "type"}
    assert {k: answer[k] for k in summary} == summary
    # What each sample is there for: the CLI's exit code says the same.
    assert code == {"consistent": 0, "usps": 0, "input-error": 2}.get(name, 1)
    if name == "usps":
        assert [w["code"] for w in answer["results"][0]["warnings"]] and not answer["results"][0]["findings"]
    if name == "inconsistent":
        assert [f["code"] for f in answer["results"][0]["findings"]] == ["D04"]
    if name == "input-error":
        assert answer["input_errors"] == 1 and answer["errors"][0]["code"] == "R14"
    if name == "nine-importers":
        assert (answer["importers"], answer["consistent"]) == (9, 2)


def test_the_date_defaults_to_the_simulated_date(client):
    data = (IMPORTERS / "12-3456789A1.abi").read_bytes()
    default, given = post(client, data), post(client, data, as_of=AS_OF.isoformat())
    assert default.status_code == given.status_code == 200
    assert default.json() == given.json() and default.json()["as_of"] == AS_OF.isoformat()


def test_the_bond_data_is_the_servers_own_store_even_in_memory():
    store = Store(":memory:")
    fixtures.load(store, sample.fixture(AS_OF))
    with TestClient(create_app(Simulator(store, fixed(AS_OF)), admin_token="the-admin")) as c:
        r = post(c, (IMPORTERS / "12-3456789N1.abi").read_bytes())
    assert r.status_code == 200, r.text
    assert [f["code"] for f in r.json()["results"][0]["findings"]] == ["D08"]


@pytest.mark.parametrize("as_of", ["2026-13-01", "11/25/2026", "1764028800", "2070-01-01", ""])
def test_a_bad_date_is_422(client, as_of):
    r = post(client, consistent_file(), as_of=as_of)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert "as_of" in r.json()["detail"]


def test_a_token_is_needed_and_the_body_has_a_limit(client):
    assert client.post("/v1/diff", content=consistent_file()).status_code == 401
    r = post(client, consistent_file() * (MAX_BODY // len(consistent_file()) + 1))
    assert r.status_code == 413 and r.json()["title"] == "Payload Too Large"


def test_no_temporary_file_is_left(client, tmp_path, monkeypatch):
    import tempfile

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    assert post(client, consistent_file()).status_code == 200
    bad = post(client, b"not a transmission")
    assert bad.status_code == 200 and bad.json()["input_errors"] > 0
    assert list(spool.iterdir()) == []


def test_the_route_is_documented(client):
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/v1/diff"]["post"]
    assert "text/plain" in op["requestBody"]["content"]
    assert {"200", "401", "413", "422"} <= set(op["responses"])
    assert [p["name"] for p in op["parameters"] if p["in"] == "query"] == ["as_of"]


@pytest.mark.parametrize("data", [b"", b"\xff\x00\x9f" * 40, b"A" * 81 + b"\r\n" + b"T1" * 50,
                                  consistent_file()[:200]])
def test_any_body_is_answered_with_its_errors_never_a_crash(client, data):
    r = post(client, data)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["input_errors"] > 0 and answer["errors"]
    assert all(e["type"] == "error" and e["file"] == "body" for e in answer["errors"])
