"""Record order, checked with Lark's LALR tables, one token per record.

The grammars in ``grammars/*.lark`` are the only statement of record order. Lark compiles
them once into a parse table; :class:`OrderChecker` walks that table as records arrive
(no lexer, no tree), which costs about as much as a dict lookup per record. When a record
does not fit, a short search for the records that would make it fit tells a missing record
(X37, or X03/X05/X06 for control records) from one out of sequence (X35).
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from abisim.errors import RecordError, error

GRAMMAR_FILES = ("envelope.lark", "ki.lark", "tp.lark", "ti.lark", "cb.lark", "xp.lark")

# Applications whose blocks the grammar knows, by the B record's application id.
APPLICATIONS = ("KI", "KR", "TP", "TT", "TI", "TR", "CB", "CX", "XP", "XQ")

END = "$END"


def grammar_dir() -> Path:
    """The grammars: shipped in the package as ``abisim/grammars``."""
    return Path(__file__).resolve().parent / "grammars"


def grammar_text() -> str:
    folder = grammar_dir()
    return "\n".join((folder / name).read_text(encoding="utf-8") for name in GRAMMAR_FILES)


TABLE_FILE = "lalr-table.json"


@lru_cache(maxsize=1)
def parse_table():
    """The grammars' LALR table, flattened: ``(states, start, end, rules)``.

    ``states[s]`` maps a terminal or rule name to an int: ``>= 0`` shift (or goto) to that
    state, ``< 0`` reduce by ``rules[~action]`` = ``(size, rule name)``. Built from Lark
    once and kept beside the grammars (keyed by the grammars' hash), so a process loads
    plain JSON instead of importing Lark and its cached table.
    """
    text = grammar_text()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    for path in _table_paths():
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        if data.get("grammar_sha256") == digest:
            return data["states"], data["start"], data["end"], [tuple(r) for r in data["rules"]]
    data = _flatten(text)
    data["grammar_sha256"] = digest
    for path in _table_paths():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, path)
            break
        except OSError:
            continue
    return data["states"], data["start"], data["end"], [tuple(r) for r in data["rules"]]


def _table_paths() -> list[Path]:
    """Where the flattened table is kept: with the package, else the user's cache."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "abisim"
    return [grammar_dir() / TABLE_FILE, cache / TABLE_FILE]


def _flatten(text: str) -> dict:
    from lark import Lark
    from lark.parsers.lalr_analysis import Reduce

    # cache=True: Lark keeps its own compiled table keyed by the grammar's hash.
    parser = Lark(text, parser="lalr", lexer="basic", start="start", cache=True)
    table = parser.parser.parser.parser.parse_table
    rules: dict = {}
    states: list[dict[str, int]] = [{} for _ in range(max(table.states) + 1)]
    for state, row in table.states.items():
        for token, (kind, arg) in row.items():
            if kind is Reduce:
                key = (len(arg.expansion), arg.origin.name)
                index = rules.setdefault(key, len(rules))
                states[state][token] = ~index
            else:
                states[state][token] = arg
    return {"states": states, "start": table.start_states["start"], "end": table.end_states["start"],
            "rules": [list(k) for k in rules]}


def token_for(record) -> str | None:
    """The grammar terminal of a record, or None for a record the grammar ignores."""
    rid = record.record_id
    if rid == "B":
        app = record.peek("application_id")
        if app is None:
            return "B_REJECT"
        return f"B_{app}" if app in APPLICATIONS else "B_OTHER"
    if rid == "TN":
        q = record.peek("qualifier")
        return f"TN_{q}" if q in _TN_QUALIFIERS else None
    return record.layout.token


_EMPTY_BLOCK = ("B_OTHER", "OPAQUE", "Y")

_TN_QUALIFIERS = frozenset({"IN1", "CE1", "CW1", "BN1", "BC1", "CN1", "CE2", "NE1", "IN2", "BN2"})

# What a missing record is called, by the terminal that had to be supplied.
_MISSING_CODES = {"A": "X33", "Y": "X05", "Z": "X06"}


def _describe(token: str) -> str:
    if token.startswith("B_"):
        return "B"
    if token == "OPAQUE":
        return "detail record"
    if token.startswith("TN_"):
        return "TN " + token[3:]
    if token.startswith("TR_"):
        return token[3:]
    if token.startswith("R") and token[1:].isdigit():
        return token[1:]
    return token


class OrderChecker:
    """Feeds record terminals through the LALR table, collecting order errors."""

    __slots__ = ("states", "rules", "stack", "end_state", "previous", "done", "application")

    def __init__(self) -> None:
        self.states, start, self.end_state, self.rules = parse_table()
        self.stack = [start]
        self.previous: str | None = None
        self.done = False
        # The batch's own B terminal (from A's application id): the only block a missing
        # record may be supplied from, so that no message names another application's record.
        self.application: str | None = None

    # -- the table walk
    def _advance(self, stack: list[int], token: str) -> bool:
        """Feed one terminal into ``stack`` in place; False when it does not fit."""
        states = self.states
        while True:
            action = states[stack[-1]].get(token)
            if action is None:
                return False
            if action >= 0:
                stack.append(action)
                return True
            size, origin = self.rules[~action]
            if size:
                del stack[-size:]
            stack.append(states[stack[-1]][origin])
            if token == END and stack[-1] == self.end_state:
                return True

    def expected(self, stack: list[int] | None = None) -> list[str]:
        row = self.states[(stack or self.stack)[-1]]
        return [t for t in row if t.isupper() or t == END]

    def feed(self, token: str, *, line: int | None = None, record_id: str = "") -> list[RecordError]:
        """One record's terminal. Returns the errors it caused (none when it fits)."""
        if self._advance(self.stack, token):
            self.previous = token
            return []
        return self._recover(token, line, record_id)

    def finish(self, *, line: int | None = None) -> list[RecordError]:
        """End of input: any records still missing."""
        if self._advance(list(self.stack), END):
            return []
        if self.previous is None:
            # Nothing at all was recognised: one error, not a list of every record missing.
            return [error("X33", line=line, message="TRANSACTION HDR CONTROL MISSING: NO A RECORD FOUND")]
        return self._recover(END, line, "")

    # -- recovery
    def fits(self, token: str, stack: list[int] | None = None) -> bool:
        """Whether ``token`` would fit now (or on ``stack``), changing nothing."""
        return self._advance(list(self.stack if stack is None else stack), token)

    def plan(self, token: str):
        """The missing records that would make ``token`` fit: (inserted, stack after
        ``token``), or None when it fits nowhere near."""
        path = self._search(token)
        if path is None:
            return None
        inserted, stack = path
        after = list(stack)
        if token != END:
            self._advance(after, token)
        return inserted, stack, after

    def out_of_sequence(self, token: str, line, record_id) -> list[RecordError]:
        """Skip a record that fits nowhere: X35 (X06 at the end of the input)."""
        if token == END:
            return [error("X06", message="BATCH CONTROL MISSING - Z-RECORD", line=line,
                          first_column=1 if line is not None else None, last_column=80 if line is not None else None)]
        return [
            error("X35", line=line, first_column=1, last_column=80,
                  record_id=record_id, value=record_id,
                  message=f"OUT OF SEQUENCE RECORD FOUND IN GROUPING: {record_id} here;"
                          f" expected {self._expected_text()}")
        ]

    def _recover(self, token: str, line, record_id) -> list[RecordError]:
        planned = self.plan(token)
        if planned is None:
            return self.out_of_sequence(token, line, record_id)
        return self.supply(planned, token, line, record_id)

    def supply(self, planned, token: str, line, record_id) -> list[RecordError]:
        """Take the plan: report the missing records (X37, X03, X04, X05, X06, X33), then
        ``token`` fits."""
        inserted, stack, _after = planned
        errors = []
        previous = self.previous
        empty_batch = inserted[:3] == _EMPTY_BLOCK and previous == "A"
        for missing in inserted:
            if empty_batch and missing in ("OPAQUE", "Y"):
                continue  # the block that is not there: its X03 says it
            if missing.startswith("B_"):
                code = "X03"
            elif missing in _MISSING_CODES:
                code = _MISSING_CODES[missing]
            elif token == "Y" and previous is not None and previous.startswith("B_"):
                code = "X04"  # the block closes with no detail record at all
            else:
                code = "X37"
            before = "end of input" if token == END else record_id
            if empty_batch and missing == "B_OTHER":
                what = "THE BATCH HOLDS NO BLOCK"  # ruling 21: X03, not X06 on the Z itself
            else:
                what = f"{_describe(missing)} expected before {before}"
            errors.append(
                error(code, line=line, record_id=record_id or None,
                      first_column=1 if line is not None else None,
                      last_column=80 if line is not None else None,
                      message=f"{error(code).message}: {what}")
            )
            previous = missing
        self.stack = stack
        if token != END:
            self._advance(self.stack, token)
            self.previous = token
        return errors

    def _search(self, token: str, depth: int = 6):
        """Shortest run of terminals (up to ``depth``) after which ``token`` fits.

        Only records that can be missing *before* this one are supplied: a detail record
        never closes its block for itself (no Y, Z or A is supplied before it), a Y never
        closes its batch, and only A and END may be preceded by a missing Z.
        """
        if token in ("Z", "A", END) and self.previous == "A":
            # A batch with no block: one X03 (the block supplied is not named further).
            path = _EMPTY_BLOCK + (("Z",) if token != "Z" else ())
            trial = list(self.stack)
            for t in path:
                self._advance(trial, t)
            return path, trial
        forbidden = {END, "B_REJECT"}
        if self.application != "B_OTHER":
            forbidden.add("B_OTHER")
        if self.previous is not None:
            forbidden.add("A")  # only a transmission's very start may lack its A
        if token not in ("Y", "Z", "A", END) and not token.startswith("B_"):
            forbidden |= {"Y", "Z"}
        elif token == "Y":
            forbidden |= {"Z"}
        elif token.startswith("B_"):
            forbidden |= {"Z"}
        frontier = [((), list(self.stack))]
        for _ in range(depth):
            nxt = []
            for inserted, stack in frontier:
                for t in self.expected(stack):
                    if t in forbidden or (t.startswith("B_") and (
                            token in ("Y", "Z", END) or self.application not in (None, t))):
                        continue
                    trial = list(stack)
                    if not self._advance(trial, t):
                        continue
                    path = inserted + (t,)
                    probe = list(trial)
                    if self._advance(probe, token):
                        return path, trial
                    nxt.append((path, trial))
            frontier = nxt[:200]
        return None

    def _expected_text(self) -> str:
        names = sorted({_describe(t) for t in self.expected() if t != END})
        return ", ".join(names) if names else "end of input"
