"""Certification plans: what a client representative asks a broker's software to send, step
by step, and what abisim answers. A plan is a TOML file (read with ``tomllib``); its format
is documented in docs/certification.md, and ``plan.schema.json`` beside this module states
it for editors. Loading checks every entry and names a bad one by its path
(``steps[2].expect[0].field``), as fixture loading does.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

import attrs

from abisim.layouts import layout_set

FORMAT = "abisim-certification-1"
PLANS_DIR = Path(__file__).resolve().parent / "plans"
INPUT_APPLICATIONS = ("KI", "TP", "TI", "CB", "XP")

PLAN_KEYS = ("format", "name", "title", "description", "applications", "filer", "as_of", "fixture", "steps")
STEP_KEYS = ("id", "title", "description", "application", "after", "expect", "answer", "reject")
# Matchers on what the broker sent: each is a table with exactly one of these "kind" keys.
MATCHER_KINDS = ("field", "count", "query", "importer", "same_as", "resend_of", "corrects")
FIELD_TESTS = ("equals", "one_of", "pattern", "present")
ANSWER_KEYS = ("accepted", "batch_rejected", "conditions", "k1_results", "records", "new_importer_number")


class PlanError(ValueError):
    """A plan entry that cannot be used; ``path`` names it."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@attrs.frozen
class Matcher:
    """One condition on the transmission of a step (see MATCHER_KINDS)."""

    kind: str
    record: str | None = None
    field: str | None = None
    test: str | None = None  # for kind "field": equals, one_of, pattern, present
    value: Any = None  # the expected value (or the step id / reference for the others)
    address: str | None = None  # for kind "query": "1", "" (blank) or None (either)
    every: bool = False  # kind "field": every record of that id, not just one
    path: str = ""

    def describe(self) -> str:
        if self.kind == "field":
            if self.test == "equals":
                what = f"= {self.value!r}"
            elif self.test == "one_of":
                what = f"one of {list(self.value)!r}"
            elif self.test == "pattern":
                what = f"matching /{self.value}/"
            else:
                what = "present" if self.value else "blank"
            return f"{'every' if self.every else 'a'} {self.record} with {self.field} {what}"
        if self.kind == "count":
            return f"{self.value} {self.record} record{'s' if self.value != 1 else ''}"
        if self.kind == "query":
            addr = {"1": " with address request 1", "": " without address request"}.get(self.address, "")
            return f"a bond query for {self.value}{addr}"
        if self.kind == "importer":
            return f"names importer {self.value}"
        if self.kind == "same_as":
            return f"{self.record} {self.field} = the value of {self.value}"
        if self.kind == "resend_of":
            return f"the transmission of step {self.value} sent again"
        return f"step {self.value}'s transmission, corrected where it was rejected"


@attrs.frozen
class Step:
    id: str
    title: str
    application: str
    expect: tuple[Matcher, ...] = ()
    answer: dict = attrs.field(factory=dict)
    reject: str | None = None  # a forced batch reject: abisim answers this X code instead
    after: tuple[str, ...] = ()  # steps that must have passed first
    description: str = ""

    @property
    def depends_on(self) -> tuple[str, ...]:
        refs = [m.value.split(".")[0] if m.kind == "same_as" else m.value
                for m in self.expect if m.kind in ("same_as", "resend_of", "corrects")]
        return tuple(dict.fromkeys([*self.after, *refs]))


@attrs.frozen
class Plan:
    name: str
    title: str
    applications: tuple[str, ...]
    filer: str
    steps: tuple[Step, ...]
    as_of: dt.date | None = None
    fixture: str = "sample"  # "sample" or a fixture JSON path (relative to the plan)
    description: str = ""
    source: str | None = None  # the file it was read from

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def fixture_document(self, as_of: dt.date) -> dict:
        from abisim import sample

        if self.fixture == "sample":
            return sample.fixture(as_of)
        import json

        base = Path(self.source).parent if self.source else Path.cwd()
        return json.loads((base / self.fixture).read_text(encoding="utf-8"))


def shipped() -> dict[str, Path]:
    """The plans abisim ships: name -> file."""
    return {p.stem: p for p in sorted(PLANS_DIR.glob("*.toml"))}


def load(source: str | Path) -> Plan:
    """A plan from a file, or a shipped plan by name (``ki``, ``tp``, ``cb``)."""
    path = Path(source)
    if not path.exists() and str(source) in shipped():
        path = shipped()[str(source)]
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError(str(source), exc.strerror or str(exc))
    return loads(text, source=str(path))


def loads(text: str, source: str | None = None) -> Plan:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(source or "plan", f"not TOML: {exc}")
    return from_document(doc, source)


def _keys(entry, path: str, allowed) -> dict:
    if not isinstance(entry, dict):
        raise PlanError(path, "not a table")
    unknown = set(entry) - set(allowed)
    if unknown:
        raise PlanError(path, f"unknown keys: {', '.join(sorted(unknown))} (allowed: {', '.join(allowed)})")
    return entry


def _text(value, path: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise PlanError(path, "missing")
        return None
    if not isinstance(value, str):
        raise PlanError(path, f"not a string: {value!r}")
    return value


def _record_field(layouts, record: Any, field: Any, path: str) -> None:
    _text(record, f"{path}.record", required=True)
    layout = layouts.get(record)
    if layout is None:
        raise PlanError(f"{path}.record", f"no record {record!r} in abisim's layouts")
    if field is not None and field not in layout.value_fields_names:
        raise PlanError(f"{path}.field", f"{record} has no field {field!r} "
                                         f"(fields: {', '.join(f.name for f in layout.value_fields)})")


def _matcher(entry, path: str, layouts, step_ids: list[str]) -> Matcher:
    _keys(entry, path, (*MATCHER_KINDS, "record", *FIELD_TESTS, "every", "address"))
    kinds = [k for k in ("query", "importer", "same_as", "resend_of", "corrects") if k in entry]
    if not kinds:
        kinds = ["count"] if "count" in entry else ["field"] if "field" in entry else []
    if len(kinds) != 1:
        raise PlanError(path, f"a matcher has exactly one of: {', '.join(MATCHER_KINDS)}")
    kind = kinds[0]
    if kind in ("resend_of", "corrects"):
        ref = _text(entry[kind], f"{path}.{kind}", required=True)
        if ref not in step_ids:
            raise PlanError(f"{path}.{kind}", f"no earlier step {ref!r}")
        return Matcher(kind, value=ref, path=path)
    if kind == "query":
        number = _text(entry["query"], f"{path}.query", required=True)
        address = _text(entry.get("address"), f"{path}.address")
        if address not in (None, "", "1"):
            raise PlanError(f"{path}.address", "'1' (return K1-K8) or '' (blank)")
        return Matcher("query", "K", value=number, address=address, path=path)
    if kind == "importer":
        return Matcher("importer", value=_text(entry["importer"], f"{path}.importer", required=True), path=path)
    if kind == "count":
        _record_field(layouts, entry.get("record"), None, path)
        n = entry["count"]
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise PlanError(f"{path}.count", f"a whole number of records: {n!r}")
        return Matcher("count", entry["record"], value=n, path=path)
    if kind == "same_as":
        ref = _text(entry["same_as"], f"{path}.same_as", required=True)
        parts = ref.split(".")
        if len(parts) != 4 or parts[1] not in ("sent", "answer") or parts[0] not in step_ids:
            raise PlanError(f"{path}.same_as", "STEP.sent.RECORD.FIELD or STEP.answer.RECORD.FIELD, "
                                               f"naming an earlier step: {ref!r}")
        _record_field(layouts, parts[2], parts[3], f"{path}.same_as")
        _record_field(layouts, entry.get("record"), entry.get("field"), path)
        return Matcher("same_as", entry["record"], entry["field"], value=ref, path=path)
    _record_field(layouts, entry.get("record"), entry.get("field"), path)
    tests = [t for t in FIELD_TESTS if t in entry]
    if len(tests) != 1:
        raise PlanError(path, f"a field matcher has exactly one of: {', '.join(FIELD_TESTS)}")
    test = tests[0]
    value = entry[test]
    if test == "one_of" and not (isinstance(value, list) and all(isinstance(v, (str, int)) for v in value)):
        raise PlanError(f"{path}.one_of", "a list of values")
    if test == "pattern":
        try:
            re.compile(_text(value, f"{path}.pattern"))
        except re.error as exc:
            raise PlanError(f"{path}.pattern", f"not a regular expression: {exc}")
    if test == "present" and not isinstance(value, bool):
        raise PlanError(f"{path}.present", "true or false")
    if test == "equals" and not isinstance(value, (str, int)):
        raise PlanError(f"{path}.equals", f"a string or a number: {value!r}")
    every = entry.get("every", False)
    if not isinstance(every, bool):
        raise PlanError(f"{path}.every", "true or false")
    return Matcher("field", entry["record"], entry["field"], test, value, every=every, path=path)


def _answer(entry, path: str) -> dict:
    _keys(entry, path, ANSWER_KEYS)
    for key in ("accepted", "batch_rejected", "new_importer_number"):
        if key in entry and not isinstance(entry[key], bool):
            raise PlanError(f"{path}.{key}", "true or false")
    if "conditions" in entry and not (isinstance(entry["conditions"], list)
                                      and all(isinstance(c, str) for c in entry["conditions"])):
        raise PlanError(f"{path}.conditions", "a list of condition codes")
    for key in ("k1_results", "records"):
        table = entry.get(key, {})
        if not isinstance(table, dict) or not all(isinstance(v, int) and not isinstance(v, bool)
                                                  for v in table.values()):
            raise PlanError(f"{path}.{key}", "a table of whole numbers")
    return dict(entry)


def from_document(doc: dict, source: str | None = None) -> Plan:
    _keys(doc, "$", PLAN_KEYS)
    if doc.get("format", FORMAT) != FORMAT:
        raise PlanError("format", f"expected {FORMAT!r}")
    name = _text(doc.get("name"), "name", required=True)
    apps = doc.get("applications")
    if not isinstance(apps, list) or not apps or any(a not in INPUT_APPLICATIONS for a in apps):
        raise PlanError("applications", f"a list of input applications ({', '.join(INPUT_APPLICATIONS)})")
    filer = _text(doc.get("filer"), "filer", required=True)
    as_of = doc.get("as_of")
    if as_of is not None and not isinstance(as_of, dt.date):
        try:
            as_of = dt.date.fromisoformat(_text(as_of, "as_of"))
        except ValueError:
            raise PlanError("as_of", f"a date YYYY-MM-DD: {as_of!r}")
    steps_doc = doc.get("steps")
    if not isinstance(steps_doc, list) or not steps_doc:
        raise PlanError("steps", "a list of [[steps]] tables, at least one")
    layouts = layout_set()
    steps: list[Step] = []
    ids: list[str] = []
    for i, s in enumerate(steps_doc):
        p = f"steps[{i}]"
        _keys(s, p, STEP_KEYS)
        step_id = _text(s.get("id"), f"{p}.id", required=True)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", step_id) or step_id in ids:
            raise PlanError(f"{p}.id", f"a unique name of letters, digits, - and _: {step_id!r}")
        app = _text(s.get("application"), f"{p}.application", required=True)
        if app not in apps:
            raise PlanError(f"{p}.application", f"{app!r} is not among the plan's applications {apps}")
        after = s.get("after", [])
        if isinstance(after, str):
            after = [after]
        if not isinstance(after, list) or any(a not in ids for a in after):
            raise PlanError(f"{p}.after", "a list of earlier step ids")
        expect = s.get("expect", [])
        if not isinstance(expect, list):
            raise PlanError(f"{p}.expect", "a list of matchers")
        matchers = tuple(_matcher(m, f"{p}.expect[{k}]", layouts, ids) for k, m in enumerate(expect))
        reject = _text(s.get("reject"), f"{p}.reject")
        if reject is not None and not re.fullmatch(r"X\d\d", reject):
            raise PlanError(f"{p}.reject", f"a batch condition code X03-X43: {reject!r}")
        corrects = [m.value for m in matchers if m.kind == "corrects"]
        for ref in corrects:
            earlier = steps[ids.index(ref)]
            if earlier.reject is None and earlier.answer.get("accepted", None) is not False \
                    and not earlier.answer.get("batch_rejected"):
                raise PlanError(f"{p}.expect", f"step {ref!r} is not answered with a reject: nothing to correct")
        steps.append(Step(step_id, _text(s.get("title"), f"{p}.title") or step_id, app, matchers,
                          _answer(s.get("answer", {}), f"{p}.answer"), reject, tuple(after),
                          _text(s.get("description"), f"{p}.description") or ""))
        ids.append(step_id)
    return Plan(name, _text(doc.get("title"), "title") or name, tuple(apps), filer, tuple(steps), as_of,
                _text(doc.get("fixture"), "fixture") or "sample", _text(doc.get("description"), "description") or "",
                source)
