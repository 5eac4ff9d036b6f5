"""`abisim diff --junit FILE`: JUnit XML, one test case per importer, for CI dashboards.
An inconsistent importer is a failure naming its finding codes; warnings go to system-out."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape, quoteattr

from abisim.reports import Item, cols


def testcase(it: Item) -> str:
    name = quoteattr(it.importer_number)
    where = f" file={quoteattr(it.file)}" + (f' line="{it.line}"' if it.line else "")
    body = []
    failures = [f for f in it.findings if f.severity == "D"]
    warnings = [f for f in it.findings if f.severity != "D"]
    if failures:
        message = ", ".join(sorted({f.code for f in failures}))
        text = "\n".join(_finding(f) for f in failures)
        body.append(f"<failure message={quoteattr(message)} type={quoteattr(failures[0].code)}>"
                    f"{escape(text)}</failure>")
    if warnings:
        body.append(f"<system-out>{escape(chr(10).join(_finding(f) for f in warnings))}</system-out>")
    return f'<testcase classname="abisim.diff" name={name}{where}>{"".join(body)}</testcase>'


def _finding(f) -> str:
    return (f"{f.code} {f.field}: 5106 {f.tp.value!r} ({cols(f.tp)}) <> bond {f.bond.value!r} ({cols(f.bond)})"
            f"{' bond ' + f.bond_number if f.bond_number else ''}: {f.message}")


class JUnitReport:
    def __init__(self, path: str) -> None:
        self.path = path
        self.cases: list[str] = []
        self.failures = 0

    def add(self, it: Item) -> None:
        self.cases.append(testcase(it))
        self.failures += not it.consistent

    def close(self, summary: dict) -> None:
        stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with open(self.path, "w", encoding="utf-8") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            f.write(f'<testsuites name="abisim diff" tests="{len(self.cases)}" failures="{self.failures}">\n')
            f.write(f'<testsuite name="abisim diff" tests="{len(self.cases)}" failures="{self.failures}" errors="0" '
                    f'skipped="0" timestamp="{stamp}">\n<properties>'
                    f'<property name="as_of" value={quoteattr(summary.get("as_of", ""))}/>'
                    + "".join(f"<property name=\"input\" value={quoteattr(p)}/>" for p in summary.get("inputs", []))
                    + "</properties>\n")
            for case in self.cases:
                f.write(case + "\n")
            f.write("</testsuite>\n</testsuites>\n")
