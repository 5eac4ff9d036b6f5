"""Golden answers: each input in samples/answers/ gives exactly its expected answer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import abisim
from answer_cases import cases

FOLDER = Path(__file__).resolve().parent.parent / "samples" / "answers"
CASES = cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_answer_matches_golden(sim, name):
    data = CASES[name]
    (FOLDER / f"{name}.in.abi").parent.mkdir(exist_ok=True)
    if os.environ.get("ABISIM_REGEN"):
        (FOLDER / f"{name}.in.abi").write_bytes(data)
        (FOLDER / f"{name}.out.abi").write_bytes(sim.submit(data))
        pytest.skip("regenerated")
    assert (FOLDER / f"{name}.in.abi").read_bytes() == data, "input changed: regenerate and review"
    answer = sim.submit(data)
    assert answer.decode() == (FOLDER / f"{name}.out.abi").read_text()
    assert abisim.parse(answer).errors == ()


def test_every_golden_file_has_a_case():
    names = {p.name.split(".")[0] for p in FOLDER.glob("*.abi")}
    assert names == set(CASES)
