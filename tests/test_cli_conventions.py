"""The command line's conventions: environment variables for every option, quiet broken
pipes, --fail-on-refusal, loud import failures, real ports printed, the demo and samples."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

import abisim.cli as cli
from abisim.cli import main

ROOT = Path(__file__).resolve().parent.parent
AS_OF = ["--as-of", "2026-11-25"]


def test_every_option_has_an_environment_variable_and_diff_honours_abisim_db(tmp_path):
    db = str(tmp_path / "env.sqlite3")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "init", "--sample"], env={"ABISIM_DB": db}).exit_code == 0
    five106 = str(ROOT / "samples/importers/12-345678900.abi")
    result = runner.invoke(main, ["diff", five106, *AS_OF], env={"ABISIM_DB": db})
    assert result.exit_code == 0 and "CONSISTENT" in result.output
    # an option of a command, by its automatic name ABISIM_<COMMAND>_<OPTION>
    result = runner.invoke(main, ["diff", five106], env={"ABISIM_DB": db, "ABISIM_DIFF_AS_OF": "2026-11-25",
                                                         "ABISIM_DIFF_JSON": "1"})
    assert result.output.startswith('{"type":"importer"')
    runner.invoke(main, ["query", "12-345678900"], env={"ABISIM_DB": db})
    assert runner.invoke(main, ["journal"], env={"ABISIM_DB": db, "ABISIM_JOURNAL_JSON": "true"}).output[0] == "{"


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    big = tmp_path / "big.abi"
    big.write_bytes((ROOT / "samples/answers/ki-variety.out.abi").read_bytes() * 200)
    p = subprocess.run(f"'{sys.executable}' -m abisim.cli parse '{big}' --json | head -1", shell=True,
                       capture_output=True, text=True, executable="/bin/bash",
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert p.stderr == "" and p.stdout.startswith("{")
    status = subprocess.run(f"set -o pipefail; '{sys.executable}' -m abisim.cli parse '{big}' | head -1 >/dev/null",
                            shell=True, executable="/bin/bash", env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert status.returncode == 0


def test_submit_fail_on_refusal(tmp_path):
    db = str(tmp_path / "r.sqlite3")
    runner = CliRunner()
    runner.invoke(main, ["db", "init", "--sample", "--db", db, *AS_OF])
    refused = str(ROOT / "samples/answers/tp-voided.in.abi")  # R04: the importer number is voided
    assert runner.invoke(main, ["submit", refused, "--db", db, *AS_OF]).exit_code == 0  # the default
    result = runner.invoke(main, ["submit", refused, "--db", db, *AS_OF, "--fail-on-refusal"])
    assert result.exit_code == 1 and "refused: R04" in result.stderr
    accepted = str(ROOT / "samples/answers/ki-magic-1.in.abi")
    assert runner.invoke(main, ["submit", accepted, "--db", db, *AS_OF, "--fail-on-refusal"]).exit_code == 0


def test_a_command_module_that_fails_to_import_is_named(monkeypatch, capsys):
    group = click.Group("abisim")
    monkeypatch.setitem(cli.COMMAND_MODULES, "no-such-command", "no_such_command")
    assert cli.load_command(group, "journal") is group.commands["journal"]
    assert cli.load_command(group, "no-such-command") is None
    assert "the `no-such-command` commands are unavailable: ModuleNotFoundError" in capsys.readouterr().err
    assert list(group.commands) == ["journal"]


def test_every_command_module_imports():
    group = click.Group("abisim")
    for name in cli.COMMAND_MODULES:
        assert cli.load_command(group, name) is not None, name


def test_port_zero_prints_the_ports_listened_on(tmp_path):
    subprocess.run([sys.executable, "-m", "abisim.cli", "db", "init", "--db", str(tmp_path / "s.sqlite3")],
                   check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})  # serve creates none
    proc = subprocess.Popen([sys.executable, "-m", "abisim.cli", "serve", "--db", str(tmp_path / "s.sqlite3"),
                             "--port", "0", "--tcp-port", "0", "--log-level", "warning", "--admin-token", "t"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        lines = [proc.stdout.readline() for _ in range(2)]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    listening = lines[1]
    assert listening.startswith("abisim: HTTP on http://127.0.0.1:") and ", TCP on 127.0.0.1:" in listening
    http_port, tcp_port = int(listening.split(":")[3].split(",")[0]), int(listening.rsplit(":", 1)[1])
    assert http_port > 0 and tcp_port > 0 and http_port != tcp_port


def test_demo_is_a_command_told_in_parts(tmp_path):
    from abisim import demo

    result = CliRunner().invoke(main, ["demo", "--db", str(tmp_path / "d.sqlite3"), *AS_OF])
    assert result.exit_code == 0, result.output
    assert "== 11. Entries that stay off the statement" in result.output
    assert "== 12. The same process by e-mail" in result.output  # the e-mail part (abisim.demo_mail)
    assert "Every exchange is in the journal: 9 exchanges" in result.output  # 7 transmissions, 2 e-mails
    told = []
    extra = [lambda d: told.append(d.found["counts"]["importers"]) or d.say("One more step", "an extension")]
    d = demo.run(tmp_path / "e.sqlite3", None, ["pms"], told.append)
    assert d.step_number == 12
    original = dict(demo.PARTS)
    demo.PARTS["extra"] = extra
    try:
        out: list[str] = []
        demo.run(tmp_path / "f.sqlite3", None, ["extra"], out.append)
        assert any("== 1. One more step" in line for line in out)
    finally:
        demo.PARTS.clear()
        demo.PARTS.update(original)


def test_samples_writes_the_shipped_files(tmp_path):
    result = CliRunner().invoke(main, ["samples", str(tmp_path / "s")])
    written = sorted(p.relative_to(tmp_path / "s") for p in (tmp_path / "s").rglob("*") if p.is_file())
    assert written == sorted(p.relative_to(ROOT / "samples") for p in (ROOT / "samples").rglob("*") if p.is_file())
    assert result.output == f"{len(written)} sample files in {tmp_path / 's'}/\n"
