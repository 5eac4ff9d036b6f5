"""`abisim diff --html OUT`: a page that opens fast at any size.

The page holds the summary (importers per verdict, importers per finding code, the inputs,
the as-of date), and a compact index of every importer that the page's script filters
(number, verdict, finding code) and shows 100 rows at a time. The details of an importer
with findings - its findings and the records on an 80-column ruler - are rendered here
(Jinja2 templates) but shown on demand: in the page itself when they are small, else in
chunks of 1,000 importers in ``OUT-details/``, each a script the page loads when one of
its importers is opened (works from file://, nothing from the network). The page's state
is in its address (``#code=D04&page=2&open=12-3456789A1``), so a view can be linked.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter

import jinja2

from abisim import __version__
from abisim.compare import CONSISTENT, INCONSISTENT, TITLES
from abisim.reports import Item, cols

CHUNK = 1000  # importers with details per chunk file
INLINE_LIMIT = 1 << 20  # details up to this many bytes stay in the page itself
PAGE_SIZE = 100
VERDICTS = [CONSISTENT, INCONSISTENT]

_TENS = "".join(str((c // 10) % 10) if c % 10 == 0 else " " for c in range(1, 81))
_ONES = "".join(str(c % 10) for c in range(1, 81))

_env = jinja2.Environment(loader=jinja2.PackageLoader("abisim.reports", "templates"),
                          autoescape=jinja2.select_autoescape(["html", "j2"]), keep_trailing_newline=True)
_env.globals.update(cols=cols, ruler=f"{_TENS}\n{_ONES}")


def _json(obj) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(obj, separators=(",", ":")).replace("</", "<\\/")


def details_html(it: Item) -> str:
    return _env.get_template("details.html.j2").render(item=it)


class HtmlReport:
    """Add items one by one, then ``close``: the page is written at ``path``."""

    def __init__(self, path: str, *, inputs: list[str], bond_source: str, title: str = "abisim diff") -> None:
        self.path = path
        self.inputs = list(inputs)
        self.bond_source = bond_source
        self.title = title
        self.index: list[list] = []
        self.codes: Counter = Counter()
        self.chunk: dict[str, str] = {}
        self.chunks: list[str] = []  # JSON of each full chunk, while they may still be inlined
        self.held = 0  # bytes of details held in memory
        self.details_dir: str | None = None  # set once the details go to files
        self.files = {p: i for i, p in enumerate(self.inputs)}

    def add(self, it: Item) -> None:
        codes = it.codes
        self.codes.update(codes)
        chunk_no = -1
        if it.findings:
            chunk_no = len(self.chunks)
            html = details_html(it)
            self.chunk[it.importer_number] = html
            self.held += len(html)
            if len(self.chunk) >= CHUNK:
                self._end_chunk()
        file_no = self.files.setdefault(it.file, len(self.files))
        if file_no == len(self.inputs):
            self.inputs.append(it.file)
        self.index.append([it.importer_number, 0 if it.consistent else 1, " ".join(codes), file_no, it.line or 0,
                           chunk_no])

    def _end_chunk(self) -> None:
        if not self.chunk:
            return
        self.chunks.append(_json(self.chunk))
        self.chunk = {}
        if self.details_dir is not None or self.held > INLINE_LIMIT:
            self._spill()

    def _spill(self) -> None:
        """Write the chunks held so far to files; from now on every chunk goes to a file."""
        if self.details_dir is None:
            self.details_dir = os.path.splitext(self.path)[0] + "-details"
            os.makedirs(self.details_dir, exist_ok=True)
        for n, text in enumerate(self.chunks):
            if text is not None:
                with open(os.path.join(self.details_dir, f"chunk-{n:05d}.js"), "w", encoding="utf-8") as f:
                    f.write(f"abisimDetails({n},{text});\n")
                self.chunks[n] = None
        self.held = 0

    def close(self, summary: dict) -> None:
        self._end_chunk()
        inline = [] if self.details_dir is not None else list(enumerate(self.chunks))
        page = _env.get_template("report.html.j2").render(
            title=self.title, version=__version__, summary=summary, inputs=self.inputs,
            bond_source=self.bond_source, generated=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            codes=[(code, self.codes[code], TITLES.get(code, "")) for code in sorted(self.codes)],
            verdicts=VERDICTS, page_size=PAGE_SIZE, index_json=jinja2.utils.markupsafe.Markup(_json(self.index)),
            inline_chunks=[(n, jinja2.utils.markupsafe.Markup(text)) for n, text in inline],
            details_dir=os.path.basename(self.details_dir) if self.details_dir else None)
        with open(self.path, "w", encoding="utf-8") as f:
            f.write(page)
