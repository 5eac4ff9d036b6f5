"""Near-valid variants of a transmission, for broker teams' negative tests of their own
readers and writers: each mutation changes one thing (a shifted column, a dropped,
duplicated or swapped record, a bad code or date, lower case in an A/AN field, a short
record, a wrong Y count), and comes with what abisim's parser says about it: the error
codes, lines and columns (the oracle). The oracle is computed by abisim itself, never
written by hand, so it follows the parser as it changes.
"""

from __future__ import annotations

import random
from typing import Iterator

import attrs

from abisim.layouts import Field
from abisim.records import RECORD_LENGTH
from abisim.transmission import parse

KINDS = ("shift-columns", "drop-record", "duplicate-record", "swap-records", "bad-code", "bad-date", "lower-case",
         "short-record", "wrong-count")
# Candidate bad values for a coded field, by class: plausible characters that few code
# lists hold. The first one the parser objects to is used.
_BAD = {"A": ("Q", "QZ", "QQQ", "J"), "AN": ("Q", "99", "QZ", "0", "#"), "N": ("9", "99", "0"), "X": ("Q", "?", "9")}
_BAD_DATES = ("133126", "023026", "000026", "12AB26")


@attrs.frozen
class Mutation:
    id: int
    kind: str
    description: str
    lines: tuple[str, ...]  # the mutated transmission's records
    line: int | None = None  # where in the original (1-based)
    field: str | None = None
    columns: tuple[int, int] | None = None

    @property
    def data(self) -> bytes:
        return ("\n".join(self.lines) + "\n").encode("latin-1")


def lines_of(data: bytes) -> list[str]:
    """The records of a transmission as text (LF or CR/LF separated, or every 80 bytes)."""
    text = data.decode("latin-1")
    if "\n" in text[: RECORD_LENGTH + 2] or (len(text) <= RECORD_LENGTH + 2 and "\n" in text):
        return [line.rstrip("\r") for line in text.split("\n") if line.rstrip("\r") != ""]
    return [text[i:i + RECORD_LENGTH] for i in range(0, len(text), RECORD_LENGTH)]


def oracle(data: bytes) -> list[dict]:
    """What abisim's parser says about a transmission: its errors and warnings, in order."""
    return [{"code": e.code, "severity": e.severity, "line": e.line, "first_column": e.first_column,
             "last_column": e.last_column, "record_id": e.record_id, "field": e.field}
            for e in parse(data).errors]


class _Source:
    """The original transmission: its records and the layout of each line."""

    def __init__(self, data: bytes) -> None:
        self.lines = lines_of(data)
        t = parse(("\n".join(self.lines) + "\n").encode("latin-1"))
        self.records = {r.line: r for r in t.records()}
        self.details = [n for n, r in self.records.items() if r.record_id not in ("A", "B", "Y", "Z")]
        self.ys = [n for n, r in self.records.items() if r.record_id == "Y"]

    def fields(self, test) -> list[tuple[int, Field]]:
        return [(n, f) for n, r in sorted(self.records.items()) for f in r.layout.value_fields if test(f, r)]


def _set(line: str, f: Field, value: str) -> str:
    return line[: f.start - 1] + value.ljust(f.length)[: f.length] + line[f.end:]


def _errs_at(lines: list[str], n: int) -> set:
    data = ("\n".join(lines) + "\n").encode("latin-1")
    return {(e.code, e.first_column) for e in parse(data).errors if e.line == n}


def mutate(src: _Source, kind: str, rng: random.Random, ident: int) -> Mutation | None:
    """One mutation of a kind, or None when the transmission offers nothing to mutate."""
    lines = list(src.lines)
    if kind == "shift-columns" and src.details:
        n = rng.choice(src.details)
        text = lines[n - 1]
        # Within the record's data: shifting trailing spaces changes nothing.
        c = rng.randrange(3, max(4, min(len(text.rstrip(" ")), RECORD_LENGTH) + 1))
        if rng.random() < 0.5:
            lines[n - 1] = (text[: c - 1] + " " + text[c - 1:])[:RECORD_LENGTH]
            how = "shifted right by one"
        else:
            lines[n - 1] = (text[: c - 1] + text[c:]).ljust(RECORD_LENGTH)
            how = "shifted left by one"
        return Mutation(ident, kind, f"line {n}: columns {c}-80 {how}", tuple(lines), n, None, (c, RECORD_LENGTH))
    if kind == "drop-record" and len(lines) > 1:
        n = rng.randrange(1, len(lines) + 1)
        rid = lines[n - 1][:2].rstrip()
        del lines[n - 1]
        return Mutation(ident, kind, f"line {n} ({rid}) dropped", tuple(lines), n)
    if kind == "duplicate-record" and src.details:
        n = rng.choice(src.details)
        lines.insert(n, lines[n - 1])
        return Mutation(ident, kind, f"line {n} ({lines[n - 1][:2]}) sent twice", tuple(lines), n)
    if kind == "swap-records":
        pairs = [n for n in range(1, len(lines)) if lines[n - 1] != lines[n]]
        if pairs:
            n = rng.choice(pairs)
            lines[n - 1], lines[n] = lines[n], lines[n - 1]
            return Mutation(ident, kind, f"lines {n} and {n + 1} swapped", tuple(lines), n)
    if kind == "bad-code":
        choices = src.fields(lambda f, r: bool(f.codes) and f.codes != "importer_number" and f.cls in _BAD)
        if choices:
            n, f = rng.choice(choices)
            candidates = [v for v in _BAD[f.cls] if len(v) <= f.length]
            before = _errs_at(lines, n)
            for value in candidates:
                trial = list(lines)
                trial[n - 1] = _set(trial[n - 1], f, value)
                if _errs_at(trial, n) - before:
                    break
            return Mutation(ident, kind, f"line {n}: {f.name} ({f.start}-{f.end}) = {value!r}", tuple(trial), n,
                            f.name, (f.start, f.end))
    if kind == "bad-date":
        choices = src.fields(lambda f, r: f.value_kind in ("date", "date8"))
        if choices:
            n, f = rng.choice(choices)
            value = rng.choice(_BAD_DATES) if f.length == 6 else rng.choice(_BAD_DATES)[:4] + "2026"
            lines[n - 1] = _set(lines[n - 1], f, value)
            return Mutation(ident, kind, f"line {n}: {f.name} ({f.start}-{f.end}) = {value!r}", tuple(lines), n,
                            f.name, (f.start, f.end))
    if kind == "lower-case":
        choices = src.fields(lambda f, r: f.cls in ("A", "AN") and any(c.isalpha()
                                                                        for c in lines[r.line - 1][f.slice]))
        if choices:
            n, f = rng.choice(choices)
            text = lines[n - 1]
            lines[n - 1] = _set(text, f, text[f.slice].lower())
            return Mutation(ident, kind, f"line {n}: {f.name} ({f.start}-{f.end}) in lower case", tuple(lines), n,
                            f.name, (f.start, f.end))
    if kind == "short-record":
        n = rng.randrange(1, len(lines) + 1)
        keep = rng.randrange(1, RECORD_LENGTH)
        lines[n - 1] = lines[n - 1][:keep]
        return Mutation(ident, kind, f"line {n} cut to {keep} characters", tuple(lines), n, None,
                        (keep + 1, RECORD_LENGTH))
    if kind == "wrong-count" and src.ys:
        n = rng.choice(src.ys)
        y = src.records[n]
        count = y.record_count if isinstance(y.record_count, int) else 0
        wrong = max(0, count + rng.choice((-2, -1, 1, 2, 10)))
        if wrong == count:
            wrong = count + 1
        f = y.layout.field("record_count")
        lines[n - 1] = _set(lines[n - 1], f, f"{wrong:05d}")
        return Mutation(ident, kind, f"line {n}: Y count {wrong} for {count} records", tuple(lines), n,
                        "record_count", (f.start, f.end))
    return None


def mutations(data: bytes, count: int, *, seed: int = 0, kinds=KINDS) -> Iterator[Mutation]:
    """``count`` mutations of one transmission, kinds in turn, deterministic for a seed."""
    src = _Source(data)
    rng = random.Random(seed)
    usable = list(kinds)
    made = 0
    k = 0
    while made < count and usable:
        kind = usable[k % len(usable)]
        m = mutate(src, kind, rng, made + 1)
        if m is None:
            usable.remove(kind)
            continue
        made += 1
        k += 1
        yield m
