"""The `abisim diff --html` page: one self-contained file (inline CSS, no script, no
network). Each importer's differing records are drawn on an 80-column ruler, both sides,
with the columns of each finding highlighted."""

from __future__ import annotations

import html
from typing import Iterable

from abisim.compare import Comparison, Finding
from abisim.records import Record, render_record

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1f24; background: #fafafa; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
.summary span { margin-right: 1.5rem; }
.ok { color: #1a7f37; } .bad { color: #cf222e; } .warn { color: #9a6700; }
table.findings { border-collapse: collapse; margin: .5rem 0 1rem; }
table.findings td, table.findings th { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left;
  font-size: .9rem; }
pre.rec { font-family: ui-monospace, monospace; font-size: 13px; line-height: 1.35; margin: 0;
  background: #fff; border: 1px solid #d0d7de; padding: .4rem; overflow-x: auto; }
pre.rec .ruler { color: #8c959f; }
pre.rec mark.D { background: #ffd7d5; color: #82071e; } pre.rec mark.W { background: #fff1b8; }
.label { font-size: .8rem; color: #57606a; margin-top: .6rem; }
"""

_TENS = "".join(str((c // 10) % 10) if c % 10 == 0 else " " for c in range(1, 81))
_ONES = "".join(str(c % 10) for c in range(1, 81))


def _draw(text: str, marks: list[tuple[int, int, str]]) -> str:
    """80 columns with <mark> around the marked column ranges (1-based, inclusive)."""
    text = text.ljust(80)
    severity_at = [""] * 81
    for first, last, severity in marks:
        for c in range(first, last + 1):
            if 1 <= c <= 80 and severity_at[c] != "D":
                severity_at[c] = severity
    out, c = [], 1
    while c <= 80:
        sev = severity_at[c]
        start = c
        while c <= 80 and severity_at[c] == sev:
            c += 1
        chunk = html.escape(text[start - 1:c - 1])
        out.append(f'<mark class="{sev}">{chunk}</mark>' if sev else chunk)
    return "".join(out)


def _record_block(label: str, record: Record | None, findings: list[Finding], side: str) -> str:
    if record is None:
        return ""
    marks = []
    for f in findings:
        s = f.tp if side == "tp" else f.bond
        if s.columns and s.record == record.record_id:
            marks.append((s.columns[0], s.columns[1], f.severity))
    if not marks:
        return ""
    line = f" line {record.line}" if record.line else ""
    return (f'<div class="label">{html.escape(label)}: {record.record_id}{line}</div>'
            f'<pre class="rec"><span class="ruler">{_TENS}\n{_ONES}</span>\n'
            f"{_draw(render_record(record), marks)}</pre>")


def importer_section(c: Comparison, tp: list[Record], kr: list[Record]) -> str:
    items = list(c.findings) + list(c.warnings)
    cls = "ok" if c.consistent else "bad"
    parts = [f'<h2>{html.escape(c.importer_number or "?")} <span class="{cls}">{c.verdict.upper()}</span></h2>']
    if items:
        rows = "".join(
            f'<tr><td class="{"bad" if f.severity == "D" else "warn"}">{f.code}</td><td>{html.escape(f.field)}</td>'
            f"<td>{html.escape(repr(f.tp.value) if f.tp.value is not None else '-')}</td>"
            f"<td>{_where(f.tp)}</td>"
            f"<td>{html.escape(repr(f.bond.value) if f.bond.value is not None else '-')}</td>"
            f"<td>{_where(f.bond)}{' bond ' + html.escape(f.bond_number) if f.bond_number else ''}</td>"
            f"<td>{html.escape(f.message)}</td></tr>"
            for f in items)
        parts.append('<table class="findings"><tr><th>code</th><th>field</th><th>5106 value</th><th>columns</th>'
                     f"<th>bond value</th><th>columns</th><th>finding</th></tr>{rows}</table>")
        seen = set()
        for r in tp:
            if r.record_id not in seen:
                seen.add(r.record_id)
                parts.append(_record_block("5106", r, items, "tp"))
        seen = set()
        for r in kr:
            key = (r.record_id, getattr(r, "bond_number", None))
            if key not in seen:
                seen.add(key)
                parts.append(_record_block("bond query answer", r, items, "bond"))
    return "\n".join(p for p in parts if p)


def _where(side) -> str:
    if not side.columns:
        return "-"
    first, last = side.columns
    return f"{side.record} {first}-{last}" if last != first else f"{side.record} {first}"


def page(sections: Iterable[str], summary: dict, title: str = "abisim diff") -> str:
    body = "\n".join(sections)
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{CSS}</style></head><body><h1>{html.escape(title)}: 5106 data against bond data</h1>"
            f'<p class="summary"><span>{summary["importers"]} importers</span>'
            f'<span class="ok">{summary["consistent"]} consistent</span>'
            f'<span class="bad">{summary["inconsistent"]} inconsistent</span>'
            f'<span>as of {html.escape(summary["as_of"])}</span></p>{body}</body></html>\n')
