"""docs/adding-an-application.md, followed once: a toy application registered at test time.

The toy is an importer status query, `QX` in and `QY` out (ids that are neither CBP's nor
abisim's, so the shipped application-id kinds are untouched): Q1 asks for an importer
number, Q2 answers its status and name. Each step below is the document's step of the same
number; only the registration is done by monkeypatching instead of editing the files.
"""

from __future__ import annotations

import shutil
import sys
import types

import pytest

from abisim import applications, layouts, recognize, simulator, structure, transmission
from abisim.layouts import FILL, ID, F
from abisim.records import make

IN_APP, OUT_APP = "QX", "QY"

# Step 1: the layout table (a module abisim/layouts/toy_status_1.py).
TOY_LAYOUTS = types.ModuleType("abisim.layouts.toy_status_1")
TOY_LAYOUTS.VERSION = "toy-status-1"
TOY_LAYOUTS.FAMILY = "toy-status"
TOY_LAYOUTS.TITLES = {"Q1": "Importer status query (toy)", "Q2": "Importer status answer (toy)"}
TOY_LAYOUTS.RECORDS = {
    "Q1": (ID("Q1"), F("importer_number", 3, 12, "X", "M", codes="importer_number"), FILL(15, 80)),
    "Q2": (ID("Q2"), F("importer_number", 3, 12, "X", "M"), F("status", 15, 1, "AN", "M"),
           F("importer_name", 16, 32, "X", "C"), FILL(48, 80)),
}

# Step 2: the grammar (grammars/qx.lark), and the block alternatives in envelope.lark.
TOY_GRAMMAR = """
// Importer status query (toy): QX in, QY out.
qx_body: Q1+
qy_body: Q2+

%declare Q1 Q2
"""

STATUS = {"active": "A", "voided": "V", "inactive": "I"}


# Step 3: the rules module (abisim/rules/importer_status.py): one block in, answer records out.
def answer_block(ctx, block):
    out = []
    for q1 in block.details:
        row = ctx.store.importer(q1.importer_number) if not ctx.errors_of(q1) else None
        out.append(make(ctx.layouts["Q2"], importer_number=q1.importer_number,
                        status=STATUS[row["status"]] if row is not None else "0",
                        importer_name=row["name"] if row is not None else None))
    return out


@pytest.fixture
def toy_application(monkeypatch, tmp_path):
    # 1. register the layout version
    monkeypatch.setitem(sys.modules, TOY_LAYOUTS.__name__, TOY_LAYOUTS)
    monkeypatch.setitem(layouts._VERSION_MODULES, TOY_LAYOUTS.VERSION, "toy_status_1")
    monkeypatch.setattr(layouts, "DEFAULT_VERSIONS", (*layouts.DEFAULT_VERSIONS, TOY_LAYOUTS.VERSION))
    # 2. the grammar file, its place in GRAMMAR_FILES and the envelope's block rule
    grammars = tmp_path / "grammars"
    shutil.copytree(structure.grammar_dir(), grammars)
    (grammars / "qx.lark").write_text(TOY_GRAMMAR)
    envelope = (grammars / "envelope.lark").read_text()
    envelope = envelope.replace("     | B_REJECT reject_body Y",
                                f"     | B_{IN_APP} qx_body Y\n     | B_{OUT_APP} qy_body Y\n     | B_REJECT reject_body Y")
    envelope = envelope.replace("%declare A Z Y", f"%declare A Z Y B_{IN_APP} B_{OUT_APP}")
    (grammars / "envelope.lark").write_text(envelope)
    monkeypatch.setattr(structure, "grammar_dir", lambda: grammars)
    monkeypatch.setattr(structure, "GRAMMAR_FILES", (*structure.GRAMMAR_FILES, "qx.lark"))
    monkeypatch.setattr(structure, "APPLICATIONS", (*structure.APPLICATIONS, IN_APP, OUT_APP))
    monkeypatch.setitem(applications.SIMULATED_PAIRS, IN_APP, OUT_APP)
    # (what abisim/applications.py and abisim/transmission.py derive from the pairs at import)
    monkeypatch.setattr(applications, "SIMULATED_IDS", applications.SIMULATED_IDS | {IN_APP, OUT_APP})
    monkeypatch.setattr(applications, "ANSWER_IDS", applications.ANSWER_IDS | {OUT_APP})
    monkeypatch.setattr(transmission, "APPLICATION_TOKENS", transmission.APPLICATION_TOKENS | {IN_APP, OUT_APP})
    # 3. the rule, answering the input application with the output one
    monkeypatch.setitem(simulator.APPLICATIONS, IN_APP, (OUT_APP, answer_block))
    _forget_compiled()
    yield
    monkeypatch.undo()
    _forget_compiled()


def _forget_compiled():
    """The caches that hold what the registries said (compiled once per process)."""
    layouts._SETS.clear()
    layouts._CHOSEN.clear()
    structure.parse_table.cache_clear()
    transmission._classes_by_prefix.cache_clear()
    recognize._RECOGNIZERS.clear()


def test_the_toy_application_answers_as_the_document_says(toy_application, abisim):
    import abisim as api

    q1 = [abisim.record("Q1", importer_number=n) for n in ("12-345678900", "12-3456789V1", "99-9999999AA")]
    answer = abisim.submit(abisim.transmission(IN_APP, q1))
    assert not answer.rejected, answer.text
    lines = answer.text.splitlines()
    assert lines[1][10:12] == OUT_APP and lines[-2].startswith(f"Y  3901XJ5{OUT_APP}00003")
    q2 = answer.records("Q2")
    assert [(r.importer_number, r.status) for r in q2] == [("12-345678900", "A"), ("12-3456789V1", "V"),
                                                          ("99-9999999AA", "0")]
    # parse then render gives back the same bytes, and the journal has the exchange
    assert api.render(api.parse(answer.data)) == answer.data
    abisim.assert_exchanges(1, application=IN_APP, status="accepted")


def test_the_toy_application_is_checked_like_any_other(toy_application, abisim):
    q2_in_input = abisim.record("Q2", importer_number="12-345678900", status="A")
    answer = abisim.submit(abisim.transmission(IN_APP, [q2_in_input]))
    assert answer.rejected  # an answer record in a query block: the grammar says no
    bad_number = abisim.record("Q1", importer_number="12-34567")
    assert abisim.submit(abisim.transmission(IN_APP, [bad_number])).records("Q2")[0].status == "0"


def test_without_the_registration_the_id_is_unknown(abisim):
    q1 = abisim.record("K", importer_number_1="12-345678900")  # any record: the block is refused first
    assert "X12" in abisim.submit(abisim.transmission(IN_APP, [q1])).conditions
