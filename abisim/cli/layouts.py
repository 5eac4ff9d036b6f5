"""``abisim layouts [RECORD]``: a record's layout drawn on an 80-column ruler."""

from __future__ import annotations

import click

from abisim.layouts import all_layouts, layout_set, versions


def ruler(layout) -> str:
    tens = "".join(str((c // 10) % 10) if c % 10 == 0 else " " for c in range(1, 81))
    ones = "".join(str(c % 10) for c in range(1, 81))
    marks = []
    for f in layout.fields:
        if f.length == 1:
            marks.append("|")
        else:
            marks.append("[" + ("." if f.value_kind == "filler" else "-") * (f.length - 2) + "]")
    lines = [f"{layout.record_id}  {layout.title}  ({layout.version})", tens, ones, "".join(marks), ""]
    for f in layout.fields:
        cols = f"{f.start}-{f.end}" if f.length > 1 else f"{f.start}"
        lines.append(f"  {cols:>7}  {f.length:>3} {f.cls:<4} {f.designation or '-':<2} "
                     f"{'R' if f.right_justified else 'L'}  {f.name}"
                     + (f"  [{f.codes}]" if f.codes else "") + (f"  = {f.const!r}" if f.const else ""))
    return "\n".join(lines)


def register(main: click.Group) -> None:
    @main.command("layouts")
    @click.argument("record", required=False)
    @click.option("--layouts", "chosen", default=None, metavar="NAME[,NAME]", help="Layout versions.")
    @click.option("--versions", "list_versions", is_flag=True, help="List the layout versions.")
    def layouts_command(record, chosen, list_versions):
        """Show a record's layout as an 80-column ruler, or list all records."""
        if list_versions:
            default = set(layout_set().versions)
            for v in versions():
                click.echo(f"{v}{'  (default)' if v in default else ''}")
            return
        try:
            ls = layout_set(chosen)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--layouts")
        if record is None:
            for rid, layout in sorted(ls.layouts.items()):
                click.echo(f"{rid:<3} {layout.version:<12} {layout.title}")
            return
        layout = ls.get(record.upper())
        if layout is None:
            others = [l for l in all_layouts() if l.record_id == record.upper()]
            if not others:
                raise click.BadParameter(f"no record {record!r}", param_hint="RECORD")
            layout = others[0]
        click.echo(ruler(layout))
