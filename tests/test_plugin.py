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
