"""pytest plugin (entry point ``pytest11``): a simulated CBP for broker-software tests.

Fixtures:
- ``abisim``: an in-process :class:`abisim.testing.Harness` on a temporary database with
  the sample data, fresh for each test, at a fixed as-of date (``--abisim-as-of``);
  ``abisim.send_mail(message)`` hands an e-mail to CBP's mailboxes without a socket.
- ``abisim_live`` (session): one live HTTP server with raw TCP and SMTP listeners on free
  127.0.0.1 ports for the whole session, stopped at its end.
- ``abisim_server``: that live server, reset for each test - the sample database afresh,
  the journal and the mail empty, no faults, the test's as-of date: ``.url``,
  ``.tcp_port``, ``.smtp_port`` (CBP's PMS mailboxes, docs/pms.md), ``.admin_token``,
  ``.tokens`` (filer code -> bearer token), ``.harness``, and the verification helpers
  ``.exchanges(...)`` and ``.assert_exchanges(...)``.

Marker: ``@pytest.mark.abisim_as_of("2027-03-01")`` sets the as-of date of a test's
``abisim`` and ``abisim_server`` (a module's or class's ``pytestmark`` works too).
"""

from __future__ import annotations

import datetime as dt

import pytest

from abisim.testing import DEFAULT_AS_OF, Answer, Harness, assert_accepted, assert_rejected

__all__ = ["Answer", "Harness", "LiveServer", "assert_accepted", "assert_rejected"]


def pytest_addoption(parser) -> None:
    group = parser.getgroup("abisim")
    group.addoption("--abisim-as-of", default=None, metavar="YYYY-MM-DD",
                    help=f"the simulated date of the abisim fixtures (default {DEFAULT_AS_OF.isoformat()})")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "abisim_as_of(date): the as-of date (YYYY-MM-DD or a date) of this test's "
                                       "abisim and abisim_server fixtures")


def _as_of(config) -> dt.date:
    value = config.getoption("--abisim-as-of", default=None)
    return dt.date.fromisoformat(value) if value else DEFAULT_AS_OF


def _test_as_of(request) -> dt.date:
    marker = request.node.get_closest_marker("abisim_as_of")
    if marker is None:
        return _as_of(request.config)
    value = marker.args[0] if marker.args else marker.kwargs.get("date")
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


@pytest.fixture
def abisim(tmp_path, request):
    harness = Harness(tmp_path / "abisim.sqlite3", _test_as_of(request))
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
        self.tokens: dict[str, str] = {}
        self._read_tokens()

    def _read_tokens(self) -> None:
        self.tokens = {row["filer_code"]: row["token"]
                       for row in self.harness.store.conn.execute("SELECT filer_code, token FROM filers")}

    def reset(self, as_of: dt.date) -> None:
        """Fresh sample database, empty journal, no faults, at ``as_of``."""
        self.server.faults.clear()
        self.harness.reset(as_of)
        self._read_tokens()

    def headers(self, filer: str = "XJ5") -> dict:
        return {"Authorization": f"Bearer {self.tokens[filer]}"}

    @property
    def admin_headers(self) -> dict:
        return {"Authorization": f"Bearer {self.admin_token}"}

    def exchanges(self, **filters) -> list[dict]:
        return self.harness.exchanges(**filters)

    def assert_exchanges(self, count: int | None = None, **filters) -> list[dict]:
        return self.harness.assert_exchanges(count, **filters)


@pytest.fixture(scope="session")
def abisim_live(tmp_path_factory, pytestconfig):
    from abisim.server import Server

    harness = Harness(tmp_path_factory.mktemp("abisim-live") / "abisim-server.sqlite3", _as_of(pytestconfig))
    server = Server(harness.simulator, tcp_port=0, smtp_port=0).start(timeout=60)  # a busy CI machine
    try:
        yield LiveServer(server, harness)
    finally:
        server.stop()
        harness.close()


@pytest.fixture
def abisim_server(abisim_live, request):
    abisim_live.reset(_test_as_of(request))
    yield abisim_live
