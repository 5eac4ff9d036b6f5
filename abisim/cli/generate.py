"""``abisim generate``: data sets for load and negative tests, deterministic for a seed.

``importers N``: a fixture of N importers and their bonds (``abisim db load``), the 5106
of each as TP files, and the verdicts ``abisim diff`` must give. ``mutations FILE``:
near-valid variants of a transmission, each with what abisim's parser says about it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from abisim.cli.common import EXIT_INPUT, as_of_option, dumps, today


def _share(ctx, param, value):
    from abisim.generate.importers import share

    try:
        return share(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc))


def _mix_option(name: str, help: str):
    return click.option(f"--{name}", name.replace("-", "_"), default="0", callback=_share, metavar="PCT",
                        show_default=True, help=help)


def register(main: click.Group) -> None:
    @main.group("generate")
    def generate():
        """Generated data sets: importers (fixture, 5106 files, expected verdicts) and mutations."""

    @generate.command("importers")
    @click.argument("n", type=click.IntRange(1, 10_000_000))
    @click.option("--out", "out", default="generated", type=click.Path(file_okay=False), show_default=True,
                  help="Folder for fixture.json, 5106/*.abi and verdicts.jsonl.")
    @click.option("--seed", type=int, default=0, show_default=True)
    @_mix_option("inconsistent", "Importers whose 5106 differs from CBP's file (name, street or city).")
    @_mix_option("terminated", "Importers whose bond is terminated.")
    @_mix_option("insufficient", "Importers whose bond is insufficient.")
    @_mix_option("users", "Active bond users on another importer's bond (with that importer).")
    @_mix_option("terminated-users", "Bond users whose use was terminated (with the bond's principal).")
    @_mix_option("no-bond", "Importers on file with no bond.")
    @_mix_option("voided", "Voided importer numbers.")
    @_mix_option("ssn", "Importer numbers in the SSN form (the rest EIN, or CBP-assigned).")
    @_mix_option("cbp", "Importer numbers in the CBP-assigned form.")
    @_mix_option("foreign", "Foreign mailing addresses (Canada, Mexico, elsewhere).")
    @_mix_option("abbreviated", "5106 streets spelled out (STREET) where CBP abbreviates (ST): a D04 warning.")
    @click.option("--per-file", type=click.IntRange(1), default=100_000, show_default=True,
                  help="Importers per TP file (1: one file per importer).")
    @click.option("--db", default=None, metavar="PATH",
                  help="Also insert the importers and bonds straight into this database (fast; for millions).")
    @as_of_option
    def importers(n, out, seed, inconsistent, terminated, insufficient, users, terminated_users, no_bond, voided,
                  ssn, cbp, foreign, abbreviated, per_file, db, as_of):
        """N importers with a chosen mix, e.g. --inconsistent 10% --terminated 2% --foreign 5%.

        Writes OUT/fixture.json (load with `abisim db load`), OUT/5106/importers-NNNN.abi (the
        5106 of each, as TP transmissions from XJ5) and OUT/verdicts.jsonl (what `abisim diff
        OUT/5106/*.abi --db DB --as-of DATE` must say of each importer)."""
        from abisim.generate.importers import Mix
        from abisim.generate.output import to_store, write

        try:
            mix = Mix(inconsistent=inconsistent, terminated=terminated, insufficient=insufficient, user=users,
                      terminated_user=terminated_users, no_bond=no_bond, voided=voided, ssn=ssn, cbp=cbp,
                      foreign=foreign, abbreviated=abbreviated)
        except ValueError as exc:
            raise click.UsageError(str(exc))
        as_of = today(as_of)
        counts = write(out, n, seed=seed, mix=mix, as_of=as_of, per_file=per_file)
        if db:
            from abisim.store import Store

            store = Store(db)
            store.reset()
            to_store(store, n, seed=seed, mix=mix, as_of=as_of)
            store.close()
        shown = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in sorted(counts.items()))
        click.echo(f"{out}: {n:,} importers as of {as_of.isoformat()} ({shown})" + (f"; database {db}" if db else ""))

    @generate.command("mutations")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--count", type=click.IntRange(1, 1_000_000), default=100, show_default=True)
    @click.option("--seed", type=int, default=0, show_default=True)
    @click.option("--kinds", default=None, metavar="KIND[,KIND]",
                  help="Only these kinds (default: all, in turn).")
    @click.option("--out", "out", default=None, type=click.Path(file_okay=False),
                  help="Write each mutation as OUT/mutation-NNNNNN.abi and the oracle as OUT/oracle.jsonl "
                       "(default: JSON lines with the data inline, on stdout).")
    def mutations_command(file, count, seed, kinds, out):
        """Near-valid variants of FILE, each with the errors abisim's parser gives it (JSONL oracle)."""
        from abisim.generate.mutations import KINDS, mutations, oracle

        chosen = KINDS
        if kinds:
            chosen = tuple(k.strip() for k in kinds.split(","))
            unknown = [k for k in chosen if k not in KINDS]
            if unknown:
                raise click.BadParameter(f"unknown kinds {unknown}; kinds: {', '.join(KINDS)}", param_hint="--kinds")
        data = Path(file).read_bytes()
        sink = None
        if out:
            Path(out).mkdir(parents=True, exist_ok=True)
            sink = open(Path(out) / "oracle.jsonl", "w", encoding="utf-8")
        made = 0
        try:
            for m in mutations(data, count, seed=seed, kinds=chosen):
                entry = {"id": m.id, "kind": m.kind, "description": m.description, "source": file, "line": m.line,
                         "field": m.field, "columns": list(m.columns) if m.columns else None}
                if sink is not None:
                    name = f"mutation-{m.id:06d}.abi"
                    (Path(out) / name).write_bytes(m.data)
                    sink.write(json.dumps({**entry, "file": name, "errors": oracle(m.data)}) + "\n")
                else:
                    click.echo(dumps({**entry, "data": m.data.decode("latin-1"), "errors": oracle(m.data)}))
                made += 1
        finally:
            if sink is not None:
                sink.close()
        if made < count:
            click.echo(f"{file}: only {made} mutations possible", err=True)
            sys.exit(EXIT_INPUT)
        if out:
            click.echo(f"{out}: {made} mutations of {file} with their oracle (oracle.jsonl)")
