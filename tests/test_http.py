"""The HTTP server, through a real client, against a live server on a free loopback port."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from abisim.sample import own_5106

ROOT = Path(__file__).resolve().parent.parent
KI = (ROOT / "samples/answers/ki-magic-2.in.abi").read_bytes()
KR = (ROOT / "samples/answers/ki-magic-2.out.abi").read_text()


@pytest.fixture
def client(abisim_server):
    with httpx.Client(base_url=abisim_server.url, timeout=10) as c:
        yield c


def test_transmission_answers_as_text_and_json(abisim_server, client):
    r = client.post("/v1/transmissions", content=KI, headers=abisim_server.headers("XJ5"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert r.text == KR
    j = client.post("/v1/transmissions", content=KI,
                    headers={**abisim_server.headers("XJ5"), "Accept": "application/json"}).json()
    k1 = [x for x in j["records"] if x["record_id"] == "K1"]
    assert [x["fields"]["result_code"] for x in k1] == [3, 4, 2, 0, 0] and j["errors"] == []


def test_tokens_are_required_and_scoped(abisim_server, client):
    assert client.post("/v1/transmissions", content=KI).status_code == 401
    bad = client.post("/v1/transmissions", content=KI, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["title"] == "Unauthorized"
    # SV9's token, XJ5's transmission: CBP's X09/X17 reject
    r = client.post("/v1/transmissions", content=KI, headers=abisim_server.headers("SV9"))
    # Ruling 14: an unauthorized sender is reported by the batch-level X09 alone.
    assert "X1 FX09" in r.text and "X1 FX17" not in r.text and "X1RF999" in r.text


def test_admin_routes_refuse_filer_tokens(abisim_server, client):
    for method, path in (("POST", "/v1/admin/reset"), ("POST", "/v1/admin/load"), ("GET", "/v1/admin/journal"),
                         ("PUT", "/v1/admin/clock"), ("PUT", "/v1/admin/faults"),
                         ("POST", "/v1/admin/bond-team/riders")):
        r = client.request(method, path, headers=abisim_server.headers("XJ5"), json={})
        assert r.status_code == 403, (path, r.text)
        assert client.request(method, path, json={}).status_code == 401
    # and filer routes refuse the admin token
    assert client.get("/v1/notifications", headers=abisim_server.admin_headers).status_code == 403


def test_bond_query_as_json(abisim_server, client):
    j = client.get("/v1/importers/12-3456789U1/bonds", headers=abisim_server.headers()).json()
    assert j["as_of"] == "2026-11-25"
    assert [r["record_id"] for r in j["records"]][:2] == ["K1", "K2"]
    assert j["records"][1]["fields"]["user_status"] == "T"


def test_activation_and_notifications_scoped_to_the_filer(abisim_server, client):
    r = client.post("/v1/pms/activations", json={"importers": ["12-345678900"], "payment_type": "D"},
                    headers=abisim_server.headers("XJ5"))
    assert r.json()["outcomes"][0]["result"] == 1
    r = client.post("/v1/pms/activations", json={"importers": ["12-345678900"]}, headers=abisim_server.headers("SV9"))
    # ruling 30: the date, not the other broker's filer code
    assert r.json()["outcomes"][0] == {"importer_number": "12-345678900", "result": 2, "condition_code": None,
                                       "narrative": "PMS SWITCH ALREADY SET", "switch_filer": None,
                                       "switch_date": "2026-11-25", "five106": "on file", "discrepancies": []}
    xj5 = client.get("/v1/notifications", headers=abisim_server.headers("XJ5")).json()["notifications"]
    sv9 = client.get("/v1/notifications", headers=abisim_server.headers("SV9")).json()["notifications"]
    assert {n["filer_code"] for n in xj5} == {"XJ5"} and {n["filer_code"] for n in sv9} == {"SV9"}
    assert [n["kind"] for n in sv9] == ["pms-already-set"]
    bad = client.post("/v1/pms/activations", json={"importers": []}, headers=abisim_server.headers())
    assert bad.status_code == 422


def test_journal_is_scoped_and_filterable(abisim_server, client):
    client.post("/v1/transmissions", content=KI, headers=abisim_server.headers("XJ5"))
    client.post("/v1/pms/activations", json={"importers": ["12-3456789C1"], "ctpat": True},
                headers=abisim_server.headers("XJ5"))
    mine = client.get("/v1/journal", headers=abisim_server.headers("XJ5")).json()["journal"]
    theirs = client.get("/v1/journal", headers=abisim_server.headers("SV9")).json()["journal"]
    assert len(mine) == 2 and theirs == []
    admin = client.get("/v1/admin/journal", params={"filer": "XJ5", "application": "KI"},
                       headers=abisim_server.admin_headers).json()["journal"]
    assert [(r["channel"], r["application_id"], r["status"]) for r in admin] == [("http", "KI", "accepted")]
    since = mine[-1]["received"]
    later = client.get("/v1/admin/journal", params={"since": since}, headers=abisim_server.admin_headers).json()
    assert len(later["journal"]) == 1


def test_admin_reset_load_and_clock(abisim_server, client):
    admin = abisim_server.admin_headers
    r = client.post("/v1/admin/load", json={"importers": [{"importer_number": "bad", "name": "X"}]}, headers=admin)
    assert r.status_code == 422 and r.json()["path"] == "importers[0].importer_number"
    assert client.put("/v1/admin/clock", json={"as_of": "2030-01-01"}, headers=admin).json()["as_of"] == "2030-01-01"
    # five years later the terminated bond is more than two years gone
    j = client.get("/v1/importers/12-3456789T1/bonds", headers=abisim_server.headers()).json()
    assert j["records"][0]["fields"]["result_code"] == 2
    assert client.put("/v1/admin/clock", json={"as_of": "not a date"}, headers=admin).status_code == 422
    assert client.post("/v1/admin/reset", headers=admin).json() == {"reset": True, "sample": False}
    assert client.post("/v1/transmissions", content=KI, headers=abisim_server.headers()).status_code == 401
    client.post("/v1/admin/reset", json={"sample": True}, headers=admin)
    assert client.post("/v1/transmissions", content=KI, headers=abisim_server.headers()).status_code == 200


def test_faults_reject_latency_drop_for_the_next_n(abisim_server, client):
    admin = abisim_server.admin_headers
    client.put("/v1/admin/faults", json={"reject_code": "X13", "count": 2}, headers=admin)
    answers = [client.post("/v1/transmissions", content=KI, headers=abisim_server.headers()).text for _ in range(3)]
    assert ["X1 FX13" in a for a in answers] == [True, True, False]
    client.put("/v1/admin/faults", json={"drop_connection": True, "count": 1}, headers=admin)
    with pytest.raises(httpx.HTTPError):
        client.post("/v1/transmissions", content=KI, headers=abisim_server.headers())
    assert client.post("/v1/transmissions", content=KI, headers=abisim_server.headers()).status_code == 200
    client.put("/v1/admin/faults", json={"latency_ms": 150, "count": 1}, headers=admin)
    r = client.post("/v1/transmissions", content=KI, headers=abisim_server.headers())
    assert r.elapsed.total_seconds() >= 0.15
    assert client.put("/v1/admin/faults", json={"ratio": 2}, headers=admin).status_code == 422
    assert client.get("/v1/admin/faults", headers=admin).json()["count"] == 0


def test_bond_team_rider_route(abisim_server, client):
    import abisim

    five106 = abisim.render(own_5106("12-3456789A1")).decode()
    r = client.post("/v1/admin/bond-team/riders", headers=abisim_server.admin_headers,
                    json={"importer_number": "12-3456789A1", "five106": five106, "filer_code": "XJ5"})
    assert r.json()["changed"] == ["mail_address_1"]
    out = client.post("/v1/pms/activations", json={"importers": ["12-3456789A1"]}, headers=abisim_server.headers())
    assert out.json()["outcomes"][0]["result"] == 1
    missing = client.post("/v1/admin/bond-team/riders", headers=abisim_server.admin_headers,
                          json={"importer_number": "12-3456789B1", "five106": five106})
    assert missing.status_code == 422


def test_body_limit_is_413(abisim_server, client):
    r = client.post("/v1/transmissions", content=b"A" * (1 << 20 + 1), headers=abisim_server.headers())
    assert r.status_code == 413 and r.json()["status"] == 413


def test_unknown_routes_and_methods_are_problems(client):
    assert client.get("/nope").json()["status"] == 404
    r = client.get("/v1/transmissions")
    assert r.status_code == 405 and r.headers["content-type"] == "application/problem+json"


def test_health_and_openapi(client):
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/v1/transmissions" in spec["paths"]
    json.dumps(spec)


# -- bad bodies are 4xx problem documents (issue 11, findings 5 and 6), checked by the models

def _is_problem(r, status):
    return r.status_code == status and r.headers["content-type"] == "application/problem+json" \
        and r.json()["status"] == status


def test_a_non_ascii_bearer_token_is_401_not_500(client):
    for path in ("/v1/notifications", "/v1/admin/clock"):
        r = client.get(path, headers={"Authorization": "Bearer tök€n".encode("utf-8")})
        assert _is_problem(r, 401) if path == "/v1/notifications" else _is_problem(r, 403), r.text


def test_deeply_nested_json_is_a_400(abisim_server, client):
    body = b"[" * 100_000 + b"]" * 100_000
    r = client.post("/v1/pms/activations", content=body, headers=abisim_server.headers())
    assert _is_problem(r, 400), r.text


def test_wrong_json_types_are_422_naming_the_field(abisim_server, client):
    admin = abisim_server.admin_headers
    cases = [
        ("POST", "/v1/pms/activations", abisim_server.headers(), {"importers": ["12-345678900"],
                                                                  "payment_type": "€"}, "payment_type"),
        ("POST", "/v1/pms/activations", abisim_server.headers(), {"importers": ["12-345678900"],
                                                                  "ctpat": "true"}, "ctpat"),
        ("PUT", "/v1/admin/faults", admin, {"drop_connection": "false"}, "drop_connection"),
        ("PUT", "/v1/admin/faults", admin, {"latency_ms": 1.5}, "latency_ms"),
        ("POST", "/v1/admin/load", admin, {"filers": 5}, "filers"),
        ("POST", "/v1/admin/load", admin, {"bonds": {"bond_number": "1"}}, "bonds"),
        ("POST", "/v1/admin/reset", admin, {"sample": 1}, "sample"),
        ("POST", "/v1/admin/bond-team/riders", admin, {"importer_number": 5, "five106": ""}, "importer_number"),
    ]
    for method, path, headers, body, field in cases:
        r = client.request(method, path, json=body, headers=headers)
        assert _is_problem(r, 422), (path, body, r.text)
        assert field in [e["loc"].split(".")[0] for e in r.json()["errors"]], r.json()
    # and nothing changed: dropping was not switched on
    assert client.get("/v1/admin/faults", headers=admin).json()["drop_connection"] is False


def test_infinite_numbers_are_422(abisim_server, client):
    admin = abisim_server.admin_headers
    for body in (b'{"latency_ms": 1e999}', b'{"ratio": 1e999}', b'{"ratio": NaN}'):
        r = client.put("/v1/admin/faults", content=body, headers={**admin, "Content-Type": "application/json"})
        assert r.status_code in (400, 422) and r.json()["status"] == r.status_code, (body, r.text)


def test_clock_accepts_only_dates_records_can_carry(abisim_server, client):
    admin = abisim_server.admin_headers
    for as_of in ("1900-01-01", "2070-01-01", "0001-01-01", "1969-12-31"):
        r = client.put("/v1/admin/clock", json={"as_of": as_of}, headers=admin)
        assert _is_problem(r, 422) and "1970-01-01 to 2069-12-31" in r.json()["detail"], r.text
    for as_of in ("1970-01-01", "2069-12-31"):
        assert client.put("/v1/admin/clock", json={"as_of": as_of}, headers=admin).json()["as_of"] == as_of
    r = client.get("/v1/importers/12-3456789U1/bonds", headers=abisim_server.headers())
    assert r.status_code == 200


def test_openapi_schemas_are_the_validating_models(client):
    from abisim.http_models import FaultsRequest

    spec = client.get("/openapi.json").json()
    put = spec["paths"]["/v1/admin/faults"]["put"]
    ref = put["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/FaultsRequest"
    assert spec["components"]["schemas"]["FaultsRequest"] == FaultsRequest.model_json_schema(
        ref_template="#/components/schemas/{model}")


def test_a_content_length_of_unicode_digits_is_not_a_server_error(abisim_server):
    import socket

    host, port = abisim_server.url.rsplit("/", 1)[-1].rsplit(":", 1)
    with socket.create_connection((host, int(port))) as s:
        s.sendall(b"POST /v1/transmissions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer xj5-sample-token\r\n"
                  b"Content-Length: 1\xb2\r\n\r\n")
        head = s.recv(4096).split(b"\r\n", 1)[0]
    assert head.startswith(b"HTTP/1.1 4"), head
