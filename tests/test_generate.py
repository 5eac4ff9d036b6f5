"""Generators: importers whose expected verdicts `abisim diff` reproduces exactly, and
mutations whose oracle is what `abisim parse` says, deterministic for a seed."""

from __future__ import annotations

import collections
import json
from pathlib import Path

from click.testing import CliRunner

from abisim import fixtures
from abisim.cli import main
from abisim.generate.importers import Mix
from abisim.generate.output import to_store, write
from abisim.generate.mutations import KINDS
from abisim.store import Store

MIX = ["--inconsistent", "12%", "--terminated", "5%", "--insufficient", "5%", "--users", "5%",
       "--terminated-users", "4%", "--no-bond", "4%", "--voided", "3%", "--ssn", "15%", "--cbp", "15%",
       "--foreign", "20%", "--abbreviated", "15%"]
ROOT = Path(__file__).resolve().parent.parent


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_diff_reproduces_the_expected_verdicts_exactly(tmp_path):
    out, db = tmp_path / "gen", tmp_path / "db.sqlite3"
    r = cli("generate", "importers", 1500, "--out", out, "--seed", 3, "--as-of", "2026-11-25", "--per-file", 600, *MIX)
    assert r.exit_code == 0, r.output
    assert cli("db", "init", "--db", db).exit_code == 0
    assert cli("db", "load", out / "fixture.json", "--db", db).exit_code == 0
    files = sorted((out / "5106").glob("*.abi"))
    assert len(files) == 3
    r = cli("diff", *files, "--db", db, "--as-of", "2026-11-25", "--json")
    assert r.exit_code == 1  # some are inconsistent, as asked
    got = {}
    for line in r.output.splitlines():
        d = json.loads(line)
        if d["type"] == "importer":
            got[d["importer_number"].strip()] = (d["verdict"], sorted(f["code"] for f in d["findings"]),
                                                 [w["code"] for w in d["warnings"]])
        elif d["type"] == "summary":
            assert d["input_errors"] == 0
    expected = [json.loads(line) for line in (out / "verdicts.jsonl").read_text().splitlines()]
    assert len(expected) == len(got) == 1500
    assert {e["importer_number"]: (e["verdict"], e["findings"], e["warnings"]) for e in expected} == got
    assert sum(1 for e in expected if e["warnings"]) > 100
    outcomes = collections.Counter(e["outcome"] for e in expected)
    assert set(outcomes) == {"consistent", "inconsistent", "terminated", "insufficient", "user", "terminated_user",
                             "no_bond", "voided"}
    numbers = [e["importer_number"] for e in expected]
    assert any(len(n) == 11 for n in numbers) and any(n[6] == "-" for n in numbers)  # SSN, CBP-assigned


def test_the_same_seed_gives_the_same_bytes_and_another_seed_others(tmp_path):
    mix = Mix(inconsistent=0.2, user=0.1, foreign=0.3, ssn=0.2)
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        write(tmp_path / name, 300, seed=seed, mix=mix)
    for f in ("fixture.json", "verdicts.jsonl", "5106/importers-0001.abi"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
        assert (tmp_path / "a" / f).read_bytes() != (tmp_path / "c" / f).read_bytes()


def test_the_database_sink_holds_what_loading_the_fixture_gives(tmp_path):
    mix = Mix(terminated=0.1, insufficient=0.1, user=0.1, terminated_user=0.1, voided=0.1, cbp=0.2)
    write(tmp_path / "gen", 400, seed=2, mix=mix)
    loaded, direct = Store(tmp_path / "loaded.sqlite3"), Store(tmp_path / "direct.sqlite3")
    fixtures.load(loaded, (tmp_path / "gen" / "fixture.json").read_text())
    to_store(direct, 400, seed=2, mix=mix, batch=64)
    assert fixtures.export(direct) == fixtures.export(loaded)


def test_shares_that_add_up_to_more_than_everything_are_refused(tmp_path):
    r = CliRunner().invoke(main, ["generate", "importers", "10", "--out", str(tmp_path), "--terminated", "60%",
                                  "--voided", "50%"])
    assert r.exit_code == 2 and "more than 100%" in r.output


SOURCES = ["samples/importers/12-345678900.abi", "samples/answers/ki-variety.in.abi",
           "samples/answers/cb-rider.in.abi", "samples/answers/tp-cbp-number.out.abi"]


def test_every_mutations_oracle_is_what_abisim_parse_says(tmp_path):
    files, oracle = [], {}
    for k, source in enumerate(SOURCES):
        out = tmp_path / f"m{k}"
        r = cli("generate", "mutations", ROOT / source, "--count", 750, "--seed", k, "--out", out)
        assert r.exit_code == 0, r.output
        for line in (out / "oracle.jsonl").read_text().splitlines():
            entry = json.loads(line)
            path = str(out / entry["file"])
            files.append(path)
            oracle[path] = entry
    assert len(files) == 3000
    r = CliRunner().invoke(main, ["parse", "--json", *files])
    said = collections.defaultdict(list)
    for line in r.stdout.splitlines():
        if not line.startswith("{"):
            continue  # the error reports of stderr, when the runner mixes them in
        d = json.loads(line)
        if d["type"] == "error":
            said[d["file"]].append(d)

    def key(e):
        return (e["code"], e["severity"], e["line"], e["first_column"], e["last_column"], e["field"])

    for path in files:
        assert sorted(map(key, oracle[path]["errors"])) == sorted(map(key, said[path])), oracle[path]["description"]
    kinds = collections.Counter(oracle[p]["kind"] for p in files)
    assert set(kinds) == set(KINDS)
    with_errors = sum(1 for p in files if any(e["severity"] == "F" for e in oracle[p]["errors"]))
    assert with_errors >= 0.9 * len(files)  # near-valid, but wrong


def test_the_public_strategies_draw_transmissions_abisim_reads_clean():
    from hypothesis import given, settings

    import abisim
    from abisim import strategies

    @settings(max_examples=30, deadline=None)
    @given(strategies.transmission_bytes(["KI", "TP", "CB", "XP"]))
    def check(data):
        t = abisim.parse(data)
        assert t.ok, [e.located() for e in t.errors]
        assert t.blocks[0].application_id in ("KI", "TP", "CB", "XP")

    check()
