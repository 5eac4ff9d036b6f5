"""USPS Publication 28 abbreviations, as data, for address comparison.

The comparator normalizes both addresses with :func:`standardize` so that
spellings such as "STREET" / "ST" or "SUITE" / "STE" compare equal.
Pure data plus two pure functions; no third-party imports, no I/O.
"""

from __future__ import annotations

import re

# Appendix C1 street suffixes: standard abbreviation -> primary name and common variant spellings.
_SUFFIX_SPELLINGS: dict[str, tuple[str, ...]] = {
    "ALY": ("ALLEY", "ALLEE", "ALLY"),
    "ANX": ("ANNEX", "ANEX", "ANNX"),
    "ARC": ("ARCADE",),
    "AVE": ("AVENUE", "AV", "AVEN", "AVENU", "AVN", "AVNUE"),
    "BYU": ("BAYOU", "BAYOO"),
    "BCH": ("BEACH",),
    "BND": ("BEND",),
    "BLF": ("BLUFF", "BLUF"),
    "BLFS": ("BLUFFS",),
    "BTM": ("BOTTOM", "BOT", "BOTTM"),
    "BLVD": ("BOULEVARD", "BOUL", "BOULV"),
    "BR": ("BRANCH", "BRNCH"),
    "BRG": ("BRIDGE", "BRDGE"),
    "BRK": ("BROOK",),
    "BRKS": ("BROOKS",),
    "BG": ("BURG",),
    "BGS": ("BURGS",),
    "BYP": ("BYPASS", "BYPA", "BYPAS", "BYPS"),
    "CP": ("CAMP", "CMP"),
    "CYN": ("CANYON", "CANYN", "CNYN"),
    "CPE": ("CAPE",),
    "CSWY": ("CAUSEWAY", "CAUSWA"),
    "CTR": ("CENTER", "CEN", "CENT", "CENTR", "CENTRE", "CNTER", "CNTR"),
    "CTRS": ("CENTERS",),
    "CIR": ("CIRCLE", "CIRC", "CIRCL", "CRCL", "CRCLE"),
    "CIRS": ("CIRCLES",),
    "CLF": ("CLIFF",),
    "CLFS": ("CLIFFS",),
    "CLB": ("CLUB",),
    "CMN": ("COMMON",),
    "CMNS": ("COMMONS",),
    "COR": ("CORNER",),
    "CORS": ("CORNERS",),
    "CRSE": ("COURSE",),
    "CT": ("COURT",),
    "CTS": ("COURTS",),
    "CV": ("COVE",),
    "CVS": ("COVES",),
    "CRK": ("CREEK",),
    "CRES": ("CRESCENT", "CRSENT", "CRSNT"),
    "CRST": ("CREST",),
    "XING": ("CROSSING", "CRSSNG"),
    "XRD": ("CROSSROAD",),
    "XRDS": ("CROSSROADS",),
    "CURV": ("CURVE",),
    "DL": ("DALE",),
    "DM": ("DAM",),
    "DV": ("DIVIDE", "DIV", "DVD"),
    "DR": ("DRIVE", "DRIV", "DRV"),
    "DRS": ("DRIVES",),
    "EST": ("ESTATE",),
    "ESTS": ("ESTATES",),
    "EXPY": ("EXPRESSWAY", "EXP", "EXPR", "EXPRESS", "EXPW"),
    "EXT": ("EXTENSION", "EXTN", "EXTNSN"),
    "EXTS": ("EXTENSIONS",),
    "FALL": ("FALL",),
    "FLS": ("FALLS",),
    "FRY": ("FERRY", "FRRY"),
    "FLD": ("FIELD",),
    "FLDS": ("FIELDS",),
    "FLT": ("FLAT",),
    "FLTS": ("FLATS",),
    "FRD": ("FORD",),
    "FRDS": ("FORDS",),
    "FRST": ("FOREST", "FORESTS"),
    "FRG": ("FORGE", "FORG"),
    "FRGS": ("FORGES",),
    "FRK": ("FORK",),
    "FRKS": ("FORKS",),
    "FT": ("FORT", "FRT"),
    "FWY": ("FREEWAY", "FREEWY", "FRWAY", "FRWY"),
    "GDN": ("GARDEN", "GARDN", "GRDEN", "GRDN"),
    "GDNS": ("GARDENS", "GRDNS"),
    "GTWY": ("GATEWAY", "GATEWY", "GATWAY", "GTWAY"),
    "GLN": ("GLEN",),
    "GLNS": ("GLENS",),
    "GRN": ("GREEN",),
    "GRNS": ("GREENS",),
    "GRV": ("GROVE", "GROV"),
    "GRVS": ("GROVES",),
    "HBR": ("HARBOR", "HARB", "HARBR", "HRBOR"),
    "HBRS": ("HARBORS",),
    "HVN": ("HAVEN",),
    "HTS": ("HEIGHTS", "HT"),
    "HWY": ("HIGHWAY", "HIGHWY", "HIWAY", "HIWY", "HWAY"),
    "HL": ("HILL",),
    "HLS": ("HILLS",),
    "HOLW": ("HOLLOW", "HLLW", "HOLLOWS", "HOLWS"),
    "INLT": ("INLET",),
    "IS": ("ISLAND", "ISLND"),
    "ISS": ("ISLANDS", "ISLNDS"),
    "ISLE": ("ISLE", "ISLES"),
    "JCT": ("JUNCTION", "JCTION", "JCTN", "JUNCTN", "JUNCTON"),
    "JCTS": ("JUNCTIONS", "JCTNS"),
    "KY": ("KEY",),
    "KYS": ("KEYS",),
    "KNL": ("KNOLL", "KNOL"),
    "KNLS": ("KNOLLS",),
    "LK": ("LAKE",),
    "LKS": ("LAKES",),
    "LAND": ("LAND",),
    "LNDG": ("LANDING", "LNDNG"),
    "LN": ("LANE",),
    "LGT": ("LIGHT",),
    "LGTS": ("LIGHTS",),
    "LF": ("LOAF",),
    "LCK": ("LOCK",),
    "LCKS": ("LOCKS",),
    "LDG": ("LODGE", "LDGE", "LODG"),
    "LOOP": ("LOOP", "LOOPS"),
    "MALL": ("MALL",),
    "MNR": ("MANOR",),
    "MNRS": ("MANORS",),
    "MDW": ("MEADOW",),
    "MDWS": ("MEADOWS", "MEDOWS"),
    "MEWS": ("MEWS",),
    "ML": ("MILL",),
    "MLS": ("MILLS",),
    "MSN": ("MISSION", "MISSN", "MSSN"),
    "MTWY": ("MOTORWAY",),
    "MT": ("MOUNT", "MNT"),
    "MTN": ("MOUNTAIN", "MNTAIN", "MNTN", "MOUNTIN", "MTIN"),
    "MTNS": ("MOUNTAINS", "MNTNS"),
    "NCK": ("NECK",),
    "ORCH": ("ORCHARD", "ORCHRD"),
    "OVAL": ("OVAL", "OVL"),
    "OPAS": ("OVERPASS",),
    "PARK": ("PARK", "PRK", "PARKS"),
    "PKWY": ("PARKWAY", "PARKWY", "PKWAY", "PKY", "PARKWAYS", "PKWYS"),
    "PASS": ("PASS",),
    "PSGE": ("PASSAGE",),
    "PATH": ("PATH", "PATHS"),
    "PIKE": ("PIKE", "PIKES"),
    "PNE": ("PINE",),
    "PNES": ("PINES",),
    "PL": ("PLACE",),
    "PLN": ("PLAIN",),
    "PLNS": ("PLAINS",),
    "PLZ": ("PLAZA", "PLZA"),
    "PT": ("POINT",),
    "PTS": ("POINTS",),
    "PRT": ("PORT",),
    "PRTS": ("PORTS",),
    "PR": ("PRAIRIE", "PRR"),
    "RADL": ("RADIAL", "RAD", "RADIEL"),
    "RAMP": ("RAMP",),
    "RNCH": ("RANCH", "RANCHES", "RNCHS"),
    "RPD": ("RAPID",),
    "RPDS": ("RAPIDS",),
    "RST": ("REST",),
    "RDG": ("RIDGE", "RDGE"),
    "RDGS": ("RIDGES",),
    "RIV": ("RIVER", "RIVR", "RVR"),
    "RD": ("ROAD",),
    "RDS": ("ROADS",),
    "RTE": ("ROUTE",),
    "ROW": ("ROW",),
    "RUE": ("RUE",),
    "RUN": ("RUN",),
    "SHL": ("SHOAL",),
    "SHLS": ("SHOALS",),
    "SHR": ("SHORE", "SHOAR"),
    "SHRS": ("SHORES", "SHOARS"),
    "SKWY": ("SKYWAY",),
    "SPG": ("SPRING", "SPNG", "SPRNG"),
    "SPGS": ("SPRINGS", "SPNGS", "SPRNGS"),
    "SPUR": ("SPUR", "SPURS"),
    "SQ": ("SQUARE", "SQR", "SQRE", "SQU"),
    "SQS": ("SQUARES", "SQRS"),
    "STA": ("STATION", "STATN", "STN"),
    "STRA": ("STRAVENUE", "STRAV", "STRAVEN", "STRAVN", "STRVN", "STRVNUE"),
    "STRM": ("STREAM", "STREME"),
    "ST": ("STREET", "STR", "STRT"),
    "STS": ("STREETS",),
    "SMT": ("SUMMIT", "SUMIT", "SUMITT"),
    "TER": ("TERRACE", "TERR"),
    "TRWY": ("THROUGHWAY",),
    "TRCE": ("TRACE", "TRACES"),
    "TRAK": ("TRACK", "TRACKS", "TRK", "TRKS"),
    "TRFY": ("TRAFFICWAY",),
    "TRL": ("TRAIL", "TRAILS", "TRLS"),
    "TRLR": ("TRAILER", "TRLRS"),
    "TUNL": ("TUNNEL", "TUNEL", "TUNLS", "TUNNELS", "TUNNL"),
    "TPKE": ("TURNPIKE", "TRNPK", "TURNPK"),
    "UPAS": ("UNDERPASS",),
    "UN": ("UNION",),
    "UNS": ("UNIONS",),
    "VLY": ("VALLEY", "VALLY", "VLLY"),
    "VLYS": ("VALLEYS",),
    "VIA": ("VIADUCT", "VDCT", "VIADCT"),
    "VW": ("VIEW",),
    "VWS": ("VIEWS",),
    "VLG": ("VILLAGE", "VILL", "VILLAG", "VILLG", "VILLIAGE"),
    "VLGS": ("VILLAGES",),
    "VL": ("VILLE",),
    "VIS": ("VISTA", "VIST", "VST", "VSTA"),
    "WALK": ("WALK", "WALKS"),
    "WALL": ("WALL",),
    "WAY": ("WAY", "WY"),
    "WAYS": ("WAYS",),
    "WL": ("WELL",),
    "WLS": ("WELLS",),
}

# Appendix C2 secondary unit designators: standard abbreviation -> spelled-out name.
_UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "APT": ("APARTMENT",),
    "BSMT": ("BASEMENT",),
    "BLDG": ("BUILDING",),
    "DEPT": ("DEPARTMENT",),
    "FL": ("FLOOR",),
    "FRNT": ("FRONT",),
    "HNGR": ("HANGAR",),
    "KEY": ("KEY",),
    "LBBY": ("LOBBY",),
    "LOT": ("LOT",),
    "LOWR": ("LOWER",),
    "OFC": ("OFFICE",),
    "PH": ("PENTHOUSE",),
    "PIER": ("PIER",),
    "REAR": ("REAR",),
    "RM": ("ROOM",),
    "SIDE": ("SIDE",),
    "SLIP": ("SLIP",),
    "SPC": ("SPACE",),
    "STOP": ("STOP",),
    "STE": ("SUITE",),
    "TRLR": ("TRAILER",),
    "UNIT": ("UNIT",),
    "UPPR": ("UPPER",),
}

# Directionals: standard abbreviation -> spelled-out name.
_DIRECTIONAL_SPELLINGS: dict[str, tuple[str, ...]] = {
    "N": ("NORTH",),
    "S": ("SOUTH",),
    "E": ("EAST",),
    "W": ("WEST",),
    "NE": ("NORTHEAST",),
    "NW": ("NORTHWEST",),
    "SE": ("SOUTHEAST",),
    "SW": ("SOUTHWEST",),
}


def _invert(spellings: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Build spelling -> abbreviation, with each abbreviation mapping to itself."""
    table: dict[str, str] = {}
    for abbreviation, words in spellings.items():
        table[abbreviation] = abbreviation
        for word in words:
            table[word] = abbreviation
    return table


# Publication 28 Appendix C1: street suffix spelling (upper case) -> standard abbreviation.
STREET_SUFFIXES: dict[str, str] = _invert(_SUFFIX_SPELLINGS)

# Publication 28 Appendix C2: secondary unit designator spelling -> standard abbreviation.
SECONDARY_UNITS: dict[str, str] = _invert(_UNIT_SPELLINGS)

# Directional spelling -> standard abbreviation.
DIRECTIONALS: dict[str, str] = _invert(_DIRECTIONAL_SPELLINGS)

# Combined word -> abbreviation lookup. Precedence when a word is in more than one
# table: street suffix, then secondary unit, then directional (only "KEY" clashes:
# suffix KY vs unit KEY; it maps to KY). The mapping is idempotent.
_ALL_WORDS: dict[str, str] = {**DIRECTIONALS, **SECONDARY_UNITS, **STREET_SUFFIXES}

_PERIOD = re.compile(r"\.")
_COMMA = re.compile(r",")


def standard_word(word: str) -> str:
    """Return the Publication 28 abbreviation for *word*, or *word* unchanged.

    Lookup is case-insensitive; a word found in none of the tables is returned
    exactly as given.
    """
    return _ALL_WORDS.get(word.upper(), word)


def standardize(text: str) -> str:
    """Upper-case *text*, drop periods and commas, fold whitespace, and
    replace each word by its Publication 28 abbreviation."""
    # Periods vanish ("N.E." -> "NE"); a comma separates words ("ST,STE" -> "ST STE").
    words = _COMMA.sub(" ", _PERIOD.sub("", text.upper())).split()
    return " ".join(standard_word(word) for word in words)


__all__ = [
    "STREET_SUFFIXES",
    "SECONDARY_UNITS",
    "DIRECTIONALS",
    "standard_word",
    "standardize",
]
