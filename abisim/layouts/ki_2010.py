"""Importer/Bond Query before the 2015 changes (CSMS 10-000108): no bond user status,
the bond amount always zero-filled, and the name and importer number in K4/K6."""

from abisim.layouts import FILL, ID, F
from abisim.layouts import ki_v7_2025 as _v7

VERSION = "ki-2010"
FAMILY = "ki"

TITLES = {rid: t for rid, t in _v7.TITLES.items() if rid not in ("K7", "K8")}


def _city_line(rid):
    return (
        ID(rid),
        F("importer_name", 3, 32, "X", "C"),
        F("city", 35, 21, "X", "C"),
        F("state", 56, 2, "A", "C", codes="state"),
        F("postal_code", 58, 9, "AN", "C"),
        F("importer_number", 67, 12, "X", "C"),
        FILL(79, 80),
    )


RECORDS = {
    "K": _v7.RECORDS["K"],
    "K1": tuple(
        F("bond_amount", 52, 9, "N", "C") if f.name == "bond_amount" else f
        for f in _v7.RECORDS["K1"]
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
        # Blank in name-only K2 records of every era (ruling 18).
        F("sufficiency", 48, 1, "AN", "C", codes="yes_no"),
        FILL(49, 49),
        # The 2015 bond user status may appear in answers of any version (ruling 18);
        # the 2010 writer leaves it blank.
        F("user_status", 50, 1, "AN", "C", codes="user_status"),
        FILL(51, 51),
        F("user_termination_date", 52, 6, "D", "C"),
        FILL(58, 80),
    ),
    "K3": _v7.RECORDS["K3"],
    "K4": _city_line("K4"),
    "K5": _v7.RECORDS["K5"],
    "K6": _city_line("K6"),
}
