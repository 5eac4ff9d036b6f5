"""The envelope corpus (issue 10, item 6): real-shaped transmissions, one or more per
ruling of the envelope (10, 13-17, 21), each with its parse result and its answer as
golden files.

``tests/wire/envelope/NAME.abi`` is the transmission. ``NAME.parse`` is what
``abisim parse`` prints on stderr, after its exit status; ``NAME.out.abi`` is the
simulator's answer over the sample database (files named ``answer-*`` are CBP answers:
parsed only). A name containing ``lenient`` is parsed and answered in lenient mode.
Regenerate with ABISIM_REGEN=1 and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import abisim
from abisim.cli import main
from abisim.simulator import Simulator

FOLDER = Path(__file__).resolve().parent / "wire" / "envelope"
CASES = sorted(p.stem for p in FOLDER.glob("*.abi") if not p.name.endswith(".out.abi"))
REGEN = bool(os.environ.get("ABISIM_REGEN"))


def _golden(path: Path, text: str) -> str:
    if REGEN:
        path.write_text(text)
    return path.read_text()


@pytest.mark.parametrize("name", CASES)
def test_parse_result(name, monkeypatch):
    monkeypatch.chdir(FOLDER)
    result = CliRunner().invoke(main, ["parse", f"{name}.abi", *(["--lenient"] if "lenient" in name else [])])
    got = f"exit {result.exit_code}\n" + "".join(
        line + "\n" for line in result.output.splitlines() if ": " in line and line.startswith(name))
    assert got == _golden(FOLDER / f"{name}.parse", got)


@pytest.mark.parametrize("name", [n for n in CASES if not n.startswith("answer-")])
def test_answer(name, store):
    from abisim.clock import fixed
    from conftest import AS_OF

    sim = Simulator(store, fixed(AS_OF), lenient="lenient" in name)
    answer = sim.submit((FOLDER / f"{name}.abi").read_bytes()).decode()
    assert answer == _golden(FOLDER / f"{name}.out.abi", answer)
    assert abisim.parse(answer.encode()).ok


@pytest.mark.parametrize("name", CASES)
def test_streaming_finds_what_parse_finds(name):
    path = FOLDER / f"{name}.abi"
    lenient = "lenient" in name
    found = sorted((e.code, e.line) for e in abisim.parse(path, lenient=lenient).errors)
    streamed = sorted((e.code, e.line) for _, errors in abisim.transmission.scan(str(path), lenient=lenient)
                      for e in errors)
    assert streamed == found


@pytest.mark.parametrize("name", ["legacy-numbers-ki", "known-application-ae-x13", "preparer-unknown-x28"])
def test_every_framing_answers_alike(name, store):
    # Ruling 22: CR/LF, LF and records with no separator give the same answer.
    from abisim.clock import fixed
    from conftest import AS_OF

    sim = Simulator(store, fixed(AS_OF))
    lf = (FOLDER / f"{name}.abi").read_bytes()
    answers = {sim.submit(data) for data in (lf, lf.replace(b"\n", b"\r\n"), lf.replace(b"\n", b""))}
    assert answers == {(FOLDER / f"{name}.out.abi").read_bytes()}
