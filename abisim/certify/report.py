"""A certification result as text, JUnit XML and one HTML page. Pure: result in, text out.

JUnit XML follows the common format CI servers read (``testsuites`` > ``testsuite`` >
``testcase`` with ``failure`` or ``skipped``); ``junit.xsd`` beside this module states
it, and :func:`junit_problems` validates a document against it with the standard library
alone (abisim.certify.xsd).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from pathlib import Path

from abisim.certify.evaluate import FAILED, PASSED, PENDING, SKIPPED, Result

JUNIT_XSD = Path(__file__).resolve().parent / "junit.xsd"
LABEL = {PASSED: "PASS", FAILED: "FAIL", SKIPPED: "SKIP", PENDING: "WAIT"}


def summary(result: Result) -> str:
    counts = {k: sum(1 for s in result.steps if s.status == k) for k in (PASSED, FAILED, SKIPPED, PENDING)}
    verdict = "PASSED" if result.passed else "FAILED"
    parts = [f"{counts[PASSED]} of {len(result.steps)} steps passed"]
    parts += [f"{counts[k]} {k}" for k in (FAILED, SKIPPED, PENDING) if counts[k]]
    return f"{result.plan.title}: {verdict} ({', '.join(parts)})"


def text(result: Result) -> str:
    """Pass/fail per step, with the reason: which matcher failed, the record and columns."""
    lines = [summary(result)]
    width = max(len(s.step.id) for s in result.steps)
    for s in result.steps:
        ex = f"  [exchange {s.exchange.id}]" if s.exchange else ""
        lines.append(f"  {LABEL[s.status]}  {s.step.id:<{width}}  {s.step.title}{ex}")
        for f in s.failures:
            lines.append(f"        {f.matcher}: {f.located()}")
    if result.unexpected:
        lines.append(f"  {len(result.unexpected)} transmission(s) after the last step: "
                     + ", ".join(f"exchange {e.id}" for e in result.unexpected))
    return "\n".join(lines)


def junit(result: Result) -> str:
    """The result as JUnit XML: one testsuite for the plan, one testcase per step."""
    counts = {k: sum(1 for s in result.steps if s.status == k) for k in (FAILED, SKIPPED, PENDING)}
    suites = ET.Element("testsuites", name="abisim certification", tests=str(len(result.steps)),
                        failures=str(counts[FAILED]), errors="0", skipped=str(counts[SKIPPED] + counts[PENDING]))
    suite = ET.SubElement(suites, "testsuite", name=result.plan.name, tests=str(len(result.steps)),
                          failures=str(counts[FAILED]), errors="0", skipped=str(counts[SKIPPED] + counts[PENDING]),
                          time="0")
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="plan", value=result.plan.title)
    ET.SubElement(props, "property", name="filer", value=result.plan.filer)
    for s in result.steps:
        case = ET.SubElement(suite, "testcase", classname=f"certification.{result.plan.name}", name=s.step.id,
                             time="0")
        reasons = "\n".join(f"{f.matcher}: {f.located()}" for f in s.failures)
        if s.status == FAILED:
            first = s.failures[0] if s.failures else None
            failure = ET.SubElement(case, "failure", type=first.matcher if first else "failed",
                                    message=first.located() if first else "failed")
            failure.text = reasons
        elif s.status in (SKIPPED, PENDING):
            ET.SubElement(case, "skipped", message=reasons or "no transmission yet")
        if s.exchange is not None:
            out = ET.SubElement(case, "system-out")
            out.text = f"sent (exchange {s.exchange.id}):\n{s.exchange.sent}\nanswer:\n{s.exchange.answer or ''}"
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def junit_problems(document: str) -> list[str]:
    """What makes a document stray from the JUnit schema (``junit.xsd``, checked by
    abisim.certify.xsd), and counts that disagree with the test cases (which a schema
    cannot say); empty when it is valid."""
    from abisim.certify.xsd import Schema

    out = Schema(JUNIT_XSD).validate(document)
    if out:
        return out
    root = ET.fromstring(document)
    for i, suite in enumerate([root] if root.tag == "testsuite" else list(root)):
        cases = suite.findall("testcase")
        for attr, n in (("tests", len(cases)), ("failures", sum(1 for c in cases if c.find("failure") is not None)),
                        ("skipped", sum(1 for c in cases if c.find("skipped") is not None))):
            if suite.get(attr) is not None and int(suite.get(attr)) != n:
                out.append(f"testsuite[{i + 1}]: {attr}={suite.get(attr)} but {n} test cases say so")
    return out


_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em} .passed{color:#176f2c} .failed{color:#b00020} .skipped,.pending{color:#8a6d00}
table{border-collapse:collapse;width:100%} td,th{border-bottom:1px solid #ddd;padding:.4em;vertical-align:top;text-align:left}
pre{background:#f6f6f6;padding:.5em;overflow-x:auto;font-size:.85em;margin:.3em 0}
details summary{cursor:pointer;color:#555}
"""


def html_page(result: Result) -> str:
    """One self-contained HTML page: the verdict, then each step with its reasons and exchange."""
    e = html.escape
    rows = []
    for s in result.steps:
        reasons = "".join(f"<li><b>{e(f.matcher)}</b>: {e(f.located())}</li>" for f in s.failures)
        exchange = ""
        if s.exchange is not None:
            exchange = (f"<details><summary>exchange {s.exchange.id}</summary><pre>{e(s.exchange.sent)}</pre>"
                        f"<pre>{e(s.exchange.answer or '')}</pre></details>")
        rows.append(f"<tr><td class='{s.status}'><b>{LABEL[s.status]}</b></td><td><code>{e(s.step.id)}</code></td>"
                    f"<td>{e(s.step.title)}<ul>{reasons}</ul>{exchange}</td></tr>")
    verdict = "passed" if result.passed else "failed"
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{e(result.plan.title)}</title>"
            f"<style>{_CSS}</style></head><body><h1>{e(result.plan.title)}</h1>"
            f"<p class='{verdict}'><b>{e(summary(result))}</b></p><p>Filer {e(result.plan.filer)}; "
            f"plan {e(result.plan.source or result.plan.name)}.</p>"
            f"<table><tr><th></th><th>step</th><th>what</th></tr>{''.join(rows)}</table></body></html>\n")
