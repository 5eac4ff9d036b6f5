"""HTTP routes of PMS activation besides the activation request itself: the switch status,
the entry eligibility rule, CBP's mail (the outbox), and the admin routes that set up the
facts the rules read (powers of attorney, importer flags). Convention: abisim.api.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from abisim.api import ADMIN, FILER, PUBLIC, Call, Problem, route, unprocessable
from abisim.http_models import Answer, Body, Query


# -- models

class SwitchStatus(Answer):
    importer_number: str
    set: bool
    set_date: dt.date | None = None
    switch_filer: str | None = Field(None, description="the filer holding the switch, told to that filer only")


class EligibilityQuery(Query):
    entry_type: Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")] = Field(
        description="two digits from CBP's entry-type codes")
    excise_tax: bool = Field(False, description="the entry requires payment of excise tax")


class Eligibility(Answer):
    entry_type: str
    excise_tax: bool
    eligible: bool
    reason: str


class MailQuery(Query):
    direction: Literal["out", "in"] | None = Field(None, description="out: CBP's answers; in: mail CBP received")


class MailMessage(Answer):
    id: int
    direction: str
    message_id: str | None
    filer_code: str | None
    sender: str
    recipients: list[str]
    subject: str
    created: str
    status: str = Field(description="kept (outbox only), queued (for the relay), delivered")
    attempts: int
    last_error: str | None
    delivered: str | None
    raw: str = Field(description="the message as RFC 5322 text")


class MailAnswer(Answer):
    mail: list[MailMessage]


class PowerOfAttorneyRequest(Body):
    granted: dt.date | None = Field(None, description="default: the simulated date")


class PowerOfAttorney(Answer):
    importer_number: str
    filer_code: str
    on_file: bool


class ImporterFlagsRequest(Body):
    ctpat: bool | None = None
    account_manager_email: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        None, description="'' removes the Account Manager")
    ace_account: Literal["none", "portal", "non-portal"] | None = None


class ImporterFlags(Answer):
    importer_number: str
    ctpat: bool
    account_manager_email: str | None
    ace_account: str


# -- the activation body as XP records

def activation_details(req, layouts) -> list:
    """P1 records, each followed by the broker's 5106 for that number when the body has one."""
    from abisim.build import p1_records
    from abisim.rules.bond_team import five106_of
    from abisim.transmission import iter_records

    numbers = [n.upper() for n in req.importers]
    attached = {}
    for number, text in (req.five106 or {}).items():
        number = number.upper()
        if number not in numbers:
            raise unprocessable(f"five106: {number} is not among the importers")
        records = [p.record for p in iter_records(text.encode("latin-1", errors="replace"), validate=False)
                   if p.record is not None]
        group = five106_of(records, number)
        if group is None:
            raise unprocessable(f"five106: the text for {number} holds no T1 for {number}")
        attached[number] = group
    p1s = p1_records(numbers, payment_type=req.payment_type, ctpat=req.ctpat, layouts=layouts)
    return [r for p1 in p1s for r in (p1, *attached.get(p1.importer_number, ()))]


# -- filer routes

@route("GET", "/v1/pms/switches/{importer}", auth=FILER, answer=SwitchStatus,
       summary="Whether the PMS switch is set for an importer number (the holder is named to itself only)")
async def switch_status(call: Call) -> SwitchStatus:
    from abisim.rules.pms import RESULT_QUERY_SET, query

    number = call.request.path_params["importer"].upper()
    o = await run_in_threadpool(query, call.sim.store, number, call.filer["filer_code"])
    return SwitchStatus(importer_number=number, set=o.result == RESULT_QUERY_SET, set_date=o.switch_date,
                        switch_filer=o.switch_filer)


@route("GET", "/v1/pms/eligibility", auth=PUBLIC, query=EligibilityQuery, answer=Eligibility,
       summary="Whether an entry may be paid on a periodic monthly statement")
async def eligibility(call: Call) -> Eligibility:
    from abisim.rules.pms import eligible_for_pms

    q = call.query
    try:
        ok, reason = eligible_for_pms(q.entry_type, has_excise_tax=q.excise_tax)
    except ValueError as exc:
        raise unprocessable(str(exc))
    return Eligibility(entry_type=q.entry_type, excise_tax=q.excise_tax, eligible=ok, reason=reason)


@route("GET", "/v1/mail", auth=FILER, query=MailQuery, answer=MailAnswer,
       summary="CBP's e-mail addressed or copied to the token's filer (its address on file)")
async def own_mail(call: Call) -> MailAnswer:
    return await _mail(call, call.filer["email"] or "")  # a filer without an address has no mail


@route("GET", "/v1/mail/{id}", auth=FILER, problems=(404,), summary="One of the filer's messages as RFC 5322 text",
       raw_answer={"description": "The message", "content": {"message/rfc822": {"schema": {"type": "string"}}}})
async def own_mail_message(call: Call) -> Response:
    return await _mail_message(call, call.filer["email"] or "")


async def _mail(call: Call, address: str | None) -> MailAnswer:
    from abisim.mail import outbox

    rows = await run_in_threadpool(outbox.messages, call.sim.store, address=address, direction=call.query.direction)
    return MailAnswer(mail=[MailMessage(**outbox.to_json(r)) for r in rows])


async def _mail_message(call: Call, address: str | None) -> Response:
    from abisim.mail import outbox

    text = call.request.path_params["id"]
    row = outbox.message(call.sim.store, int(text)) if text.isascii() and text.isdigit() and len(text) < 19 else None
    if row is None or (address is not None and address.lower() not in row["recipients"].split(",")):
        raise Problem(404, "Not Found", f"no message {text} for you")
    return Response(row["raw"], media_type="message/rfc822")


# -- admin routes

@route("GET", "/v1/admin/mail", auth=ADMIN, query=MailQuery, answer=MailAnswer,
       summary="All of CBP's e-mail: received, and the outbox with delivery status")
async def all_mail(call: Call) -> MailAnswer:
    return await _mail(call, None)


@route("GET", "/v1/admin/mail/{id}", auth=ADMIN, problems=(404,), summary="One message as RFC 5322 text",
       raw_answer={"description": "The message", "content": {"message/rfc822": {"schema": {"type": "string"}}}})
async def any_mail_message(call: Call) -> Response:
    return await _mail_message(call, None)


@route("PUT", "/v1/admin/importers/{importer}/powers-of-attorney/{filer}", auth=ADMIN,
       body=PowerOfAttorneyRequest, answer=PowerOfAttorney, problems=(404,),
       summary="The importer grants the filer a power of attorney")
async def grant_poa(call: Call) -> PowerOfAttorney:
    number, filer = _importer_and_filer(call)
    granted = (call.body.granted or call.sim.as_of).isoformat()
    await run_in_threadpool(call.sim.store.put_poa, number, filer, granted)
    return PowerOfAttorney(importer_number=number, filer_code=filer, on_file=True)


@route("DELETE", "/v1/admin/importers/{importer}/powers-of-attorney/{filer}", auth=ADMIN,
       answer=PowerOfAttorney, problems=(404,), summary="The importer revokes the filer's power of attorney")
async def revoke_poa(call: Call) -> PowerOfAttorney:
    number, filer = _importer_and_filer(call)
    await run_in_threadpool(call.sim.store.delete_poa, number, filer)
    return PowerOfAttorney(importer_number=number, filer_code=filer, on_file=False)


@route("PATCH", "/v1/admin/importers/{importer}/flags", auth=ADMIN, body=ImporterFlagsRequest,
       answer=ImporterFlags, problems=(404,),
       summary="Set an importer's C-TPAT certification, CBP Account Manager and ACE account")
async def importer_flags(call: Call) -> ImporterFlags:
    from abisim.rules.bond_team import flag_changes

    store, b = call.sim.store, call.body
    number = _importer(call)

    def work() -> Any:
        with store.transaction():
            changes = flag_changes(store.importer(number), ctpat=b.ctpat, account_manager=b.account_manager_email,
                                   ace_account=b.ace_account)
            store.update_importer(number, **changes)
            return store.importer(number)
    row = await run_in_threadpool(work)
    return ImporterFlags(importer_number=number, ctpat=bool(row["ctpat"]),
                         account_manager_email=row["account_manager_email"], ace_account=row["ace_account"])


def _importer(call: Call) -> str:
    number = call.request.path_params["importer"].upper()
    if call.sim.store.importer(number) is None:
        raise Problem(404, "Not Found", f"importer {number} is not on file")
    return number


def _importer_and_filer(call: Call) -> tuple[str, str]:
    number = _importer(call)
    filer = call.request.path_params["filer"].upper()
    if call.sim.store.filer(filer) is None:
        raise Problem(404, "Not Found", f"filer {filer} is not on file")
    return number, filer
