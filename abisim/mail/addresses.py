"""CBP's mailboxes (ruling 23) and what counts as an e-mail address."""

from __future__ import annotations

import re
from email.utils import getaddresses

# The periodic-statement mailbox, and the other spellings the notice prints that are valid.
PMS_MAILBOX = "periodicstatement@dhs.gov"
PMS_MAILBOXES = frozenset({PMS_MAILBOX, "periodicstatements@dhs.gov", "peridocstatement@dhs.gov"})
# Questions: acknowledged, nothing else happens.
QUESTIONS_MAILBOX = "pms.mailbox@dhs.gov"
QUESTIONS_FROM = "PMS.Mailbox@dhs.gov"

_ADDRESS = re.compile(r"[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def is_address(text) -> bool:
    return isinstance(text, str) and _ADDRESS.fullmatch(text) is not None


def normal(address: str) -> str:
    """The form addresses are compared in: lower case, no angle brackets or spaces."""
    return address.strip().strip("<>").strip().lower()


def addresses_in(*headers) -> list[str]:
    """The addresses of To/Cc/From header values, normalised, in order, without repeats."""
    out: list[str] = []
    for _name, address in getaddresses([str(h) for h in headers if h]):
        a = normal(address)
        if a and a not in out:
            out.append(a)
    return out
