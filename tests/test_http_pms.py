"""The PMS routes over HTTP: the broker's 5106 in the activation body, the switch status,
eligibility, powers of attorney, importer flags, and CBP's mail (the outbox)."""

from __future__ import annotations

import email
from email import policy

import httpx
import pytest

from mail_helpers import MANAGER, five106_text, request, send


@pytest.fixture
def client(abisim_server):
    with httpx.Client(base_url=abisim_server.url, timeout=30) as c:
        yield c


def activate(client, server, body, filer="XJ5"):
    r = client.post("/v1/pms/activations", json=body, headers=server.headers(filer))
    assert r.status_code == 200, r.text
    return r.json()["outcomes"]


def test_p02_judges_the_five106_in_the_body(abisim_server, client):
    wrong = five106_text("12-345678900", mail_address_1="9 WRONG WAY").decode("latin-1")
    [refused] = activate(client, abisim_server, {"importers": ["12-345678900"], "five106": {"12-345678900": wrong}})
    assert (refused["result"], refused["condition_code"], refused["five106"]) == (3, "P02", "attached")
    assert refused["discrepancies"] == [{"code": "D04", "field": "mail_address_1", "five106_value": "9 WRONG WAY",
                                         "bond_value": "100 MAIN ST"}]
    right = five106_text("12-345678900").decode("latin-1")
    [done] = activate(client, abisim_server, {"importers": ["12-345678900"], "five106": {"12-345678900": right}})
    assert done["result"] == 1 and done["discrepancies"] == [] and done["five106"] == "attached"


def test_without_a_five106_the_one_on_file_is_compared_and_said(abisim_server, client):
    [done] = activate(client, abisim_server, {"importers": ["12-345678900"]})
    assert (done["result"], done["five106"]) == (1, "on file")
    [refused] = activate(client, abisim_server, {"importers": ["12-3456789A1"]})
    assert refused["five106"] == "on file" and refused["narrative"] == "5106 ON FILE INCONSISTENT WITH BOND DATA"
    assert [d["code"] for d in refused["discrepancies"]] == ["D04"]


def test_a_five106_for_another_number_is_refused(abisim_server, client):
    text = five106_text("12-3456789C1").decode("latin-1")
    for five106 in ({"12-345678900": text}, {"12-3456789C1": text}):
        r = client.post("/v1/pms/activations", json={"importers": ["12-345678900"], "five106": five106},
                        headers=abisim_server.headers())
        assert r.status_code == 422


def test_switch_status_names_the_holder_to_itself_only(abisim_server, client):
    path = "/v1/pms/switches/12-345678900"
    assert client.get(path, headers=abisim_server.headers()).json() == {
        "importer_number": "12-345678900", "set": False, "set_date": None, "switch_filer": None}
    activate(client, abisim_server, {"importers": ["12-345678900"]})
    assert client.get(path, headers=abisim_server.headers("XJ5")).json()["switch_filer"] == "XJ5"
    other = client.get(path, headers=abisim_server.headers("SV9")).json()
    assert other == {"importer_number": "12-345678900", "set": True, "set_date": "2026-11-25", "switch_filer": None}


@pytest.mark.parametrize("query, status, eligible", [
    ("entry_type=01&excise_tax=false", 200, True),
    ("entry_type=09", 200, False),
    ("entry_type=08", 200, False),
    ("entry_type=01&excise_tax=true", 200, False),
    ("entry_type=99", 422, None),
    ("entry_type=ABC", 422, None),
    ("", 422, None),
])
def test_eligibility(client, query, status, eligible):
    r = client.get(f"/v1/pms/eligibility?{query}")
    assert r.status_code == status, r.text
    if eligible is not None:
        assert r.json()["eligible"] is eligible


def test_powers_of_attorney_and_flags_reach_p03_p07_without_raw_records(abisim_server, client):
    admin = abisim_server.admin_headers
    poa = "/v1/admin/importers/12-345678900/powers-of-attorney/XJ5"
    assert client.delete(poa, headers=admin).json()["on_file"] is False
    [p03] = activate(client, abisim_server, {"importers": ["12-345678900"]})
    assert p03["condition_code"] == "P03"
    assert client.put(poa, json={}, headers=admin).json()["on_file"] is True
    [p07] = activate(client, abisim_server, {"importers": ["123-45-6789"], "ctpat": True})
    assert p07["condition_code"] == "P07"
    flags = client.patch("/v1/admin/importers/123-45-6789/flags", json={"ctpat": True}, headers=admin).json()
    assert flags == {"importer_number": "123-45-6789", "ctpat": True, "account_manager_email": None,
                     "ace_account": "non-portal"}  # C-TPAT: an ACE account from the start (ruling 31)
    [done] = activate(client, abisim_server, {"importers": ["123-45-6789"], "ctpat": True})
    assert done["result"] == 1
    assert client.put("/v1/admin/importers/00-0000000ZZ/powers-of-attorney/XJ5", json={},
                      headers=admin).status_code == 404
    assert client.put(poa.replace("XJ5", "QQ9"), json={}, headers=admin).status_code == 404
    assert client.patch("/v1/admin/importers/12-345678900/flags", json={"ctpat": "yes"},
                        headers=admin).status_code == 422
    assert client.patch("/v1/admin/importers/12-345678900/flags", json={"ctpat": True},
                        headers=abisim_server.headers()).status_code == 403


def test_mail_by_smtp_is_in_the_outbox_over_http(abisim_server, client):
    msg = request("12-345678900", cc=[MANAGER], attachments=[("12-345678900.abi", five106_text("12-345678900"))])
    send(abisim_server.smtp_port, msg)
    mine = client.get("/v1/mail", headers=abisim_server.headers("XJ5")).json()["mail"]
    assert [(m["direction"], m["subject"]) for m in mine] == [
        ("out", "Activation Request: 1 set, 0 already set, 0 refused")]
    answer = email.message_from_string(mine[0]["raw"], policy=policy.default)
    assert answer["In-Reply-To"] == msg["Message-ID"] and answer["Cc"] == MANAGER
    raw = client.get(f"/v1/mail/{mine[0]['id']}", headers=abisim_server.headers("XJ5"))
    assert raw.headers["content-type"].startswith("message/rfc822") and raw.text == mine[0]["raw"]
    assert client.get("/v1/mail", headers=abisim_server.headers("SV9")).json()["mail"] == []
    assert client.get(f"/v1/mail/{mine[0]['id']}", headers=abisim_server.headers("SV9")).status_code == 404
    everything = client.get("/v1/admin/mail", headers=abisim_server.admin_headers).json()["mail"]
    assert [m["direction"] for m in everything] == ["in", "out"]
    assert client.get("/v1/mail", headers=abisim_server.admin_headers).status_code == 403
    notes = client.get("/v1/notifications", headers=abisim_server.headers("XJ5")).json()["notifications"]
    assert notes[-1]["kind"] == "pms-mail-answer"


@pytest.mark.parametrize("message_id", ["5\u00b2", "\u0661", "1\u00b9"])  # digits to str.isdigit, not to int()
def test_a_mail_id_of_unicode_digits_is_not_found(abisim_server, client, message_id):
    assert client.get(f"/v1/mail/{message_id}", headers=abisim_server.headers("XJ5")).status_code == 404
    assert client.get(f"/v1/admin/mail/{message_id}", headers=abisim_server.admin_headers).status_code == 404
