"""``abisim submit FILE``: send a transmission to the simulated CBP and print its answer."""

from __future__ import annotations

import sys

import click

from abisim.cli.common import (EXIT_FINDING, EXIT_INPUT, EXIT_OK, as_of_option, db_option, dumps, open_simulator,
                               stdin_bytes)


def register(main: click.Group) -> None:
    @main.command("submit")
    @click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
    @db_option
    @as_of_option
    @click.option("--json", "as_json", is_flag=True, help="The answer's records as JSON lines (docs/json.md).")
    @click.option("--layouts", "layouts", default=None, metavar="NAME[,NAME]",
                  help="Read and answer under these layout versions (e.g. ki-2010).")
    @click.option("--lenient", is_flag=True, help="Pad a short last record (a warning) instead of X42.")
    @click.option("--fail-on-refusal", is_flag=True,
                  help="Exit 1 when the batch was accepted but an application refused a record.")
    def submit(file, db, as_of, as_json, layouts, lenient, fail_on_refusal):
        """Answer a transmission as CBP would and print the answer transmission.

        Exit 0 when the batch was accepted, even when its applications refused some of
        their records (a refused 5106, eBond or activation) - unless --fail-on-refusal,
        then 1; exit 2 when CBP rejected the whole batch or the file cannot be read.
        """
        from abisim.cli.parse import record_json
        from abisim.transmission import parse

        try:
            data = stdin_bytes().read() if file == "-" else open(file, "rb").read()
        except OSError as exc:
            click.echo(f"{file}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_INPUT)
        sim = open_simulator(db, as_of)
        sim.lenient = lenient
        if layouts:
            from abisim.layouts import layout_set

            try:
                sim.layouts = layout_set(layouts)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--layouts")
        answer = sim.submit(data, channel="cli")
        if as_json:
            for record in parse(answer, layouts=sim.layouts).records():
                click.echo(dumps(record_json(record, "answer")))
        else:
            click.echo(answer.decode("latin-1"), nl=False)
        rejected = b"\nX1RF999" in answer
        if rejected:
            sys.exit(EXIT_INPUT)
        if fail_on_refusal:
            from abisim.testing import Answer

            refusals = Answer(answer).refusals
            if refusals:
                click.echo(f"{file}: refused: {' '.join(refusals)}", err=True)
                sys.exit(EXIT_FINDING)
        sys.exit(EXIT_OK)
