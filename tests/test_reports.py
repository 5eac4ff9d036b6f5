"""`abisim diff --html` and `--junit`: the summary, the index, details on demand (in the page
or in chunk files), checked in a real headless browser where one is installed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from abisim.cli import main
from abisim.reports import html as html_report

ROOT = Path(__file__).resolve().parent.parent
TP_FILES = sorted(str(p) for p in (ROOT / "samples/importers").glob("*.abi"))
AS_OF = ["--as-of", "2026-11-25"]
BROWSER = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome", "chrome")
                if shutil.which(b)), None)


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "diff.sqlite3")
    assert CliRunner().invoke(main, ["db", "init", "--sample", "--db", path, *AS_OF]).exit_code == 0
    return path


def diff(db, tmp_path, *more):
    result = CliRunner().invoke(main, ["diff", *TP_FILES, "--db", db, *AS_OF, *more])
    assert result.exit_code == 1, result.output
    return result


def index_of(page: str) -> list:
    return json.loads(re.search(r'<script type="application/json" id="index-data">(.*?)</script>', page, re.S)[1])


def test_summary_names_counts_per_code_inputs_and_as_of(db, tmp_path):
    out = tmp_path / "r.html"
    diff(db, tmp_path, "--html", str(out))
    page = out.read_text()
    summary = page.split('<section id="summary">')[1].split("</section>")[0]
    assert "9 importers" in summary and "2 consistent" in summary and "7 inconsistent" in summary
    assert '<b id="as-of">2026-11-25</b>' in summary and db in summary
    assert all(path in summary for path in TP_FILES)
    codes = dict(re.findall(r'data-code="(D\d\d)">D\d\d</a></td><td class="n">(\d+)</td>', summary))
    assert codes == {"D01": "1", "D04": "1", "D07": "1", "D08": "1", "D09": "1", "D11": "2"}
    rows = index_of(page)
    assert len(rows) == 9 and {r[0] for r in rows if r[1] == 0} == {"12-345678900", "12-3456789C1"}
    assert not (tmp_path / "r-details").exists()  # small: the details are in the page


def test_large_reports_put_their_details_in_chunk_files(db, tmp_path, monkeypatch):
    monkeypatch.setattr(html_report, "CHUNK", 2)
    monkeypatch.setattr(html_report, "INLINE_LIMIT", 100)
    out = tmp_path / "r.html"
    diff(db, tmp_path, "--html", str(out))
    chunks = sorted(p.name for p in (tmp_path / "r-details").iterdir())
    assert chunks == ["chunk-00000.js", "chunk-00001.js", "chunk-00002.js", "chunk-00003.js"]  # 7 with findings
    page = out.read_text()
    assert 'id="details-0"' not in page and "NEW HARBOR" not in page
    a1 = next(r for r in index_of(page) if r[0] == "12-3456789A1")
    text = (tmp_path / "r-details" / f"chunk-{a1[5]:05d}.js").read_text()
    assert text.startswith(f"abisimDetails({a1[5]},") and "250 NEW HARBOR BLVD" in text


def test_junit_one_test_case_per_importer(db, tmp_path):
    out = tmp_path / "junit.xml"
    result = diff(db, tmp_path, "--junit", str(out))
    assert "9 importers: 2 consistent, 7 inconsistent" in result.output  # the text output stays
    suite = ET.parse(out).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("9", "7")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert len(cases) == 9 and cases["12-345678900"].find("failure") is None
    failure = cases["12-3456789A1"].find("failure")
    assert failure.get("message") == "D04" and "250 NEW HARBOR BLVD" in failure.text
    assert cases["12-3456789A1"].get("file").endswith("12-3456789A1.abi")
    assert suite.find("properties/property[@name='as_of']").get("value") == "2026-11-25"


def rows_shown(dom: str) -> int:
    return dom.split('<tbody id="rows">')[1].split("</tbody>")[0].count('<tr data-n="')


def dump_dom(url: str) -> str:
    return subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
                           "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout


@pytest.mark.skipif(BROWSER is None, reason="no headless browser (chromium) installed")
def test_in_a_browser_filter_page_and_details_on_demand(db, tmp_path, monkeypatch):
    monkeypatch.setattr(html_report, "CHUNK", 2)
    monkeypatch.setattr(html_report, "INLINE_LIMIT", 100)
    monkeypatch.setattr(html_report, "PAGE_SIZE", 4)
    out = tmp_path / "r.html"
    diff(db, tmp_path, "--html", str(out))
    first = dump_dom(out.as_uri())
    assert "page 1 of 3 (9 importers)" in first and "data-ready-ms=" in first
    assert rows_shown(first) == 4
    dom = dump_dom(out.as_uri() + "#code=D04&open=12-3456789A1")
    assert "page 1 of 1 (1 importers)" in dom and rows_shown(dom) == 1
    details = dom.split('id="details-of-12-3456789A1">')[1].split('<script')[0]
    assert '<mark class="D">250 NEW HARBOR BLVD             </mark>' in details  # loaded from its chunk file
    assert "page 3 of 3" in dump_dom(out.as_uri() + "#verdict=&page=3")
