"""``abisim samples [DIR]``: write the sample transmissions out, for the README's examples."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    @main.command("samples")
    @click.argument("dest", default="samples", type=click.Path(file_okay=False))
    def samples(dest):
        """Write the sample transmissions shipped with abisim into DEST (default ./samples):
        importers/ (each magic importer's own 5106), answers/ (golden input and answer
        pairs), valid/ and invalid/ (parse examples with their expected errors)."""
        from abisim.sample import write_files

        written = write_files(dest)
        click.echo(f"{len(written)} sample files in {dest}/")
