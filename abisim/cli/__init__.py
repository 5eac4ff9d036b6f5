"""The ``abisim`` command line: a thin shell over the library.

Exit codes: 0 success (warnings allowed), 1 a finding (``diff``: inconsistent data),
2 bad input or usage. Each command lives in its own module of this package.
"""

from __future__ import annotations

import importlib
import importlib.util

import click

from abisim import __version__

# Command modules, each defining ``register(main)``; absent ones are skipped.
COMMAND_MODULES = ("parse", "layouts", "db", "submit", "query", "diff", "pms", "bond_team",
                   "importer", "poa", "filers", "notifications", "mail", "serve", "certify", "generate")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="abisim")
def main() -> None:
    """abisim: CBP's Automated Broker Interface on your own machine.

    Parse and check CATAIR transmissions, answer them as CBP would from a simulated
    database, compare 5106 data with bond data, and activate Periodic Monthly Statements.
    """


for _name in COMMAND_MODULES:
    if importlib.util.find_spec(f"{__name__}.{_name}") is not None:
        importlib.import_module(f"{__name__}.{_name}").register(main)


def _with_version(command: click.Command) -> None:
    """--version on every command and group, not only on `abisim` itself."""
    if not any(p.name == "version" for p in command.params):
        click.version_option(__version__, "--version", prog_name="abisim")(command)
    for sub in getattr(command, "commands", {}).values():
        _with_version(sub)


_with_version(main)
