"""The grammars' flattened LALR table ships with the package (abisim/grammars/lalr-table.json,
committed): it must be the table of the grammars as they are, and a stale one is rebuilt."""

from __future__ import annotations

import hashlib
import json

from abisim import structure


def committed() -> dict:
    return json.loads((structure.grammar_dir() / structure.TABLE_FILE).read_text(encoding="utf-8"))


def test_the_committed_table_is_the_table_of_the_grammars():
    table = committed()
    text = structure.grammar_text()
    assert table.pop("grammar_sha256") == hashlib.sha256(text.encode("utf-8")).hexdigest(), (
        "the grammars changed: rebuild abisim/grammars/lalr-table.json (delete it and run the tests) and commit it")
    assert table == structure._flatten(text)


def test_a_stale_table_is_not_used_but_rebuilt(tmp_path, monkeypatch):
    stale = dict(committed(), grammar_sha256="0" * 64, states=[{}])
    (tmp_path / structure.TABLE_FILE).write_text(json.dumps(stale), encoding="utf-8")
    monkeypatch.setattr(structure, "_table_paths", lambda: [tmp_path / structure.TABLE_FILE])
    structure.parse_table.cache_clear()
    try:
        states, start, end, rules = structure.parse_table()
        assert states == committed()["states"]
        rebuilt = json.loads((tmp_path / structure.TABLE_FILE).read_text(encoding="utf-8"))
        assert rebuilt["grammar_sha256"] == committed()["grammar_sha256"]
    finally:
        structure.parse_table.cache_clear()
