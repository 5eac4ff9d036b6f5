"""Field validation of one record, errors as data.

Two passes keep the common case fast: one regular expression per layout checks every
column's character class at once (C speed); only a record that fails it is examined
field by field to say where. Then the field rules run on the typed values: mandatory
fields, code lists, importer-number formats, postal codes, dates, constants.
"""

from __future__ import annotations

import re
from functools import lru_cache

import attrs

from abisim import codes
from abisim.errors import FATAL, WARNING, RecordError, error, narrative
from abisim.layouts import Field, Layout

# The characters of each class, in one place. Class X is every printable ASCII byte,
# lower case included (ruling 11: real 5106 and KR data carry mixed case); A and AN are
# upper case, and lower case there is a field condition of the application, never X40.
CLASS_PATTERNS = {
    "A": "[A-Z ]",
    "N": "[0-9]",
    "AN": "[A-Z0-9 ]",
    "X": r"[\x20-\x7e]",
    "S": " ",
}

# Ruling 11: which condition lower case in an A or AN field gets, by the field's name
# (5106: R14 in the mailing address, R31 in the physical address); PDM elsewhere.
LOWER_CASE_CODES = (("mail_", "R14"), ("physical_", "R31"))


def lower_case_code(field_name: str) -> str:
    return next((code for prefix, code in LOWER_CASE_CODES if field_name.startswith(prefix)), "PDM")

# ---------------------------------------------------------------- codes by field


IMPORTER_NUMBER_PATTERNS = {
    "EIN": re.compile(r"\d{2}-\d{7}[A-HJ-NP-Y0-9]{2}"),
    "SSN": re.compile(r"\d{3}-\d{2}-\d{4} "),
    "CBP": re.compile(r"\d{6}-\d{5}"),
}


def importer_number_format(raw: str) -> str | None:
    """'EIN', 'SSN' or 'CBP' for a 12-column importer number, None when malformed."""
    raw = raw.ljust(12)
    for name, pattern in IMPORTER_NUMBER_PATTERNS.items():
        if pattern.fullmatch(raw):
            return name
    return None


# Which code a missing mandatory field gets, where CBP has a specific one.
MISSING_CODES = {
    ("A", "site_code"): "X07",
    ("A", "id_code"): "X08",
    ("A", "application_id"): "X11",
    ("A", "password"): "X09",  # ruling 14: an envelope reject carries X codes only
    ("Z", "site_code"): "X07",
    ("Z", "id_code"): "X08",
    ("B", "port"): "X15",
    ("B", "filer_code"): "X16",
    ("B", "application_id"): "X11",
    ("Y", "port"): "X15",
    ("Y", "filer_code"): "X16",
    ("Y", "application_id"): "X11",
    ("T1", "action"): "R06",
    ("T1", "importer_name"): "R02",
    ("T1", "mail_address_1"): "R15",
    ("TA", "name_qualifier"): "R13",
    ("T2", "mail_city"): "R19",
    ("T2", "mail_state"): "R20",
    ("T2", "mail_country"): "R27",
    ("TC", "physical_city"): "R37",
    ("TC", "physical_state"): "R38",
    ("TC", "physical_country"): "R45",
}

# Which code a value outside its code list gets.
INVALID_CODES = {
    "tp_action": "R06",
    "importer_type": "R11",
    "name_qualifier": "R13",
}

_SIMPLE_CODE_LISTS = {
    "tp_action": frozenset("AUN"),
    "importer_type": frozenset(codes.IMPORTER_TYPES),
    "name_qualifier": codes.NAME_QUALIFIERS,
    "address_request": frozenset("1"),
    "activity_letter": frozenset(codes.ACTIVITY_LETTERS),
    "amount_location": frozenset("12"),
    "yes_no": frozenset("YN"),
    "user_status": frozenset("AT"),
    "center_id": frozenset(codes.CENTER_IDS),
    "k8_qualifier": frozenset(codes.K8_QUALIFIERS),
    "tn_qualifier": frozenset(codes.TN_QUALIFIERS),
    "x_flag": frozenset("X"),
    "entries_per_year": frozenset("12345"),
    "address_type": frozenset(codes.MAILING_ADDRESS_TYPES),
    "passport_type": frozenset("1234"),
    "relation": frozenset("12"),
    "disposition": frozenset("AR"),
    "e1_disposition": frozenset("ARFI"),
    "x1_disposition": frozenset("R"),
    "x0_reference_type": frozenset({"BLOCK", "TRNACT"}),
    "ace_marker": frozenset("YZ"),
    "severity": frozenset("FI"),
    "bond_designation": frozenset(codes.BOND_DESIGNATIONS),
    "bond_type": frozenset(codes.BOND_TYPES),
    "ebond_activity": codes.EBOND_ACTIVITY_CODES,
    "ebond_id_type": frozenset(codes.EBOND_ID_TYPES),
    "user_action": frozenset("AD"),
    "p1_action": frozenset("AQ"),
    "p1_path": frozenset("CN"),
    "ki_result": frozenset(range(5)),
    "country": codes.ISO_COUNTRIES,
}

_ALL_STATES = frozenset(codes.US_STATES) | frozenset(codes.CANADIAN_PROVINCES) | frozenset(
    codes.MEXICAN_STATES) | {codes.FOREIGN_STATE}

# Postal codes by country (domain reference §3.2).
_POSTAL_US = re.compile(r"\d{5}(?:\d{4})?")
_POSTAL_CA = re.compile(r"[A-Z]\d[A-Z] \d[A-Z]\d")
_POSTAL_MX = re.compile(r"\d{5}")
_POSTAL_OTHER = re.compile(r"[A-Z0-9 ]{1,9}")

# Which fields of a record hold state, postal code and country together.
ADDRESS_GROUPS = {
    "T2": ("mail_state", "mail_postal_code", "mail_country"),
    "TC": ("physical_state", "physical_postal_code", "physical_country"),
}


def postal_code_problem(country: str | None, state: str | None, postal: str | None) -> str | None:
    """Why a postal code does not fit its country, or None."""
    if country in codes.US_TERRITORY_COUNTRIES:
        if not postal or not _POSTAL_US.fullmatch(postal):
            return "U.S. POSTAL CODE MUST BE 5 OR 9 DIGITS"
    elif country == "CA":
        if postal and not _POSTAL_CA.fullmatch(postal):
            return "CANADIAN POSTAL CODE MUST BE ANA NAN"
    elif country == "MX":
        if postal and not _POSTAL_MX.fullmatch(postal):
            return "MEXICAN POSTAL CODE MUST BE 5 DIGITS"
    elif postal and not _POSTAL_OTHER.fullmatch(postal):
        return "FOREIGN POSTAL CODE MUST BE UP TO 9 LETTERS OR DIGITS"
    return None


def state_problem(country: str | None, state: str | None) -> str | None:
    if state is None:
        return None
    if country in codes.US_TERRITORY_COUNTRIES:
        ok = state in codes.US_STATES
    elif country == "CA":
        ok = state in codes.CANADIAN_PROVINCES
    elif country == "MX":
        ok = state in codes.MEXICAN_STATES
    elif country is None:
        ok = state in _ALL_STATES
    else:
        ok = state == codes.FOREIGN_STATE
    return None if ok else f"STATE {state} NOT VALID FOR COUNTRY {country or '  '}"


# ---------------------------------------------------------------- per layout plans


def _field_pattern(f: Field) -> str:
    n = f.length
    kind = f.value_kind
    if kind == "id":
        return re.escape(f.const)
    if f.const:
        return f"(?:{re.escape(f.const)}| {{{n}}})"
    if f.cls == "(S)N" or (kind == "int" and f.designation != "M"):
        return f"(?:[0-9]{{{n}}}| {{{n}}})"
    if f.cls == "D" or kind in ("date", "date8"):
        return f"(?:[0-9]{{{n}}}| {{{n}}})"
    return f"{CLASS_PATTERNS[f.cls]}{{{n}}}"


@lru_cache(maxsize=None)
def _record_pattern(layout: Layout) -> re.Pattern:
    return re.compile("".join(_field_pattern(f) for f in layout.fields))


@lru_cache(maxsize=None)
def _mandatory(layout: Layout) -> tuple[Field, ...]:
    return tuple(f for f in layout.value_fields if f.designation == "M")


@lru_cache(maxsize=None)
def _coded(layout: Layout) -> tuple[Field, ...]:
    return tuple(f for f in layout.value_fields if f.codes)


def _err(code, f: Field, layout: Layout, line, value, message="", severity=FATAL) -> RecordError:
    e = error(code, element=f.name, message=message, line=line, first_column=f.start,
              last_column=f.end, record_id=layout.record_id, field=f.name, value=value)
    return e if severity == FATAL else attrs.evolve(e, severity=severity)


def nonstandard(text: str, layout: Layout, line) -> list[RecordError]:
    """X40 for each field holding a byte outside printable ASCII."""
    out = []
    for f in layout.fields:
        raw = text[f.slice]
        bad = [i for i, c in enumerate(raw) if not " " <= c <= "~"]
        if bad:
            out.append(error("X40", line=line, first_column=f.start + bad[0], last_column=f.start + bad[-1],
                             record_id=layout.record_id, field=f.name, value=raw,
                             message=f"NON-STANDARD DATA FOUND: byte 0x{ord(raw[bad[0]]):02X}"))
    return out


def _class_errors(text: str, layout: Layout, line) -> list[RecordError]:
    """Locate what the whole-record pattern rejected, field by field."""
    out = nonstandard(text, layout, line)
    flagged = {e.field for e in out}
    for f in layout.fields:
        if f.name in flagged:
            continue
        raw = text[f.slice]
        if re.fullmatch(_field_pattern(f), raw):
            continue
        kind = f.value_kind
        if kind == "filler" or f.codes == "legacy_number":
            data = [i for i, c in enumerate(raw) if c != " "]
            e = _err("X39", f, layout, line, raw)
            out.append(attrs.evolve(e, first_column=f.start + data[0], last_column=f.start + data[-1]))
        elif kind == "id":
            continue
        elif any(c.islower() for c in raw):
            code = lower_case_code(f.name)
            msg = "" if code != "PDM" else f"{f.name.upper().replace('_', ' ')} IN LOWER CASE"
            lower = [i for i, c in enumerate(raw) if c.islower()]
            e = _err(code, f, layout, line, raw, msg)
            out.append(attrs.evolve(e, first_column=f.start + lower[0], last_column=f.start + lower[-1]))
        elif kind in ("date", "date8", "int"):
            continue  # the typing of the record already reported it (PDM / X10)
        elif f.const:
            out.append(_err("PDM", f, layout, line, raw, f"{f.name.upper()} MUST BE {f.const!r}"))
        else:
            out.append(_err("PDM", f, layout, line, raw,
                            f"{f.name.upper().replace('_', ' ')} PATTERN UNKNOWN: CLASS {f.cls}"))
    return out


GENERATED_CONTROL = frozenset("ABYZ")


def is_generated_control(text: str) -> bool:
    """ACE's generated A/B/Y/Z of a rejected batch: the id in columns 1 and 80, blank codes."""
    return text[79:80] == text[:1] and text[1:11].strip(" ") == ""


def check_record(text: str, record, line) -> list[RecordError]:
    """Every field rule of one 80-column record (``text`` already padded to 80)."""
    return compiled_check(record.layout)(text, record, line)


@lru_cache(maxsize=None)
def compiled_check(layout: Layout):
    """One check per layout, generated from its table: the character classes and the
    mandatory fields (one regular expression), the code lists on the field's text, then
    the record's own rule. A record it finds nothing wrong with costs one call and is not
    typed (unless its rule reads it); anything it doubts goes to
    :func:`_check_record_fully`, which says what and where. The generated code only ever
    decides "nothing wrong": every rule lives once, in the functions it calls."""
    mandatory = {f.name for f in _mandatory(layout)}
    clean = re.compile("".join(
        (f"(?! {{{f.length}}})" if f.name in mandatory else "") + _field_pattern(f) for f in layout.fields))
    env = {"pattern": clean, "full": _check_record_fully, "problem": _code_problem,
           "generated": is_generated_control, "rule": record_rule(layout),
           "states": _ALL_STATES}
    src = ["def check(text, record, line):",
           "    if pattern.fullmatch(text) is None:",
           "        return full(text, record, line)"]
    if layout.record_id in GENERATED_CONTROL:
        src += ["    if generated(text):", "        return full(text, record, line)"]
    for i, f in enumerate(_coded(layout)):
        a, b = f.start - 1, f.end
        kind = f.value_kind
        if kind == "int":
            src.append(f"    v = text[{a}:{b}]")
            src.append(f"    v = int(v) if v.isdigit() and v.isascii() else "
                       f"(None if v == {' ' * f.length!r} else record.{f.name})")
        elif kind in ("date", "date8"):
            src.append(f"    v = record.{f.name}")
        else:
            src.append(f"    v = text[{a}:{b}].rstrip(' ') or None")
        allowed = _SIMPLE_CODE_LISTS.get(f.codes)
        if f.codes == "state":
            test = "v not in states"
        elif allowed is not None and f.codes not in ("importer_number", "state"):
            env[f"codes{i}"] = allowed
            test = f"v not in codes{i}"
        else:
            env[f"f{i}"] = f
            test = f"problem(f{i}, v, record)"
        src += [f"    if v is not None and {test}:", "        return full(text, record, line)"]
    src.append("    return rule(record, record.layout, line, text, set()) if rule is not None else []")
    exec(compile("\n".join(src), f"<check {layout.version} {layout.record_id}>", "exec"), env)
    return env["check"]


def _check_record_fully(text: str, record, line) -> list[RecordError]:
    layout = record.layout
    rid = layout.record_id
    out: list[RecordError] = []
    if not _record_pattern(layout).fullmatch(text):
        out.extend(_class_errors(text, layout, line))
    bad_fields = {e.field for e in out}
    if rid in GENERATED_CONTROL and is_generated_control(text):
        bad_fields.update(f.name for f in _mandatory(layout))
    for f in _mandatory(layout):
        if getattr(record, f.name) is None and f.name not in bad_fields:
            code = MISSING_CODES.get((rid, f.name), "MVM")
            out.append(_err(code, f, layout, line, text[f.slice]))
            bad_fields.add(f.name)
    for f in _coded(layout):
        if f.name in bad_fields:
            continue
        value = getattr(record, f.name)
        if value is None:
            continue
        problem = _code_problem(f, value, record)
        if problem:
            code, message, severity = problem
            out.append(_err(code, f, layout, line, text[f.slice], message, severity))
    rule = record_rule(layout)
    if rule is not None:
        out.extend(rule(record, layout, line, text, bad_fields))
    return out


def _code_problem(f: Field, value, record):
    name = f.codes
    if name == "legacy_number":
        return _legacy_number_warning(record)
    if name == "importer_number":
        return _importer_number_problem(f, value, record)
    if name == "state":
        if value not in _ALL_STATES:
            return "PDM", f"STATE/PROVINCE CODE {value} UNKNOWN", FATAL
        return None
    allowed = _SIMPLE_CODE_LISTS.get(name)
    if allowed is None or value in allowed:
        return None
    if name == "country":
        return "PDM", f"ISO COUNTRY CODE {value} UNKNOWN", FATAL
    code = INVALID_CODES.get(name, "PDM")
    return code, "" if code != "PDM" else f"{f.name.upper().replace('_', ' ')} {value!r} NOT A KNOWN CODE", FATAL


def _legacy_number_warning(record):
    # Ruling 10: vendors still number blocks (B 2-3) and batches (A/Z 21-22).
    if record.record_id == "B":
        return "W10", f"LEGACY BLOCK NUMBER {record.legacy_number} IN FILLER: READ AND ECHOED", WARNING
    return "W11", f"LEGACY BATCH NUMBER {record.legacy_number} IN FILLER: READ AND ECHOED", WARNING


def _importer_number_problem(f: Field, value, record):
    raw = value if isinstance(value, str) else str(value)
    layout = record.layout
    if layout.record_id in ("30", "35", "36"):
        wanted = {"EI": "EIN", "34": "SSN", "ANI": "CBP"}.get(record.id_type)
        got = importer_number_format(raw)
        if got is None or (wanted and got != wanted):
            return "R03", f"INVALID IMPORTER NUMBER FORMAT FOR ID TYPE {record.id_type}", FATAL
        return None
    if importer_number_format(raw) is None:
        # A malformed number in a query is answered (result 0), not rejected (ruling 3).
        severity = WARNING if layout.record_id == "K" else FATAL
        return "R03", "", severity
    return None


# ---------------------------------------------------------------- record rules


@lru_cache(maxsize=None)
def _blank_tests(layout: Layout, names: tuple[str, ...]) -> tuple[slice, ...] | None:
    """The columns of text fields whose value is None exactly when they are blank: a rule
    can tell from the record's text, without typing it, that it has nothing to say.
    None when a field is not plain text (then the rule types the record)."""
    fields = [layout.field(n) for n in names]
    if any(f.value_kind != "text" for f in fields):
        return None
    return tuple(f.slice for f in fields)


_K_PAIRS = tuple(name for n in range(1, 7) for name in (f"importer_number_{n}", f"address_request_{n}"))


def _k_pairs_contiguous(layout: Layout, text: str) -> bool:
    """From the text alone: no pair follows an empty one and no code stands alone."""
    slices = _blank_tests(layout, _K_PAIRS)
    if slices is None:
        return False
    gap = False
    for i in range(0, 12, 2):
        number = text[slices[i]].strip(" ")
        if not number:
            if text[slices[i + 1]].strip(" "):
                return False
            gap = True
        elif gap:
            return False
    return True


def _rule_k(record, layout, line, text, bad):
    """Importer/code pairs must be contiguous (X38)."""
    if _k_pairs_contiguous(layout, text):
        return []
    out = []
    seen_gap = None
    for n in range(1, 7):
        number = getattr(record, f"importer_number_{n}")
        code = getattr(record, f"address_request_{n}")
        if number is None:
            if code is not None:
                f = layout.field(f"address_request_{n}")
                out.append(_err("X38", f, layout, line, text[f.slice],
                                "NON-CONTIGUOUS ITEM FOUND IN GROUPING: CODE WITHOUT IMPORTER NUMBER"))
            seen_gap = seen_gap or n
        elif seen_gap is not None:
            f = layout.field(f"importer_number_{n}")
            out.append(_err("X38", f, layout, line, text[f.slice],
                            f"NON-CONTIGUOUS ITEM FOUND IN GROUPING: PAIR {n} AFTER EMPTY PAIR {seen_gap}"))
    return out


def _rule_address(record, layout, line, text, bad):
    state_f, postal_f, country_f = (layout.field(n) for n in ADDRESS_GROUPS[layout.record_id])
    state, postal, country = (getattr(record, f.name) for f in (state_f, postal_f, country_f))
    out = []
    if country_f.name in bad or country not in codes.ISO_COUNTRIES:
        return out
    if state_f.name not in bad:
        problem = state_problem(country, state)
        if problem:
            out.append(_err("PDM", state_f, layout, line, text[state_f.slice], problem))
    if postal_f.name not in bad:
        problem = postal_code_problem(country, state, postal)
        if problem:
            out.append(_err("PDM", postal_f, layout, line, text[postal_f.slice], problem))
    return out


def _rule_t1(record, layout, line, text, bad):
    out = []
    f = layout.field("importer_number")
    if record.action in ("A", "U") and record.importer_number is None and "importer_number" not in bad:
        out.append(_err("R03", f, layout, line, text[f.slice], "IMPORTER NUMBER REQUIRED FOR ACTION A OR U"))
    if record.action == "N" and record.importer_number is not None:
        out.append(_err("R03", f, layout, line, text[f.slice],
                        "IMPORTER NUMBER MUST BE SPACES WHEN APPLYING FOR A CBP-ASSIGNED NUMBER"))
    return out


def _rule_td(record, layout, line, text, bad):
    if record.usage_other == "X" and record.usage_other_description is None:
        f = layout.field("usage_other_description")
        return [_err("MVM", f, layout, line, text[f.slice])]
    return []


def _rule_te(record, layout, line, text, bad):
    out = []
    if record.mail_address_type == codes.OTHER_TYPE and record.mail_address_explanation is None:
        f = layout.field("mail_address_explanation")
        out.append(_err("MVM", f, layout, line, text[f.slice]))
    ptype = record.physical_address_type
    if ptype is not None:
        f = layout.field("physical_address_type")
        if ptype in codes.PHYSICAL_TYPES_NOT_ALLOWED or ptype == codes.PO_BOX_TYPE:
            out.append(_err("R35", f, layout, line, text[f.slice]))
        elif ptype not in codes.MAILING_ADDRESS_TYPES:
            out.append(_err("PDM", f, layout, line, text[f.slice], "PHYSICAL ADDRESS TYPE UNKNOWN"))
        elif ptype == codes.OTHER_TYPE and record.physical_address_explanation is None:
            g = layout.field("physical_address_explanation")
            out.append(_err("MVM", g, layout, line, text[g.slice]))
    return out


@lru_cache(maxsize=None)
def _pre_v7_fields(layout: Layout) -> tuple[Field, ...]:
    return tuple(f for f in layout.value_fields if f.codes == "pre_v7")


@lru_cache(maxsize=None)
def _pre_v7_blank_tests(layout: Layout) -> tuple[slice, ...] | None:
    return _blank_tests(layout, tuple(f.name for f in _pre_v7_fields(layout)))


def _rule_pre_v7(record, layout, line, text, bad):
    """Ruling 18: what pre-v7 answers carry in today's filler is read, with one warning."""
    slices = _pre_v7_blank_tests(layout)
    if slices is not None and not any(text[s].strip(" ") for s in slices):
        return []  # the fields are blank: nothing to read, and the record stays untyped
    present = [f for f in _pre_v7_fields(layout) if getattr(record, f.name) is not None]
    if not present:
        return []
    first, last = present[0], present[-1]
    said = ", ".join(f"{f.name.replace('_', ' ').upper()} {getattr(record, f.name)}" for f in present)
    e = _err("W30", first, layout, line, text[first.slice], f"{narrative('W30')}: {said}", WARNING)
    return [attrs.evolve(e, last_column=last.end)]


def _rule_k1(record, layout, line, text, bad):
    # Before 2015 a K1 without a bond carried zeros in the amount; since, spaces (ruling 18).
    f = layout.field("bond_amount")
    amount = text[f.slice]
    if f.cls != "(S)N" or not amount or amount.strip("0"):
        return []  # only zeros type as 0: the record stays untyped
    if record.bond_amount == 0 and record.result_code != 1:
        return [_err("W32", f, layout, line, text[f.slice], severity=WARNING)]
    return []


def _rule_e1(record, layout, line, text, bad):
    # Ruling 1: the only wire sample has severity in column 3; read it, but warn.
    if record.disposition in ("F", "I"):
        f = layout.field("disposition")
        return [_err("W01", f, layout, line, text[f.slice], severity=WARNING)]
    return []


def _e1_current_order(record):
    # Ruling 19: `E1F R04` means severity F and no disposition.
    if record.severity is None:
        return record.replace(disposition=None, severity=record.disposition)
    return record


# Legacy shapes read as the current layout means them, by the warning that found them.
_READINGS = {"W01": _e1_current_order}


def current_reading(record, errors):
    """The record as the current layout means it (the writer then writes that)."""
    for e in errors:
        fix = _READINGS.get(e.code)
        if fix is not None:
            record = fix(record)
    return record


_RECORD_RULES = {
    "K": _rule_k,
    "K1": _rule_k1,
    "K4": _rule_pre_v7,
    "K6": _rule_pre_v7,
    "T1": _rule_t1,
    "T2": _rule_address,
    "TC": _rule_address,
    "TD": _rule_td,
    "TE": _rule_te,
    "E1": _rule_e1,
}


def record_rule(layout: Layout):
    """The record's own rule, by grammar terminal: a TR echo (TR_T2) is not the 5106's T2."""
    return _RECORD_RULES.get(layout.token)
