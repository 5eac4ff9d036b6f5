"""Customs eBond Create/Update, ACE CATAIR v1.9 (2020-04-10): records 10-40 in (CB),
90 out (CX)."""

from abisim.layouts import FILL, ID, F

VERSION = "ebond-v1.9"
FAMILY = "ebond"

TITLES = {
    "10": "Bond",
    "30": "Principal",
    "35": "Co-principal",
    "36": "Bond user",
    "40": "Surety",
    "90": "Condition (output)",
}


def _party(rid):
    return (
        ID(rid),
        F("id_type", 3, 3, "AN", "M", codes="ebond_id_type"),
        F("id_number", 6, 12, "X", "M", codes="importer_number"),
        F("name", 18, 40, "X", "M"),
    )


RECORDS = {
    "10": (
        ID("10"),
        F("designation", 3, 1, "A", "M", codes="bond_designation"),
        F("bond_type", 4, 1, "AN", "M", kind="code", codes="bond_type"),
        F("activity_code", 5, 3, "AN", "M", codes="ebond_activity"),
        F("amount", 8, 10, "(S)N", "C"),
        F("execution_date", 18, 6, "D", "C"),
        F("surety_reference", 24, 9, "X", "O"),
        F("effective_date", 33, 6, "D", "C"),
        F("termination_date", 39, 6, "D", "C"),
        F("bond_number", 45, 9, "AN", "C"),
        FILL(54, 54),
        F("reconciliation_rider", 55, 1, "AN", "C", codes="yes_no"),
        F("usvi_rider", 56, 1, "AN", "C", codes="yes_no"),
        FILL(57, 80),
    ),
    "30": (*_party("30"), FILL(58, 80)),
    "35": (*_party("35"), FILL(58, 80)),
    "36": (
        *_party("36"),
        F("user_action", 58, 1, "AN", "C", codes="user_action"),
        F("user_add_date", 59, 6, "D", "C"),
        F("user_delete_date", 65, 6, "D", "C"),
        FILL(71, 80),
    ),
    "40": (
        ID("40"),
        F("surety_code", 3, 3, "N", "M", kind="code"),
        F("agent_id", 6, 11, "X", "O"),
        F("surety_name", 17, 40, "X", "C"),
        F("liability_amount", 57, 10, "(S)N", "C"),
        FILL(67, 80),
    ),
    "90": (
        ID("90"),
        F("disposition", 3, 1, "AN", "C", codes="disposition"),
        F("severity", 4, 1, "AN", "M", codes="severity"),
        F("condition_code", 5, 3, "AN", "M"),
        FILL(8, 9),
        F("narrative", 10, 71, "X", "M"),
    ),
}
