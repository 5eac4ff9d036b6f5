"""Every input is answered: mutated real transmissions, parse-clean or not, go through
`submit` and come back as 80-column records (issue 11, finding 2). The long run of the same
mutations is `make fuzz` (benchmarks/fuzz.py)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import abisim
from abisim import fixtures, sample
from abisim.clock import fixed
from tests.conftest import AS_OF
from tests.fuzzing import CORPUS, check_answer, mutate


@pytest.fixture(scope="module")
def fuzz_sim():
    sim = abisim.Simulator(":memory:", fixed(AS_OF))
    fixtures.load(sim.store, sample.fixture(AS_OF))
    return sim


def _reject_shaped(password: bytes) -> bytes:
    # CBP's reject answer sent back in: A and B with blank application ids, X0/X1 details.
    lines = [b"A3901XJ5" + password, b"B" + b" " * 78 + b"B", b"X0 TRNACT 000001 REF ID: 0000001 02",
             b"X1 FX09   SENDER/RECEIVER NOT AUTHORIZED", b"X1RF999   BATCH REJECTED",
             b"Y           00003" + b" " * 62 + b"Y", b"Z" + b" " * 78 + b"Z"]
    return b"".join(line.ljust(80) + b"\n" for line in lines)


def test_a_block_with_a_blank_application_id_is_answered_x11(fuzz_sim):
    data = _reject_shaped(b"PASS01")
    assert not [e for e in abisim.parse(data).errors if e.is_fatal]  # the parser takes it as it is
    answer = fuzz_sim.submit(data)
    check_answer(data, answer)
    assert b"X1 FX11   APPLICATION ID CODE MISSING" in answer and b"X1RF999" in answer


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(source=st.sampled_from(CORPUS), seed=st.integers(0, 2**32 - 1))
def test_every_mutated_transmission_is_answered(fuzz_sim, source, seed):
    data = mutate(source, random.Random(seed))
    check_answer(data, fuzz_sim.submit(data))
