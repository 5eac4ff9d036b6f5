"""The ``abisim`` command line: a thin shell over the library.

Exit codes: 0 success (warnings allowed), 1 a finding (``diff``: inconsistent data),
2 bad input or usage. Each command lives in its own module of this package. Every
option can come from an environment variable, ``ABISIM_<COMMAND>_<OPTION>`` (click's
``auto_envvar_prefix``), besides the shared ``ABISIM_DB`` and ``ABISIM_ADMIN_TOKEN``. A
reader that goes away (``abisim parse FILE | head``) ends the command quietly, exit 0.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from abisim import __version__
from abisim.cli.common import Group

# Command name -> the module defining it with ``register(main)``. A module is imported only
# when its command runs or help lists it (start-up time); one that fails to import is named
# on stderr, never skipped in silence.
COMMAND_MODULES = {"parse": "parse", "layouts": "layouts", "db": "db", "submit": "submit", "query": "query",
                   "diff": "diff", "pms": "pms", "bond-team": "bond_team", "importer": "importer", "poa": "poa",
                   "filers": "filers", "notifications": "notifications", "mail": "mail", "serve": "serve",
                   "journal": "journal", "samples": "samples", "demo": "demo",
                   "certify": "certify", "generate": "generate"}


def load_command(group: click.Group, name: str) -> click.Command | None:
    """Register the module of command ``name`` on ``group`` (once) and return the command."""
    module = COMMAND_MODULES.get(name)
    if name not in group.commands and module is not None:
        try:
            importlib.import_module(f"{__name__}.{module}").register(group)
        except Exception as exc:  # noqa: BLE001 - reported, never skipped silently
            click.echo(f"abisim: the `{name}` commands are unavailable: {type(exc).__name__}: {exc}", err=True)
            return None
        if name in group.commands:
            _with_version(group.commands[name])
            _with_envvars(group.commands[name], f"ABISIM_{name.replace('-', '_').upper()}")
    return group.commands.get(name)


class _Main(Group):
    def list_commands(self, ctx):
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx, name):
        return load_command(self, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # Nothing more can reach the reader; keep the interpreter's last flush quiet too.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100,
                                          "auto_envvar_prefix": "ABISIM"})
@click.version_option(__version__, "--version", prog_name="abisim")
def main() -> None:
    """abisim: CBP's Automated Broker Interface on your own machine.

    Parse and check CATAIR transmissions, answer them as CBP would from a simulated
    database, compare 5106 data with bond data, and activate Periodic Monthly Statements.
    """


def _with_version(command: click.Command) -> None:
    """--version on every command and group, not only on `abisim` itself."""
    if not any(p.name == "version" for p in command.params):
        click.version_option(__version__, "--version", prog_name="abisim")(command)
    for sub in getattr(command, "commands", {}).values():
        _with_version(sub)


_with_version(main)


def _with_envvars(command: click.Command, prefix: str = "ABISIM") -> None:
    """Every option's environment variable named after the option as typed
    (``--json`` of ``diff``: ABISIM_DIFF_JSON), and shown in ``--help``. Options that name
    their own (``--db``: ABISIM_DB) keep it."""
    for p in command.params:
        if isinstance(p, click.Option) and p.envvar is None and p.name not in ("help", "version"):
            longest = max(p.opts, key=len).lstrip("-").replace("-", "_").upper()
            p.envvar = f"{prefix}_{longest}"
        if isinstance(p, click.Option) and p.envvar:
            p.show_envvar = True
    for name, sub in getattr(command, "commands", {}).items():
        _with_envvars(sub, f"{prefix}_{name.replace('-', '_').upper()}")


_with_envvars(main)
