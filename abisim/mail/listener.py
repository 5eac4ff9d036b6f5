"""The SMTP listener (aiosmtpd): CBP's mailboxes on loopback (rulings 23 and 24).

RCPT is refused with 550 for any address that is not one of CBP's mailboxes or an
Account Manager on file. AUTH PLAIN or LOGIN takes the filer code and its HTTP token; when
given, From must be that filer's address; ``require_auth`` makes it compulsory.
"""

from __future__ import annotations

import asyncio
import email
import secrets
import warnings
from email import policy

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from abisim.mail.addresses import addresses_in
from abisim.mail.handling import MailDesk, accepts

MAX_MESSAGE = 10 << 20  # 10 MiB: scans of a few 5106 forms


class Handler:
    def __init__(self, desk: MailDesk) -> None:
        self.desk = desk

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not accepts(self.desk.store, address):
            return f"550 5.1.1 <{address}>: no such mailbox at CBP"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        auth_filer = session.auth_data if session.authenticated else None
        if auth_filer is not None:
            msg = email.message_from_bytes(data, policy=policy.default)
            senders = addresses_in(msg.get("From"))
            row = self.desk.store.filer(auth_filer)
            if not senders or row is None or (row["email"] or "").lower() != senders[0]:
                return "550 5.7.1 From is not the address of the authenticated filer"
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.desk.receive, data, envelope.mail_from, envelope.rcpt_tos)
        return "250 OK: received by CBP"


class Authenticator:
    """Filer code and HTTP token (ruling 24)."""

    def __init__(self, store) -> None:
        self.store = store

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if mechanism not in ("PLAIN", "LOGIN") or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        code = auth_data.login.decode("utf-8", errors="replace").upper()
        token = auth_data.password.decode("utf-8", errors="replace")
        row = self.store.filer(code)
        if row is None or not row["token"] or not secrets.compare_digest(row["token"], token):
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=code)


async def serve_smtp(desk: MailDesk, host: str = "127.0.0.1", port: int = 0, *, require_auth: bool = False):
    """Start the listener on the running loop; ``server.sockets[0].getsockname()`` tells the port."""
    loop = asyncio.get_running_loop()
    handler = Handler(desk)

    def factory():
        with warnings.catch_warnings():
            # AUTH without TLS: the listener is for loopback test harnesses.
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning)
            return _smtp()

    def _smtp():
        return SMTP(handler, hostname="abisim.dhs.gov", ident="abisim CBP mail", data_size_limit=MAX_MESSAGE,
                    authenticator=Authenticator(desk.store), auth_required=require_auth,
                    auth_require_tls=False, auth_exclude_mechanism=["CRAM-MD5"], loop=loop)

    return await loop.create_server(factory, host, port)
