"""pytest plugin (entry point ``pytest11``): a simulated CBP for broker-software tests.

Fixtures:
- ``abisim``: an in-process :class:`abisim.testing.Harness` on a temporary database with
  the sample data, fresh for each test, at a fixed as-of date (``--abisim-as-of``);
  ``abisim.send_mail(message)`` hands an e-mail to CBP's mailboxes without a socket.
- ``abisim_server``: a live HTTP server (and raw TCP and SMTP listeners) on free 127.0.0.1
  ports over such a database, fresh for each test, stopped at its end: ``.url``,
  ``.tcp_port``, ``.smtp_port`` (CBP's PMS mailboxes, docs/pms.md), ``.admin_token``,
  ``.tokens`` (filer code -> bearer token), ``.harness``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from abisim.testing import DEFAULT_AS_OF, Answer, Harness, assert_accepted, assert_rejected

__all__ = ["Answer", "Harness", "assert_accepted", "assert_rejected"]


def pytest_addoption(parser) -> None:
    group = parser.getgroup("abisim")
    group.addoption("--abisim-as-of", default=None, metavar="YYYY-MM-DD",
                    help=f"the simulated date of the abisim fixtures (default {DEFAULT_AS_OF.isoformat()})")


def _as_of(config) -> dt.date:
    value = config.getoption("--abisim-as-of", default=None)
    return dt.date.fromisoformat(value) if value else DEFAULT_AS_OF


@pytest.fixture
def abisim(tmp_path, request):
    harness = Harness(tmp_path / "abisim.sqlite3", _as_of(request.config))
    yield harness
    harness.close()


class LiveServer:
    def __init__(self, server, harness: Harness) -> None:
        self.server = server
        self.harness = harness
        self.url = server.url
        self.tcp_port = server.tcp_port
        self.smtp_port = server.smtp_port
        self.admin_token = server.admin_token
        self.tokens = {row["filer_code"]: row["token"]
                       for row in harness.store.conn.execute("SELECT filer_code, token FROM filers")}

    def headers(self, filer: str = "XJ5") -> dict:
        return {"Authorization": f"Bearer {self.tokens[filer]}"}

    @property
    def admin_headers(self) -> dict:
        return {"Authorization": f"Bearer {self.admin_token}"}


@pytest.fixture
def abisim_server(tmp_path, request):
    from abisim.server import Server

    harness = Harness(tmp_path / "abisim-server.sqlite3", _as_of(request.config))
    server = Server(harness.simulator, tcp_port=0, smtp_port=0).start()
    try:
        yield LiveServer(server, harness)
    finally:
        server.stop()
        harness.close()
