"""Installed as a user installs it: the wheel, in a fresh venv outside the repository, runs
`abisim demo`, the README's command-line examples and its pytest harness verbatim in an
empty directory. And the Docker image, where a Docker daemon works."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
SKIP_IN_COPY = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "out", "demo",
                                      "__pycache__", ".pytest_cache", ".hypothesis", "*.sqlite3*")


def run(cmd, cwd, ok=(0,), timeout=600, env=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, shell=isinstance(cmd, str),
                       env=env, executable="/bin/bash" if isinstance(cmd, str) else None)
    assert p.returncode in ok, f"{cmd}\nexit {p.returncode}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
    assert "Traceback" not in p.stderr, f"{cmd}\n{p.stderr}"
    return p


def readme_block(after: str, lang: str = "sh") -> str:
    """The first fenced block of ``lang`` after the text ``after``."""
    start = README.index(after)
    m = re.compile(rf"```{lang}\n(.*?)```", re.S).search(README, start)
    return m[1]


def cli_examples() -> list[str]:
    """The README's command-line examples: each `.venv/bin/abisim` line of its blocks."""
    block = readme_block("## Command line")
    return [line for line in block.splitlines() if line.startswith(".venv/bin/abisim")]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the working tree (the repository stays untouched)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, symlinks=True, ignore=SKIP_IN_COPY)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp / "dist"), str(src)], tmp)
    [whl] = (tmp / "dist").glob("abisim-*.whl")
    return whl


def test_the_wheel_holds_the_samples_templates_and_typing_marker(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    samples = {n for n in names if n.startswith("abisim/samples/")}
    in_repo = {f"abisim/samples/{p.relative_to(ROOT / 'samples').as_posix()}"
               for p in (ROOT / "samples").rglob("*") if p.is_file()}
    assert samples == in_repo
    assert {"abisim/py.typed", "abisim/reports/templates/report.html.j2",
            "abisim/reports/templates/details.html.j2", "abisim/grammars/ki.lark",
            "abisim/grammars/lalr-table.json"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") or n.endswith(".dist-info/LICENSE") for n in names)


@pytest.mark.wheel
def test_installed_from_the_wheel_the_readme_works_verbatim_in_an_empty_directory(wheel, tmp_path):
    work = tmp_path / "project"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ABISIM_", "PYTHON", "VIRTUAL_ENV"))}
    base = getattr(sys, "_base_executable", sys.executable)
    # A venv without its own pip (ensurepip costs seconds), installed into by this pip: a real install,
    # dependencies from pip's cache or PyPI.
    run([base, "-m", "venv", "--without-pip", ".venv"], work, env=env)
    run([sys.executable, "-m", "pip", "--python", ".venv/bin/python", "install", "--quiet",
         "--disable-pip-version-check", f"{wheel}[harness]"], work, env=env)
    assert sorted(p.name for p in work.iterdir()) == [".venv"]  # an empty project, but for its venv

    demo = run([".venv/bin/abisim", "demo", "--as-of", "2026-11-25"], work, env=env).stdout
    assert "PMS SWITCH SET FOR 12-3456789A1" in demo and "Every exchange is in the journal" in demo
    assert run([".venv/bin/python", "-m", "abisim.demo", "--db", "d2.sqlite3"], work, env=env).returncode == 0

    for line in cli_examples():  # exit 1 is a finding (diff, pms eligible), by design
        run(line, work, ok=(0, 1), env=env)
    assert (work / "samples/importers/12-3456789A1.abi").exists() and (work / "diff.html").exists()
    journal = run([".venv/bin/abisim", "journal", "--json"], work, env=env).stdout
    assert '"channel":"cli"' in journal and "PASS01" not in journal

    if shutil.which("curl"):
        any_language_harness(work, env)

    (work / "test_broker.py").write_text(readme_block("### Python, in-process or live", "python"))
    shutil.rmtree(work / "samples")  # the harness needs no files of its own
    result = run([".venv/bin/python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_broker.py"], work,
                 env=env)
    assert re.search(r"\b4 passed\b", result.stdout), result.stdout


def any_language_harness(work: Path, env: dict) -> None:
    """The README's server and curl blocks, on free ports instead of 8040 and 8041 (the only
    change): the faulted TCP exchange is in the journal the example prints."""
    from abisim.server import free_port

    http, tcp = free_port(), free_port()
    ports = lambda text: text.replace("8040", str(http)).replace("8041", str(tcp))  # noqa: E731
    start = readme_block("### Any language, over loopback").splitlines()
    run(start[0], work, env=env)
    server = subprocess.Popen(ports(start[1]) + " --log-level warning", cwd=work, shell=True, env=env,
                              executable="/bin/bash", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        while "HTTP on" not in (line := server.stdout.readline()):
            assert line, f"the server did not start: {server.stderr.read()}"
        out = run(ports(readme_block("--tcp-port 8041\n```")), work, env=env).stdout
    finally:
        os.killpg(server.pid, 2)
        server.wait(timeout=30)
    decode = json.JSONDecoder().raw_decode  # curl prints each answer without a newline
    journal, end = decode(out, out.rindex('{"journal":'))
    journal = journal["journal"]
    assert [(r["channel"], r["application_id"], r["status"], r["fault"]) for r in journal] == [
        ("http", "KI", "accepted", None), ("http", "KI", "accepted", None), ("http", "XP", "accepted", None),
        ("tcp", "KI", "rejected", "reject X13")]
    assert all("PASS01" not in r["request"] for r in journal) and decode(out, end)[0] == {"deleted": 4}


def _docker_works() -> str | None:
    if shutil.which("docker") is None:
        return "docker is not installed"
    p = subprocess.run(["docker", "info"], capture_output=True, text=True)
    return None if p.returncode == 0 else "no Docker daemon: " + (p.stderr.strip().splitlines() or ["?"])[-1]


@pytest.mark.docker
@pytest.mark.skipif(_docker_works() is not None, reason=str(_docker_works()))
def test_the_docker_image_serves(tmp_path):
    tag = "abisim-test:latest"
    build = subprocess.run(["docker", "build", "-q", "-t", tag, str(ROOT)], capture_output=True, text=True,
                           timeout=900)
    if build.returncode != 0 and ("pull" in build.stderr or "resolve" in build.stderr):
        pytest.skip(f"the base image cannot be pulled here: {build.stderr.strip()[-200:]}")
    assert build.returncode == 0, build.stderr
    container = subprocess.run(["docker", "run", "-d", "--rm", "-e", "ABISIM_ADMIN_TOKEN=secret",
                                "-p", "127.0.0.1::8040", tag], capture_output=True, text=True, check=True).stdout.strip()
    try:
        address = subprocess.run(["docker", "port", container, "8040"], capture_output=True, text=True,
                                 check=True).stdout.split()[0]
        import httpx

        deadline = time.monotonic() + 60
        while True:  # the server starts in its own time: ask until it answers
            try:
                health = httpx.get(f"http://{address}/healthz", timeout=2).json()
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the container's server never answered"
        assert health["status"] == "ok"
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True)
