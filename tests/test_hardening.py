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
    for password in (b"PASS01", b"WRONG1"):
        answer = sim.submit(ki_with_blank_lines(n, password))
        assert answer.count(b"\nX1 F") >= n
    assert calls["eq"] + calls["in_block"] <= 10 * n, calls
