"""``abisim query IMPORTER...``: build a KI bond query, submit it, print the answer readably."""

from __future__ import annotations

import sys

import click

from abisim.cli.common import EXIT_INPUT, as_of_option, db_option, dumps, open_simulator


def register(main: click.Group) -> None:
    @main.command("query")
    @click.argument("importers", nargs=-1, required=True)
    @click.option("--address", is_flag=True, help="Ask for the physical address too (K5/K6).")
    @click.option("--filer", default="XJ5", show_default=True, help="The querying filer (sample filers: XJ5, SV9, NP1).")
    @click.option("--password", default=None, help="The filer's password (default: looked up in the database).")
    @click.option("--raw", is_flag=True, help="Print the KR transmission instead of a readable answer.")
    @click.option("--json", "as_json", is_flag=True, help="The answer's records as JSON lines.")
    @db_option
    @as_of_option
    def query(importers, address, filer, password, raw, as_json, db, as_of):
        """Query the bonds on file for up to six importer numbers per KI (more are split)."""
        from abisim.build import k_records
        from abisim.cli.common import filer_transmission
        from abisim.cli.parse import record_json, record_text
        from abisim.transmission import parse

        sim = open_simulator(db, as_of)
        status = 0
        for k in k_records(importers, address, sim.layouts):
            data = filer_transmission(sim, filer, "KI", [k], password=password)
            answer = sim.submit(data, channel="cli")
            if raw:
                click.echo(answer.decode("latin-1"), nl=False)
                continue
            for record in parse(answer).records():
                if as_json:
                    click.echo(dumps(record_json(record, "answer")))
                elif record.record_id not in ("A", "B", "Y", "Z"):
                    click.echo(record_text(record))
            if b"\nX1RF999" in answer:
                status = EXIT_INPUT
        sys.exit(status)
