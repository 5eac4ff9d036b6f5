"""Hypothesis strategies for broker projects' property tests: valid records and
transmissions of every application (KI KR TP TT TI TR CB CX XP XQ), drawn from abisim's
layout tables (field classes, code lists, formats) with the few cross-field rules that
make a record valid. Needs hypothesis (``pip install abisim[hypothesis]``); nothing else in
abisim imports it.

    from hypothesis import given
    from abisim import strategies as abi

    @given(abi.transmission_bytes(["TP"]))
    def test_my_reader_reads_every_valid_5106(data): ...
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

import abisim
from abisim import codes
from abisim.layouts import Field, layout_set
from abisim.sample import envelope
from abisim.validate import _SIMPLE_CODE_LISTS

LS = layout_set()
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
# Printable ASCII without lower case (CATAIR is upper case only).
X_CHARS = "".join(chr(c) for c in range(0x21, 0x7F))  # lower case included (ruling 11)


def _text(alphabet: str, n: int, min_size: int = 1):
    # No leading or trailing space: a value is its text, left-justified.
    inner = st.text(alphabet=alphabet + " ", min_size=0, max_size=max(0, n - 2))
    edge = st.sampled_from(alphabet)
    if n == 1:
        return edge
    return st.builds(lambda a, m, b: (a + m + b)[:n], edge, inner, edge) | edge


def importer_numbers():
    ein = st.builds(lambda a, b, s: f"{a:02d}-{b:07d}{s}", st.integers(0, 99), st.integers(0, 9_999_999),
                    st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXY0123456789", min_size=2, max_size=2))
    ssn = st.builds(lambda a, b, c: f"{a:03d}-{b:02d}-{c:04d}", st.integers(0, 999), st.integers(0, 99),
                    st.integers(0, 9999))
    cbp = st.builds(lambda a, b: f"{a:06d}-{b:05d}", st.integers(0, 999_999), st.integers(0, 99_999))
    return st.one_of(ein, ssn, cbp)


DATES = st.dates(dt.date(1970, 1, 1), dt.date(2069, 12, 31))


def value(f: Field):
    """A valid value for one field, ignoring cross-field rules."""
    if f.const:
        return st.just(f.const)
    kind = f.value_kind
    if f.codes == "importer_number":
        return importer_numbers()
    if f.codes == "state":
        return st.sampled_from(sorted(codes.US_STATES))
    if f.codes in _SIMPLE_CODE_LISTS:
        allowed = _SIMPLE_CODE_LISTS[f.codes]
        if f.codes == "e1_disposition":
            allowed = frozenset("AR")
        return st.sampled_from(sorted(a for a in allowed if len(str(a)) <= f.length))
    if kind == "int":
        return st.integers(0, 10 ** f.length - 1)
    if kind == "date":
        return DATES
    if kind == "date8":
        return st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31))
    if kind == "code" and f.cls == "N":
        return st.text(alphabet=DIGITS, min_size=f.length, max_size=f.length)
    alphabet = {"A": UPPER, "N": DIGITS, "AN": UPPER + DIGITS, "X": X_CHARS}[f.cls]
    return _text(alphabet, f.length)


@st.composite
def record(draw, record_id: str, scope: str | None = None, **fixed):
    layout = LS.within(scope)[record_id]
    values = {}
    for f in layout.value_fields:
        if f.name in fixed:
            values[f.name] = fixed[f.name]
            continue
        strategy = value(f)
        if f.designation != "M" and not f.const:
            strategy = st.none() | strategy
        values[f.name] = draw(strategy)
    _fix(record_id, values, draw)
    return abisim.make(layout, **values)


ADDRESSES = [
    ("US", "IL", "60601"), ("US", "NY", "100071234"), ("PR", "PR", "00901"), ("CA", "QC", "H3B 1K9"),
    ("MX", "NL", "64000"), ("DE", "FN", "10115"), ("JP", "FN", None),
]


def _fix(rid: str, v: dict, draw) -> None:
    """Cross-field rules that the per-field strategies cannot know."""
    if rid in ("T2", "TC"):
        prefix = "mail" if rid == "T2" else "physical"
        country, state, postal = draw(st.sampled_from(ADDRESSES))
        v[f"{prefix}_country"], v[f"{prefix}_state"], v[f"{prefix}_postal_code"] = country, state, postal
    elif rid == "T1":
        if v["action"] == "N":
            v["importer_number"] = None
        elif v["importer_number"] is None:
            v["importer_number"] = draw(importer_numbers())
    elif rid == "TD":
        if v["usage_other"] == "X" and v["usage_other_description"] is None:
            v["usage_other_description"] = "OTHER USE"
    elif rid == "TE":
        if v["mail_address_type"] == "8" and v["mail_address_explanation"] is None:
            v["mail_address_explanation"] = "OTHER"
        v["physical_address_type"] = draw(st.none() | st.sampled_from("12458"))
        if v["physical_address_type"] == "8" and v["physical_address_explanation"] is None:
            v["physical_address_explanation"] = "OTHER"
    elif rid == "TG":
        v["incorporation_state"] = draw(st.none() | st.sampled_from(sorted(codes.US_STATES)))
    elif rid == "TH":
        v["bank_state"] = draw(st.none() | st.sampled_from(sorted(codes.US_STATES)))
    elif rid == "K":
        n = draw(st.integers(1, 6))
        for i in range(1, 7):
            if i > n:
                v[f"importer_number_{i}"] = None
                v[f"address_request_{i}"] = None
            elif v[f"importer_number_{i}"] is None:
                v[f"importer_number_{i}"] = draw(importer_numbers())
    elif rid in ("K4", "K6"):
        v["legacy_name"] = v["legacy_importer_number"] = None  # pre-v7 only (ruling 18)
    elif rid == "K1":
        if v["result_code"] != 1:
            v["bond_amount"] = None  # zeros are pre-2015 (ruling 18)
    elif rid in ("30", "35", "36"):
        id_type, number = draw(st.sampled_from([("EI", "12-3456789AB"), ("34", "123-45-6789"),
                                                ("ANI", "193901-14596")]))
        v["id_type"], v["id_number"] = id_type, number


def _name_and_mailing_address(R, draw) -> list:
    """T1 [TA] T2: how a 5106 starts, in TP and in legacy TI."""
    out = [R("T1")]
    if draw(st.booleans()):
        out.append(R("TA"))
    return out + [R("T2")]


# Detail records of one block, per application, in the grammar's order.
@st.composite
def details(draw, app: str) -> list:
    R = lambda rid, **kw: draw(record(rid, **kw))  # noqa: E731
    out = []
    if app == "KI":
        out.append(R("K"))
    elif app == "KR":
        for _ in range(draw(st.integers(1, 3))):
            for _ in range(draw(st.integers(1, 2))):
                out.append(R("K1"))
                # Today's order: a K1 naming a bond has its own K2 (no W31, ruling 18).
                if out[-1].bond_number is not None or draw(st.booleans()):
                    out.append(R("K2"))
            if draw(st.booleans()):
                out += [R("K3"), R("K4")]
                if draw(st.booleans()):
                    out += [R("K5"), R("K6")]
                if draw(st.booleans()):
                    out.append(R("K7"))
                    out += [R("K8") for _ in range(draw(st.integers(0, 2)))]
    elif app == "TP":
        for _ in range(draw(st.integers(1, 2))):
            out += _name_and_mailing_address(R, draw)
            if draw(st.booleans()):
                out += [R("T3"), R("TN", qualifier="IN1")]
            if draw(st.booleans()):
                out += [R("TB"), R("TC")]
            out += [R("TD"), R("TE"), R("TF")]
            for q in ("CE1", "CW1"):
                if draw(st.booleans()):
                    out.append(R("TN", qualifier=q))
            if draw(st.booleans()):
                out.append(R("TG"))
            if draw(st.booleans()):
                out += [R("TH"), R("TN", qualifier="BN1")]
            for _ in range(draw(st.integers(0, 2))):
                out += [R("TI"), R("TN", qualifier="CN1"), R("TJ")]
            if draw(st.booleans()):
                out += [R("TK"), R("TN", qualifier="NE1")]
            out.append(R("TL"))
            if draw(st.booleans()):
                out += [R("TM"), R("TN", qualifier="BN2")]
    elif app == "TT":
        for _ in range(draw(st.integers(1, 3))):
            out.append(R("E0"))
            out += [R("E1") for _ in range(draw(st.integers(1, 3)))]
    elif app == "TI":
        for _ in range(draw(st.integers(1, 2))):
            out += _name_and_mailing_address(R, draw)
            if draw(st.booleans()):
                out += [R("TB"), R("TC")]
    elif app == "TR":
        for _ in range(draw(st.integers(1, 3))):
            # Echoes of input records in error, then a message (ruling 20).
            out += [R(rid, scope="TR") for rid in draw(st.lists(st.sampled_from(["T1", "TA", "T2", "TB", "TC"]),
                                                                max_size=2))]
            out.append(R(draw(st.sampled_from(["T3", "T4", "T5"])), scope="TR"))
    elif app == "CB":
        for _ in range(draw(st.integers(1, 2))):
            out += [R("10"), R("30")]
            out += [R("35") for _ in range(draw(st.integers(0, 2)))]
            out += [R("36") for _ in range(draw(st.integers(0, 2)))]
            out.append(R("40"))
    elif app == "CX":
        for _ in range(draw(st.integers(1, 2))):
            out.append(R("10"))
            out += [R("90") for _ in range(draw(st.integers(1, 2)))]
    elif app == "XP":
        out += [R("P1") for _ in range(draw(st.integers(1, 5)))]
    elif app == "XQ":
        out += [R("P9") for _ in range(draw(st.integers(1, 5)))]
    return out


APPLICATIONS = ("KI", "KR", "TP", "TT", "TI", "TR", "CB", "CX", "XP", "XQ")


__all__ = ["APPLICATIONS", "details", "importer_numbers", "record", "transmission_bytes", "transmissions", "value"]


@st.composite
def transmissions(draw, apps=APPLICATIONS) -> list:
    """Records of one valid transmission (A, one block, Z) of one of ``apps``."""
    app = draw(st.sampled_from(apps))
    recs = draw(details(app))
    date = draw(st.none() | DATES)
    filer = draw(st.sampled_from(["XJ5", "SV9", "A1B"]))
    return envelope(app, recs, filer, site=draw(st.sampled_from(["3901", "9900", "0101"])), date=date,
                    password=draw(_text(UPPER + DIGITS, 6)))


def transmission_bytes(apps=APPLICATIONS):
    """Valid transmissions as the bytes a broker's software sends or reads (LF-separated)."""
    return transmissions(apps).map(abisim.render)
