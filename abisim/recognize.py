"""The clean-input path of :func:`abisim.parse`: one regular expression per layout set
that accepts only transmissions the general path reads without a single error or warning.

The expression is generated from the same data as the general path: the grammars give
each application's block body (terminals become the line patterns of their records), the
layout tables give each record's columns, and, with validation, its character classes,
mandatory fields, code lists and record rules. It then runs over the whole text at C
speed; the records are not made, and a block's details are typed when first read.

It only ever decides "nothing wrong": whatever it does not accept (an error, a warning,
a mixed line end, a layout it cannot state as a pattern) goes through the general path,
which says what and where. So it may accept less than the grammar, never more: a batch
holds blocks of one application, the one its A names; a KI batch holds one block of one
K; no block of an application abisim does not simulate, no reject block.
"""

from __future__ import annotations

import re
from typing import Iterator, Sequence

from abisim import applications, codes
from abisim import validate as v
from abisim.layouts import Field, Layout, LayoutSet
from abisim.records import RECORD_LENGTH
from abisim.structure import APPLICATIONS, _TN_QUALIFIERS, grammar_text

_PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))
_ANY = "[ -~]"


class Unsupported(Exception):
    """A layout or rule the recognizer cannot state as a pattern."""


# ---------------------------------------------------------------- the grammars


def _grammar_rules(text: str) -> dict[str, str]:
    text = re.sub(r"//[^\n]*|%declare[^\n]*", "", text)
    parts = re.split(r"(?m)^([a-z_][a-z_0-9]*)\s*:", text)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


_TOKEN = re.compile(r"\s*([A-Za-z_][A-Za-z_0-9]*|[()|?*+])")


def _grammar_regex(rules: dict[str, str], rule: str, terminal) -> str:
    """The regular expression of ``rule`` (the grammars hold no recursion), terminals by
    ``terminal(name)``. Every repetition is possessive: the grammars are LL(1) over
    records whose patterns never overlap, so nothing is given back."""
    memo: dict[str, str] = {}

    def expand(name: str) -> str:
        if name not in memo:
            tokens = [m.group(1) for m in _TOKEN.finditer(rules[name])]
            pos, out = _alternatives(tokens, 0)
            if pos != len(tokens):
                raise Unsupported(f"grammar rule {name}")
            memo[name] = out
        return memo[name]

    def _alternatives(tokens, pos):
        alts = []
        while True:
            pos, seq = _sequence(tokens, pos)
            alts.append(seq)
            if pos < len(tokens) and tokens[pos] == "|":
                pos += 1
                continue
            return pos, "(?:" + "|".join(alts) + ")"

    def _sequence(tokens, pos):
        items = []
        while pos < len(tokens) and tokens[pos] not in ("|", ")"):
            t = tokens[pos]
            if t == "(":
                pos, item = _alternatives(tokens, pos + 1)
                pos += 1  # ")"
            elif t[0].isupper():
                item, pos = "(?:" + terminal(t) + ")", pos + 1
            else:
                item, pos = expand(t), pos + 1
            if pos < len(tokens) and tokens[pos] in ("?", "*", "+"):
                item += tokens[pos] + "+"
                pos += 1
            items.append(item)
        return pos, "".join(items)

    return expand(rule)


def _block_bodies(rules: dict[str, str]) -> dict[str, str]:
    """B terminal -> the rule of its block's body, from the envelope's ``block`` rule."""
    out = {}
    for alt in rules["block"].split("|"):
        words = alt.split()
        if len(words) == 3 and words[0].startswith("B_") and words[2] == "Y":
            out[words[0]] = words[1]
    return out


# ---------------------------------------------------------------- columns


def _at(f: Field, pattern: str) -> str:
    """From the record's first column: ``f``'s columns match ``pattern``."""
    return f"(?={_ANY}{{{f.start - 1}}}(?:{pattern}))" if f.start > 1 else f"(?={pattern})"


def _not_at(f: Field, pattern: str) -> str:
    return "(?!" + _at(f, pattern)[3:]


def _blank(f: Field) -> str:
    return f" {{{f.length}}}"


def _is(f: Field, values) -> str:
    """The field's text is one of these values (as a text field types: rstripped)."""
    texts = sorted({str(x).ljust(f.length) for x in values if str(x) and len(str(x)) <= f.length
                    and str(x) == str(x).rstrip(" ")})
    return _alternation(texts) or "(?!)"


def _alternation(texts: list[str]) -> str:
    """Texts of one length as a compact pattern: grouped by their first character, the
    last character as a class (country and state lists: faster to compile and to run)."""
    if not texts or len(texts) < 8:
        return "|".join(re.escape(t) for t in texts)
    if len(texts[0]) == 1 or any(len(t) != len(texts[0]) for t in texts):
        if all(len(t) == 1 for t in texts):
            return "[" + "".join(re.escape(t) for t in texts) + "]"
        return "|".join(re.escape(t) for t in texts)
    groups: dict[str, list[str]] = {}
    for t in texts:
        groups.setdefault(t[0], []).append(t[1:])
    return "|".join(re.escape(c) + "(?:" + _alternation(rest) + ")" if len(rest) > 1 else re.escape(c + rest[0])
                    for c, rest in groups.items())


def _if_then(cond: str, then: str) -> str:
    """Both are lookaheads from the record's first column: not (cond and not then)."""
    return f"(?!{cond}(?!{then}))"


def _digits_or_blank(n: int) -> str:
    return f"(?:[0-9]{{{n}}}| {{{n}}})"


_MONTH_DAY = (r"(?:(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])(?:29|30)"
              r"|(?:0[13578]|1[02])31)")
_LEAP_YY = r"(?:[02468][048]|[13579][26])"


def _date_pattern(kind: str) -> str:
    """Dates that type (a subset of them is enough: the rest goes the general way)."""
    if kind == "date":
        return rf"(?:{_MONTH_DAY}[0-9]{{2}}|0229{_LEAP_YY})"
    year = r"(?!0000)[0-9]{4}"
    leap = rf"(?!0000)(?:[0-9]{{2}}(?:0[48]|[2468][048]|[13579][26])|{_LEAP_YY}00)"
    return rf"(?:{_MONTH_DAY}{year}|0229{leap})"


# ---------------------------------------------------------------- one record


def _typable(f: Field) -> str | None:
    kind = f.value_kind
    if kind == "int":
        return _digits_or_blank(f.length)
    if kind in ("date", "date8"):
        return f"(?:{_date_pattern(kind)}| {{{f.length}}})"
    return None


def _field_regex(f: Field, validate: bool, mandatory: bool) -> str:
    n = f.length
    if f.value_kind == "id":
        return re.escape(f.const)
    typable = _typable(f)
    if not validate:
        return typable or f"{_ANY}{{{n}}}"
    base = v._field_pattern(f)
    out = f"(?! {{{n}}})" if mandatory else ""
    if typable is not None and base != typable:
        out += f"(?={typable})"
    return out + base


def _code_lookaheads(layout: Layout) -> list[str]:
    """The code lists, as the generated check reads them."""
    out = []
    for f in v._coded(layout):
        kind = f.value_kind
        name = f.codes
        if kind in ("date", "date8"):
            raise Unsupported(f"{layout.record_id}.{f.name}: a coded date")
        allowed = v._SIMPLE_CODE_LISTS.get(name)
        if name == "legacy_number":
            out.append(_at(f, _blank(f)))  # any value is a warning (ruling 10)
        elif name == "state":
            out.append(_at(f, _blank(f) + "|" + _is(f, v._ALL_STATES)))
        elif name == "importer_number":
            out.append(_importer_numbers(layout, f))
        elif allowed is not None:
            if kind == "int":
                ok = "|".join(str(x).zfill(f.length) for x in allowed
                              if isinstance(x, int) and 0 <= x < 10 ** f.length) or "(?!)"
            else:
                ok = _is(f, (x for x in allowed if isinstance(x, str)))
            out.append(_at(f, _blank(f) + "|" + ok))
        # any other name: the generated check finds nothing to say about it
    return out


def _number_formats(f: Field, names) -> str:
    if f.length != 12:
        raise Unsupported(f"{f.name}: importer number of {f.length} columns")
    return "|".join(v.IMPORTER_NUMBER_PATTERNS[n].pattern for n in names)


def _importer_numbers(layout: Layout, f: Field) -> str:
    """A lookahead from column 1: the number blank, or of a format its record allows."""
    every = _number_formats(f, ("EIN", "SSN", "CBP"))
    if layout.record_id not in ("30", "35", "36"):
        return _at(f, _blank(f) + "|" + every)
    id_type = layout.field("id_type")
    wanted = {"EI": "EIN", "34": "SSN", "ANI": "CBP"}
    alts = [_at(id_type, _is(id_type, [t])) + _at(f, _number_formats(f, [n])) for t, n in wanted.items()]
    alts.append(_not_at(id_type, _is(id_type, wanted)) + _at(f, every))
    alts.append(_at(f, _blank(f)))
    return "(?=" + "|".join(f"(?:{a})" for a in alts) + ")"


def _rule_lookaheads(layout: Layout) -> list[str]:
    """The record's own rule (validate.record_rule), as lookaheads from column 1."""
    rule = v.record_rule(layout)
    if rule is None:
        return []
    field = layout.field
    if rule is v._rule_k:
        if v._blank_tests(layout, v._K_PAIRS) is None:
            raise Unsupported("K pairs")
        out = []
        for n in range(1, 7):
            number = field(f"importer_number_{n}")
            out.append(_if_then(_at(number, _blank(number)), _at(field(f"address_request_{n}"),
                                                                   _blank(field(f"address_request_{n}")))))
            if n < 6:
                nxt = field(f"importer_number_{n + 1}")
                out.append(_if_then(_at(number, _blank(number)), _at(nxt, _blank(nxt))))
        return out
    if rule is v._rule_k1:
        f = field("bond_amount")
        return [_not_at(f, f"0{{{f.length}}}")] if f.cls == "(S)N" else []
    if rule is v._rule_pre_v7:
        if v._pre_v7_blank_tests(layout) is None:
            raise Unsupported("pre-v7 fields")
        return [_at(f, _blank(f)) for f in v._pre_v7_fields(layout)]
    if rule is v._rule_e1:
        f = field("disposition")
        return [_not_at(f, _is(f, "FI"))]
    if rule is v._rule_t1:
        action, number = field("action"), field("importer_number")
        return [_if_then(_at(action, _is(action, "AU")), _not_at(number, _blank(number))),
                _if_then(_at(action, _is(action, "N")), _at(number, _blank(number)))]
    if rule is v._rule_td:
        other, desc = field("usage_other"), field("usage_other_description")
        return [_if_then(_at(other, _is(other, "X")), _not_at(desc, _blank(desc)))]
    if rule is v._rule_te:
        mail, mail_why = field("mail_address_type"), field("mail_address_explanation")
        phys, phys_why = field("physical_address_type"), field("physical_address_explanation")
        fine = [t for t in codes.MAILING_ADDRESS_TYPES
                if t not in codes.PHYSICAL_TYPES_NOT_ALLOWED and t != codes.PO_BOX_TYPE]
        return [_if_then(_at(mail, _is(mail, [codes.OTHER_TYPE])), _not_at(mail_why, _blank(mail_why))),
                _at(phys, _blank(phys) + "|" + _is(phys, fine)),
                _if_then(_at(phys, _is(phys, [codes.OTHER_TYPE])), _not_at(phys_why, _blank(phys_why)))]
    if rule is v._rule_address:
        return [_address(layout)]
    raise Unsupported(f"rule of {layout.token}")


def _padded(f: Field, shapes: list[tuple[str, int]]) -> str:
    """Postal codes: each shape (a pattern of ``size`` columns) left-justified in ``f``."""
    return "|".join(f"{p} {{{f.length - size}}}" for p, size in shapes if size <= f.length) or "(?!)"


def _address(layout: Layout) -> str:
    state, postal, country = (layout.field(n) for n in v.ADDRESS_GROUPS[layout.record_id])
    if any(f.value_kind != "text" for f in (state, postal, country)):
        raise Unsupported("address fields")
    us = codes.US_TERRITORY_COUNTRIES
    other = [c for c in codes.ISO_COUNTRIES if c not in us and c not in ("CA", "MX")]
    state_in = lambda allowed: _at(state, _blank(state) + "|" + _is(state, allowed))  # noqa: E731
    blank_postal = (_blank(postal), postal.length)
    cases = [
        _at(country, _is(country, us)) + state_in(codes.US_STATES)
        + _at(postal, _padded(postal, [(r"[0-9]{5}", 5), (r"[0-9]{9}", 9)])),
        _at(country, _is(country, ["CA"])) + state_in(codes.CANADIAN_PROVINCES)
        + _at(postal, _padded(postal, [blank_postal, (r"[A-Z][0-9][A-Z] [0-9][A-Z][0-9]", 7)])),
        _at(country, _is(country, ["MX"])) + state_in(codes.MEXICAN_STATES)
        + _at(postal, _padded(postal, [blank_postal, (r"[0-9]{5}", 5)])),
        _at(country, _is(country, other)) + state_in([codes.FOREIGN_STATE])
        + _at(postal, _padded(postal, [(f"[A-Z0-9 ]{{{min(9, postal.length)}}}", min(9, postal.length))])),
        _at(country, _blank(country)),
    ]
    return "(?=" + "|".join(f"(?:{c})" for c in cases) + ")"


_RUN = re.compile(r"\[ -~\]\{(\d+)\}")


def _merged(pieces: list[str]) -> str:
    """Neighbouring runs of any printable character as one run (one step for the engine)."""
    out: list[str] = []
    for p in pieces:
        m, last = _RUN.fullmatch(p), _RUN.fullmatch(out[-1]) if out else None
        if m and last:
            out[-1] = f"{_ANY}{{{int(last[1]) + int(m[1])}}}"
        else:
            out.append(p)
    return "".join(out)


def _line_regex(layout: Layout, validate: bool, relaxed: frozenset = frozenset()) -> str:
    """One record's 80 columns (without the prefix test): typable, printable, and with
    ``validate`` everything the generated check of its layout would find nothing wrong
    with. ``relaxed``: mandatory fields allowed blank (what CBP's answers blank)."""
    mandatory = {f.name for f in v._mandatory(layout)} - relaxed if validate else set()
    head = []
    if validate:
        if layout.record_id in v.GENERATED_CONTROL:
            rid = re.escape(layout.record_id)
            head.append(f"(?!{rid} {{10}}{_ANY}{{68}}{rid})")
        head += _code_lookaheads(layout)
        head += _rule_lookaheads(layout)
    body = _merged([_field_regex(f, validate, f.name in mandatory) for f in layout.fields])
    if sum(f.length for f in layout.fields) != RECORD_LENGTH:
        raise Unsupported(f"{layout.record_id}: layout of {sum(f.length for f in layout.fields)} columns")
    return "".join(head) + body


# ---------------------------------------------------------------- the whole input


def _class_prefixes(classes) -> dict:
    """Layout -> the two-character prefixes that read as it in this table."""
    out: dict = {}
    for c0 in sorted({layout.record_id[0] for layout in classes.layouts.values()}):
        for c1 in _PRINTABLE:
            layout = classes.layout_of(c0 + c1)
            if layout is not None:
                out.setdefault(layout, []).append(c0 + c1)
    return out


def _prefix_test(prefixes: list[str]) -> str:
    c0 = prefixes[0][0]
    seconds = "".join(sorted(p[1] for p in prefixes))
    if len(seconds) == 1:
        return f"(?={re.escape(c0 + seconds)})"
    if len(seconds) == len(_PRINTABLE):
        return f"(?={re.escape(c0)})"
    return f"(?={re.escape(c0)}[{re.escape(seconds)}])"


def _terminals(ls: LayoutSet, app: str, validate: bool, nl: str):
    """The line patterns of an application's detail records, by grammar terminal (with
    the line end), its record classes and the prefixes each layout is read by."""
    from abisim.transmission import _classes_by_prefix

    classes = _classes_by_prefix(ls, app if app in ls.scoped else None)
    terminals: dict[str, list[str]] = {}
    prefixes_of = _class_prefixes(classes)
    for layout, prefixes in prefixes_of.items():
        if layout.record_id in ("A", "B", "Y", "Z"):
            continue
        if layout.record_id[0] in "ABYZ":
            raise Unsupported(f"a detail record {layout.record_id} starting like the envelope")
        try:
            line = _prefix_test(prefixes) + _line_regex(layout, validate)
        except Unsupported:
            continue  # a transmission holding it goes the general way
        if layout.record_id == "TN":
            q = layout.field("qualifier")
            for qualifier in _TN_QUALIFIERS:
                terminals.setdefault(f"TN_{qualifier}", []).append(_at(q, _is(q, [qualifier])) + line)
        elif layout.record_id == "K1" and app == "KR":
            bond = layout.field("bond_number")
            if bond.value_kind != "text":
                continue
            # Ruling 18: a K1 naming a bond is followed by its K2 (W31 otherwise)
            k2_next = f"(?={_ANY}{{{RECORD_LENGTH}}}{nl}K2)"
            terminals.setdefault("K1", []).append(
                f"(?:{_at(bond, _blank(bond))}|{_not_at(bond, _blank(bond))}{k2_next})" + line)
        else:
            terminals.setdefault(layout.token, []).append(line)
    if any(t[0] in "ABYZ" for t in terminals):
        raise Unsupported("envelope tokens inside a block")
    return terminals, classes, prefixes_of


class Recognizer:
    """The compiled expression of one layout set, validation and line end."""

    def __init__(self, ls: LayoutSet, validate: bool, newline: str, apps: frozenset) -> None:
        from abisim.transmission import _AZ_FIELDS, _BY_FIELDS, _classes_by_prefix

        self.width = RECORD_LENGTH + len(newline)
        nl = re.escape(newline)
        rules = _grammar_rules(grammar_text())
        bodies = _block_bodies(rules)
        everywhere = _classes_by_prefix(ls)
        by_layout = _class_prefixes(everywhere)
        env = {rid: ls[rid] for rid in "ABYZ"}
        a, b, y, z = env["A"], env["B"], env["Y"], env["Z"]
        if not (a in by_layout and b in by_layout and y in by_layout and z in by_layout):
            raise Unsupported("envelope")
        # A and Z compared column for column, as are B and Y (their equal columns)
        for first, second, names in ((a, z, _AZ_FIELDS), (b, y, _BY_FIELDS)):
            for name in names:
                f, g = first.field(name), second.field(name)
                if f.slice != g.slice or f.value_kind not in ("text", "date") or f.value_kind != g.value_kind:
                    raise Unsupported(f"{name} of {first.record_id} and {second.record_id}")
        self.contexts: dict[str, dict] = {}
        batches = []
        count = y.field("record_count")
        self.count_slice = (count.start - 1, count.end)
        for app in APPLICATIONS:
            if app not in apps:
                continue
            if applications.kind(app) != applications.SIMULATED or f"B_{app}" not in bodies:
                raise Unsupported(f"blocks of {app}")
            terminals, classes, prefixes_of = _terminals(ls, app, validate, nl)
            self.contexts[app] = classes

            def terminal(name, terminals=terminals):
                lines = terminals.get(name)
                return "(?!)" if not lines else "(?:" + "|".join(lines) + nl + ")"

            if app == "KI":
                body = terminal("K")  # one K in the batch (X41 otherwise)
            else:
                body = _grammar_regex(rules, bodies[f"B_{app}"], terminal)
            answer = applications.is_answer(app)
            relaxed = frozenset({"password", "application_id"}) if answer else frozenset()
            g = app.lower()
            a_app = a.field("application_id")
            az = "".join(_at(a.field(n), f"(?P<az{i}_{g}>{_ANY}{{{a.field(n).length}}})")
                         for i, n in enumerate(_AZ_FIELDS))
            z_same = "".join(_at(a.field(n), f"(?P=az{i}_{g})") for i, n in enumerate(_AZ_FIELDS))
            a_line = (_prefix_test(by_layout[a]) + az
                      + _at(a_app, _is(a_app, [app]) + ("|" + _blank(a_app) if answer else ""))
                      + _line_regex(a, validate, relaxed) + nl)
            b_app = b.field("application_id")
            by = "".join(_at(b.field(n), f"(?P<by{i}_{g}>{_ANY}{{{b.field(n).length}}})")
                         for i, n in enumerate(_BY_FIELDS))
            y_same = "".join(_at(b.field(n), f"(?P=by{i}_{g})") for i, n in enumerate(_BY_FIELDS))
            b_line = (_prefix_test(prefixes_of[classes.layout_of("B ")]) + by + _at(b_app, _is(b_app, [app]))
                      + _preparer(b) + _line_regex(b, validate) + nl)
            y_line = _prefix_test(by_layout[y]) + y_same + _line_regex(y, validate) + nl
            z_line = _prefix_test(by_layout[z]) + z_same + _line_regex(z, validate) + nl
            block = f"(?:{b_line}{body}{y_line})"
            batches.append(f"(?:{a_line}{block}{'' if app == 'KI' else '++'}{z_line})")
        self.pattern = re.compile("(?:" + "|".join(batches) + ")++", re.DOTALL)


def _preparer(b: Layout) -> str:
    """Ruling 15's remote preparer, where it has nothing to say: no preparer at all, or
    the indicator with its port and filer."""
    port, filer, office, ind = (b.field(n) for n in ("preparer_port", "preparer_filer",
                                                     "preparer_office", "preparer_indicator"))
    if any(f.value_kind != "text" for f in (port, filer, office, ind)):
        raise Unsupported("preparer fields")
    none = "".join(_at(f, _blank(f)) for f in (port, filer, office, ind))
    named = _at(ind, _is(ind, "1")) + _not_at(port, _blank(port)) + _not_at(filer, _blank(filer))
    return f"(?:{none}|{named})"


_RECOGNIZERS: dict = {}


def recognizer(ls: LayoutSet, validate: bool, newline: str, apps: frozenset, *, compile: bool = True):
    """The recognizer of these applications' blocks (None when one of them cannot be
    stated as a pattern); with ``compile=False``, only one already made."""
    if not apps or not apps <= _SUPPORTED:
        return None
    # One expression per application, and one for all of them: a few to compile at most.
    apps = apps if len(apps) == 1 else _SUPPORTED
    key = (ls, validate, newline, apps)
    found = _RECOGNIZERS.get(key, False)
    if found is False:
        if not compile:
            return None
        try:
            found = Recognizer(ls, validate, newline, apps)
        except Unsupported:
            found = None
        _RECOGNIZERS[key] = found
    return found


_SUPPORTED = frozenset(APPLICATIONS)


# ---------------------------------------------------------------- runs of a stream


class Runs:
    """Runs of whole units of one block body (the TP block's importers: ``tp_importer``,
    from a T1 to the next), for a stream read a chunk at a time: ``pattern.match(text,
    pos, end)`` ends after the last unit, from ``pos`` on, that the general path reads
    without an error or warning and in grammar order (possessive: a damaged unit ends the
    run before it). ``classes``: the records' classes inside such a block."""

    def __init__(self, ls: LayoutSet, validate: bool, newline: str, app: str, rule: str, head: str) -> None:
        rules = _grammar_rules(grammar_text())
        nl = re.escape(newline)
        terminals, self.classes, _ = _terminals(ls, app, validate, nl)

        def terminal(name):
            lines = terminals.get(name)
            return "(?!)" if not lines else "(?:" + "|".join(lines) + nl + ")"

        self.head = head  # the record that starts a unit
        self.width = RECORD_LENGTH + len(newline)
        self.pattern = re.compile(f"(?:(?={re.escape(head)}){_grammar_regex(rules, rule, terminal)})++", re.DOTALL)


_RUNS: dict = {}


def runs(ls: LayoutSet, validate: bool, newline: str, app: str = "TP", rule: str = "tp_importer",
         head: str = "T1") -> Runs | None:
    """The :class:`Runs` of these units (None when they cannot be stated as a pattern)."""
    key = (ls, validate, newline, app, rule, head)
    found = _RUNS.get(key, False)
    if found is False:
        try:
            found = Runs(ls, validate, newline, app, rule, head)
        except Unsupported:
            found = None
        _RUNS[key] = found
    return found


# ---------------------------------------------------------------- the records, when read


class _Lazy(Sequence):
    """A tuple made when first read: equal to it, hashed and pickled as it."""

    __slots__ = ("_items",)

    def _tuple(self) -> tuple:
        raise NotImplementedError

    def __getitem__(self, index):
        return self._tuple()[index]

    def __iter__(self) -> Iterator:
        return iter(self._tuple())

    def __eq__(self, other):
        if isinstance(other, _Lazy):
            other = other._tuple()
        return self._tuple() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._tuple())

    def __add__(self, other):
        return self._tuple() + tuple(other)

    def __radd__(self, other):
        return tuple(other) + self._tuple()

    def __repr__(self) -> str:
        return repr(self._tuple())

    def __reduce__(self):
        return tuple, (self._tuple(),)


class LazyRecords(_Lazy):
    """A block's details: its lines, each typed into its record when first read."""

    __slots__ = ("_text", "_width", "_first", "_count", "_classes")

    def __init__(self, text: str, width: int, first: int, count: int, classes) -> None:
        self._text, self._width, self._first, self._count, self._classes = text, width, first, count, classes
        self._items = None

    def _tuple(self) -> tuple:
        items = self._items
        if items is None:
            text, width, classes = self._text, self._width, self._classes
            out = []
            for i in range(self._first, self._first + self._count):
                line = text[i * width: i * width + RECORD_LENGTH]
                out.append(classes[line[:2]]._bare(line, i + 1))
            items = self._items = tuple(out)  # (text kept: another thread may be reading it)
        return items

    def __len__(self) -> int:
        return self._count


class LazyBatches(_Lazy):
    """A transmission's batches, made by ``make()`` when first read."""

    __slots__ = ("_make",)

    def __init__(self, make) -> None:
        self._make, self._items = make, None

    def _tuple(self) -> tuple:
        items = self._items
        if items is None:
            items = self._items = self._make()
        return items

    def __len__(self) -> int:
        return len(self._tuple())
