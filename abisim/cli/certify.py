"""``abisim certify``: run a certification plan while a broker's software sends, and report
pass/fail per step (text, JUnit XML, HTML). Exit 0 when the plan passed, 1 when a step
failed, 2 on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click

from abisim.cli.common import EXIT_FINDING, EXIT_INPUT, EXIT_OK, as_of_option, dumps

RUN_FORMAT = "abisim-certification-run-1"


def _plan(source: str):
    from abisim.certify.plan import PlanError, load

    try:
        return load(source)
    except PlanError as exc:
        click.echo(f"{source}: {exc}", err=True)
        sys.exit(EXIT_INPUT)


def _write_outputs(result, junit_out, html_out, as_json: bool) -> None:
    from abisim.certify import report

    if junit_out:
        with open(junit_out, "w", encoding="utf-8") as f:
            f.write(report.junit(result))
    if html_out:
        with open(html_out, "w", encoding="utf-8") as f:
            f.write(report.html_page(result))
    click.echo(dumps(result.to_json()) if as_json else report.text(result))


def _outputs(f):
    f = click.option("--junit", "junit_out", type=click.Path(dir_okay=False), metavar="OUT.xml",
                     help="Also write JUnit XML (one testcase per step).")(f)
    f = click.option("--html", "html_out", type=click.Path(dir_okay=False), metavar="OUT.html",
                     help="Also write one self-contained HTML page.")(f)
    return click.option("--json", "as_json", is_flag=True, help="The result as one JSON document.")(f)


def register(main: click.Group) -> None:
    @main.group("certify")
    def certify():
        """Certification plans: scripted scenarios a broker's software must pass (docs/certification.md)."""

    @certify.command("plans")
    def plans():
        """The plans abisim ships (use the name as PLAN)."""
        from abisim.certify.plan import load, shipped

        for name, path in shipped().items():
            plan = load(path)
            click.echo(f"{name:<4} {len(plan.steps):>2} steps  {plan.title}")

    @certify.command("check")
    @click.argument("plan")
    def check(plan):
        """Read a plan and report the first problem in it (exit 2), or its steps."""
        p = _plan(plan)
        click.echo(f"{p.title}: {len(p.steps)} steps, filer {p.filer}, applications {', '.join(p.applications)}")
        for s in p.steps:
            extra = f" (forced reject {s.reject})" if s.reject else ""
            click.echo(f"  {s.id}: {s.title}{extra}")
            for m in s.expect:
                click.echo(f"      - {m.describe()}")

    @certify.command("run")
    @click.argument("plan")
    @click.option("--server", default=None, metavar="URL",
                  help="Certify against a running `abisim serve` (it is reset and loaded with the plan's data).")
    @click.option("--admin-token", envvar="ABISIM_ADMIN_TOKEN", default=None, help="The server's admin token.")
    @click.option("--port", type=int, default=0, help="In-process: the HTTP port (default: a free one).")
    @click.option("--tcp-port", type=int, default=0, help="In-process: the TCP port (default: a free one).")
    @click.option("--db", default=None, metavar="PATH",
                  help="In-process: the database file, emptied and loaded with the plan's data (default: temporary).")
    @click.option("--exec", "command", default=None, metavar="CMD",
                  help="Run the broker's software (a shell command) and judge when it exits; it gets "
                       "ABISIM_URL, ABISIM_TCP_PORT, ABISIM_TOKEN and ABISIM_FILER.")
    @click.option("--timeout", type=float, default=600, help="Seconds to wait for the broker (default 600).")
    @click.option("--out", "out", type=click.Path(dir_okay=False), default=None, metavar="RUN.json",
                  help="Save the run (plan and exchanges) for `abisim certify report`.")
    @as_of_option
    @_outputs
    def run(plan, server, admin_token, port, tcp_port, db, command, timeout, out, as_of, junit_out, html_out,
            as_json):
        """Play CBP's side of PLAN (a file, or a shipped plan: ki, tp, cb) while the broker's
        software sends over HTTP or TCP; then report each step."""
        import tempfile

        from abisim.certify.runner import Certification, run_remote, wait

        p = _plan(plan)
        proc = None
        if server:
            if not admin_token:
                raise click.UsageError("--server needs --admin-token (or $ABISIM_ADMIN_TOKEN)")
            started = []

            def start_broker():
                if command:
                    started.append(_start(command, server, None, None, p.filer))
            result = run_remote(p, server, admin_token, timeout=timeout, as_of=as_of, on_ready=start_broker,
                                done=lambda: bool(started) and started[0].poll() is not None, progress=_progress)
            proc = started[0] if started else None
            exchanges = [e for s in result.steps if s.exchange for e in [s.exchange]] + list(result.unexpected)
        else:
            tmp = None
            if db is None:
                tmp = tempfile.TemporaryDirectory(prefix="abisim-certify-")
                db = os.path.join(tmp.name, "certify.sqlite3")
            cert = Certification(p, db, as_of=as_of)
            srv = cert.serve(port=port, tcp_port=tcp_port)
            try:
                token = cert.store.filer(p.filer)["token"] if cert.store.filer(p.filer) else None
                click.echo(f"abisim plays CBP for plan {p.name} ({len(p.steps)} steps) as of {cert.as_of}: "
                           f"HTTP {srv.url}, TCP 127.0.0.1:{srv.tcp_port}, filer {p.filer}"
                           + (f" (token {token})" if token else ""), err=True)
                if command:
                    proc = _start(command, srv.url, srv.tcp_port, token, p.filer)
                try:
                    wait(lambda: cert.result(final=False), timeout=timeout, progress=_progress,
                         done=(lambda: proc.poll() is not None) if proc else (lambda: False))
                except KeyboardInterrupt:
                    pass
                result = cert.result()
                exchanges = cert.exchanges()
            finally:
                srv.stop()
                cert.close()
                if tmp is not None:
                    tmp.cleanup()
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
        if out:
            with open(out, "w", encoding="utf-8") as f:
                json.dump({"format": RUN_FORMAT, "plan": p.source, "exchanges": [e.to_json() for e in exchanges],
                           "result": result.to_json()}, f, indent=1)
        _write_outputs(result, junit_out, html_out, as_json)
        sys.exit(EXIT_OK if result.passed else EXIT_FINDING)

    @certify.command("report")
    @click.argument("source")
    @click.option("--db", default=None, metavar="PATH",
                  help="SOURCE is a plan: judge it against this database's journal.")
    @click.option("--after", type=int, default=0, metavar="ID", help="With --db: only journal entries after this id.")
    @_outputs
    def report_command(source, db, after, junit_out, html_out, as_json):
        """Pass/fail per step with the reason, from a saved run (RUN.json of `certify run --out`)
        or, with --db, from a plan and the journal of a database."""
        from abisim.certify import journal
        from abisim.certify.evaluate import evaluate

        if db:
            if not os.path.exists(db):
                raise click.BadParameter(f"no database at {db}", param_hint="--db")
            from abisim.store import Store

            p = _plan(source)
            store = Store(db)
            exchanges = journal.exchanges(store, after=after, filer=p.filer)
            store.close()
        else:
            try:
                with open(source, encoding="utf-8") as f:
                    doc = json.load(f)
            except (OSError, ValueError) as exc:
                click.echo(f"{source}: not a saved run ({exc})", err=True)
                sys.exit(EXIT_INPUT)
            if not isinstance(doc, dict) or doc.get("format") != RUN_FORMAT:
                click.echo(f"{source}: not a saved run (format {RUN_FORMAT})", err=True)
                sys.exit(EXIT_INPUT)
            p = _plan(doc["plan"])
            exchanges = [journal.Exchange(**e) for e in doc["exchanges"]]
        result = evaluate(p, exchanges)
        _write_outputs(result, junit_out, html_out, as_json)
        sys.exit(EXIT_OK if result.passed else EXIT_FINDING)


def _progress(step) -> None:
    """A step decided while the broker is still sending (on stderr)."""
    from abisim.certify.report import LABEL

    first = step.failures[0].located() if step.failures else ""
    click.echo(f"  {LABEL[step.status]}  {step.step.id}" + (f": {first}" if first else ""), err=True)


def _start(command: str, url: str, tcp_port, token, filer: str):
    env = dict(os.environ, ABISIM_URL=url, ABISIM_FILER=filer)
    if tcp_port:
        env["ABISIM_TCP_PORT"] = str(tcp_port)
    if token:
        env["ABISIM_TOKEN"] = token
    return subprocess.Popen(command, shell=True, env=env)
