"""Importer/Bond Query, ACE CATAIR Version 7 (2025-07-15): K in, K1-K8 out."""

from abisim.layouts import FILL, ID, F

VERSION = "ki-v7-2025"
FAMILY = "ki"

TITLES = {
    "K": "Importer/bond query",
    "K1": "Importer and bond",
    "K2": "Name line 2 and bond status",
    "K3": "Mailing address",
    "K4": "Mailing city, state and postal code",
    "K5": "Physical address",
    "K6": "Physical city, state and postal code",
    "K7": "Full legal name and center",
    "K8": "Overflow text",
}


def _importer_pairs():
    # Six (importer number, address request code) pairs, 13 columns each from column 3.
    for n in range(1, 7):
        start = 3 + 13 * (n - 1)
        yield F(f"importer_number_{n}", start, 12, "X", "M" if n == 1 else "C",
                codes="importer_number")
        yield F(f"address_request_{n}", start + 12, 1, "AN", "C", codes="address_request")


def _city_line(rid):
    # 3-34 and 67-78 are filler in v7; answers of earlier versions carry the importer's
    # name and number there. Read as optional legacy fields, with a warning (ruling 18);
    # abisim never writes them in this version.
    return (
        ID(rid),
        F("legacy_name", 3, 32, "X", "O", codes="pre_v7"),
        F("city", 35, 21, "X", "C"),
        F("state", 56, 2, "A", "C", codes="state"),
        F("postal_code", 58, 9, "AN", "C"),
        F("legacy_importer_number", 67, 12, "X", "O", codes="pre_v7"),
        FILL(79, 80),
    )


RECORDS = {
    "K": (ID("K"), FILL(2, 2), *_importer_pairs()),
    "K1": (
        ID("K1"),
        F("importer_number", 3, 12, "X", "M"),
        F("result_code", 15, 1, "N", "M", codes="ki_result"),
        F("importer_name", 16, 32, "X", "C"),
        F("surety_code", 48, 3, "AN", "C", kind="code"),
        F("activity_code", 51, 1, "AN", "C", codes="activity_letter"),
        F("bond_amount", 52, 9, "(S)N", "C"),
        F("bond_port", 61, 4, "AN", "C"),
        F("effective_date", 65, 6, "D", "C"),
        F("bond_number", 71, 9, "AN", "C"),
        F("amount_location", 80, 1, "AN", "C", codes="amount_location"),
    ),
    "K2": (
        ID("K2"),
        F("name_qualifier", 3, 3, "A", "C", codes="name_qualifier"),
        F("name_line_2", 6, 32, "X", "C"),
        FILL(38, 38),
        F("termination_date", 39, 6, "D", "C"),
        FILL(45, 45),
        F("pms_status", 46, 1, "AN", "C", codes="yes_no"),
        FILL(47, 47),
        F("sufficiency", 48, 1, "AN", "C", codes="yes_no"),
        FILL(49, 49),
        F("user_status", 50, 1, "AN", "C", codes="user_status"),
        FILL(51, 51),
        F("user_termination_date", 52, 6, "D", "C"),
        F("bond_amount_10", 58, 10, "(S)N", "C"),
        FILL(68, 80),
    ),
    "K3": (
        ID("K3"),
        F("address_1", 3, 32, "X", "C"),
        F("address_2", 35, 32, "X", "C"),
        FILL(67, 80),
    ),
    "K4": _city_line("K4"),
    "K5": (
        ID("K5"),
        F("address_1", 3, 32, "X", "C"),
        F("address_2", 35, 32, "X", "C"),
        FILL(67, 80),
    ),
    "K6": _city_line("K6"),
    "K7": (
        ID("K7"),
        F("legal_name", 3, 30, "X", "C"),
        FILL(33, 33),
        F("center_id", 34, 6, "AN", "C", codes="center_id"),
        FILL(40, 40),
        F("center_description", 41, 30, "X", "C"),
        FILL(71, 80),
    ),
    "K8": (
        ID("K8"),
        F("qualifier", 3, 3, "AN", "M", codes="k8_qualifier"),
        F("overflow", 6, 70, "X", "C"),
        FILL(76, 80),
    ),
}
