"""Code lists used to validate CATAIR records.

Pure data: constants only, no third-party imports and no I/O at import time.
"""

from __future__ import annotations

# ISO 3166-1 alpha-2 country codes currently officially assigned (user-assigned codes such as XK are excluded).
ISO_COUNTRIES: frozenset[str] = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET
    FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
    HK HM HN HR HT HU
    ID IE IL IM IN IO IQ IR IS IT
    JE JM JO JP
    KE KG KH KI KM KN KP KR KW KY KZ
    LA LB LC LI LK LR LS LT LU LV LY
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ
    OM
    PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA
    RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
    TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
    UA UG UM US UY UZ
    VA VC VE VG VI VN VU
    WF WS
    YE YT
    ZA ZM ZW
    """.split()
)

# U.S. state codes accepted by CBP: 50 states, DC, territories and military (APO/FPO) codes.
US_STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "DC": "District of Columbia",
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
    "GU": "Guam",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
    "UM": "U.S. Minor Outlying Islands",
    "AA": "Armed Forces Americas",
    "AE": "Armed Forces Europe, Middle East, Africa and Canada",
    "AP": "Armed Forces Pacific",
}

# Canadian province and territory codes (10 provinces, 3 territories).
CANADIAN_PROVINCES: dict[str, str] = {
    "AB": "Alberta",
    "BC": "British Columbia",
    "MB": "Manitoba",
    "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador",
    "NS": "Nova Scotia",
    "NT": "Northwest Territories",
    "NU": "Nunavut",
    "ON": "Ontario",
    "PE": "Prince Edward Island",
    "QC": "Quebec",
    "SK": "Saskatchewan",
    "YT": "Yukon",
}

# Mexican state codes (2-letter postal abbreviations) for the 32 federal entities; DF and CX both mean Mexico City.
MEXICAN_STATES: dict[str, str] = {
    "AG": "Aguascalientes",
    "BC": "Baja California",
    "BS": "Baja California Sur",
    "CM": "Campeche",
    "CS": "Chiapas",
    "CH": "Chihuahua",
    "CO": "Coahuila",
    "CL": "Colima",
    "DF": "Ciudad de Mexico (Distrito Federal)",
    "CX": "Ciudad de Mexico",
    "DG": "Durango",
    "GT": "Guanajuato",
    "GR": "Guerrero",
    "HG": "Hidalgo",
    "JA": "Jalisco",
    "EM": "Estado de Mexico",
    "MI": "Michoacan",
    "MO": "Morelos",
    "NA": "Nayarit",
    "NL": "Nuevo Leon",
    "OA": "Oaxaca",
    "PU": "Puebla",
    "QT": "Queretaro",
    "QR": "Quintana Roo",
    "SL": "San Luis Potosi",
    "SI": "Sinaloa",
    "SO": "Sonora",
    "TB": "Tabasco",
    "TM": "Tamaulipas",
    "TL": "Tlaxcala",
    "VE": "Veracruz",
    "YU": "Yucatan",
    "ZA": "Zacatecas",
}

# State code used for addresses in foreign countries other than Canada and Mexico.
FOREIGN_STATE: str = "FN"

# KI activity letter -> (CBP Form 301 activity code, meaning).
ACTIVITY_LETTERS: dict[str, tuple[str, str]] = {
    "A": ("1", "Importer or broker"),
    "B": ("1A", "Drawback payments refunds"),
    "C": ("1A1", "Combination of 1 and 1a"),
    "D": ("2", "Custodian of bonded merchandise"),
    "E": ("3", "International carrier"),
    "F": ("3A", "Instruments of international traffic"),
    "G": ("3A3", "Combination of 3 and 3a"),
    "H": ("4", "Foreign trade zone operator"),
    "J": ("5", "Public gauger"),
    "K": ("11", "Airport security"),
    "L": ("12", "ITC exclusion"),
    "M": ("13", "Immigration"),
    "N": ("14", "Miami in-bond"),
    "O": ("15", "IPR"),
    "P": ("16", "ISF"),
    "Q": ("17", "Marine terminal operator"),
    "R": ("18", "Dog and Cat Act"),
    "S": ("19", "Other (user fee facility)"),
    "T": ("20", "Other (vehicle export consolidator)"),
}

# CBP Form 301 activity code -> KI activity letter.
ACTIVITY_CODE_TO_LETTER: dict[str, str] = {
    code: letter for letter, (code, _meaning) in ACTIVITY_LETTERS.items()
}

# KI activity letter -> CBP Form 301 activity code.
LETTER_TO_ACTIVITY_CODE: dict[str, str] = {
    letter: code for letter, (code, _meaning) in ACTIVITY_LETTERS.items()
}

# Activity codes accepted on eBond: the continuous-bond CBPF 301 codes plus single-transaction codes 6, 7, 8, 10.
EBOND_ACTIVITY_CODES: frozenset[str] = frozenset(ACTIVITY_CODE_TO_LETTER) | frozenset(
    {"6", "7", "8", "10"}
)

# Importer (business) type codes -> meaning.
IMPORTER_TYPES: dict[str, str] = {
    "C": "Corporation",
    "P": "Partnership",
    "I": "Individual",
    "S": "Sole proprietor",
    "F": "Foreign government",
    "G": "U.S. government",
    "L": "State/local government",
    "K": "Limited liability company (LLC)",
}

# Importer types that are government entities.
GOVERNMENT_IMPORTER_TYPES: frozenset[str] = frozenset("FGL")

# Name qualifiers allowed before an alternate name (doing business as, division, also known as).
NAME_QUALIFIERS: frozenset[str] = frozenset({"DBA", "DIV", "AKA"})

# Mailing address type codes -> meaning.
# PROPOSED: these meanings are not taken from a CBP source, except that "8" = Other
# and that PO box and BSC (business service center / private mailbox) types exist.
MAILING_ADDRESS_TYPES: dict[str, str] = {
    "1": "Business/street address",
    "2": "Residence",
    "3": "PO box",
    "4": "BSC (business service center / private mailbox)",
    "5": "Warehouse",
    "6": "Registered agent",
    "7": "Care of (c/o)",
    "8": "Other",
}

# Mailing address type for a PO box.
PO_BOX_TYPE: str = "3"
# Mailing address type for a BSC (business service center / private mailbox).
BSC_TYPE: str = "4"
# Mailing address type for "other".
OTHER_TYPE: str = "8"
# Address types not allowed as a physical location address (PROPOSED, see above).
PHYSICAL_TYPES_NOT_ALLOWED: frozenset[str] = frozenset({"6", "7"})

# TN overflow record qualifier -> the field (and record) it continues.
TN_QUALIFIERS: dict[str, str] = {
    "IN1": "Full legal name (T3)",
    "CE1": "E-mail address (TF)",
    "CW1": "Web site (TF)",
    "BN1": "Bank name (TH)",
    "BC1": "Bank city (TH)",
    "CN1": "Officer name (TI)",
    "CE2": "Officer e-mail address (TJ)",
    "NE1": "Related business name (TK)",
    "IN2": "Certifying individual (TL)",
    "BN2": "Broker name (TM)",
}

# K8 overflow record qualifier -> the field it continues.
K8_QUALIFIERS: dict[str, str] = {
    "IN1": "Overflow of K7 full legal name",
    "IN2": "Overflow of center description",
}

# Center IDs (Centers of Excellence and Expertise) plus the non-center status values.
CENTER_IDS: dict[str, str] = {
    "CEE001": "Agriculture & Prepared Products",
    "CEE002": "Apparel, Footwear & Textiles",
    "CEE003": "Automotive & Aerospace",
    "CEE004": "Base Metals",
    "CEE005": "Consumer Products & Mass Merchandising",
    "CEE006": "Electronics",
    "CEE007": "Industrial & Manufacturing Materials",
    "CEE008": "Machinery",
    "CEE009": "Petroleum, Natural Gas & Minerals",
    "CEE010": "Pharmaceuticals, Health & Chemicals",
    "NOTELG": "Not center eligible",
    "PNDING": "Pending",
}

# eBond record 10 position 3 bond designation code -> meaning.
BOND_DESIGNATIONS: dict[str, str] = {
    "B": "New basic (continuous) bond",
    "A": "Add single transaction bond",
    "V": "Void single transaction bond",
    "C": "Adjust single transaction bond",
    "U": "Substitute bond",
    "E": "Supersede bond",
    "T": "Terminate continuous bond",
    "R": "Rider",
}

# Bond type code -> meaning.
BOND_TYPES: dict[str, str] = {"8": "continuous", "9": "single transaction"}

# eBond identification number type qualifier -> meaning.
EBOND_ID_TYPES: dict[str, str] = {"EI": "EIN", "34": "SSN", "ANI": "CBP-assigned"}

# KI query result code -> meaning.
KI_RESULT_CODES: dict[int, str] = {
    0: "No name and address on file",
    1: "Name and address on file with a continuous bond",
    2: "Name and address on file with no bond",
    3: "Importer number voided",
    4: "Importer number inactive",
}

# CBP's entry type codes (ACE entry summary, two digits).
ENTRY_TYPES: dict[str, str] = {
    "01": "consumption, free and dutiable",
    "02": "consumption, quota/visa",
    "03": "consumption, antidumping/countervailing duty",
    "06": "consumption, foreign trade zone",
    "07": "consumption, quota/visa and antidumping/countervailing duty",
    "08": "NAFTA duty deferral",
    "09": "reconciliation summary",
    "11": "informal, free and dutiable",
    "12": "informal, quota/visa (other than textiles)",
    "21": "warehouse",
    "22": "re-warehouse",
    "23": "temporary importation bond",
    "24": "trade fair",
    "25": "permanent exhibition",
    "26": "warehouse, foreign trade zone (admission)",
    "31": "warehouse withdrawal, consumption",
    "32": "warehouse withdrawal, quota/visa",
    "34": "warehouse withdrawal, antidumping/countervailing duty",
    "38": "warehouse withdrawal, quota/visa and antidumping/countervailing duty",
    "41": "direct identification manufacturing drawback",
    "42": "direct identification unused merchandise drawback",
    "43": "rejected merchandise drawback",
    "44": "substitution manufacturer drawback",
    "45": "substitution unused merchandise drawback",
    "46": "other drawback",
    "51": "Defense Contract Administration Service Region (DCASR)",
    "52": "government, dutiable",
    "61": "immediate transportation",
    "62": "transportation and exportation",
    "63": "immediate exportation",
    "69": "transit (rail only)",
    "70": "multi-transit (rail only)",
    "86": "Section 321 low-value shipment",
}

# Entry type codes that may not be paid through the periodic monthly statement (PMS).
ENTRY_TYPES_NOT_ELIGIBLE_FOR_PMS: dict[str, str] = {
    "08": "NAFTA duty deferral",
    "09": "reconciliation",
}

# ISO country codes whose addresses follow U.S. postal rules.
US_TERRITORY_COUNTRIES: frozenset[str] = frozenset(
    {"US", "PR", "VI", "GU", "AS", "MP", "UM"}
)
