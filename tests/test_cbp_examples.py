"""CBP's own Batch & Block v23 examples as golden tests (rulings 13, 14, 16, 22).

``tests/wire/cbp_examples/printed/`` holds the examples as CBP printed them. The ``.in.abi``
files beside them are derived by :func:`derive` (ruling 14's substitutions: ``AE`` and
``CW`` become ``TP``, each placeholder one complete 5106, lines padded to 80); the
``.out.abi`` files are CBP's printed answers, padded to 80, with the two glitches of page
B&B-35 corrected (the X0 BLOCK echoes block 3's B as it was sent; X1 FX19 carries no
preparer data). Each example runs against a database holding only the filers it implies.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import abisim
from abisim import fixtures
from abisim.cli import main
from abisim.clock import fixed
from abisim.simulator import Simulator
from abisim.store import Store

FOLDER = Path(__file__).resolve().parent / "wire" / "cbp_examples"
PRINTED = FOLDER / "printed"
REGEN = bool(os.environ.get("ABISIM_REGEN"))

# The day CBP processed the rejects (their answers are dated 040108).
PROCESSED = dt.date(2008, 4, 1)


def _filer(code, site, password="PASSWD", **more):
    return dict(filer_code=code, sites=[site], password=password, ace_portal_account=True, **more)


# The filers each example implies. N01's password is PASSED on page B&B-34 and PASSWD
# elsewhere; on page B&B-36 CBP reports no preparer problem for 1232N01, on B&B-35 it
# reports X31 for the same preparer: N01 may prepare at 1232 in the first database only.
FILERS = {
    "batch_reject": [_filer("N01", "1234", "PASSED")],
    "block_reject": [_filer("N01", "1234")],
    "txn_syntax_reject": [_filer("N01", "1234", prepares_at=["1232"])],
    "input_config_1": [_filer("EEE", "2704")],
    "input_config_2": [_filer("SB1", "3002", sends_for=["CU1", "CU2"]), _filer("CU1", "3003"),
                       _filer("CU2", "3004")],
    "batch_accept": [_filer("N01", "1234", "PASSED")],
}
REJECTS = ("batch_reject", "block_reject", "txn_syntax_reject")
ACCEPTED = ("input_config_1", "input_config_2", "batch_accept")


def printed(name: str) -> list[str]:
    return PRINTED.joinpath(name).read_text(encoding="latin-1").splitlines()


# Each example's printed input.
INPUTS = {"batch_reject": "batch_reject_input.txt", "block_reject": "block_reject_input.txt",
          "txn_syntax_reject": "txn_syntax_reject_input.txt", "input_config_1": "input_config_1.txt",
          "input_config_2": "input_config_2.txt", "batch_accept": "batch_accept_input.txt"}


def a_5106(n: int) -> list[str]:
    """One complete 5106 (an add of a new importer number), 80-column records."""
    name = f"NEW IMPORTS {n} CORP".ljust(32)
    return [r.ljust(80) for r in (
        f"T1A20-{n:07d}00{name}1 CONGRESS AVE                  C",
        "T2                                            AUSTIN               TX78701    US",
        "TD2X                                       5125550100",
        "TE1",
        "TFINFO@NEW.EXAMPLE",
        "TLXDOE,JOHN                      OWNER",
    )]


def derive(name: str) -> bytes:
    """An example's input with ruling 14's substitutions: application ids AE and CW become
    TP; each placeholder (a lone "... <other records suppressed>", or a "10 ... 90" run)
    becomes one complete 5106; CW01 and CW02 become its first records and the unknown CW03
    stays at position 5; envelope lines are padded to 80."""
    out: list[str] = []
    n = 0
    five = []
    lines = printed(INPUTS[name])
    for i, line in enumerate(lines):
        rid = line[:2]
        if line.startswith("...") and not (i and lines[i - 1].startswith("10")):
            n += 1
            out.extend(a_5106(n))  # a lone placeholder: the reject examples
        elif rid == "10":
            n += 1
            out.extend(a_5106(n))  # the first record of a "10 ... 90" run stands for all of it
        elif line.startswith("...") or rid == "90":
            continue
        elif rid == "CW" and line[2:4] in ("01", "02"):
            if not five:
                n += 1
                five = a_5106(n)
            out.append(five.pop(0))
        elif rid == "CW":
            out.append(line)
            out.extend(five)
        else:
            col = {"A": 25, "B": 10, "Y": 10}.get(line[:1])
            if col is not None and line[col:col + 2] in ("AE", "CW"):
                line = line[:col] + "TP" + line[col + 2:]
            out.append(line.rstrip().ljust(80))
    return ("\n".join(out) + "\n").encode("latin-1")


def expected_answer(name: str) -> bytes:
    """CBP's printed answer, padded to 80, with ruling 14's corrections."""
    lines = [line.ljust(80) for line in printed(f"{name}_answer.txt")]
    if name == "block_reject":
        lines[2] = lines[2].replace(" AE ", " TP ")
        lines[4] = lines[4].replace("1202 N01    AE BLOCK-CCCCCC-TEXT-003".ljust(36),
                                    "1202 N01    EI BLOCK-CCCCCC-TEXT-003 1232N01  1")[:80]
        lines[4] = lines[4].rstrip().ljust(80)
        lines[6] = lines[6][:62].ljust(80)
    elif name == "txn_syntax_reject":
        lines[2] = lines[2].replace(" CW ", " TP ")
    return ("\n".join(lines) + "\n").encode("latin-1")


def simulator(tmp_path, name: str, as_of: dt.date = PROCESSED) -> Simulator:
    store = Store(tmp_path / f"{name}.sqlite3")
    fixtures.load(store, {"format": "abisim-fixture-1", "filers": FILERS[name]})
    return Simulator(store, fixed(as_of))


def cli_parse(*args):
    return CliRunner().invoke(main, ["parse", *map(str, args)])


@pytest.mark.parametrize("name", REJECTS + ACCEPTED)
def test_derived_inputs_are_the_printed_ones_with_the_substitutions(name):
    path = FOLDER / f"{name}.in.abi"
    if REGEN:
        path.write_bytes(derive(name))
    assert path.read_bytes() == derive(name)


@pytest.mark.parametrize("name", REJECTS)
def test_reject_examples_give_cbps_answers_line_for_line(tmp_path, name):
    golden = FOLDER / f"{name}.out.abi"
    if REGEN:
        golden.write_bytes(expected_answer(name))
    assert golden.read_bytes() == expected_answer(name)
    answer = simulator(tmp_path, name).submit((FOLDER / f"{name}.in.abi").read_bytes())
    assert answer.decode().splitlines() == golden.read_text().splitlines()
    assert abisim.parse(answer).errors == ()


def test_block_reject_counts_as_cbp_does():
    # Ruling 14: the Y count is the number of X0 and X1 records: 2, 7 and 4 on CBP's pages.
    counts = [int((FOLDER / f"{n}.out.abi").read_text().splitlines()[-2][12:17]) for n in REJECTS]
    assert counts == [2, 7, 4]


@pytest.mark.parametrize("name", ACCEPTED)
def test_valid_examples_are_accepted(tmp_path, name):
    answer = abisim.parse(simulator(tmp_path, name).submit((FOLDER / f"{name}.in.abi").read_bytes()))
    assert answer.ok
    assert [b.application_id for b in answer.blocks] == ["TT"] * len(answer.blocks)
    assert all(r.condition_code == "K32" for b in answer.blocks for r in b.details if r.record_id == "E1")


def test_the_service_bureau_needs_the_filers_authorization(tmp_path):
    sim = simulator(tmp_path, "input_config_2")
    sim.store.put_filer(dict(filer_code="SB1", sends_for="CU1"))
    answer = abisim.parse(sim.submit((FOLDER / "input_config_2.in.abi").read_bytes()))
    x1 = [r.condition_code for b in answer.blocks for r in b.details if r.record_id == "X1"]
    assert x1 == ["X18", "999"]  # the CU2 block only


@pytest.mark.parametrize("name", ["input_config_1.txt", "input_config_2.txt", "input_config_3.txt",
                                  "batch_accept_input.txt", "txn_syntax_reject_input.txt"])
def test_printed_valid_inputs_parse_clean_in_lenient_mode(name):
    # Ruling 13: AE, EQ and CW blocks are read as opaque records, counted, no X12 or X34;
    # ruling 17: CBP's printed lines are shorter than 80, padded with W12 warnings.
    result = cli_parse(PRINTED / name, "--lenient")
    assert result.exit_code == 0, result.output
    assert {line.split(": ")[1].split()[0] for line in result.output.splitlines()
            if ": W" in line} <= {"W12"}


def test_printed_eq_queries_are_answered_x13(tmp_path):
    # A real ACE application abisim does not simulate: X13 in the block's X0 BLOCK group.
    store = Store(tmp_path / "eq.sqlite3")
    fixtures.load(store, {"format": "abisim-fixture-1", "filers": FILERS["input_config_1"]})
    sim = Simulator(store, fixed(PROCESSED), lenient=True)
    lines = sim.submit(PRINTED.joinpath("input_config_3.txt").read_bytes()).decode().splitlines()
    assert lines[2].startswith("X0 BLOCK  000001 REF ID: 2704 EEE    EQ")
    assert lines[3].startswith("X1 FX13   APPLICATION NOT CURRENTLY AVAILABLE")
    assert lines[4].startswith("X1RF999") and lines[5][12:17] == "00003"


@pytest.mark.parametrize("name, lenient", [("batch_reject_answer.txt", False), ("txn_syntax_reject_answer.txt", True),
                                           ("batch_accept_answer.txt", False), ("uc_notification.txt", False)])
def test_cbps_answers_parse_with_exit_0(name, lenient):
    result = cli_parse(PRINTED / name, *(["--lenient"] if lenient else []))
    assert result.exit_code == 0, result.output


def test_cbps_answer_with_a_y_that_does_not_echo_its_b_is_read_with_a_warning():
    t = abisim.parse(PRINTED / "batch_accept_answer.txt")
    assert t.ok and [(e.code, e.line) for e in t.warnings] == [("W13", 11)]
    assert [b.trailer.record_count for b in t.blocks] == [2, 4]
