"""The OpenAPI document of the HTTP server (served at /openapi.json), written by hand so
that it says exactly what abisim.http does."""

from __future__ import annotations

from abisim import __version__

_PROBLEM = {"$ref": "#/components/schemas/Problem"}


def _problems(*codes: int) -> dict:
    text = {400: "Bad request", 401: "No or unknown token", 403: "Wrong kind of token", 404: "Not found",
            413: "Body too large", 422: "Unprocessable", 500: "The simulator could not answer"}
    return {str(c): {"description": text[c], "content": {"application/problem+json": {"schema": _PROBLEM}}}
            for c in codes}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def spec() -> dict:
    records = {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}
    filer = [{"filerToken": []}]
    admin = [{"adminToken": []}]
    journal_params = [
        {"name": "application", "in": "query", "schema": {"type": "string"}},
        {"name": "since", "in": "query", "schema": {"type": "string"}, "description": "ISO 8601 time, inclusive"},
        {"name": "until", "in": "query", "schema": {"type": "string"}, "description": "ISO 8601 time, exclusive"},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
    ]
    return {
        "openapi": "3.0.3",
        "info": {"title": "abisim", "version": __version__,
                 "description": "A simulated CBP Automated Broker Interface (ABI) for broker software tests."},
        "paths": {
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": _json({
                "type": "object", "required": ["status"],
                "properties": {"status": {"type": "string"}, "as_of": {"type": "string"}}})}}},
            "/v1/transmissions": {"post": {
                "summary": "Send a CATAIR transmission; get CBP's answer transmission",
                "security": filer,
                "requestBody": {"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}},
                "responses": {
                    "200": {"description": "CBP's answer (a reject batch when the envelope is bad)",
                            "content": {"text/plain": {"schema": {"type": "string"}},
                                        "application/json": {"schema": {
                                            "type": "object", "required": ["records", "errors"],
                                            "properties": {"records": records,
                                                           "errors": {"type": "array", "items": {"type": "object"}}}}}}},
                    **_problems(401, 403, 413)}}},
            "/v1/importers/{number}/bonds": {"get": {
                "summary": "The bond query, as JSON",
                "security": filer,
                "parameters": [{"name": "number", "in": "path", "required": True, "schema": {"type": "string"}},
                               {"name": "address", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]}}],
                "responses": {"200": _json({"type": "object", "required": ["importer_number", "as_of", "records"],
                                            "properties": {"importer_number": {"type": "string"},
                                                           "as_of": {"type": "string"}, "records": records}}),
                              **_problems(401, 403)}}},
            "/v1/pms/activations": {"post": {
                "summary": "Periodic Monthly Statement activation request (an XP transmission)",
                "security": filer,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["importers"],
                    "properties": {"importers": {"type": "array", "minItems": 1, "maxItems": 99,
                                                 "items": {"type": "string", "pattern": "^[ -~]{1,12}$"}},
                                   "payment_type": {"type": "string", "enum": ["D", "C"]},
                                   "ctpat": {"type": "boolean"}}}}}},
                "responses": {"200": _json({"type": "object", "required": ["outcomes"], "properties": {
                    "outcomes": {"type": "array", "items": {"$ref": "#/components/schemas/Outcome"}}}}),
                    **_problems(400, 401, 403, 413, 422)}}},
            "/v1/notifications": {"get": {
                "summary": "The notifications written for the token's filer", "security": filer,
                "responses": {"200": _json({"type": "object", "required": ["notifications"], "properties": {
                    "notifications": {"type": "array", "items": {"type": "object"}}}}), **_problems(401, 403)}}},
            "/v1/journal": {"get": {
                "summary": "The token's filer's own exchanges", "security": filer, "parameters": journal_params,
                "responses": {"200": _json({"type": "object", "required": ["journal"], "properties": {
                    "journal": {"type": "array", "items": {"type": "object"}}}}), **_problems(401, 403, 422)}}},
            "/v1/admin/reset": {"post": {
                "summary": "Empty the database (optionally load the sample database)", "security": admin,
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"sample": {"type": "boolean"}}}}}},
                "responses": {"200": _json({"type": "object"}), **_problems(400, 401, 403, 422)}}},
            "/v1/admin/load": {"post": {
                "summary": "Load a fixture (docs/fixtures.md)", "security": admin,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"200": _json({"type": "object"}), **_problems(400, 401, 403, 413, 422)}}},
            "/v1/admin/journal": {"get": {
                "summary": "Every transmission received and answer sent", "security": admin,
                "parameters": [{"name": "filer", "in": "query", "schema": {"type": "string"}}, *journal_params],
                "responses": {"200": _json({"type": "object", "required": ["journal"], "properties": {
                    "journal": {"type": "array", "items": {"type": "object"}}}}), **_problems(401, 403, 422)}}},
            "/v1/admin/clock": {
                "get": {"summary": "The simulated date", "security": admin,
                        "responses": {"200": _json({"$ref": "#/components/schemas/Clock"}), **_problems(401, 403)}},
                "put": {"summary": "Set the simulated date (null: today)", "security": admin,
                        "requestBody": {"required": True, "content": {"application/json": {"schema": {
                            "type": "object", "properties": {"as_of": {"type": "string", "format": "date",
                                                                       "nullable": True}}}}}},
                        "responses": {"200": _json({"$ref": "#/components/schemas/Clock"}),
                                      **_problems(400, 401, 403, 422)}}},
            "/v1/admin/faults": {
                "get": {"summary": "The faults in force", "security": admin,
                        "responses": {"200": _json({"$ref": "#/components/schemas/Faults"}), **_problems(401, 403)}},
                "put": {"summary": "Inject faults into the next transmissions", "security": admin,
                        "requestBody": {"required": True, "content": {"application/json": {"schema": {
                            "$ref": "#/components/schemas/Faults"}}}},
                        "responses": {"200": _json({"$ref": "#/components/schemas/Faults"}),
                                      **_problems(400, 401, 403, 422)}}},
            "/v1/admin/bond-team/riders": {"post": {
                "summary": "The bond team applies an importer's 5106 and bond rider", "security": admin,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["importer_number", "five106"],
                    "properties": {"importer_number": {"type": "string"}, "five106": {"type": "string"},
                                   "filer_code": {"type": "string"}, "rider_name": {"type": "string"}}}}}},
                "responses": {"200": _json({"type": "object"}), **_problems(400, 401, 403, 413, 422)}}},
        },
        "components": {
            "securitySchemes": {"filerToken": {"type": "http", "scheme": "bearer"},
                                "adminToken": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Problem": {"type": "object", "required": ["type", "title", "status"], "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                    "detail": {"type": "string"}}},
                "Record": {"type": "object", "required": ["record_id", "fields"], "properties": {
                    "line": {"type": "integer", "nullable": True}, "record_id": {"type": "string"},
                    "layout": {"type": "string"}, "fields": {"type": "object"}}},
                "Outcome": {"type": "object", "required": ["importer_number", "result"], "properties": {
                    "importer_number": {"type": "string", "nullable": True}, "result": {"type": "integer"},
                    "condition_code": {"type": "string", "nullable": True},
                    "narrative": {"type": "string", "nullable": True},
                    "switch_filer": {"type": "string", "nullable": True},
                    "switch_date": {"type": "string", "nullable": True}}},
                "Clock": {"type": "object", "required": ["as_of"], "properties": {
                    "as_of": {"type": "string"}, "fixed": {"type": "boolean"}}},
                "Faults": {"type": "object", "properties": {
                    "latency_ms": {"type": "integer", "minimum": 0, "maximum": 10000},
                    "drop_connection": {"type": "boolean"},
                    "reject_code": {"type": "string", "minLength": 3, "maxLength": 3, "nullable": True},
                    "count": {"type": "integer", "minimum": 0, "nullable": True},
                    "ratio": {"type": "number", "minimum": 0, "maximum": 1}}},
            },
        },
    }
