"""``abisim serve``: HTTP (and raw TCP) on loopback for test harnesses in any language."""

from __future__ import annotations

import click

from abisim.cli.common import as_of_option, db_option


def register(main: click.Group) -> None:
    @main.command("serve")
    @db_option
    @click.option("--host", default="127.0.0.1", show_default=True,
                  help="Listen address. Loopback unless you mean it.")
    @click.option("--port", default=8040, show_default=True, type=int, help="HTTP port (0: a free one).")
    @click.option("--tcp-port", default=None, type=int, help="Also listen for raw TCP transmissions here.")
    @click.option("--admin-token", default=None, envvar="ABISIM_ADMIN_TOKEN",
                  help="Token of the admin routes (default: $ABISIM_ADMIN_TOKEN, else generated and printed).")
    @click.option("--max-body", default=1 << 20, show_default=True, type=int, help="Largest request body, bytes.")
    @click.option("--sample", is_flag=True, help="Start from the sample database (resets it).")
    @click.option("--lenient", is_flag=True, help="Pad a short last record (a warning) instead of X42.")
    @click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
                  help="Processes answering on the same ports, one database (SO_REUSEPORT).")
    @as_of_option
    def serve(db, host, port, tcp_port, admin_token, max_body, sample, lenient, workers, as_of):
        """Serve the simulated CBP over HTTP (docs/http.md) and, with --tcp-port, raw TCP."""
        from abisim import fixtures
        from abisim import sample as sample_data
        from abisim.clock import Clock
        from abisim.server import Server
        from abisim.simulator import Simulator
        from abisim.store import Store, default_path

        sim = Simulator(Store(db or default_path()), Clock(as_of), lenient=lenient)
        if sample:
            sim.store.reset()
            fixtures.load(sim.store, sample_data.fixture(sim.as_of))
        if host not in ("127.0.0.1", "localhost", "::1"):
            click.echo(f"warning: listening on {host}, not loopback", err=True)
        if workers > 1:
            _serve_workers(sim, workers, host, port, tcp_port, admin_token, max_body, lenient, as_of)
            return
        server = Server(sim, host=host, port=port, tcp_port=tcp_port, admin_token=admin_token, max_body=max_body,
                        log_level="info")
        click.echo(f"abisim: database {sim.store.path}, as of {sim.as_of.isoformat()}")
        click.echo(f"abisim: HTTP on {server.url}" + (f", TCP on {host}:{tcp_port}" if tcp_port is not None else ""))
        if admin_token is None:
            click.echo(f"abisim: admin token {server.admin_token}")
        server.run()


def _serve_workers(sim, workers, host, port, tcp_port, admin_token, max_body, lenient, as_of) -> None:
    import secrets

    from abisim.workers import serve_workers

    token = admin_token or secrets.token_urlsafe(24)  # one token for every worker

    def ready(http_port, tcp):
        click.echo(f"abisim: database {sim.store.path}, as of {sim.as_of.isoformat()}, {workers} workers")
        click.echo(f"abisim: HTTP on http://{host}:{http_port}" + (f", TCP on {host}:{tcp}" if tcp is not None else ""))
        if admin_token is None:
            click.echo(f"abisim: admin token {token}")

    path = sim.store.path
    sim.store.close()
    serve_workers(workers, db=path, host=host, port=port, tcp_port=tcp_port, admin_token=token, max_body=max_body,
                  lenient=lenient, as_of=as_of, log_level="info", on_ready=ready)
