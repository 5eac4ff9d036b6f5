"""``abisim serve``: HTTP (and raw TCP, and SMTP for PMS e-mail) on loopback for test
harnesses in any language."""

from __future__ import annotations

import sys

import click

from abisim.cli.common import as_of_option, db_option, fail, open_store
from abisim.journal import DEFAULT_MAX_BODY, DEFAULT_MAX_ROWS


def register(main: click.Group) -> None:
    @main.command("serve")
    @db_option
    @click.option("--host", default="127.0.0.1", show_default=True,
                  help="Listen address. Loopback unless you mean it.")
    @click.option("--port", default=8040, show_default=True, type=int, help="HTTP port (0: a free one).")
    @click.option("--tcp-port", default=None, type=int, help="Also listen for raw TCP transmissions here.")
    @click.option("--admin-token", default=None, envvar="ABISIM_ADMIN_TOKEN",
                  help="Token of the admin routes (default: $ABISIM_ADMIN_TOKEN, else generated and printed).")
    @click.option("--max-body", default=1 << 20, show_default=True, type=click.IntRange(1),
                  help="Largest request body, bytes (else 413).")
    @click.option("--max-header", default=16 * 1024, show_default=True, type=click.IntRange(256),
                  help="Largest request line and headers, bytes (else 431).")
    @click.option("--keep-alive-timeout", default=5.0, show_default=True, type=click.FloatRange(1),
                  help="Seconds an idle kept-alive HTTP connection stays open.")
    @click.option("--request-timeout", default=15.0, show_default=True, type=click.FloatRange(0.1),
                  help="Seconds a client has to send a whole HTTP request (else 408).")
    @click.option("--max-connections", default=256, show_default=True, type=click.IntRange(1),
                  help="Open HTTP connections at once (more: 503); the same again for TCP.")
    @click.option("--tcp-max-transmission", default=1 << 20, show_default=True, type=click.IntRange(1024),
                  help="Largest TCP transmission, bytes (else an S01 reject and the connection closed).")
    @click.option("--tcp-idle-timeout", default=60.0, show_default=True, type=click.FloatRange(0.1),
                  help="Seconds without a byte before a TCP connection is closed.")
    @click.option("--tcp-transmission-timeout", default=60.0, show_default=True, type=click.FloatRange(0.1),
                  help="Seconds from a TCP transmission's first byte to its Z (else an S02 reject, closed).")
    @click.option("--offload-threshold", default=32 * 1024, show_default=True, type=click.IntRange(0),
                  help="Transmissions over this many bytes are answered in a separate process (0: none).")
    @click.option("--offload-processes", default=2, show_default=True, type=click.IntRange(1, 64),
                  help="Processes answering large transmissions.")
    @click.option("--inline-threshold", default=4096, show_default=True, type=click.IntRange(0),
                  help="Bond queries up to this many bytes are answered on the event loop, not in a thread (0: none).")
    @click.option("--tcp-test-filers", default="", metavar="CODES",
                  help="Filer codes (comma separated) that may use the test-mode password TEST00 over TCP; "
                       "default: none (docs/http.md says why).")
    @click.option("--smtp-port", default=None, type=int,
                  help="Also listen for e-mail to CBP's PMS mailboxes here (0: a free one; docs/pms.md).")
    @click.option("--smtp-require-auth", is_flag=True, help="Refuse mail without SMTP AUTH (filer code, token).")
    @click.option("--mail-relay", default=None, metavar="HOST:PORT",
                  help="Also deliver CBP's e-mail answers to this SMTP server (e.g. a mail catcher).")
    @click.option("--sample", is_flag=True, help="Start from the sample database (resets it, or creates it).")
    @click.option("--lenient", is_flag=True, help="Pad a short last record (a warning) instead of X42.")
    @click.option("--log-level", default="info", show_default=True,
                  type=click.Choice(["debug", "info", "warning", "error"]),
                  help="info: an access line per exchange (channel, filer, application, status, ms).")
    @click.option("--journal", "journal_bodies", default="keep", show_default=True,
                  type=click.Choice(["keep", "errors", "none"]),
                  help="Which exchanges keep their bodies in the journal (every exchange keeps a row).")
    @click.option("--journal-max-rows", default=DEFAULT_MAX_ROWS, show_default=True, type=click.IntRange(1),
                  help="The journal keeps this many exchanges; the oldest go first.")
    @click.option("--journal-max-body", default=DEFAULT_MAX_BODY, show_default=True, type=click.IntRange(0),
                  help="Each body kept is cut at this many bytes.")
    @click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
                  help="Processes answering on the same ports, one database (SO_REUSEPORT).")
    @as_of_option
    def serve(db, host, port, tcp_port, admin_token, max_body, max_header, keep_alive_timeout, request_timeout,
              max_connections, tcp_max_transmission, tcp_idle_timeout, tcp_transmission_timeout, offload_threshold,
              offload_processes, inline_threshold, tcp_test_filers, smtp_port, smtp_require_auth, mail_relay, sample, lenient,
              log_level, journal_bodies, journal_max_rows, journal_max_body, workers, as_of):
        """Serve the simulated CBP over HTTP (docs/http.md), with --tcp-port raw TCP, and with
        --smtp-port CBP's PMS mailboxes (docs/pms.md). Port 0 asks for a free port; the
        ports listened on are printed."""
        import logging

        from abisim import fixtures
        from abisim import sample as sample_data
        from abisim.clock import Clock
        from abisim.journal import JournalPolicy
        from abisim.api import Limits
        from abisim.offload import OffloadPolicy
        from abisim.server import LOG_FORMAT, Server, settle_process
        from abisim.simulator import Simulator
        from abisim.tcp import TcpLimits

        for what, number in (("HTTP", port), ("TCP", tcp_port), ("SMTP", smtp_port)):
            if number:
                _check_port(host, number, what)
        logging.basicConfig(level=log_level.upper(), format=LOG_FORMAT)
        policy = JournalPolicy(journal_bodies, journal_max_rows, journal_max_body)
        sim = Simulator(open_store(db, create=sample), Clock(as_of), lenient=lenient, journal=policy)
        if sample:  # in one transaction; --sample may create the database
            fixtures.load(sim.store, sample_data.fixture(sim.as_of), replace=True)
        if host not in ("127.0.0.1", "localhost", "::1"):
            click.echo(f"warning: listening on {host}, not loopback", err=True)
        from abisim.mail.relay import parse_relay

        if mail_relay is not None:
            try:
                parse_relay(mail_relay)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--mail-relay")
        limits = Limits(max_body=max_body, max_header=max_header, keep_alive_timeout=keep_alive_timeout,
                        request_timeout=request_timeout, max_connections=max_connections)
        test_filers = frozenset(c.strip().upper() for c in tcp_test_filers.split(",") if c.strip())
        tcp_limits = TcpLimits(max_transmission=tcp_max_transmission, idle_timeout=tcp_idle_timeout,
                               transmission_timeout=tcp_transmission_timeout,
                               max_connections=max_connections, test_filers=test_filers)
        offload = OffloadPolicy(threshold=offload_threshold or None, processes=offload_processes, warm=True,
                                inline=inline_threshold or None)
        if workers > 1:
            _serve_workers(sim, workers, dict(host=host, port=port, tcp_port=tcp_port, admin_token=admin_token,
                                              log_level=log_level, limits=limits, tcp_limits=tcp_limits,
                                              offload=offload),
                           dict(smtp_port=smtp_port, smtp_require_auth=smtp_require_auth, mail_relay=mail_relay),
                           lenient, as_of, policy)
            return
        server = Server(sim, host=host, port=port, tcp_port=tcp_port, admin_token=admin_token, limits=limits,
                        tcp_limits=tcp_limits, offload=offload,
                        log_level=log_level, smtp_port=smtp_port, smtp_require_auth=smtp_require_auth,
                        mail_relay=mail_relay)
        click.echo(f"abisim: database {sim.store.path}, as of {sim.as_of.isoformat()}")

        def announce(s):
            click.echo(f"abisim: HTTP on {s.url}"
                       + (f", TCP on {host}:{s.tcp_port}" if s.tcp_port is not None else "")
                       + (f", SMTP on {host}:{s.smtp_port}" if s.smtp_port is not None else ""))
            if mail_relay:
                click.echo(f"abisim: e-mail answers also delivered to {mail_relay}")
            if admin_token is None:
                click.echo(f"abisim: admin token {s.admin_token}")
            sys.stdout.flush()
        settle_process()
        server.run(announce)


def _serve_workers(sim, workers: int, server_kw: dict, mail_kw: dict, lenient: bool, as_of, policy) -> None:
    import secrets

    from abisim.workers import serve_workers

    given = server_kw["admin_token"]
    server_kw["admin_token"] = given or secrets.token_urlsafe(24)  # one token for every worker
    host = server_kw["host"]

    def ready(kw: dict) -> None:
        click.echo(f"abisim: database {sim.store.path}, as of {sim.as_of.isoformat()}, {workers} workers")
        click.echo(f"abisim: HTTP on http://{host}:{kw['port']}"
                   + (f", TCP on {host}:{kw['tcp_port']}" if kw["tcp_port"] is not None else "")
                   + (f", SMTP on {host}:{kw['smtp_port']}" if kw["smtp_port"] is not None else ""))
        if kw["mail_relay"]:
            click.echo(f"abisim: e-mail answers also delivered to {kw['mail_relay']}")
        if given is None:
            click.echo(f"abisim: admin token {kw['admin_token']}")

    path = sim.store.path
    sim.store.close()
    serve_workers(workers, db=path, server_kw=server_kw, first_only=mail_kw, lenient=lenient, as_of=as_of,
                  on_ready=ready, journal=policy)


def _check_port(host: str, port: int, what: str) -> None:
    """A port in use (or not ours to take) is a one-line error, before anything starts."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(infos[0][4])
    except OSError as exc:
        fail(f"{what} port {host}:{port}: {exc.strerror or exc}")
