"""The JSON bodies of the HTTP routes, as pydantic models: they validate every request body
and they are the schemas of /openapi.json (abisim.openapi). Conventions (abisim.api):

- request bodies derive from ``Body``: strict JSON types (``"false"`` is not a boolean,
  ``1.0`` not an integer), no unknown keys, no infinite or NaN numbers;
- query strings derive from ``Query``: text from the URL, converted (``?limit=5``);
- answers derive from ``Answer``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from abisim.records import carried_date


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A date a record can carry (MMDDYY: 1970-01-01 to 2069-12-31); the error names the range.
RecordDate = Annotated[dt.date, AfterValidator(carried_date)]
# Printable ASCII: what fits a CATAIR field.
ImporterNumber = Annotated[str, StringConstraints(min_length=1, max_length=12, pattern=r"^[ -~]+$")]
FilerCode = Annotated[str, StringConstraints(min_length=1, max_length=3, pattern=r"^[ -~]+$")]


# -- requests

class ActivationRequest(Body):
    """An XP activation request for up to 99 importer numbers."""

    importers: list[ImporterNumber] = Field(min_length=1, max_length=99)
    payment_type: Literal["D", "C"] = "D"
    ctpat: bool = False
    five106: dict[ImporterNumber, Annotated[str, StringConstraints(max_length=1 << 20)]] | None = Field(
        None, description="per importer number, the broker's 5106 as a TP transmission (text): P02 judges it "
                          "instead of the 5106 on file")


class ResetRequest(Body):
    sample: bool = Field(False, description="load the sample database after emptying it")


class Fixture(BaseModel):
    """A fixture document (docs/fixtures.md); its entries are checked by abisim.fixtures,
    which names a bad one by its path."""

    model_config = ConfigDict(extra="allow", strict=True)

    format: Literal["abisim-fixture-1"] = "abisim-fixture-1"
    filers: list[dict[str, Any]] = []
    sureties: list[dict[str, Any]] = []
    importers: list[dict[str, Any]] = []
    bonds: list[dict[str, Any]] = []
    powers_of_attorney: list[dict[str, Any]] = []
    pms_switches: list[dict[str, Any]] = []


class ClockRequest(Body):
    as_of: RecordDate | None = Field(None, description="the simulated date; null follows today")


class FaultsRequest(Body):
    """Faults for the next requests to POST /v1/transmissions."""

    latency_ms: int = Field(0, ge=0, le=10_000)
    drop_connection: bool = False
    reject_code: Annotated[str, StringConstraints(pattern=r"^[ -~]{3}$")] | None = Field(
        None, description="a condition code such as X13")
    count: int | None = Field(None, ge=0, description="the next N requests; null: until changed")
    ratio: float = Field(1.0, ge=0, le=1, description="the share of requests affected")


class RiderRequest(Body):
    importer_number: ImporterNumber
    five106: str = Field(max_length=1 << 20, description="the 5106 (TP records, one per line)")
    filer_code: FilerCode | None = None
    rider_name: Annotated[str, StringConstraints(max_length=100)] | None = None


class FilerRequest(Body):
    """A filer (broker, service bureau) as CBP knows it; every field replaces the stored one."""

    name: Annotated[str, StringConstraints(max_length=100)] = ""
    sites: list[Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{4}$")]] = []
    password: Annotated[str, StringConstraints(max_length=6)] = ""
    ace_portal_account: bool = True
    applications: list[Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2}$")]] = Field(
        [], description="allowed input applications; empty: all")
    token: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        None, description="HTTP bearer token; null keeps the filer's token or makes one")
    sends_for: list[Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{3}$")]] = Field(
        [], description="filers this sender may send blocks for (service bureau)")
    prepares_at: list[Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{4}$")]] = Field(
        [], description="ports beyond its sites where it may prepare remotely")


# -- query strings

class JournalQuery(Query):
    application: str | None = None
    since: str | None = Field(None, description="ISO 8601 time, inclusive")
    until: str | None = Field(None, description="ISO 8601 time, exclusive")
    channel: Literal["http", "tcp", "cli", "python", "email"] | None = None
    status: Literal["accepted", "rejected", "dropped"] | None = None
    limit: int = Field(1000, ge=1, le=100_000)


class AdminJournalQuery(JournalQuery):
    filer: str | None = None


class BondQuery(Query):
    address: Literal["0", "1"] = Field("1", description="0 leaves out the K5/K6 address records")


# -- answers

class RecordOut(Answer):
    line: int | None = None
    record_id: str
    layout: str | None = None
    fields: dict[str, Any]


class TransmissionAnswer(Answer):
    records: list[RecordOut]
    errors: list[dict[str, Any]]


class BondsAnswer(Answer):
    importer_number: str
    as_of: dt.date
    records: list[RecordOut]


class Discrepancy(Answer):
    code: str
    field: str
    five106_value: str | int | None
    bond_value: str | int | None


class Outcome(Answer):
    importer_number: str | None
    result: int
    condition_code: str | None
    narrative: str | None
    switch_filer: str | None = Field(description="the holder of the switch, told to the holder only")
    switch_date: dt.date | None
    five106: str | None = Field(None, description="which 5106 P02 judged: attached, on file")
    discrepancies: list[Discrepancy] = []


class ActivationAnswer(Answer):
    outcomes: list[Outcome]


class NotificationsAnswer(Answer):
    notifications: list[dict[str, Any]]


class JournalAnswer(Answer):
    journal: list[dict[str, Any]]


class JournalDeleted(Answer):
    deleted: int


class ResetAnswer(Answer):
    reset: bool
    sample: bool


class LoadAnswer(Answer):
    loaded: dict[str, int]


class FilerAnswer(Answer):
    filer: dict[str, Any]


class ClockAnswer(Answer):
    as_of: dt.date
    fixed: bool


class FaultsAnswer(Answer):
    latency_ms: int
    drop_connection: bool
    reject_code: str | None
    count: int | None
    ratio: float


class RiderAnswer(Answer):
    importer_number: str
    changed: list[str]
    bonds: list[str]
    notification_id: int | None


class Health(Answer):
    status: str
    as_of: dt.date


class ProblemDocument(Answer):
    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str = ""
