"""Reference brokers for the shipped plans: what a broker's software that passes each plan
sends, step by step. They prove the plans (tests drive each plan with its script, and
with broken variants of it), and ``make demo`` shows one. A script maps a step id to a
function of the answers so far (step id -> answer bytes) giving the transmission to send.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from abisim.build import k_records
from abisim.layouts import layout_set
from abisim.records import make
from abisim.sample import envelope, own_5106
from abisim.transmission import parse, render

Script = dict[str, Callable[[dict], bytes]]
LS = layout_set()
FILER = "XJ5"


def _send(app: str, details) -> bytes:
    return render(envelope(app, list(details), FILER))


def _ki(number: str, address: bool = False) -> bytes:
    return _send("KI", k_records([number], address))


def five106(action: str, number: str | None, name: str, address: str, *, city="CHICAGO", state="IL",
            postal="60601", country="US", mail_type="1", physical: tuple | None = None, reason: str | None = None,
            importer_type: str | None = "C") -> list:
    """One importer's 5106 records, as a broker's software writes them."""
    out = [make(LS["T1"], action=action, importer_number=number, importer_name=name, mail_address_1=address,
                importer_type=importer_type),
           make(LS["T2"], mail_city=city, mail_state=state, mail_postal_code=postal, mail_country=country)]
    if physical:
        p_address, p_city, p_state, p_postal = physical
        out += [make(LS["TB"], physical_address_1=p_address),
                make(LS["TC"], physical_city=p_city, physical_state=p_state, physical_postal_code=p_postal,
                     physical_country="US")]
    reasons = {"reason_not_us_resident": "X"} if reason == "not-us-resident" else {}
    out += [make(LS["TD"], entries_per_year="2", usage_importer_of_record="X", phone="3125550199", **reasons),
            make(LS["TE"], mail_address_type=mail_type, physical_address_type="1" if physical else None),
            make(LS["TF"], email="CUSTOMS@CERT.EXAMPLE"),
            make(LS["TL"], signature="X", certifier_name="DOE,JOHN", certifier_title="PRESIDENT")]
    return out


CERT_IMPORTER = ("45-6789012AB", "CERTIFICATION TEST IMPORTS INC", "100 TEST ST")


def _tp(*args, **kw) -> bytes:
    return _send("TP", five106(*args, **kw))


def _own_5106(number: str, action: str = "U") -> bytes:
    records = own_5106(number)
    return _send("TP", [records[0].replace(action=action), *records[1:]])


KI: Script = {
    "ki-bond": lambda answers: _ki("12-345678900"),
    "ki-address": lambda answers: _ki("12-345678900", address=True),
    "ki-not-on-file": lambda answers: _ki("12-3456789Q1"),
    "ki-no-bond": lambda answers: _ki("12-3456789B1"),
    "ki-voided": lambda answers: _ki("12-3456789V1"),
    "ki-inactive": lambda answers: _ki("12-3456789X1"),
    "ki-six": lambda answers: _send("KI", k_records(["12-3456789T1", "12-3456789N1", "12-3456789U1", "123-45-6789",
                                                    "193901-14596", "98-7654321AB"])),
    "ki-batch-reject": lambda answers: _ki("12-3456789C1"),
    "ki-resend": lambda answers: _ki("12-3456789C1"),
}

TP: Script = {
    "tp-add": lambda answers: _tp("A", *CERT_IMPORTER),
    "tp-update": lambda answers: _tp("U", CERT_IMPORTER[0], CERT_IMPORTER[1], "400 CHANGED AVE"),
    "tp-cbp-number": lambda answers: _tp("N", None, "NORTHERN LIGHTS TRADING LTD", "55 RUE PRINCIPALE",
                                         city="MONTREAL", state="QC", postal="H2X 1Y4", country="CA",
                                         reason="not-us-resident"),
    "tp-voided": lambda answers: _own_5106("12-3456789V1"),
    "tp-not-on-file": lambda answers: _tp("U", "12-3456789Q1", "QUESTIONABLE IMPORTS INC", "9 UNKNOWN RD"),
    "tp-duplicate-add": lambda answers: _own_5106("12-345678900", "A"),
    "tp-duplicate-corrected": lambda answers: _own_5106("12-345678900", "U"),
    "tp-bond-on-file": lambda answers: _own_5106("12-3456789A1"),
    "tp-po-box": lambda answers: _tp("A", "45-6789012AC", "POST OFFICE TRADERS INC", "PO BOX 1234", mail_type="3"),
    "tp-po-box-corrected": lambda answers: _tp("A", "45-6789012AC", "POST OFFICE TRADERS INC", "PO BOX 1234",
                                               mail_type="3",
                                               physical=("77 WAREHOUSE RD", "CHICAGO", "IL", "60609")),
    "tp-batch-reject": lambda answers: _tp("A", "45-6789012AD", "RETRY GOODS INC", "12 SECOND TRY LN"),
    "tp-resend": lambda answers: _tp("A", "45-6789012AD", "RETRY GOODS INC", "12 SECOND TRY LN"),
}

EXECUTED = dt.date(2026, 11, 25)
EFFECTIVE = dt.date(2026, 12, 1)


def _bond(designation: str, *, amount: int | None = None, bond_number: str | None = None, termination=None,
          parties=()) -> bytes:
    ten = make(LS["10"], designation=designation, bond_type="8", activity_code="1", amount=amount,
               execution_date=EXECUTED if designation == "B" else None,
               effective_date=EFFECTIVE if designation == "B" else None, termination_date=termination,
               bond_number=bond_number)
    surety = make(LS["40"], surety_code="036", surety_name="SAMPLE SURETY COMPANY OF AMERICA")
    return _send("CB", [ten, *parties, surety])


PRINCIPAL = make(LS["30"], id_type="EI", id_number="12-3456789B1", name="BONDLESS BAZAAR INC")


def bond_number_of(answer: bytes) -> str | None:
    """The bond number CBP gave in a CX answer's 10 record."""
    return next((r.bond_number for b in parse(answer).blocks for r in b.details if r.record_id == "10"), None)


CB: Script = {
    "cb-below-minimum": lambda answers: _bond("B", amount=25_000, parties=[PRINCIPAL]),
    "cb-create": lambda answers: _bond("B", amount=100_000, parties=[PRINCIPAL]),
    "cb-rider": lambda answers: _bond("R", bond_number=bond_number_of(answers["cb-create"]), parties=[
        PRINCIPAL, make(LS["36"], id_type="EI", id_number="12-3456789C1", name="CERTIFIED IMPORTS INC",
                        user_action="A", user_add_date=EFFECTIVE)]),
    "cb-terminate": lambda answers: _bond("T", bond_number=bond_number_of(answers["cb-create"]),
                                          termination=dt.date(2027, 6, 30), parties=[PRINCIPAL]),
}

SCRIPTS: dict[str, Script] = {"ki": KI, "tp": TP, "cb": CB}


def broker(script: Script, step_ids) -> Callable:
    """A broker (for :func:`abisim.certify.runner.run`) that sends the script's
    transmissions for these steps, in order; steps the script lacks are not sent."""
    def drive(send) -> None:
        answers: dict[str, bytes] = {}
        for step_id in step_ids:
            if step_id in script:
                answers[step_id] = send(script[step_id](answers))
    return drive
