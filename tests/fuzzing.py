"""Mutations of real transmissions, for the fuzz test (tests/test_fuzz.py, a few thousand
inputs in `make test`) and the long run (benchmarks/fuzz.py, `make fuzz`).

Every input starts as a sample transmission (samples/**/*.abi, CBP's answers among them)
and takes up to four mutations of the kinds a careless sender makes: a record dropped,
repeated or moved, a field blanked, a byte changed, the line ends mixed, the password
replaced by the test-mode one, a record copied from another transmission.
"""

from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS: tuple[bytes, ...] = tuple(p.read_bytes() for p in sorted((ROOT / "samples").rglob("*.abi")))
_ENDS = (b"\n", b"\r\n", b"\r", b"")
_PRINTABLE = bytes(range(0x20, 0x7F))


def _lines(data: bytes) -> list[bytes]:
    return [line.rstrip(b"\r") for line in data.split(b"\n") if line]


def mutate(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data) or [b""]
    for _ in range(rnd.choice((0, 1, 1, 2, 3, 4))):  # 0: only the line ends mixed
        i = rnd.randrange(len(lines))
        line = lines[i]
        op = rnd.randrange(11)
        if op == 0 and len(lines) > 1:
            del lines[i]
        elif op == 1:
            lines.insert(i, line)
        elif op == 2:
            j = rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:  # blank a field's worth of columns (the application id: 11-12)
            a = 10 if rnd.random() < 0.3 else rnd.randrange(80)
            n = 2 if a == 10 else rnd.randint(1, 12)
            lines[i] = (line[:a] + b" " * n + line[a + n:])[: max(len(line), a)]
        elif op == 4 and line:  # a byte changed: printable mostly, sometimes anything
            k = rnd.randrange(len(line))
            c = rnd.choice(_PRINTABLE) if rnd.random() < 0.8 else rnd.randrange(256)
            lines[i] = line[:k] + bytes([c]) + line[k + 1:]
        elif op == 5:  # a line too short or too long
            lines[i] = line[: rnd.randrange(81)] if rnd.random() < 0.5 else line + line[: rnd.randint(1, 20)]
        elif op == 6:  # test mode
            lines[i] = line[:8] + b"TEST00" + line[14:] if line[:1] == b"A" else line
        elif op == 7:  # a record from another transmission
            other = _lines(rnd.choice(CORPUS)) or [b""]
            lines.insert(i, rnd.choice(other))
        elif op == 8:  # a blank line
            lines.insert(i, b" " * rnd.choice((0, 1, 80)))
        elif op == 9:  # only the record id kept
            lines[i] = line[:2].ljust(80)
        else:  # truncated transmission
            del lines[i + 1:]
    ends = [rnd.choice(_ENDS) if rnd.random() < 0.1 else b"\n" for _ in lines]
    if rnd.random() < 0.1:
        ends[-1] = b""
    return b"".join(line + end for line, end in zip(lines, ends))


def inputs(seed: int, n: int):
    rnd = random.Random(seed)
    for _ in range(n):
        yield mutate(rnd.choice(CORPUS), rnd)


def check_answer(data: bytes, answer: bytes) -> None:
    """An answer is records of 80 columns, each ending with a newline."""
    assert isinstance(answer, bytes) and answer.endswith(b"\n"), (data, answer)
    lines = answer.split(b"\n")[:-1]
    assert lines and all(len(line) == 80 for line in lines), (data, answer)
