"""Simulator-only PMS activation records (XP -> XQ): P1 and P9. Not a CBP layout."""

from abisim.layouts import FILL, ID, F

VERSION = "sim-xp-1"
FAMILY = "xp"

TITLES = {
    "P1": "PMS activation request (simulator-only)",
    "P9": "PMS activation answer (simulator-only)",
    "P8": "PMS activation: one side of a 5106 discrepancy (simulator-only)",
}

RECORDS = {
    "P1": (
        ID("P1"),
        F("action", 3, 1, "A", "M", codes="p1_action"),
        F("importer_number", 4, 12, "X", "M", codes="importer_number"),
        F("payment_type", 16, 1, "A", "C"),
        F("path", 17, 1, "A", "C", codes="p1_path"),
        FILL(18, 80),
    ),
    "P9": (
        ID("P9"),
        F("importer_number", 3, 12, "X", "M"),
        F("result", 15, 1, "N", "M"),
        F("condition_code", 16, 3, "AN", "C"),
        F("narrative", 19, 40, "X", "C"),
        F("switch_filer", 59, 3, "AN", "C"),
        F("switch_date", 62, 6, "D", "C"),
        FILL(68, 80),
    ),
    # After a P9 refused with P02: for each discrepancy, the 5106 side (T) then the bond side (K).
    "P8": (
        ID("P8"),
        F("finding_code", 3, 3, "AN", "M"),
        F("side", 6, 1, "A", "M"),
        F("source_record", 7, 2, "AN", "C"),
        F("first_column", 9, 2, "N", "C"),
        F("last_column", 11, 2, "N", "C"),
        F("field", 13, 20, "X", "M"),
        F("value", 33, 32, "X", "C"),
        FILL(65, 80),
    ),
}
