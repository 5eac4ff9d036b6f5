"""Bad input never crashes anything: random bytes and mutated valid transmissions parse
without an exception, and every error points inside the input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import abisim
from strategies import transmissions

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_points_inside(data: bytes) -> None:
    t = abisim.parse(data)
    n = sum(1 for _ in abisim.iter_records(data))
    for e in t.errors:
        if n == 0:
            continue
        assert e.line is not None and 1 <= e.line <= n, (e, n)
        if e.first_column is not None:
            last = e.last_column if e.last_column is not None else e.first_column
            assert 1 <= e.first_column <= last, e
            if e.code != "X39":
                assert last <= 80, e
    abisim.render(t)  # whatever was read renders


@SETTINGS
@given(st.binary(max_size=600))
def test_random_bytes(data):
    check_points_inside(data)


@SETTINGS
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=255), max_size=400))
def test_random_latin1_text(text):
    check_points_inside(text.encode("latin-1"))


@st.composite
def mutated(draw):
    lines = [abisim.render_record(r) for r in draw(transmissions())]
    kind = draw(st.sampled_from(["shift", "drop", "duplicate", "cut", "insert", "swap", "lower", "join"]))
    i = draw(st.integers(0, len(lines) - 1))
    if kind == "shift":
        k = draw(st.integers(1, 5))
        lines[i] = (" " * k + lines[i])[:80] if draw(st.booleans()) else lines[i][k:]
    elif kind == "drop":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "cut":
        lines[i] = lines[i][: draw(st.integers(0, 79))]
    elif kind == "insert":
        pos = draw(st.integers(0, 80))
        lines[i] = lines[i][:pos] + draw(st.sampled_from(["\x00", "\xff", "é", "x", "\t"])) + lines[i][pos:]
    elif kind == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "lower":
        lines[i] = lines[i].lower()
    elif kind == "join":
        return "".join(lines[:i]) + "\n".join(lines[i:])
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + (newline if draw(st.booleans()) else "")


@SETTINGS
@given(mutated())
def test_mutated_transmissions(text):
    check_points_inside(text.encode("latin-1"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_simulator_answers_anything(text):
    import datetime as dt

    from abisim.clock import fixed
    from abisim.simulator import Simulator
    from abisim.store import Store

    global _SIM
    if "_SIM" not in globals():
        from abisim import fixtures, sample

        store = Store(":memory:")
        fixtures.load(store, sample.fixture(dt.date(2026, 11, 25)))
        _SIM = Simulator(store, fixed("2026-11-25"))
    answer = _SIM.submit(text.encode("latin-1"))
    assert abisim.parse(answer).ok
