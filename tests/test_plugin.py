"""The pytest plugin's fixtures work in a fresh project that only installs abisim."""

from __future__ import annotations

pytest_plugins = ["pytester"]

HARNESS = '''
import httpx
from abisim.testing import assert_accepted, assert_rejected


def test_in_process(abisim):
    answer = assert_accepted(abisim.query("12-345678900", "12-3456789V1"))
    assert answer.k1_results == {"12-345678900": 1, "12-3456789V1": 3}
    assert abisim.activate("12-345678900").records("P9")[0].result == 1
    bad = abisim.submit(abisim.transmission("KI", [abisim.record("K", importer_number_1="12-345678900")],
                                            password="WRONG1"))
    assert_rejected(bad, "X09")


def test_fresh_per_test(abisim):
    assert abisim.store.pms_switch("12-345678900") is None


def test_live_server(abisim_server):
    data = abisim_server.harness.transmission("KI", [abisim_server.harness.record("K", importer_number_1="12-3456789B1")])
    r = httpx.post(abisim_server.url + "/v1/transmissions", content=data, headers=abisim_server.headers("XJ5"))
    assert r.status_code == 200 and "K112-3456789B12" in r.text
    assert abisim_server.tcp_port > 0 and set(abisim_server.tokens) == {"XJ5", "SV9", "NP1", "SB1"}
'''


def test_fixtures_in_a_fresh_project(pytester):
    pytester.makepyfile(test_harness=HARNESS)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_as_of_option(pytester):
    pytester.makepyfile(test_date='''
import datetime as dt

def test_date(abisim):
    assert abisim.simulator.as_of == dt.date(2027, 3, 1)
''')
    pytester.runpytest_subprocess("-q", "--abisim-as-of", "2027-03-01").assert_outcomes(passed=1)


def test_one_live_server_per_session_reset_for_each_test_and_the_as_of_marker(pytester):
    pytester.makepyfile(test_live='''
import datetime as dt

import httpx
import pytest

URLS = set()


def post_ki(server):
    data = server.harness.transmission("KI", [server.harness.record("K", importer_number_1="12-345678900")])
    return httpx.post(server.url + "/v1/transmissions", content=data, headers=server.headers("XJ5"))


def test_first(abisim_server):
    URLS.add(abisim_server.url)
    httpx.put(abisim_server.url + "/v1/admin/faults", json={"reject_code": "X13"}, headers=abisim_server.admin_headers)
    assert "X13" in post_ki(abisim_server).text
    abisim_server.assert_exchanges(1, channel="http", fault="reject X13")
    abisim_server.harness.activate("12-345678900")


@pytest.mark.abisim_as_of("2027-03-01")
def test_second_sees_a_fresh_server(abisim_server):
    URLS.add(abisim_server.url)
    assert len(URLS) == 1  # the same server...
    assert abisim_server.exchanges() == []  # ...with an empty journal, no faults, fresh data
    assert "K112-345678900" in post_ki(abisim_server).text
    assert abisim_server.harness.store.pms_switch("12-345678900") is None
    assert httpx.get(abisim_server.url + "/healthz").json()["as_of"] == "2027-03-01"


@pytest.mark.abisim_as_of(dt.date(2025, 1, 2))
def test_marker_in_process(abisim):
    assert abisim.simulator.as_of == dt.date(2025, 1, 2)
''')
    pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider").assert_outcomes(passed=3)
