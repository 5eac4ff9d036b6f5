"""Reports of `abisim diff` for people and CI: an HTML page that scales to hundreds of
thousands of importers (abisim.reports.html) and JUnit XML (abisim.reports.junit).

Both take the comparison pipeline's per-importer results as :class:`Item` values (made by
:func:`item`, picklable, so worker processes can hand them over), one ``add`` call each,
then ``close(summary)``.
"""

from __future__ import annotations

from typing import Iterable

import attrs

from abisim.compare import Comparison, Finding
from abisim.records import Record, render_record


@attrs.frozen
class Mark:
    first: int
    last: int
    severity: str  # D or W


@attrs.frozen
class RecordView:
    """One record drawn on the 80-column ruler, the finding columns marked."""

    side: str  # "5106" or "bond query answer"
    record_id: str
    line: int | None
    text: str
    marks: tuple[Mark, ...]

    def segments(self) -> list[tuple[str, str]]:
        """(severity or '', text) runs over the 80 columns."""
        at = [""] * 81
        for m in self.marks:
            for c in range(max(1, m.first), min(80, m.last) + 1):
                if at[c] != "D":
                    at[c] = m.severity
        text = self.text.ljust(80)
        out, c = [], 1
        while c <= 80:
            start, sev = c, at[c]
            while c <= 80 and at[c] == sev:
                c += 1
            out.append((sev, text[start - 1:c - 1]))
        return out


@attrs.frozen
class Item:
    """One importer's result, as the reports need it."""

    importer_number: str
    verdict: str
    consistent: bool
    file: str
    line: int | None
    findings: tuple[Finding, ...]
    records: tuple[RecordView, ...]

    @property
    def codes(self) -> list[str]:
        return sorted({f.code for f in self.findings})


def cols(side) -> str:
    if not side.columns:
        return "-"
    first, last = side.columns
    return f"{side.record} {first}-{last}" if first != last else f"{side.record} {first}"


def _views(label: str, records: Iterable[Record], findings, side: str, key) -> list[RecordView]:
    out, seen = [], set()
    for r in records:
        k = key(r)
        if k in seen:
            continue
        seen.add(k)
        marks = []
        for f in findings:
            s = f.tp if side == "tp" else f.bond
            if s.columns and s.record == r.record_id:
                marks.append(Mark(s.columns[0], s.columns[1], f.severity))
        if marks:
            out.append(RecordView(label, r.record_id, r.line, render_record(r), tuple(marks)))
    return out


def item(c: Comparison, tp: list[Record], kr: list[Record], file: str = "") -> Item:
    """The report item of one comparison (pure)."""
    findings = tuple(c.findings) + tuple(c.warnings)
    views = []
    if findings:
        views = (_views("5106", tp, findings, "tp", lambda r: r.record_id)
                 + _views("bond query answer", kr, findings, "bond",
                          lambda r: (r.record_id, getattr(r, "bond_number", None))))
    return Item(c.importer_number or "?", c.verdict, c.consistent, file, tp[0].line if tp else None, findings,
                tuple(views))


def write_reports(items: Iterable[Item], summary: dict, inputs: Iterable[str], bond_source,
                  html_path: str | None = None, junit_path: str | None = None) -> None:
    """Feed the items to the reports asked for. ``bond_source``: a database path or the
    KR answer files."""
    from abisim.reports.html import HtmlReport
    from abisim.reports.junit import JUnitReport

    bonds = bond_source if isinstance(bond_source, str) else "KR answers " + ", ".join(bond_source)
    summary = {**summary, "inputs": list(inputs)}
    reports = ([HtmlReport(html_path, inputs=summary["inputs"], bond_source=bonds)] if html_path else []) + \
              ([JUnitReport(junit_path)] if junit_path else [])
    for it in items:
        for r in reports:
            r.add(it)
    for r in reports:
        r.close(summary)
